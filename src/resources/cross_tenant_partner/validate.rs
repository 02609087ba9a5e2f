//! Plan-time validation of `azuread_cross_tenant_partner`, before any request is made. Unknown
//! values (from variables or other resources) always pass.

use super::convert::attr;
use super::schema::{AccessRule, Member, Section, Shape, SECTIONS, TIMEOUT_OPERATIONS};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::path::AttributePath;
use crate::plugin::value::Value;

const ACCESS_TYPES: [&str; 2] = ["allowed", "blocked"];
const TARGET_TYPES: [&str; 3] = ["user", "group", "application"];
/// Reserved target keywords and the target type each goes with.
const KEYWORDS: [(&str, &str); 4] = [
    ("AllUsers", "user"),
    ("AllApplications", "application"),
    ("AllMicrosoftApps", "application"),
    ("Office365", "application"),
];

pub fn validate(config: &Value, diags: &mut Diagnostics) {
    if let Some(tenant) = attr(config, "tenant_id").as_str() {
        if !is_guid(tenant) {
            diags.error_at(
                AttributePath::attr("tenant_id"),
                "Invalid tenant ID",
                format!("tenant_id must be a tenant GUID such as 90e29127-71ad-49c7-9ce8-db3f41ea06f1, not {tenant:?}. Find a tenant's ID from its domain with `az rest --url \"https://graph.microsoft.com/v1.0/tenantRelationships/findTenantInformationByDomainName(domainName='contoso.com')\"`."),
            );
        }
    }
    for section in SECTIONS {
        let value = attr(config, section.tf);
        if let Shape::Targets(members) = &section.shape {
            let base = AttributePath::attr(section.tf);
            for m in *members {
                validate_target_configuration(
                    attr(value, m.tf),
                    &base.push_attr(m.tf),
                    m.tf,
                    diags,
                );
            }
            check_some_half(section, members, value, diags);
            check_access_rule(section, value, diags);
        }
    }
    validate_timeouts(attr(config, "timeouts"), diags);
}

fn validate_target_configuration(
    config: &Value,
    path: &AttributePath,
    member: &str,
    diags: &mut Diagnostics,
) {
    if let Some(access) = attr(config, "access_type").as_str() {
        if !ACCESS_TYPES.contains(&access) {
            diags.error_at(
                path.push_attr("access_type"),
                "Invalid access type",
                format!("access_type must be \"allowed\" or \"blocked\", not {access:?}."),
            );
        }
    }
    let targets = attr(config, "targets");
    let Some(elements) = targets.elements() else {
        return;
    };
    if elements.is_empty() {
        diags.error_at(
            path.push_attr("targets"),
            "No targets",
            "targets must list at least one target, for example { target = \"AllUsers\", target_type = \"user\" }. To inherit the default configuration, remove the whole section instead.",
        );
    }
    for target in elements {
        validate_target(target, &path.push_attr("targets"), member, diags);
    }
}

fn validate_target(target: &Value, path: &AttributePath, member: &str, diags: &mut Diagnostics) {
    let name = attr(target, "target").as_str();
    let ty = attr(target, "target_type").as_str();
    if let Some(ty) = ty {
        if !TARGET_TYPES.contains(&ty) {
            diags.error_at(
                path.push_attr("target_type"),
                "Invalid target type",
                format!("target_type must be \"user\", \"group\" or \"application\", not {ty:?}."),
            );
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
        None if !is_guid(name) => diags.error_at(
            path.push_attr("target"),
            "Invalid target",
            format!("target must be an object ID (GUID) or one of AllUsers, AllApplications, AllMicrosoftApps, Office365; got {name:?}."),
        ),
        None => {}
    }
}

/// Graph's two halves are each nullable, but a section with neither says nothing: removing the
/// section is how to inherit the default.
fn check_some_half(section: &Section, members: &[Member], value: &Value, diags: &mut Diagnostics) {
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
        AttributePath::attr(section.tf),
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

fn check_access_rule(section: &Section, value: &Value, diags: &mut Diagnostics) {
    let users = attr(value, "users_and_groups");
    let apps = attr(value, "applications");
    if users.is_null() || apps.is_null() {
        return;
    }
    let users_path = AttributePath::attr(section.tf).push_attr("users_and_groups");
    let apps_path = AttributePath::attr(section.tf).push_attr("applications");
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

fn validate_timeouts(timeouts: &Value, diags: &mut Diagnostics) {
    for (op, _) in TIMEOUT_OPERATIONS {
        if let Some(text) = attr(timeouts, op).as_str() {
            if let Err(e) = parse_duration(text) {
                diags.error_at(
                    AttributePath::attr("timeouts").push_attr(op),
                    "Invalid duration",
                    format!("timeouts.{op} must be a duration such as \"30s\", \"10m\" or \"1h30m\": {e}."),
                );
            }
        }
    }
}

/// Longer operation timeouts are almost certainly typos (and absurd ones would overflow clocks).
const MAX_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

/// Parses Terraform-style durations ("1h30m", "90s") as well as humantime's ("1h 30m").
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let d = humantime::parse_duration(text.trim()).map_err(|e| e.to_string())?;
    if d.is_zero() {
        return Err("the duration must be longer than zero".into());
    }
    if d > MAX_TIMEOUT {
        return Err("the duration must be at most 7 days (168h)".into());
    }
    Ok(d)
}

pub fn is_guid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::try_parse(s).is_ok()
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
