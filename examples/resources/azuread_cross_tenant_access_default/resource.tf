# The tenant's default cross-tenant access settings, which every partner without settings of
# its own inherits. Only the sections written here are managed; the others keep what Microsoft
# Entra holds.
resource "azuread_cross_tenant_access_default" "this" {
  # Trust MFA performed in other Microsoft Entra tenants.
  inbound_trust = {
    is_mfa_accepted = true
  }

  # Guests from other tenants: only members of one group, and only to Office 365.
  b2b_collaboration_inbound = {
    users_and_groups = {
      access_type = "allowed"
      targets     = [{ target = "3f2c5f1a-9c4e-4b7a-8d2e-1a2b3c4d5e6f", target_type = "group" }]
    }
    applications = {
      access_type = "allowed"
      targets     = [{ target = "Office365", target_type = "application" }]
    }
  }

  invitation_redemption_identity_provider_configuration = {
    primary_identity_provider_precedence_order = ["azureActiveDirectory", "externalFederation", "socialIdentityProviders"]
    fallback_identity_provider                 = "emailOneTimePasscode"
  }

  # Destroying this resource leaves the settings as they are, unless this is true.
  reset_on_destroy = false
}
