//! The `azuread_cross_tenant_access_default` schema: the shared sections
//! (`cross_tenant_sections::DEFAULT_SECTIONS`), each optional and computed (left out, it shows
//! what Graph holds and is not managed), the read-only values, `reset_on_destroy` and the
//! timeouts.

use crate::plugin::plan_modifiers::use_state_for_unknown;
use crate::plugin::schema::{Attribute, Block, NestingMode, Schema};
use crate::plugin::timeouts::{Timeouts, CRUD};
use crate::plugin::value::{Type, Value};
use crate::resources::cross_tenant_sections::schema::section_attribute;
use crate::resources::cross_tenant_sections::{Section, DEFAULT_SECTIONS};

pub const TIMEOUTS: Timeouts = CRUD;

/// What leaving a section out means here.
const UNMANAGED: &str =
    "Leave it out to leave it unmanaged: Terraform then shows what Graph holds and never sends it.";

/// A section's description on the default configuration (the partner's speak of one partner).
fn description(section: &Section) -> String {
    let what = match section.tf {
        "inbound_trust" => "Whether your Conditional Access policies accept MFA and device claims from other Microsoft Entra tenants.",
        "b2b_collaboration_inbound" => "Which users and groups of other tenants may be invited as guests (B2B collaboration), and which of your applications they may reach.",
        "b2b_collaboration_outbound" => "Which of your users and groups may be invited into other tenants, and which of their applications they may reach.",
        "b2b_direct_connect_inbound" => "Inbound B2B direct connect (for example Teams shared channels): which users and groups of other tenants may reach which of your applications.",
        "b2b_direct_connect_outbound" => "Outbound B2B direct connect: which of your users and groups may reach which applications of other tenants.",
        "tenant_restrictions" => "Tenant restrictions v2: which identities issued by other tenants your users may sign in with on your network or devices, and to which applications. Graph's `devices` filter is not modelled; a value Graph holds is carried over when this section is updated.",
        "app_service_connect_inbound" => "Which applications may connect inbound across the tenant boundary.",
        "m365_collaboration_inbound" => "Which users of other tenants may collaborate with you in Microsoft 365 apps.",
        "m365_collaboration_outbound" => "Which of your users and groups may collaborate with other tenants in Microsoft 365 apps.",
        _ => section.description,
    };
    format!("{what} Partners without a setting of their own inherit it. {UNMANAGED}")
}

pub fn schema() -> Schema {
    let computed = |name: &str, ty: Type, description: &str| {
        Attribute::primitive(name, ty, description)
            .computed()
            .plan_modifier(use_state_for_unknown())
    };
    let mut attributes = vec![computed(
        "id",
        Type::String,
        "Always `default`: there is one default configuration per tenant.",
    )];
    attributes.extend(
        DEFAULT_SECTIONS
            .iter()
            .map(|section| section_attribute(section, &description(section)).computed()),
    );
    let consent = vec![
        Attribute::primitive(
            "inbound_allowed",
            Type::Bool,
            "Always `false` on the default configuration.",
        )
        .computed(),
        Attribute::primitive(
            "outbound_allowed",
            Type::Bool,
            "Always `false` on the default configuration.",
        )
        .computed(),
    ];
    attributes.push(
        Attribute::nested(
            "automatic_user_consent_settings",
            NestingMode::Single,
            consent,
            "Automatic redemption (consent prompt suppression). Read-only: Microsoft keeps it `false` on the default configuration; set it per partner instead.",
        )
        .computed()
        .plan_modifier(use_state_for_unknown()),
    );
    attributes.push(
        Attribute::primitive(
            "is_service_default",
            Type::Bool,
            "Whether the configuration is the service default, unchanged since it was last reset. Read-only: it becomes `false` when a section is written.",
        )
        .computed(),
    );
    attributes.push(
        Attribute::primitive(
            "reset_on_destroy",
            Type::Bool,
            "Whether destroying this resource resets the tenant's default configuration to the service default (`POST .../default/resetToSystemDefault`). Defaults to `false`: destroy only removes it from the state, because the service default allows all inbound B2B collaboration.",
        )
        .optional()
        .computed()
        .default_value(Value::Bool(false)),
    );
    attributes.push(TIMEOUTS.attribute());
    Schema::new(0, Block::new(
            "Manages the tenant's default cross-tenant access settings (`/policies/crossTenantAccessPolicy/default` in Microsoft Graph), which every partner without settings of its own inherits. The configuration always exists: creating the resource adopts it and writes the configured sections; a section left out is not managed.",
            attributes,
        ))
}
