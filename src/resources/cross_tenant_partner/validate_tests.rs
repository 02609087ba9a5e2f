use super::*;
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::diagnostics::{Diagnostic, Severity};
use crate::plugin::timeouts::parse_duration;
use crate::plugin::validators::is_guid;
use std::collections::BTreeMap;

const TENANT: &str = "90e29127-71ad-49c7-9ce8-db3f41ea06f1";
const G1: &str = "3f2c5f1a-9c4e-4b7a-8d2e-1a2b3c4d5e6f";
const G2: &str = "b5a7c3d1-2e4f-4a6b-9c8d-7e6f5a4b3c2d";
const APP: &str = "00000012-0000-0000-c000-000000000000";

fn target(t: &str, ty: &str) -> Value {
    Value::object([("target", Value::from(t)), ("target_type", Value::from(ty))])
}

fn tc(access: &str, targets: Vec<Value>) -> Value {
    Value::object([
        ("access_type", Value::from(access)),
        ("targets", Value::Set(targets)),
    ])
}

fn b2b(users: Value, apps: Value) -> Value {
    Value::object([("users_and_groups", users), ("applications", apps)])
}

fn all_users(access: &str) -> Value {
    tc(access, vec![target("AllUsers", "user")])
}

fn all_apps(access: &str) -> Value {
    tc(access, vec![target("AllApplications", "application")])
}

/// A configuration that obeys every rule, with all ten sections and the timeouts set.
fn valid_config() -> Value {
    let mut m = BTreeMap::new();
    m.insert("id".to_string(), Value::Null);
    m.insert("tenant_id".to_string(), Value::from(TENANT));
    m.insert("is_service_provider".to_string(), Value::Null);
    m.insert("is_in_multi_tenant_organization".to_string(), Value::Null);
    m.insert(
        "inbound_trust".to_string(),
        Value::object([
            ("is_mfa_accepted", Value::Bool(true)),
            ("is_compliant_device_accepted", Value::Null),
            (
                "is_hybrid_azure_ad_joined_device_accepted",
                Value::Bool(false),
            ),
        ]),
    );
    m.insert(
        "automatic_user_consent_settings".to_string(),
        Value::object([
            ("inbound_allowed", Value::Bool(true)),
            ("outbound_allowed", Value::Null),
        ]),
    );
    m.insert(
        "b2b_collaboration_inbound".to_string(),
        b2b(
            tc("allowed", vec![target(G1, "group"), target(G2, "user")]),
            all_apps("allowed"),
        ),
    );
    m.insert(
        "b2b_collaboration_outbound".to_string(),
        b2b(
            all_users("allowed"),
            tc("allowed", vec![target("Office365", "application")]),
        ),
    );
    // Blocking everyone inbound while blocking every application is consistent.
    m.insert(
        "b2b_direct_connect_inbound".to_string(),
        b2b(all_users("blocked"), all_apps("blocked")),
    );
    // Blocking some users outbound while blocking all apps is fine (nobody is allowed).
    m.insert(
        "b2b_direct_connect_outbound".to_string(),
        b2b(
            tc("blocked", vec![target(G1, "group")]),
            all_apps("blocked"),
        ),
    );
    m.insert(
        "tenant_restrictions".to_string(),
        b2b(
            tc("allowed", vec![target(G2, "user")]),
            tc(
                "allowed",
                vec![
                    target("AllMicrosoftApps", "application"),
                    target(APP, "application"),
                ],
            ),
        ),
    );
    m.insert(
        "app_service_connect_inbound".to_string(),
        Value::object([(
            "applications",
            tc("allowed", vec![target(APP, "application")]),
        )]),
    );
    m.insert(
        "m365_collaboration_inbound".to_string(),
        Value::object([("users", all_users("allowed"))]),
    );
    m.insert(
        "m365_collaboration_outbound".to_string(),
        Value::object([("users_and_groups", tc("blocked", vec![target(G1, "group")]))]),
    );
    m.insert(
        "timeouts".to_string(),
        Value::object([
            ("create", Value::from("30s")),
            ("read", Value::from("5m")),
            ("update", Value::from("1h30m")),
            ("delete", Value::Null),
        ]),
    );
    Value::Object(m)
}

/// Replaces the value at `path` (object attribute names) inside `value`.
fn set(value: &Value, path: &[&str], new: Value) -> Value {
    let Some((first, rest)) = path.split_first() else {
        return new;
    };
    let mut m = value.as_map().expect("an object along the path").clone();
    let inner = m.get(*first).cloned().unwrap_or(Value::Null);
    m.insert(first.to_string(), set(&inner, rest, new));
    Value::Object(m)
}

fn diagnostics(config: &Value) -> Vec<Diagnostic> {
    let mut diags = Diagnostics::new();
    crate::plugin::validators::validate_block(
        &super::super::schema::schema().block,
        config,
        &mut diags,
    );
    diags.iter().cloned().collect()
}

fn path_of(d: &Diagnostic) -> String {
    d.path.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// Asserts that `config` yields exactly one error and returns it.
fn only_error(config: &Value) -> Diagnostic {
    let diags = diagnostics(config);
    assert_eq!(diags.len(), 1, "expected one diagnostic, got {diags:#?}");
    let d = diags.into_iter().next().expect("one");
    assert_eq!(d.severity, Severity::Error);
    d
}

fn assert_no_diagnostics(config: &Value) {
    let diags = diagnostics(config);
    assert!(diags.is_empty(), "expected no diagnostics, got {diags:#?}");
}

#[test]
fn a_fully_valid_configuration_has_no_diagnostics() {
    assert_no_diagnostics(&valid_config());
}

#[test]
fn a_minimal_configuration_has_no_diagnostics() {
    assert_no_diagnostics(&Value::object([("tenant_id", Value::from(TENANT))]));
    // Upper-case GUIDs are GUIDs too.
    assert_no_diagnostics(&set(
        &valid_config(),
        &["tenant_id"],
        Value::from(TENANT.to_uppercase()),
    ));
}

#[test]
fn tenant_id_must_be_a_guid() {
    for bad in [
        "contoso.onmicrosoft.com",
        "90e29127-71ad-49c7-9ce8-db3f41ea06f",
        "90e2912771ad49c79ce8db3f41ea06f1",
        "{90e29127-71ad-49c7-9ce8-db3f41ea06f1}",
        "",
    ] {
        let d = only_error(&set(&valid_config(), &["tenant_id"], Value::from(bad)));
        assert_eq!(path_of(&d), "tenant_id", "{bad}");
        assert_eq!(d.summary, "Invalid tenant ID");
        assert!(d.detail.contains(&format!("{bad:?}")), "{}", d.detail);
    }
}

#[test]
fn access_type_must_be_allowed_or_blocked() {
    for bad in ["allow", "Allowed", "unknownFutureValue", ""] {
        let config = set(
            &valid_config(),
            &["b2b_collaboration_outbound", "applications", "access_type"],
            Value::from(bad),
        );
        let d = only_error(&config);
        assert_eq!(
            path_of(&d),
            "b2b_collaboration_outbound.applications.access_type"
        );
        assert_eq!(d.summary, "Invalid access type");
        assert!(d.detail.contains(&format!("{bad:?}")));
    }
}

#[test]
fn target_type_must_be_user_group_or_application() {
    let config = set(
        &valid_config(),
        &["m365_collaboration_outbound", "users_and_groups", "targets"],
        Value::Set(vec![target(G1, "servicePrincipal")]),
    );
    let d = only_error(&config);
    assert_eq!(
        path_of(&d),
        "m365_collaboration_outbound.users_and_groups.targets[0].target_type"
    );
    assert_eq!(d.summary, "Invalid target type");
    assert!(d.detail.contains("\"servicePrincipal\""));
}

#[test]
fn all_users_with_application_type_is_refused() {
    let config = set(
        &valid_config(),
        &["b2b_collaboration_inbound", "applications", "targets"],
        Value::Set(vec![target("AllUsers", "application")]),
    );
    let d = only_error(&config);
    assert_eq!(
        path_of(&d),
        "b2b_collaboration_inbound.applications.targets[0].target_type"
    );
    assert_eq!(d.summary, "Keyword and target type disagree");
    assert!(d.detail.contains("\"AllUsers\"") && d.detail.contains("\"user\""));
}

#[test]
fn application_keywords_with_user_type_are_refused() {
    let config = set(
        &valid_config(),
        &["b2b_collaboration_outbound", "users_and_groups", "targets"],
        Value::Set(vec![
            target("AllUsers", "user"),
            target("Office365", "user"),
        ]),
    );
    let d = only_error(&config);
    assert_eq!(
        path_of(&d),
        "b2b_collaboration_outbound.users_and_groups.targets[1].target_type"
    );
    assert_eq!(d.summary, "Keyword and target type disagree");
    assert!(d.detail.contains("\"Office365\""));
}

#[test]
fn misspelt_keywords_are_refused_with_the_right_spelling() {
    for (bad, right) in [
        ("allusers", "AllUsers"),
        ("ALLUSERS", "AllUsers"),
        ("allApplications", "AllApplications"),
    ] {
        let (member, ty) = if right == "AllUsers" {
            ("users_and_groups", "user")
        } else {
            ("applications", "application")
        };
        let config = set(
            &valid_config(),
            &["b2b_collaboration_outbound", member, "targets"],
            Value::Set(vec![target(bad, ty)]),
        );
        let diags = diagnostics(&config);
        let misspelt: Vec<_> = diags
            .iter()
            .filter(|d| d.summary == "Misspelled target keyword")
            .collect();
        assert_eq!(misspelt.len(), 1, "{bad}: {diags:#?}");
        assert_eq!(
            path_of(misspelt[0]),
            format!("b2b_collaboration_outbound.{member}.targets[0].target")
        );
        assert!(misspelt[0].detail.contains(&format!("{right:?}")));
        assert!(misspelt[0].detail.contains(&format!("{bad:?}")));
    }
}

#[test]
fn targets_must_be_guids_or_keywords() {
    for bad in [
        "alice@contoso.com",
        "Everyone",
        "3f2c5f1a9c4e4b7a8d2e1a2b3c4d5e6f",
    ] {
        let config = set(
            &valid_config(),
            &["b2b_collaboration_inbound", "users_and_groups", "targets"],
            Value::Set(vec![target(G1, "group"), target(bad, "user")]),
        );
        let d = only_error(&config);
        assert_eq!(
            path_of(&d),
            "b2b_collaboration_inbound.users_and_groups.targets[1].target",
            "{bad}"
        );
        assert_eq!(d.summary, "Invalid target");
        assert!(d.detail.contains(&format!("{bad:?}")));
    }
}

#[test]
fn empty_targets_are_refused() {
    let config = set(
        &valid_config(),
        &["m365_collaboration_inbound", "users", "targets"],
        Value::Set(vec![]),
    );
    let d = only_error(&config);
    assert_eq!(path_of(&d), "m365_collaboration_inbound.users.targets");
    assert_eq!(d.summary, "No targets");
    assert!(d.detail.contains("remove the whole section"));
}

#[test]
fn application_targets_do_not_fit_in_users_and_groups() {
    let config = set(
        &valid_config(),
        &["b2b_collaboration_inbound", "users_and_groups", "targets"],
        Value::Set(vec![target(G1, "group"), target(APP, "application")]),
    );
    let d = only_error(&config);
    assert_eq!(
        path_of(&d),
        "b2b_collaboration_inbound.users_and_groups.targets[1].target_type"
    );
    assert_eq!(d.summary, "Target type does not fit here");
    assert!(d.detail.contains("users_and_groups"));
}

#[test]
fn user_targets_do_not_fit_in_applications_or_m365_users() {
    let config = set(
        &valid_config(),
        &["app_service_connect_inbound", "applications", "targets"],
        Value::Set(vec![target(G1, "user")]),
    );
    let d = only_error(&config);
    assert_eq!(
        path_of(&d),
        "app_service_connect_inbound.applications.targets[0].target_type"
    );
    assert_eq!(d.summary, "Target type does not fit here");

    let config = set(
        &valid_config(),
        &["m365_collaboration_inbound", "users", "targets"],
        Value::Set(vec![target(APP, "application")]),
    );
    let d = only_error(&config);
    assert_eq!(
        path_of(&d),
        "m365_collaboration_inbound.users.targets[0].target_type"
    );
}

#[test]
fn bad_timeouts_are_refused() {
    for (op, bad) in [
        ("create", "ten minutes"),
        ("read", "5"),
        ("update", "0s"),
        ("delete", "-1m"),
    ] {
        let config = set(&valid_config(), &["timeouts", op], Value::from(bad));
        let d = only_error(&config);
        assert_eq!(path_of(&d), format!("timeouts.{op}"), "{bad}");
        assert_eq!(d.summary, "Invalid duration");
        assert!(d.detail.starts_with(&format!("timeouts.{op} must be")));
    }
}

#[test]
fn terraform_style_durations_parse() {
    use std::time::Duration;
    assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
    assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
    assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
    assert_eq!(parse_duration(" 1h 30m "), Ok(Duration::from_secs(5400)));
    assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
    assert!(parse_duration("0s").is_err());
    assert!(parse_duration("").is_err());
}

#[test]
fn is_guid_accepts_only_hyphenated_guids() {
    assert!(is_guid(TENANT));
    assert!(is_guid(&TENANT.to_uppercase()));
    assert!(!is_guid("90e2912771ad49c79ce8db3f41ea06f1"));
    assert!(!is_guid("urn:uuid:90e29127-71ad-49c7-9ce8-db3f41ea06f1"));
    assert!(!is_guid("90e29127-71ad-49c7-9ce8-db3f41ea06fg"));
}

// ---------------------------------------------------------------------------------------------
// Users-versus-applications rules (reference §4.8 item 1)

fn assert_conflict(config: &Value, section: &str) {
    let d = only_error(config);
    assert_eq!(d.summary, "Conflicting users and applications access");
    assert_eq!(path_of(&d), format!("{section}.applications"));
    for attribute in ["users_and_groups", "applications"] {
        let name = format!("{section}.{attribute}");
        assert!(d.detail.contains(&name), "{name} missing: {}", d.detail);
    }
}

#[test]
fn inbound_blocking_all_users_requires_blocking_all_applications() {
    for section in ["b2b_collaboration_inbound", "b2b_direct_connect_inbound"] {
        let config = set(
            &valid_config(),
            &[section],
            b2b(all_users("blocked"), all_apps("allowed")),
        );
        assert_conflict(&config, section);
        // Blocking only some applications is not enough either.
        let config = set(
            &valid_config(),
            &[section],
            b2b(
                all_users("blocked"),
                tc("blocked", vec![target(APP, "application")]),
            ),
        );
        assert_conflict(&config, section);
        // Blocking some users while allowing applications is fine.
        let config = set(
            &valid_config(),
            &[section],
            b2b(
                tc("blocked", vec![target(G1, "group")]),
                all_apps("allowed"),
            ),
        );
        assert_no_diagnostics(&config);
    }
}

#[test]
fn outbound_allowing_users_requires_allowing_some_application() {
    for section in ["b2b_collaboration_outbound", "b2b_direct_connect_outbound"] {
        for users in [
            all_users("allowed"),
            tc("allowed", vec![target(G1, "group")]),
        ] {
            let config = set(&valid_config(), &[section], b2b(users, all_apps("blocked")));
            assert_conflict(&config, section);
        }
        // Blocking only some applications leaves others allowed.
        let config = set(
            &valid_config(),
            &[section],
            b2b(
                all_users("allowed"),
                tc("blocked", vec![target(APP, "application")]),
            ),
        );
        assert_no_diagnostics(&config);
    }
}

#[test]
fn tenant_restrictions_must_block_both_or_neither() {
    let section = "tenant_restrictions";
    let users_only = set(
        &valid_config(),
        &[section],
        b2b(all_users("blocked"), all_apps("allowed")),
    );
    assert_conflict(&users_only, section);
    let apps_only = set(
        &valid_config(),
        &[section],
        b2b(all_users("allowed"), all_apps("blocked")),
    );
    assert_conflict(&apps_only, section);
    let apps_only_some_users = set(
        &valid_config(),
        &[section],
        b2b(tc("blocked", vec![target(G1, "user")]), all_apps("blocked")),
    );
    assert_conflict(&apps_only_some_users, section);
    let both = set(
        &valid_config(),
        &[section],
        b2b(all_users("blocked"), all_apps("blocked")),
    );
    assert_no_diagnostics(&both);
}

#[test]
fn rules_do_not_apply_when_a_half_is_missing() {
    let config = set(
        &valid_config(),
        &["b2b_collaboration_inbound"],
        b2b(all_users("blocked"), Value::Null),
    );
    assert_no_diagnostics(&config);
}

// ---------------------------------------------------------------------------------------------
// Unknown values always pass

#[test]
fn unknown_values_produce_no_errors() {
    let cases: Vec<(&str, Value)> = vec![
        (
            "tenant_id",
            set(&valid_config(), &["tenant_id"], Value::unknown()),
        ),
        (
            "a whole section",
            set(
                &valid_config(),
                &["b2b_collaboration_inbound"],
                Value::unknown(),
            ),
        ),
        (
            "a whole target configuration",
            set(
                &valid_config(),
                &["tenant_restrictions", "applications"],
                Value::unknown(),
            ),
        ),
        (
            "timeouts",
            set(&valid_config(), &["timeouts"], Value::unknown()),
        ),
        (
            "one timeout",
            set(&valid_config(), &["timeouts", "create"], Value::unknown()),
        ),
    ];
    for (what, config) in cases {
        let diags = diagnostics(&config);
        assert!(diags.is_empty(), "{what}: {diags:#?}");
    }
}

#[test]
fn unknown_access_type_skips_the_access_rules() {
    // Would conflict if the access type were "blocked".
    let config = set(
        &valid_config(),
        &["b2b_collaboration_inbound"],
        b2b(
            Value::object([
                ("access_type", Value::unknown()),
                ("targets", Value::Set(vec![target("AllUsers", "user")])),
            ]),
            all_apps("allowed"),
        ),
    );
    assert_no_diagnostics(&config);
    let config = set(
        &valid_config(),
        &["b2b_collaboration_outbound"],
        b2b(
            all_users("allowed"),
            Value::object([
                ("access_type", Value::unknown()),
                (
                    "targets",
                    Value::Set(vec![target("AllApplications", "application")]),
                ),
            ]),
        ),
    );
    assert_no_diagnostics(&config);
}

#[test]
fn unknown_targets_skip_target_checks_and_access_rules() {
    let config = set(
        &valid_config(),
        &["tenant_restrictions"],
        b2b(
            Value::object([
                ("access_type", Value::from("blocked")),
                ("targets", Value::unknown()),
            ]),
            all_apps("allowed"),
        ),
    );
    assert_no_diagnostics(&config);
}

#[test]
fn an_unknown_target_element_passes_and_known_ones_are_still_checked() {
    // One element unknown: the AllUsers rule cannot be decided, so no conflict.
    let config = set(
        &valid_config(),
        &["b2b_direct_connect_inbound", "users_and_groups", "targets"],
        Value::Set(vec![target("AllUsers", "user"), Value::unknown()]),
    );
    let config = set(
        &config,
        &["b2b_direct_connect_inbound", "applications"],
        all_apps("allowed"),
    );
    assert_no_diagnostics(&config);

    // Unknown fields inside a target pass too.
    let config = set(
        &valid_config(),
        &["b2b_collaboration_inbound", "users_and_groups", "targets"],
        Value::Set(vec![
            Value::object([
                ("target", Value::unknown()),
                ("target_type", Value::from("user")),
            ]),
            Value::object([
                ("target", Value::from(G1)),
                ("target_type", Value::unknown()),
            ]),
        ]),
    );
    assert_no_diagnostics(&config);

    // A bad known element next to an unknown one is still reported.
    let config = set(
        &valid_config(),
        &["b2b_collaboration_inbound", "users_and_groups", "targets"],
        Value::Set(vec![Value::unknown(), target("nobody", "user")]),
    );
    let d = only_error(&config);
    assert_eq!(
        path_of(&d),
        "b2b_collaboration_inbound.users_and_groups.targets[1].target"
    );
}

#[test]
fn several_problems_are_all_reported() {
    let config = set(&valid_config(), &["tenant_id"], Value::from("contoso"));
    let config = set(&config, &["timeouts", "read"], Value::from("soon"));
    let config = set(
        &config,
        &["tenant_restrictions"],
        b2b(all_users("blocked"), all_apps("allowed")),
    );
    let paths: Vec<String> = diagnostics(&config).iter().map(path_of).collect();
    assert_eq!(
        paths,
        vec![
            "tenant_id".to_string(),
            "tenant_restrictions.applications".to_string(),
            "timeouts.read".to_string(),
        ]
    );
}

#[test]
fn timeouts_longer_than_a_week_are_refused() {
    assert!(parse_duration("168h").is_ok());
    let err = parse_duration("300000000000y").expect_err("absurd");
    assert!(err.contains("7 days"), "{err}");
    assert!(parse_duration("169h").is_err());
}

#[test]
fn a_section_needs_one_half_and_either_half_alone_is_valid() {
    for section in ["b2b_collaboration_inbound", "tenant_restrictions"] {
        let empty = set(&valid_config(), &[section], b2b(Value::Null, Value::Null));
        let d = only_error(&empty);
        assert_eq!(path_of(&d), section);
        assert!(
            d.detail.contains("users_and_groups or applications"),
            "{d:?}"
        );
        // The access rules need both halves: one half alone is never a conflict.
        for half in [
            b2b(all_users("blocked"), Value::Null),
            b2b(Value::Null, all_apps("blocked")),
            b2b(Value::Null, all_apps("allowed")),
        ] {
            assert_no_diagnostics(&set(&valid_config(), &[section], half));
        }
    }
    // An unknown half may still turn out set.
    let unknown = b2b(Value::Null, Value::unknown());
    assert_no_diagnostics(&set(
        &valid_config(),
        &["b2b_collaboration_outbound"],
        unknown,
    ));
}
