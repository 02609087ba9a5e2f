# Every partner configuration, with the full resource object so that
# `terraform query -generate-config-out=partners.tf` can write configuration.
list "azuread_cross_tenant_partner" "all" {
  provider         = azuread
  include_resource = true
  limit            = 1000
}

# Only these tenants' partners; a tenant without one is reported as a warning.
list "azuread_cross_tenant_partner" "suppliers" {
  provider = azuread

  config {
    tenant_ids = [
      "90e29127-71ad-49c7-9ce8-db3f41ea06f1",
      "0b5d3c3e-8f4a-4d3c-9a55-3f1a2c9e7b10",
    ]
  }
}
