# Every partner organisation with its own cross-tenant access settings.
data "azuread_cross_tenant_partners" "all" {}

output "partner_tenant_ids" {
  value = data.azuread_cross_tenant_partners.all.tenant_ids
}

# The partners whose inbound B2B collaboration settings override the default.
output "partners_with_inbound_b2b" {
  value = [
    for p in data.azuread_cross_tenant_partners.all.partners : p.tenant_id
    if p.b2b_collaboration_inbound != null
  ]
}
