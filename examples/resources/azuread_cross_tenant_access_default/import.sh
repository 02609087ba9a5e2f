# The import ID is `default`...
terraform import azuread_cross_tenant_access_default.this default

# ...or the default configuration's Microsoft Graph path.
terraform import azuread_cross_tenant_access_default.this /policies/crossTenantAccessPolicy/default
