terraform {
  required_providers {
    azuread = {
      source = "entra-xtap/azuread"
    }
  }
}

# Terraform 1.12 and later: import by resource identity, the partner's tenant ID
# (any letter case).
import {
  to = azuread_cross_tenant_partner_identity_sync.contoso
  identity = {
    tenant_id = "90e29127-71ad-49c7-9ce8-db3f41ea06f1"
  }
}
