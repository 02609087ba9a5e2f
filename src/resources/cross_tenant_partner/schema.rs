//! The `azuread_cross_tenant_partner` schema, built from one table of sections so that the
//! schema, the Graph conversion and the validation can never disagree about a name.

use super::validate::{section_rules, targets_fit, ACCESS_TYPES, TARGET_TYPES};
use crate::plugin::plan_modifiers::{
    differs_ignoring_case, requires_replace_if, use_state_for_unknown,
};
use crate::plugin::schema::{Attribute, Block, NestingMode, Schema};
use crate::plugin::timeouts::{Timeouts, CRUD};
use crate::plugin::validators::{guid, non_empty, one_of};
use crate::plugin::value::{Type, Value};

/// One member of a section: its Terraform name, its Graph JSON name and what it means.
pub struct Member {
    pub tf: &'static str,
    pub graph: &'static str,
    pub description: &'static str,
}

pub enum Shape {
    /// Booleans, e.g. `inbound_trust`. Unset members plan as `false`.
    Flags(&'static [Member]),
    /// Target configurations (`{ access_type, targets }`), e.g. `users_and_groups`.
    Targets(&'static [Member]),
}

/// Which of Microsoft's users-versus-applications consistency rules a section obeys
/// (reference §4.8 item 1).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AccessRule {
    None,
    /// Blocking all external users and groups requires blocking all applications.
    Inbound,
    /// Allowing some or all users requires allowing at least one application.
    Outbound,
    /// Blocking all users requires blocking all applications, and vice versa.
    Symmetric,
}

pub struct Section {
    pub tf: &'static str,
    pub graph: &'static str,
    pub shape: Shape,
    pub rule: AccessRule,
    /// Whether Microsoft's create (POST) table lists the property. The others are documented
    /// for update only, so a create sends them in a PATCH right after the POST.
    pub on_create: bool,
    pub description: &'static str,
}

const USERS_AND_GROUPS: Member = Member {
    tf: "users_and_groups",
    graph: "usersAndGroups",
    description:
        "Which users and groups the setting applies to, and whether they are allowed or blocked.",
};
const APPLICATIONS: Member = Member {
    tf: "applications",
    graph: "applications",
    description:
        "Which applications the setting applies to, and whether they are allowed or blocked.",
};
/// Said of each half of a two-half section.
const HALF: &str = "Optional: a section needs `users_and_groups`, `applications` or both; a half left out is not sent and reads back as null.";
const B2B: &[Member] = &[USERS_AND_GROUPS, APPLICATIONS];

pub const SECTIONS: &[Section] = &[
    Section {
        tf: "inbound_trust",
        graph: "inboundTrust",
        shape: Shape::Flags(&[
            Member { tf: "is_mfa_accepted", graph: "isMfaAccepted", description: "Accept multifactor authentication performed in the partner tenant. Defaults to `false`." },
            Member { tf: "is_compliant_device_accepted", graph: "isCompliantDeviceAccepted", description: "Accept the partner's compliant-device claims. Defaults to `false`." },
            Member { tf: "is_hybrid_azure_ad_joined_device_accepted", graph: "isHybridAzureADJoinedDeviceAccepted", description: "Accept the partner's Microsoft Entra hybrid joined device claims. Defaults to `false`." },
        ]),
        rule: AccessRule::None,
        on_create: true,
        description: "Whether your Conditional Access policies accept MFA and device claims from the partner tenant. Omit to inherit the default configuration.",
    },
    Section {
        tf: "automatic_user_consent_settings",
        graph: "automaticUserConsentSettings",
        shape: Shape::Flags(&[
            Member { tf: "inbound_allowed", graph: "inboundAllowed", description: "Suppress the consent prompt for partner users redeeming into your tenant. Defaults to `false`." },
            Member { tf: "outbound_allowed", graph: "outboundAllowed", description: "Suppress the consent prompt for your users redeeming into the partner tenant. Defaults to `false`." },
        ]),
        rule: AccessRule::None,
        on_create: true,
        description: "Automatic redemption: whether the consent prompt is suppressed. The prompt is only suppressed when both tenants allow it. Omit to inherit the default configuration.",
    },
    Section {
        tf: "b2b_collaboration_inbound",
        graph: "b2bCollaborationInbound",
        shape: Shape::Targets(B2B),
        rule: AccessRule::Inbound,
        on_create: true,
        description: "Which partner users and groups may be invited as guests (B2B collaboration), and which of your applications they may reach. Omit to inherit the default configuration.",
    },
    Section {
        tf: "b2b_collaboration_outbound",
        graph: "b2bCollaborationOutbound",
        shape: Shape::Targets(B2B),
        rule: AccessRule::Outbound,
        on_create: true,
        description: "Which of your users and groups may be invited into the partner tenant, and which partner applications they may reach. Omit to inherit the default configuration.",
    },
    Section {
        tf: "b2b_direct_connect_inbound",
        graph: "b2bDirectConnectInbound",
        shape: Shape::Targets(B2B),
        rule: AccessRule::Inbound,
        on_create: true,
        description: "Inbound B2B direct connect (for example Teams shared channels): which partner users and groups may reach which of your applications. Omit to inherit the default configuration.",
    },
    Section {
        tf: "b2b_direct_connect_outbound",
        graph: "b2bDirectConnectOutbound",
        shape: Shape::Targets(B2B),
        rule: AccessRule::Outbound,
        on_create: true,
        description: "Outbound B2B direct connect: which of your users and groups may reach which partner applications. Omit to inherit the default configuration.",
    },
    Section {
        tf: "tenant_restrictions",
        graph: "tenantRestrictions",
        shape: Shape::Targets(B2B),
        rule: AccessRule::Symmetric,
        on_create: false,
        description: "Tenant restrictions v2: which partner-issued identities your users may sign in with on your network or devices, and to which partner applications. Omit to inherit the default configuration. Graph's `devices` filter is not modelled (Microsoft says the service does not support it yet); a value Graph holds is carried over when this section is updated, and removed with the section.",
    },
    Section {
        tf: "app_service_connect_inbound",
        graph: "appServiceConnectInbound",
        shape: Shape::Targets(&[APPLICATIONS]),
        rule: AccessRule::None,
        on_create: false,
        description: "Which applications may connect inbound across the tenant boundary with this partner. Omit to inherit the default configuration.",
    },
    Section {
        tf: "m365_collaboration_inbound",
        graph: "m365CollaborationInbound",
        shape: Shape::Targets(&[Member { tf: "users", graph: "users", description: "Which partner users may collaborate with you in Microsoft 365 apps." }]),
        rule: AccessRule::None,
        on_create: false,
        description: "Which partner users may collaborate with you in Microsoft 365 apps. Omit to inherit the default configuration.",
    },
    Section {
        tf: "m365_collaboration_outbound",
        graph: "m365CollaborationOutbound",
        shape: Shape::Targets(&[USERS_AND_GROUPS]),
        rule: AccessRule::None,
        on_create: false,
        description: "Which of your users and groups may collaborate with the partner in Microsoft 365 apps. Omit to inherit the default configuration.",
    },
];

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

pub fn section(tf: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.tf == tf)
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
