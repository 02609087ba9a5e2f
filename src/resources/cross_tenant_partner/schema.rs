//! The `azuread_cross_tenant_partner` schema, built from the SECTIONS table (sections.rs) and
//! the validators of validate.rs, with the plan behaviour declared on each attribute.

pub use super::sections::{section, AccessRule, Member, Section, Shape, SECTIONS};
use super::validate::{section_rules, targets_fit, ACCESS_TYPES, TARGET_TYPES};
use crate::plugin::identity::IdentitySchema;
use crate::plugin::plan_modifiers::{
    differs_ignoring_case, requires_replace_if, use_state_for_unknown,
};
use crate::plugin::schema::{Attribute, Block, NestingMode, Schema};
use crate::plugin::timeouts::{Timeouts, CRUD};
use crate::plugin::validators::{guid, non_empty, one_of};
use crate::plugin::value::{Type, Value};

/// Said of each half of a two-half section.
const HALF: &str = "Optional: a section needs `users_and_groups`, `applications` or both; a half left out is not sent and reads back as null.";

pub const TIMEOUTS: Timeouts = CRUD;
pub const TIMEOUT_OPERATIONS: &[(&str, &str)] = TIMEOUTS.0;

/// A target configuration. In a section with two halves (users and applications) each half is
/// optional, as Graph's type is: a section needs at least one (checked by validation).
fn target_configuration(member: &'static Member, only_member: bool) -> Attribute {
    let target = vec![
        Attribute::primitive(
            "target",
            Type::String,
            "An object ID (GUID) of a user, group or application, or a reserved keyword: `AllUsers` (with `user`), `AllApplications`, `AllMicrosoftApps` or `Office365` (with `application`).",
        )
        .required(),
        Attribute::primitive("target_type", Type::String, "One of `user`, `group` or `application`.")
            .required()
            .validate(one_of("target_type", TARGET_TYPES)),
    ];
    let attrs = vec![
        Attribute::primitive(
            "access_type",
            Type::String,
            "`allowed` or `blocked`: what happens to the listed targets.",
        )
        .required()
        .validate(one_of("access_type", ACCESS_TYPES)),
        Attribute::nested(
            "targets",
            NestingMode::Set,
            target,
            "The targets this rule applies to (a set: order does not matter). At least one.",
        )
        .required()
        .validate(non_empty("No targets", "targets must list at least one target, for example { target = \"AllUsers\", target_type = \"user\" }. To inherit the default configuration, remove the whole section instead."))
        .validate(targets_fit(member.tf)),
    ];
    if only_member {
        return Attribute::nested(member.tf, NestingMode::Single, attrs, member.description)
            .required();
    }
    let description = format!("{} {HALF}", member.description);
    Attribute::nested(member.tf, NestingMode::Single, attrs, &description).optional()
}

fn section_attribute(section: &'static Section) -> Attribute {
    let members = match &section.shape {
        Shape::Flags(flags) => flags
            .iter()
            .map(|m| {
                Attribute::primitive(m.tf, Type::Bool, m.description)
                    .optional()
                    .computed()
                    .default_value(Value::Bool(false))
            })
            .collect(),
        Shape::Targets(configs) => configs
            .iter()
            .map(|member| target_configuration(member, configs.len() == 1))
            .collect(),
    };
    let attribute = Attribute::nested(
        section.tf,
        NestingMode::Single,
        members,
        section.description,
    )
    .optional();
    match section.shape {
        Shape::Targets(_) => attribute.validate(section_rules(section)),
        Shape::Flags(_) => attribute,
    }
}

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
    attributes.extend(SECTIONS.iter().map(section_attribute));
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
    Schema {
        version: 0,
        block: Block::new(
            "Manages the cross-tenant access settings for one partner organisation (`/policies/crossTenantAccessPolicy/partners/{tenantId}` in Microsoft Graph). A section left out inherits your default cross-tenant access settings.",
            attributes,
        ),
    }
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
