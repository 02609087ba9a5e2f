//! The `azuread_cross_tenant_partner` schema, built from the shared SECTIONS table and section
//! attributes (`cross_tenant_sections`), with the plan behaviour declared on each attribute.

use crate::plugin::identity::IdentitySchema;
use crate::plugin::plan_modifiers::{
    differs_ignoring_case, requires_replace_if, use_state_for_unknown,
};
use crate::plugin::schema::{Attribute, Block, Schema};
use crate::plugin::timeouts::{Timeouts, CRUD};
use crate::plugin::validators::guid;
use crate::plugin::value::Type;
use crate::resources::cross_tenant_sections::schema::section_attribute;
pub use crate::resources::cross_tenant_sections::{
    section, AccessRule, Member, Section, Shape, SECTIONS,
};

pub const TIMEOUTS: Timeouts = CRUD;
pub const TIMEOUT_OPERATIONS: &[(&str, &str)] = TIMEOUTS.0;

/// The resource identity: the partner's tenant ID, which is also its import ID.
pub fn identity() -> IdentitySchema {
    IdentitySchema::single_guid(
        "tenant_id",
        "The partner organisation's Microsoft Entra tenant ID (a GUID).",
    )
}

pub fn schema() -> Schema {
    let computed = |name: &str, ty: Type, description: &str| {
        Attribute::primitive(name, ty, description)
            .computed()
            .plan_modifier(use_state_for_unknown())
    };
    let mut attributes = vec![
        computed("id", Type::String, "The partner's tenant ID; the same as `tenant_id`."),
        Attribute::primitive(
            "tenant_id",
            Type::String,
            "The partner organisation's Microsoft Entra tenant ID (a GUID). Changing it (other than letter case) replaces the resource.",
        )
        .required()
        .validate(guid("Invalid tenant ID", "a tenant GUID", " Find a tenant's ID from its domain with `az rest --url \"https://graph.microsoft.com/v1.0/tenantRelationships/findTenantInformationByDomainName(domainName='contoso.com')\"`."))
        .plan_modifier(requires_replace_if(differs_ignoring_case)),
    ];
    attributes.extend(
        SECTIONS
            .iter()
            .map(|section| section_attribute(section, section.description)),
    );
    attributes.push(computed(
        "is_service_provider",
        Type::Bool,
        "Whether the partner is a Cloud Solution Provider for your organisation. Read-only.",
    ));
    attributes.push(computed(
        "is_in_multi_tenant_organization",
        Type::Bool,
        "Whether the partner is in the same multitenant organization as you. Read-only.",
    ));
    attributes.push(TIMEOUTS.attribute());
    Schema::new(0, Block::new(
            "Manages the cross-tenant access settings for one partner organisation (`/policies/crossTenantAccessPolicy/partners/{tenantId}` in Microsoft Graph). A section left out inherits your default cross-tenant access settings.",
            attributes,
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(attrs: &[Attribute], f: &mut dyn FnMut(&Attribute)) {
        for a in attrs {
            f(a);
            if let crate::plugin::schema::AttributeKind::Nested(_, inner) = &a.kind {
                walk(inner, f);
            }
        }
    }

    #[test]
    fn every_attribute_has_a_description() {
        let s = schema();
        let mut count = 0;
        walk(&s.block.attributes, &mut |a| {
            count += 1;
            assert!(a.description.len() > 10, "{} lacks a description", a.name);
        });
        assert!(count > 40);
    }

    #[test]
    fn snake_case_names_follow_graph_names() {
        let trust = section("inbound_trust").expect("section");
        let Shape::Flags(members) = &trust.shape else {
            panic!("flags")
        };
        assert!(members
            .iter()
            .any(|m| m.tf == "is_hybrid_azure_ad_joined_device_accepted"
                && m.graph == "isHybridAzureADJoinedDeviceAccepted"));
        assert_eq!(SECTIONS.len(), 10);
    }
}
