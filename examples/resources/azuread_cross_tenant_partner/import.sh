# The import ID is the partner's tenant ID...
terraform import azuread_cross_tenant_partner.contoso 90e29127-71ad-49c7-9ce8-db3f41ea06f1

# ...or the partner's Microsoft Graph path.
terraform import azuread_cross_tenant_partner.contoso /policies/crossTenantAccessPolicy/partners/90e29127-71ad-49c7-9ce8-db3f41ea06f1
