# The tenant's default cross-tenant access settings, which every partner without
# settings of its own inherits.
data "azuread_cross_tenant_access_default" "current" {}

output "default_is_untouched" {
  value = data.azuread_cross_tenant_access_default.current.is_service_default
}

output "default_inbound_b2b" {
  value = data.azuread_cross_tenant_access_default.current.b2b_collaboration_inbound
}
