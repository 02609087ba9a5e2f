# The import ID is the partner's tenant ID...
terraform import azuread_cross_tenant_partner_identity_sync.fabrikam 3d0f5dec-5d3d-455c-8016-e2af1ae4d31a

# ...or the policy's Microsoft Graph path.
terraform import azuread_cross_tenant_partner_identity_sync.fabrikam /policies/crossTenantAccessPolicy/partners/3d0f5dec-5d3d-455c-8016-e2af1ae4d31a/identitySynchronization
