//! The sections of a cross-tenant access configuration as tables: each section's Terraform
//! name, Graph name, members, Microsoft's users-versus-applications rule and whether the
//! partner create table lists it. The partner ([`SECTIONS`]) and the default configuration
//! ([`DEFAULT_SECTIONS`]) share the section definitions; the schema, the Graph mapping and the
//! validation all read these tables, so they cannot disagree about a name.

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
    /// The default configuration's invitation redemption order: a list of identity providers
    /// and a fallback provider (see [`PRIMARY_PROVIDERS`], [`FALLBACK_PROVIDER`]).
    Providers,
}

/// The Terraform and Graph names of a [`Shape::Providers`] section's two members.
pub const PRIMARY_PROVIDERS: Member = Member {
    tf: "primary_identity_provider_precedence_order",
    graph: "primaryIdentityProviderPrecedenceOrder",
    description: "The identity providers a guest may redeem an invitation with, tried in this order: each of `azureActiveDirectory`, `externalFederation` and `socialIdentityProviders` at most once.",
};
pub const FALLBACK_PROVIDER: Member = Member {
    tf: "fallback_identity_provider",
    graph: "fallbackIdentityProvider",
    description: "The identity provider used when none of the primary ones can be: `defaultConfiguredIdp`, `emailOneTimePasscode` or `microsoftAccount`.",
};
/// The members of Graph's `b2bIdentityProvidersType` (reference §3) a precedence order takes.
pub const PRIMARY_PROVIDER_VALUES: &[&str] = &[
    "azureActiveDirectory",
    "externalFederation",
    "socialIdentityProviders",
];
/// The members a fallback takes.
pub const FALLBACK_PROVIDER_VALUES: &[&str] = &[
    "defaultConfiguredIdp",
    "emailOneTimePasscode",
    "microsoftAccount",
];

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
const B2B: &[Member] = &[USERS_AND_GROUPS, APPLICATIONS];

pub const INBOUND_TRUST: Section = Section {
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
};

pub const AUTOMATIC_USER_CONSENT: Section = Section {
    tf: "automatic_user_consent_settings",
    graph: "automaticUserConsentSettings",
    shape: Shape::Flags(&[
        Member { tf: "inbound_allowed", graph: "inboundAllowed", description: "Suppress the consent prompt for partner users redeeming into your tenant. Defaults to `false`." },
        Member { tf: "outbound_allowed", graph: "outboundAllowed", description: "Suppress the consent prompt for your users redeeming into the partner tenant. Defaults to `false`." },
    ]),
    rule: AccessRule::None,
    on_create: true,
    description: "Automatic redemption: whether the consent prompt is suppressed. The prompt is only suppressed when both tenants allow it. Omit to inherit the default configuration.",
};

pub const B2B_COLLABORATION_INBOUND: Section = Section {
    tf: "b2b_collaboration_inbound",
    graph: "b2bCollaborationInbound",
    shape: Shape::Targets(B2B),
    rule: AccessRule::Inbound,
    on_create: true,
    description: "Which partner users and groups may be invited as guests (B2B collaboration), and which of your applications they may reach. Omit to inherit the default configuration.",
};

pub const B2B_COLLABORATION_OUTBOUND: Section = Section {
    tf: "b2b_collaboration_outbound",
    graph: "b2bCollaborationOutbound",
    shape: Shape::Targets(B2B),
    rule: AccessRule::Outbound,
    on_create: true,
    description: "Which of your users and groups may be invited into the partner tenant, and which partner applications they may reach. Omit to inherit the default configuration.",
};

pub const B2B_DIRECT_CONNECT_INBOUND: Section = Section {
    tf: "b2b_direct_connect_inbound",
    graph: "b2bDirectConnectInbound",
    shape: Shape::Targets(B2B),
    rule: AccessRule::Inbound,
    on_create: true,
    description: "Inbound B2B direct connect (for example Teams shared channels): which partner users and groups may reach which of your applications. Omit to inherit the default configuration.",
};

pub const B2B_DIRECT_CONNECT_OUTBOUND: Section = Section {
    tf: "b2b_direct_connect_outbound",
    graph: "b2bDirectConnectOutbound",
    shape: Shape::Targets(B2B),
    rule: AccessRule::Outbound,
    on_create: true,
    description: "Outbound B2B direct connect: which of your users and groups may reach which partner applications. Omit to inherit the default configuration.",
};

pub const TENANT_RESTRICTIONS: Section = Section {
    tf: "tenant_restrictions",
    graph: "tenantRestrictions",
    shape: Shape::Targets(B2B),
    rule: AccessRule::Symmetric,
    on_create: false,
    description: "Tenant restrictions v2: which partner-issued identities your users may sign in with on your network or devices, and to which partner applications. Omit to inherit the default configuration. Graph's `devices` filter is not modelled (Microsoft says the service does not support it yet); a value Graph holds is carried over when this section is updated, and removed with the section.",
};

pub const APP_SERVICE_CONNECT_INBOUND: Section = Section {
    tf: "app_service_connect_inbound",
    graph: "appServiceConnectInbound",
    shape: Shape::Targets(&[APPLICATIONS]),
    rule: AccessRule::None,
    on_create: false,
    description: "Which applications may connect inbound across the tenant boundary with this partner. Omit to inherit the default configuration.",
};

pub const M365_COLLABORATION_INBOUND: Section = Section {
    tf: "m365_collaboration_inbound",
    graph: "m365CollaborationInbound",
    shape: Shape::Targets(&[Member { tf: "users", graph: "users", description: "Which partner users may collaborate with you in Microsoft 365 apps." }]),
    rule: AccessRule::None,
    on_create: false,
    description: "Which partner users may collaborate with you in Microsoft 365 apps. Omit to inherit the default configuration.",
};

pub const M365_COLLABORATION_OUTBOUND: Section = Section {
    tf: "m365_collaboration_outbound",
    graph: "m365CollaborationOutbound",
    shape: Shape::Targets(&[USERS_AND_GROUPS]),
    rule: AccessRule::None,
    on_create: false,
    description: "Which of your users and groups may collaborate with the partner in Microsoft 365 apps. Omit to inherit the default configuration.",
};

pub const INVITATION_REDEMPTION: Section = Section {
    tf: "invitation_redemption_identity_provider_configuration",
    graph: "invitationRedemptionIdentityProviderConfiguration",
    shape: Shape::Providers,
    rule: AccessRule::None,
    on_create: false,
    description: "Which identity providers guests redeem B2B collaboration invitations with, in order of precedence, and the fallback.",
};

/// The ten sections of a partner configuration.
pub const SECTIONS: &[Section] = &[
    INBOUND_TRUST,
    AUTOMATIC_USER_CONSENT,
    B2B_COLLABORATION_INBOUND,
    B2B_COLLABORATION_OUTBOUND,
    B2B_DIRECT_CONNECT_INBOUND,
    B2B_DIRECT_CONNECT_OUTBOUND,
    TENANT_RESTRICTIONS,
    APP_SERVICE_CONNECT_INBOUND,
    M365_COLLABORATION_INBOUND,
    M365_COLLABORATION_OUTBOUND,
];

/// The sections of the default configuration: the partner's, except the consent settings
/// (read-only there), and the invitation redemption order.
pub const DEFAULT_SECTIONS: &[Section] = &[
    INBOUND_TRUST,
    B2B_COLLABORATION_INBOUND,
    B2B_COLLABORATION_OUTBOUND,
    B2B_DIRECT_CONNECT_INBOUND,
    B2B_DIRECT_CONNECT_OUTBOUND,
    TENANT_RESTRICTIONS,
    APP_SERVICE_CONNECT_INBOUND,
    M365_COLLABORATION_INBOUND,
    M365_COLLABORATION_OUTBOUND,
    INVITATION_REDEMPTION,
];

/// The partner section named `tf`.
pub fn section(tf: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.tf == tf)
}
