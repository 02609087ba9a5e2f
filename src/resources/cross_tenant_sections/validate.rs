//! The sections' validation rules that the schemas declare on their attributes: which targets
//! fit which half, reserved keywords, a section's halves, Microsoft's users-versus-
//! applications rules and the invitation redemption providers. The framework applies them (and the plain one-of and GUID checks) to
//! known values only; values known after apply always pass.

use super::table::{AccessRule, Member, Section, Shape, PRIMARY_PROVIDER_VALUES};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::path::AttributePath;
use crate::plugin::validators::{custom, describe, Validator};
use crate::plugin::value::Value;
use std::sync::Arc;

pub const ACCESS_TYPES: &[&str] = &["allowed", "blocked"];
pub const TARGET_TYPES: &[&str] = &["user", "group", "application"];
/// Reserved target keywords and the target type each goes with.
const KEYWORDS: [(&str, &str); 4] = [
    ("AllUsers", "user"),
    ("AllApplications", "application"),
    ("AllMicrosoftApps", "application"),
    ("Office365", "application"),
];

/// On a `targets` set: each target fits its half (`member`) and spells keywords right.
pub fn targets_fit(member: &'static str) -> Arc<dyn Validator> {
    custom(move |targets, path, diags| {
        for (i, target) in targets.elements().unwrap_or(&[]).iter().enumerate() {
            let start = diags.len();
            let at = path.push_set_element(i64::try_from(i).unwrap_or(i64::MAX));
            validate_target(target, &at, member, diags);
            let note = format!("\n\n(In {path}: the element {}.)", describe(target));
            diags.annotate_since(start, &note);
        }
    })
}

/// On a target section: it sets at least one half, and its halves obey Microsoft's rule.
pub fn section_rules(section: &'static Section) -> Arc<dyn Validator> {
    custom(move |value, path, diags| {
        if let Shape::Targets(members) = &section.shape {
            check_some_half(section, members, value, path, diags);
            check_access_rule(section, value, path, diags);
        }
    })
}

fn validate_target(target: &Value, path: &AttributePath, member: &str, diags: &mut Diagnostics) {
    let name = attr(target, "target").as_str();
    let ty = attr(target, "target_type").as_str();
    if let Some(ty) = ty {
        if !TARGET_TYPES.contains(&ty) {
            // The one-of validator on target_type reports it.
            return;
        }
        let allowed: &[&str] = if member == "applications" {
            &["application"]
        } else {
            &["user", "group"]
        };
        if !allowed.contains(&ty) {
            diags.error_at(
                path.push_attr("target_type"),
                "Target type does not fit here",
                format!(
                    "{member} targets must have target_type {}, not {ty:?}.",
                    allowed.join(" or ")
                ),
            );
        }
    }
    let Some(name) = name else { return };
    match KEYWORDS.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)) {
        Some((keyword, keyword_type)) => {
            if *keyword != name {
                diags.error_at(
                    path.push_attr("target"),
                    "Misspelled target keyword",
                    format!("Reserved target keywords are case-sensitive: write {keyword:?}, not {name:?}."),
                );
            }
            if let Some(ty) = ty.filter(|t| t != keyword_type) {
                diags.error_at(
                    path.push_attr("target_type"),
                    "Keyword and target type disagree",
                    format!("The target {keyword:?} goes with target_type \"{keyword_type}\", not {ty:?}."),
                );
            }
        }
        None if !crate::plugin::validators::is_guid(name) => diags.error_at(
            path.push_attr("target"),
            "Invalid target",
            format!("target must be an object ID (GUID) or one of AllUsers, AllApplications, AllMicrosoftApps, Office365; got {name:?}."),
        ),
        None => {}
    }
}

/// Graph's two halves are each nullable, but a section with neither says nothing: removing the
/// section is how to inherit the default.
fn check_some_half(
    section: &Section,
    members: &[Member],
    value: &Value,
    path: &AttributePath,
    diags: &mut Diagnostics,
) {
    let Value::Object(set) = value else { return };
    if members.len() < 2
        || members
            .iter()
            .any(|m| set.get(m.tf).is_some_and(|v| !v.is_null()))
    {
        return;
    }
    let names: Vec<&str> = members.iter().map(|m| m.tf).collect();
    diags.error_at(
        path.clone(),
        "Empty section",
        format!(
            "{} must set at least one of {}. To inherit the default configuration instead, remove the whole section.",
            section.tf,
            names.join(" or ")
        ),
    );
}

/// `true`, `false`, or `None` when not known yet: "blocks all" for a target configuration.
fn blocks_all(config: &Value, keyword: &str) -> Option<bool> {
    let access = attr(config, "access_type").as_str()?;
    let targets = attr(config, "targets").elements()?;
    let mut names = Vec::new();
    for t in targets {
        names.push(attr(t, "target").as_str()?);
    }
    Some(access == "blocked" && names.contains(&keyword))
}

fn allows_some(config: &Value) -> Option<bool> {
    attr(config, "access_type").as_str().map(|a| a == "allowed")
}

fn check_access_rule(
    section: &Section,
    value: &Value,
    path: &AttributePath,
    diags: &mut Diagnostics,
) {
    let users = attr(value, "users_and_groups");
    let apps = attr(value, "applications");
    if users.is_null() || apps.is_null() {
        return;
    }
    let users_path = path.push_attr("users_and_groups");
    let apps_path = path.push_attr("applications");
    let (u, a) = (users_path.to_string(), apps_path.to_string());
    let conflict = match section.rule {
        AccessRule::None => None,
        AccessRule::Inbound => match (blocks_all(users, "AllUsers"), blocks_all(apps, "AllApplications")) {
            (Some(true), Some(false)) => Some(format!("{u} blocks all users and groups, so {a} must block AllApplications too. Microsoft Entra refuses settings that block every user but allow some applications.")),
            _ => None,
        },
        AccessRule::Outbound => match (allows_some(users), blocks_all(apps, "AllApplications")) {
            (Some(true), Some(true)) => Some(format!("{u} allows users, so {a} must allow at least one application; it blocks AllApplications. Microsoft Entra refuses this combination.")),
            _ => None,
        },
        AccessRule::Symmetric => match (blocks_all(users, "AllUsers"), blocks_all(apps, "AllApplications")) {
            (Some(true), Some(false)) => Some(format!("{u} blocks AllUsers, so {a} must block AllApplications too (tenant restrictions must block both or neither).")),
            (Some(false), Some(true)) => Some(format!("{a} blocks AllApplications, so {u} must block AllUsers too (tenant restrictions must block both or neither).")),
            _ => None,
        },
    };
    if let Some(detail) = conflict {
        diags.error_at(
            apps_path,
            "Conflicting users and applications access",
            detail,
        );
    }
}

/// Object attribute access that treats "absent" and "not an object" as Null.
fn attr<'a>(value: &'a Value, name: &str) -> &'a Value {
    const NULL: &Value = &Value::Null;
    value.get(name).unwrap_or(NULL)
}

/// On the invitation redemption order: each provider one Graph takes there, listed once.
pub fn providers_listed_once() -> Arc<dyn Validator> {
    custom(|order, path, diags| {
        let mut seen: Vec<&str> = Vec::new();
        for (i, provider) in order.elements().unwrap_or(&[]).iter().enumerate() {
            let Some(name) = provider.as_str() else {
                continue;
            };
            let at = path.push_index(i64::try_from(i).unwrap_or(i64::MAX));
            if !PRIMARY_PROVIDER_VALUES.contains(&name) {
                diags.error_at(
                    at,
                    "Invalid identity provider",
                    format!(
                        "{name:?} cannot be in the precedence order; use {}.",
                        PRIMARY_PROVIDER_VALUES.join(", ")
                    ),
                );
            } else if seen.contains(&name) {
                diags.error_at(
                    at,
                    "Identity provider listed twice",
                    format!("{name:?} appears more than once in the precedence order; list each provider once."),
                );
            }
            seen.push(name);
        }
    })
}
