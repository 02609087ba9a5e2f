# Reads the cross-tenant access settings Microsoft Entra holds for Contoso,
# whoever manages them.
data "azuread_cross_tenant_partner" "contoso" {
  tenant_id = "90e29127-71ad-49c7-9ce8-db3f41ea06f1"
}

output "contoso_accepts_our_mfa" {
  value = data.azuread_cross_tenant_partner.contoso.inbound_trust
}
