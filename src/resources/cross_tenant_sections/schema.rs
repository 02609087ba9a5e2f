//! Schema attributes of the sections, built from the tables (table.rs) with the validators of
//! validate.rs. Each resource supplies a section's description, since what leaving it out
//! means differs: a partner inherits the default, the default leaves it unmanaged.

use super::table::{
    Member, Section, Shape, FALLBACK_PROVIDER, FALLBACK_PROVIDER_VALUES, PRIMARY_PROVIDERS,
};
use super::validate::{
    providers_listed_once, section_rules, targets_fit, ACCESS_TYPES, TARGET_TYPES,
};
use crate::plugin::schema::{Attribute, NestingMode};
use crate::plugin::validators::{non_empty, one_of};
use crate::plugin::value::{Type, Value};

/// Said of each half of a two-half section.
const HALF: &str = "Optional: a section needs `users_and_groups`, `applications` or both; a half left out is not sent and reads back as null.";

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

/// The invitation redemption order: both members required, so the section is sent whole.
fn providers() -> Vec<Attribute> {
    vec![
        Attribute::primitive(
            PRIMARY_PROVIDERS.tf,
            Type::List(Box::new(Type::String)),
            PRIMARY_PROVIDERS.description,
        )
        .required()
        .validate(providers_listed_once()),
        Attribute::primitive(
            FALLBACK_PROVIDER.tf,
            Type::String,
            FALLBACK_PROVIDER.description,
        )
        .required()
        .validate(one_of(FALLBACK_PROVIDER.tf, FALLBACK_PROVIDER_VALUES)),
    ]
}

/// The optional attribute of one section, described by `description`.
pub fn section_attribute(section: &'static Section, description: &str) -> Attribute {
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
        Shape::Providers => providers(),
    };
    let attribute =
        Attribute::nested(section.tf, NestingMode::Single, members, description).optional();
    match section.shape {
        Shape::Targets(_) => attribute.validate(section_rules(section)),
        Shape::Flags(_) | Shape::Providers => attribute,
    }
}
