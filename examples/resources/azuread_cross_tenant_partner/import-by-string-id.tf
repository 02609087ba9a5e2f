terraform {
  required_providers {
    # Without this, Terraform assumes hashicorp/azuread, which has no
    # azuread_cross_tenant_partner resource.
    azuread = {
      source = "entra-xtap/azuread"
    }
  }
}

# Terraform 1.5 and later (and OpenTofu): import during plan and apply.
# Run `terraform plan -generate-config-out=generated.tf` to have Terraform write
# the resource block for you.
import {
  to = azuread_cross_tenant_partner.contoso
  id = "90e29127-71ad-49c7-9ce8-db3f41ea06f1"
}
