terraform {
  required_providers {
    # Without this, Terraform assumes hashicorp/azuread, which has no
    # azuread_cross_tenant_partner resource.
    azuread = {
      source = "entra-xtap/azuread"
    }
  }
}

# Contoso is a long-term partner. Its project team works in our tenant as guests,
# our consultants work in Contoso's tenant, and both sides use Teams shared channels.
resource "azuread_cross_tenant_partner" "contoso" {
  tenant_id = "90e29127-71ad-49c7-9ce8-db3f41ea06f1"

  # Accept Contoso's MFA and compliant-device claims in our Conditional Access
  # policies, so their users are not asked for MFA a second time. The hybrid-join
  # flag is left out, which means false.
  inbound_trust = {
    is_mfa_accepted              = true
    is_compliant_device_accepted = true
  }

  # No consent prompt when users redeem invitations in either direction.
  # Contoso must allow the opposite direction for the prompt to disappear.
  automatic_user_consent_settings = {
    inbound_allowed  = true
    outbound_allowed = true
  }

  # Guests: only Contoso's "Project Falcon" group (an object ID in Contoso's
  # tenant), and only to two of our applications (their application IDs).
  b2b_collaboration_inbound = {
    users_and_groups = {
      access_type = "allowed"
      targets = [
        { target = "5b3f9a62-0d4e-4c1b-9f2a-7e6d8c1b2a30", target_type = "group" },
      ]
    }
    applications = {
      access_type = "allowed"
      targets = [
        { target = "Office365", target_type = "application" },
        { target = "c2a1f7e4-3b5d-4e8f-a9c0-1d2e3f4a5b6c", target_type = "application" },
      ]
    }
  }

  # Our consultants group may be invited into Contoso, for every Contoso app.
  b2b_collaboration_outbound = {
    users_and_groups = {
      access_type = "allowed"
      targets = [
        { target = "0f8e7d6c-5b4a-4392-8a1b-2c3d4e5f6a7b", target_type = "group" },
      ]
    }
    applications = {
      access_type = "allowed"
      targets = [
        { target = "AllApplications", target_type = "application" },
      ]
    }
  }

  # Teams shared channels in both directions. Contoso configures the mirror image
  # in its own tenant; direct connect only works when both sides allow it.
  b2b_direct_connect_inbound = {
    users_and_groups = {
      access_type = "allowed"
      targets = [
        { target = "AllUsers", target_type = "user" },
      ]
    }
    applications = {
      access_type = "allowed"
      targets = [
        { target = "Office365", target_type = "application" },
      ]
    }
  }

  b2b_direct_connect_outbound = {
    users_and_groups = {
      access_type = "allowed"
      targets = [
        { target = "AllUsers", target_type = "user" },
      ]
    }
    applications = {
      access_type = "allowed"
      targets = [
        { target = "Office365", target_type = "application" },
      ]
    }
  }

  # The remaining sections (tenant_restrictions, app_service_connect_inbound,
  # m365_collaboration_inbound, m365_collaboration_outbound) are left out, so
  # they inherit the tenant's default cross-tenant access settings.

  timeouts = {
    create = "15m"
    delete = "15m"
  }
}
