# The quickstart: one partner organisation, run against the local Graph emulator by
# scripts/quickstart.sh (which sets the ARM_* variables and SSL_CERT_FILE).

terraform {
  required_providers {
    azuread = { source = "entra-xtap/azuread" }
  }
}

provider "azuread" {}

resource "azuread_cross_tenant_partner" "contoso" {
  tenant_id = "90e29127-71ad-49c7-9ce8-db3f41ea06f1"

  inbound_trust = {
    is_mfa_accepted                           = true
    is_compliant_device_accepted              = true
    is_hybrid_azure_ad_joined_device_accepted = true
  }

  b2b_collaboration_inbound = {
    users_and_groups = {
      access_type = "allowed"
      targets     = [{ target = "AllUsers", target_type = "user" }]
    }
    applications = {
      access_type = "allowed"
      targets     = [{ target = "AllApplications", target_type = "application" }]
    }
  }
}

output "partner_id" {
  value = azuread_cross_tenant_partner.contoso.id
}
