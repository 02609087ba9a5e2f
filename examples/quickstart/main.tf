# The quickstart: the tenant's default cross-tenant access settings and one partner
# organisation that overrides them, run against the local Graph emulator by
# scripts/quickstart.sh (which sets the ARM_* variables and SSL_CERT_FILE).

terraform {
  required_providers {
    azuread = { source = "entra-xtap/azuread" }
  }
}

provider "azuread" {}

# The default for every external organisation: no inbound guests (B2B collaboration).
# Sections left out here stay as Microsoft Entra holds them.
resource "azuread_cross_tenant_access_default" "this" {
  b2b_collaboration_inbound = {
    users_and_groups = {
      access_type = "blocked"
      targets     = [{ target = "AllUsers", target_type = "user" }]
    }
    applications = {
      access_type = "blocked"
      targets     = [{ target = "AllApplications", target_type = "application" }]
    }
  }
}

# Contoso overrides the default: its users may be invited as guests, and its MFA is trusted.
# Every section left out here inherits the default above.
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

output "default_is_service_default" {
  value = azuread_cross_tenant_access_default.this.is_service_default
}
