# Fabrikam synchronizes its users into our tenant (cross-tenant synchronization).
# The policy belongs to the partner configuration, so it references the partner:
# Terraform then creates the partner first and deletes it last, as Graph requires.
resource "azuread_cross_tenant_partner" "fabrikam" {
  tenant_id = "3d0f5dec-5d3d-455c-8016-e2af1ae4d31a"

  # Synchronized users arrive as members without an invitation to redeem.
  automatic_user_consent_settings = {
    inbound_allowed = true
  }
}

resource "azuread_cross_tenant_partner_identity_sync" "fabrikam" {
  tenant_id    = azuread_cross_tenant_partner.fabrikam.tenant_id
  display_name = "Fabrikam"

  user_sync_inbound = {
    is_sync_allowed = true
  }
}
