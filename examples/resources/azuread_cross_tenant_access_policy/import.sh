# The import ID is the policy's Microsoft Graph path.
terraform import azuread_cross_tenant_access_policy.this /policies/crossTenantAccessPolicy
