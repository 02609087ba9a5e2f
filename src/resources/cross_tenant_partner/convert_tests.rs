use super::*;
use crate::plugin::value::Value;
use crate::resources::cross_tenant_partner::test_support::{model, value};
use serde_json::json;
use std::collections::BTreeMap;

// The tests describe states as Terraform values; these adapters give the mapping its models.

fn create_body(tenant: &str, state: &Value) -> Json {
    super::create_body(tenant, &model(state))
}

fn follow_up_patch(state: &Value) -> Option<PartnerPatch> {
    super::follow_up_patch(&model(state))
}

fn partner_patch(prior: &Value, planned: &Value) -> Option<PartnerPatch> {
    super::partner_patch(&model(prior), &model(planned))
}

/// Every section read from `partner`, as Terraform values.
fn sections_from_graph(partner: &Json, prior: &Value) -> BTreeMap<String, Value> {
    let mut read = PartnerModel::default();
    read_sections(partner, &model(prior), &mut read);
    let state = value(&read);
    SECTIONS
        .iter()
        .map(|s| (s.tf.to_string(), attr(&state, s.tf).clone()))
        .collect()
}

fn section_to_graph(section: &Section, v: &Value) -> Json {
    let state = model(&Value::object([(section.tf, v.clone())]));
    super::section_to_graph(section, state.section(section.tf).expect("a section"))
}

fn attr<'a>(value: &'a Value, name: &str) -> &'a Value {
    const NULL: &Value = &Value::Null;
    value.get(name).unwrap_or(NULL)
}

const TENANT: &str = "90e29127-71ad-49c7-9ce8-db3f41ea06f1";
const G1: &str = "3f2c5f1a-9c4e-4b7a-8d2e-1a2b3c4d5e6f";
const G2: &str = "b5a7c3d1-2e4f-4a6b-9c8d-7e6f5a4b3c2d";
const G3: &str = "0d9e8f7a-6b5c-4d3e-a2f1-0e9d8c7b6a5f";
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

fn trust(mfa: bool, compliant: bool, hybrid: bool) -> Value {
    Value::object([
        ("is_mfa_accepted", Value::Bool(mfa)),
        ("is_compliant_device_accepted", Value::Bool(compliant)),
        (
            "is_hybrid_azure_ad_joined_device_accepted",
            Value::Bool(hybrid),
        ),
    ])
}

fn consent(inbound: bool, outbound: bool) -> Value {
    Value::object([
        ("inbound_allowed", Value::Bool(inbound)),
        ("outbound_allowed", Value::Bool(outbound)),
    ])
}

/// A whole resource state with every section null except those given.
fn state<const N: usize>(sections: [(&str, Value); N]) -> Value {
    let mut m: BTreeMap<String, Value> = SECTIONS
        .iter()
        .map(|s| (s.tf.to_string(), Value::Null))
        .collect();
    m.insert("id".into(), Value::from(TENANT));
    m.insert("tenant_id".into(), Value::from(TENANT));
    m.insert("is_service_provider".into(), Value::Bool(false));
    m.insert("is_in_multi_tenant_organization".into(), Value::Bool(false));
    m.insert("timeouts".into(), Value::Null);
    for (k, v) in sections {
        assert!(m.contains_key(k), "unknown attribute {k}");
        m.insert(k.to_string(), v);
    }
    Value::Object(m)
}

fn with(state: &Value, name: &str, value: Value) -> Value {
    let mut m = state.as_map().expect("object").clone();
    assert!(m.contains_key(name), "unknown attribute {name}");
    m.insert(name.to_string(), value);
    Value::Object(m)
}

fn full_sections() -> [(&'static str, Value); 10] {
    [
        ("inbound_trust", trust(true, false, true)),
        ("automatic_user_consent_settings", consent(true, false)),
        (
            "b2b_collaboration_inbound",
            b2b(
                tc("allowed", vec![target(G1, "group"), target(G2, "user")]),
                tc("allowed", vec![target("AllApplications", "application")]),
            ),
        ),
        (
            "b2b_collaboration_outbound",
            b2b(
                tc("allowed", vec![target("AllUsers", "user")]),
                tc("allowed", vec![target("Office365", "application")]),
            ),
        ),
        (
            "b2b_direct_connect_inbound",
            b2b(
                tc("blocked", vec![target("AllUsers", "user")]),
                tc("blocked", vec![target("AllApplications", "application")]),
            ),
        ),
        (
            "b2b_direct_connect_outbound",
            b2b(
                tc("allowed", vec![target(G3, "group")]),
                tc("allowed", vec![target("AllMicrosoftApps", "application")]),
            ),
        ),
        (
            "tenant_restrictions",
            b2b(
                tc("allowed", vec![target("AllUsers", "user")]),
                tc(
                    "allowed",
                    vec![
                        target("Office365", "application"),
                        target(APP, "application"),
                    ],
                ),
            ),
        ),
        (
            "app_service_connect_inbound",
            Value::object([(
                "applications",
                tc("allowed", vec![target(APP, "application")]),
            )]),
        ),
        (
            "m365_collaboration_inbound",
            Value::object([("users", tc("allowed", vec![target("AllUsers", "user")]))]),
        ),
        (
            "m365_collaboration_outbound",
            Value::object([("users_and_groups", tc("blocked", vec![target(G1, "group")]))]),
        ),
    ]
}

fn full_state() -> Value {
    state(full_sections())
}

fn graph_tc(access: &str, targets: &[(&str, &str)]) -> Json {
    json!({
        "accessType": access,
        "targets": targets
            .iter()
            .map(|(t, ty)| json!({ "target": t, "targetType": ty }))
            .collect::<Vec<_>>(),
    })
}

// ---------------------------------------------------------------------------------------------
// create_body

#[test]
fn create_body_with_tenant_only_is_just_the_tenant() {
    assert_eq!(
        create_body(TENANT, &state([])),
        json!({ "tenantId": TENANT })
    );
}

#[test]
fn create_body_leaves_out_unset_sections_and_computed_values() {
    let s = state([("inbound_trust", trust(false, false, false))]);
    let body = create_body(TENANT, &s);
    assert_eq!(
        body,
        json!({
            "tenantId": TENANT,
            "inboundTrust": {
                "isMfaAccepted": false,
                "isCompliantDeviceAccepted": false,
                "isHybridAzureADJoinedDeviceAccepted": false,
            },
        })
    );
}

#[test]
fn create_body_with_every_section_uses_graph_names() {
    let body = create_body(TENANT, &full_state());
    let expected = json!({
        "tenantId": TENANT,
        "inboundTrust": {
            "isMfaAccepted": true,
            "isCompliantDeviceAccepted": false,
            "isHybridAzureADJoinedDeviceAccepted": true,
        },
        "automaticUserConsentSettings": { "inboundAllowed": true, "outboundAllowed": false },
        "b2bCollaborationInbound": {
            "usersAndGroups": graph_tc("allowed", &[(G1, "group"), (G2, "user")]),
            "applications": graph_tc("allowed", &[("AllApplications", "application")]),
        },
        "b2bCollaborationOutbound": {
            "usersAndGroups": graph_tc("allowed", &[("AllUsers", "user")]),
            "applications": graph_tc("allowed", &[("Office365", "application")]),
        },
        "b2bDirectConnectInbound": {
            "usersAndGroups": graph_tc("blocked", &[("AllUsers", "user")]),
            "applications": graph_tc("blocked", &[("AllApplications", "application")]),
        },
        "b2bDirectConnectOutbound": {
            "usersAndGroups": graph_tc("allowed", &[(G3, "group")]),
            "applications": graph_tc("allowed", &[("AllMicrosoftApps", "application")]),
        },
    });
    assert_eq!(body, expected, "the POST holds what the create table lists");
    let follow_up = follow_up_patch(&full_state()).expect("update-only sections are set");
    assert_eq!(
        follow_up.into_json(),
        json!({
            "tenantRestrictions": {
                "usersAndGroups": graph_tc("allowed", &[("AllUsers", "user")]),
                "applications": graph_tc("allowed", &[("Office365", "application"), (APP, "application")]),
            },
            "appServiceConnectInbound": {
                "applications": graph_tc("allowed", &[(APP, "application")]),
            },
            "m365CollaborationInbound": {
                "users": graph_tc("allowed", &[("AllUsers", "user")]),
            },
            "m365CollaborationOutbound": {
                "usersAndGroups": graph_tc("blocked", &[(G1, "group")]),
            },
        }),
        "the PATCH after it holds the sections documented for update only"
    );
    let body = graph_object(&full_state());

    // Spot-check the exact spellings a user would look for in a request log.
    assert_eq!(
        body["inboundTrust"]["isHybridAzureADJoinedDeviceAccepted"],
        json!(true)
    );
    assert_eq!(
        body["m365CollaborationInbound"]["users"]["targets"][0],
        json!({ "target": "AllUsers", "targetType": "user" })
    );
    assert_eq!(
        body["appServiceConnectInbound"]["applications"]["accessType"],
        json!("allowed")
    );
    let text = body.to_string();
    for snake in [
        "is_service_provider",
        "is_in_multi_tenant_organization",
        "isServiceProvider",
        "timeouts",
        "\"id\"",
        "target_type",
        "access_type",
        "users_and_groups",
    ] {
        assert!(!text.contains(snake), "{snake} must not be sent: {text}");
    }
}

// ---------------------------------------------------------------------------------------------
// partner_patch

#[test]
fn patch_is_none_when_nothing_changed() {
    let s = full_state();
    assert_eq!(partner_patch(&s, &s.clone()), None);
    let empty = state([]);
    assert_eq!(partner_patch(&empty, &empty.clone()), None);
}

#[test]
fn patch_ignores_computed_values_and_timeouts() {
    let prior = full_state();
    let planned = with(&prior, "is_service_provider", Value::unknown());
    let planned = with(
        &planned,
        "timeouts",
        Value::object([
            ("create", Value::from("30m")),
            ("read", Value::Null),
            ("update", Value::Null),
            ("delete", Value::Null),
        ]),
    );
    assert_eq!(partner_patch(&prior, &planned), None);
}

#[test]
fn patch_with_a_changed_flag_sends_only_that_section_whole() {
    let prior = full_state();
    let planned = with(&prior, "inbound_trust", trust(true, true, true));
    let patch = partner_patch(&prior, &planned).expect("a patch");
    assert_eq!(
        patch.into_json(),
        json!({
            "inboundTrust": {
                "isMfaAccepted": true,
                "isCompliantDeviceAccepted": true,
                "isHybridAzureADJoinedDeviceAccepted": true,
            }
        })
    );
}

#[test]
fn patch_sends_null_for_a_removed_section() {
    let prior = full_state();
    let planned = with(&prior, "tenant_restrictions", Value::Null);
    let patch = partner_patch(&prior, &planned).expect("a patch");
    assert_eq!(patch.0.len(), 1);
    assert_eq!(patch.0.get("tenantRestrictions"), Some(&Json::Null));
    assert_eq!(patch.into_json(), json!({ "tenantRestrictions": null }));
}

#[test]
fn patch_sends_an_added_section() {
    let prior = state([]);
    let planned = with(
        &prior,
        "automatic_user_consent_settings",
        consent(true, true),
    );
    let patch = partner_patch(&prior, &planned).expect("a patch");
    assert_eq!(
        patch.into_json(),
        json!({ "automaticUserConsentSettings": { "inboundAllowed": true, "outboundAllowed": true } })
    );
}

#[test]
fn patch_ignores_reordered_targets() {
    let prior = full_state();
    let planned = with(
        &prior,
        "b2b_collaboration_inbound",
        b2b(
            tc("allowed", vec![target(G2, "user"), target(G1, "group")]),
            tc("allowed", vec![target("AllApplications", "application")]),
        ),
    );
    assert_ne!(prior, planned, "the test must really reorder");
    assert_eq!(partner_patch(&prior, &planned), None);
}

#[test]
fn patch_with_an_added_target_sends_that_section_with_both_halves() {
    let prior = full_state();
    let planned = with(
        &prior,
        "b2b_collaboration_inbound",
        b2b(
            tc(
                "allowed",
                vec![target(G1, "group"), target(G2, "user"), target(G3, "user")],
            ),
            tc("allowed", vec![target("AllApplications", "application")]),
        ),
    );
    let patch = partner_patch(&prior, &planned).expect("a patch");
    assert_eq!(
        patch.into_json(),
        json!({
            "b2bCollaborationInbound": {
                "usersAndGroups": graph_tc("allowed", &[(G1, "group"), (G2, "user"), (G3, "user")]),
                "applications": graph_tc("allowed", &[("AllApplications", "application")]),
            }
        })
    );
}

#[test]
fn patch_with_several_changes_lists_exactly_those_sections() {
    let prior = full_state();
    let planned = with(&prior, "m365_collaboration_inbound", Value::Null);
    let planned = with(
        &planned,
        "b2b_direct_connect_outbound",
        b2b(
            tc("blocked", vec![target(G3, "group")]),
            tc("allowed", vec![target("AllMicrosoftApps", "application")]),
        ),
    );
    let patch = partner_patch(&prior, &planned).expect("a patch");
    let keys: Vec<&str> = patch.0.keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(keys.contains(&"m365CollaborationInbound"));
    assert!(keys.contains(&"b2bDirectConnectOutbound"));
    assert_eq!(patch.0["m365CollaborationInbound"], Json::Null);
    assert_eq!(
        patch.0["b2bDirectConnectOutbound"]["usersAndGroups"]["accessType"],
        json!("blocked")
    );
}

// ---------------------------------------------------------------------------------------------
// sections_from_graph

/// What Graph returns for a partner, with the noise a real GET carries.
fn realistic_get() -> Json {
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/crossTenantAccessPolicy/partners/$entity",
        "tenantId": TENANT,
        "isServiceProvider": null,
        "isInMultiTenantOrganization": false,
        "inboundTrust": {
            "isMfaAccepted": true,
            "isCompliantDeviceAccepted": null,
            "isHybridAzureADJoinedDeviceAccepted": null,
        },
        "automaticUserConsentSettings": { "inboundAllowed": null, "outboundAllowed": null },
        "b2bCollaborationInbound": {
            // Reversed order and an uppercase GUID compared with the prior state.
            "usersAndGroups": graph_tc("allowed", &[(G2, "user"), (&G1.to_uppercase(), "group")]),
            "applications": graph_tc("allowed", &[("AllApplications", "application")]),
        },
        "b2bCollaborationOutbound": {
            // G3 was added outside Terraform.
            "usersAndGroups": graph_tc("allowed", &[(G3, "group"), ("AllUsers", "user")]),
            "applications": graph_tc("allowed", &[("Office365", "application")]),
        },
        "b2bDirectConnectInbound": null,
        "b2bDirectConnectOutbound": null,
        "tenantRestrictions": {
            "devices": null,
            "usersAndGroups": graph_tc("blocked", &[("AllUsers", "user")]),
            "applications": graph_tc("blocked", &[("AllApplications", "application")]),
        },
        "m365CollaborationInbound": {
            "users": graph_tc("allowed", &[("AllUsers", "user")]),
        },
        "m365CollaborationOutbound": null,
        // appServiceConnectInbound is absent, as in clouds that lack it.
        "crossCloudMeetingConfiguration": { "inboundAllowed": null, "outboundAllowed": null },
        "protectedContentSharing": { "inboundAllowed": null, "outboundAllowed": null },
        "invitationRedemptionIdentityProviderConfiguration": null,
        "identitySynchronization": null,
    })
}

fn realistic_prior() -> Value {
    state([
        ("inbound_trust", trust(true, false, false)),
        (
            "b2b_collaboration_inbound",
            b2b(
                tc("allowed", vec![target(G1, "group"), target(G2, "user")]),
                tc("allowed", vec![target("AllApplications", "application")]),
            ),
        ),
        (
            "b2b_collaboration_outbound",
            b2b(
                tc("allowed", vec![target("AllUsers", "user")]),
                tc("allowed", vec![target("Office365", "application")]),
            ),
        ),
    ])
}

#[test]
fn sections_from_graph_returns_exactly_the_ten_sections() {
    let sections = sections_from_graph(&realistic_get(), &realistic_prior());
    let names: Vec<&str> = sections.keys().map(String::as_str).collect();
    let mut expected: Vec<&str> = SECTIONS.iter().map(|s| s.tf).collect();
    expected.sort_unstable();
    assert_eq!(names, expected);
}

#[test]
fn sections_from_graph_reads_a_realistic_get() {
    let prior = realistic_prior();
    let s = sections_from_graph(&realistic_get(), &prior);

    // Null members of inboundTrust read as false.
    assert_eq!(s["inbound_trust"], trust(true, false, false));
    // An object of nulls is "unset".
    assert_eq!(s["automatic_user_consent_settings"], Value::Null);
    // JSON null and absent sections are null.
    assert_eq!(s["b2b_direct_connect_inbound"], Value::Null);
    assert_eq!(s["b2b_direct_connect_outbound"], Value::Null);
    assert_eq!(s["m365_collaboration_outbound"], Value::Null);
    assert_eq!(s["app_service_connect_inbound"], Value::Null);
    // devices: null is ignored.
    assert_eq!(
        s["tenant_restrictions"],
        b2b(
            tc("blocked", vec![target("AllUsers", "user")]),
            tc("blocked", vec![target("AllApplications", "application")]),
        )
    );
    assert_eq!(
        s["m365_collaboration_inbound"],
        Value::object([("users", tc("allowed", vec![target("AllUsers", "user")]))])
    );
}

#[test]
fn reordered_and_recased_targets_keep_the_prior_state_exactly() {
    let prior = realistic_prior();
    let s = sections_from_graph(&realistic_get(), &prior);
    // Structural (not just semantic) equality: the prior order and lowercase GUID are kept,
    // so the state file does not churn.
    assert_eq!(
        &s["b2b_collaboration_inbound"],
        attr(&prior, "b2b_collaboration_inbound")
    );
}

#[test]
fn a_recased_guid_that_is_new_keeps_graphs_spelling() {
    let prior = state([]);
    let body = json!({
        "m365CollaborationOutbound": {
            "usersAndGroups": graph_tc("allowed", &[(&G1.to_uppercase(), "group")]),
        }
    });
    let s = sections_from_graph(&body, &prior);
    assert_eq!(
        s["m365_collaboration_outbound"],
        Value::object([(
            "users_and_groups",
            tc("allowed", vec![target(&G1.to_uppercase(), "group")]),
        )])
    );
}

#[test]
fn a_target_added_out_of_band_shows_up() {
    let prior = realistic_prior();
    let s = sections_from_graph(&realistic_get(), &prior);
    let section = &s["b2b_collaboration_outbound"];
    let users = attr(section, "users_and_groups");
    let expected = tc(
        "allowed",
        vec![target("AllUsers", "user"), target(G3, "group")],
    );
    assert!(
        users.semantically_equal(&expected),
        "{users:?} should hold AllUsers and {G3}"
    );
    assert!(!section.semantically_equal(attr(&prior, "b2b_collaboration_outbound")));
    // The applications half is unchanged.
    assert_eq!(
        attr(section, "applications"),
        &tc("allowed", vec![target("Office365", "application")])
    );
    // A plan against this state would send that section back whole.
    let refreshed = with(&prior, "b2b_collaboration_outbound", section.clone());
    let patch = partner_patch(&refreshed, &prior).expect("drift is corrected");
    assert_eq!(
        patch.into_json(),
        json!({
            "b2bCollaborationOutbound": {
                "usersAndGroups": graph_tc("allowed", &[("AllUsers", "user")]),
                "applications": graph_tc("allowed", &[("Office365", "application")]),
            }
        })
    );
}

#[test]
fn changed_targets_come_back_in_a_stable_order() {
    let body = |order: &[(&str, &str)]| json!({ "b2bCollaborationInbound": { "usersAndGroups": graph_tc("allowed", order) } });
    let a = sections_from_graph(
        &body(&[(G2, "user"), (G1, "group"), ("AllUsers", "user")]),
        &Value::Null,
    );
    let b = sections_from_graph(
        &body(&[("AllUsers", "user"), (G1, "group"), (G2, "user")]),
        &Value::Null,
    );
    assert_eq!(a, b, "the read result must not depend on Graph's order");
}

#[test]
fn access_type_case_from_graph_keeps_prior_spelling() {
    let prior = state([(
        "m365_collaboration_inbound",
        Value::object([("users", tc("allowed", vec![target("AllUsers", "user")]))]),
    )]);
    let body = json!({
        "m365CollaborationInbound": { "users": graph_tc("Allowed", &[("AllUsers", "User")]) }
    });
    let s = sections_from_graph(&body, &prior);
    assert_eq!(
        &s["m365_collaboration_inbound"],
        attr(&prior, "m365_collaboration_inbound")
    );
}

#[test]
fn flags_partly_set_read_missing_members_as_false() {
    let body = json!({ "automaticUserConsentSettings": { "inboundAllowed": true } });
    let s = sections_from_graph(&body, &Value::Null);
    assert_eq!(s["automatic_user_consent_settings"], consent(true, false));
    let body = json!({ "inboundTrust": {
        "isMfaAccepted": null, "isCompliantDeviceAccepted": null, "isHybridAzureADJoinedDeviceAccepted": null
    } });
    let s = sections_from_graph(&body, &Value::Null);
    assert_eq!(s["inbound_trust"], Value::Null);
}

#[test]
fn an_empty_graph_object_reads_as_all_null() {
    let s = sections_from_graph(&json!({ "tenantId": TENANT }), &full_state());
    assert_eq!(s.len(), SECTIONS.len());
    assert!(s.values().all(Value::is_null), "{s:?}");
}

// ---------------------------------------------------------------------------------------------
// Round trip

#[test]
fn round_trip_state_to_graph_and_back() {
    let state = full_state();
    let body = graph_object(&state);
    for prior in [state.clone(), Value::Null] {
        let sections = sections_from_graph(&body, &prior);
        for section in SECTIONS {
            let back = &sections[section.tf];
            let original = attr(&state, section.tf);
            assert!(
                back.semantically_equal(original),
                "{}: {back:?} != {original:?}",
                section.tf
            );
        }
    }
    // With the prior state available, the result is identical, not just equivalent.
    let sections = sections_from_graph(&body, &state);
    for (name, value) in &sections {
        assert_eq!(value, attr(&state, name), "{name}");
    }
}

#[test]
fn round_trip_with_graph_reversing_every_target_list() {
    let state = full_state();
    let mut body = graph_object(&state);
    for section in body.as_object_mut().expect("object").values_mut() {
        if let Some(members) = section.as_object_mut() {
            for config in members.values_mut() {
                if let Some(targets) = config.get_mut("targets").and_then(Json::as_array_mut) {
                    targets.reverse();
                }
            }
        }
    }
    let sections = sections_from_graph(&body, &state);
    for (name, value) in &sections {
        assert_eq!(value, attr(&state, name), "{name}");
    }
    let refreshed = state_from_sections(&state, sections);
    assert_eq!(partner_patch(&refreshed, &state), None);
}

/// What Graph holds after a create: the POST body plus the PATCH that follows it.
fn graph_object(state: &Value) -> Json {
    let mut body = create_body(TENANT, state);
    if let (Some(patch), Some(object)) = (follow_up_patch(state), body.as_object_mut()) {
        object.extend(patch.0);
    }
    body
}

fn state_from_sections(base: &Value, sections: BTreeMap<String, Value>) -> Value {
    let mut m = base.as_map().expect("object").clone();
    m.extend(sections);
    Value::Object(m)
}

#[test]
fn section_to_graph_of_null_is_json_null() {
    for section in SECTIONS {
        assert_eq!(section_to_graph(section, &Value::Null), Json::Null);
    }
}

#[test]
fn the_test_attr_treats_absent_and_non_objects_as_null() {
    let s = full_state();
    assert!(attr(&s, "no_such_attribute").is_null());
    assert!(attr(&Value::from("text"), "x").is_null());
    assert!(attr(&Value::unknown(), "x").is_null());
    assert_eq!(attr(&s, "tenant_id"), &Value::from(TENANT));
}

// ---------------------------------------------------------------------------------------------
// Half sections, update-only sections and tenantRestrictions.devices

#[test]
fn an_unset_half_is_not_sent_on_create() {
    let s = state([(
        "b2b_direct_connect_outbound",
        b2b(tc("blocked", vec![target(G1, "group")]), Value::Null),
    )]);
    assert_eq!(
        create_body(TENANT, &s),
        json!({"tenantId": TENANT, "b2bDirectConnectOutbound": {"usersAndGroups": graph_tc("blocked", &[(G1, "group")])}})
    );
    assert_eq!(
        follow_up_patch(&s),
        None,
        "no update-only section: no PATCH"
    );
}

#[test]
fn a_half_dropped_from_the_configuration_is_sent_as_null() {
    let users = tc("allowed", vec![target("AllUsers", "user")]);
    let apps = tc("allowed", vec![target("Office365", "application")]);
    let prior = state([(
        "b2b_direct_connect_inbound",
        b2b(users.clone(), apps.clone()),
    )]);
    let planned = state([("b2b_direct_connect_inbound", b2b(Value::Null, apps))]);
    let patch = partner_patch(&prior, &planned).expect("changed");
    assert_eq!(
        patch.into_json(),
        json!({"b2bDirectConnectInbound": {"usersAndGroups": null, "applications": graph_tc("allowed", &[("Office365", "application")])}})
    );
    // A half that was never set is still left out.
    let prior = state([(
        "b2b_direct_connect_inbound",
        b2b(Value::Null, users.clone()),
    )]);
    let planned = state([(
        "b2b_direct_connect_inbound",
        b2b(
            Value::Null,
            tc("blocked", vec![target("Office365", "application")]),
        ),
    )]);
    let body = partner_patch(&prior, &planned)
        .expect("changed")
        .into_json();
    assert!(
        body["b2bDirectConnectInbound"]
            .get("usersAndGroups")
            .is_none(),
        "{body}"
    );
}

#[test]
fn devices_are_carried_into_a_tenant_restrictions_patch_only() {
    let blocked = b2b(
        tc("blocked", vec![target("AllUsers", "user")]),
        tc("blocked", vec![target("AllApplications", "application")]),
    );
    let allowed = b2b(
        tc("allowed", vec![target("AllUsers", "user")]),
        tc("allowed", vec![target("Office365", "application")]),
    );
    let devices = json!({"mode": "allowed", "rule": "device.deviceAttribute2 -eq 'PAW'"});
    let prior = state([("tenant_restrictions", blocked.clone())]);
    let mut patch =
        partner_patch(&prior, &state([("tenant_restrictions", allowed)])).expect("changed");
    patch.carry_devices(Some(&devices));
    assert_eq!(patch.0["tenantRestrictions"]["devices"], devices);

    // A removed section stays null; another section's PATCH gets no devices.
    let mut removed = partner_patch(&prior, &state([])).expect("changed");
    removed.carry_devices(Some(&devices));
    assert_eq!(removed.into_json(), json!({"tenantRestrictions": null}));
    let mut other = partner_patch(
        &prior,
        &state([
            ("tenant_restrictions", blocked),
            ("inbound_trust", trust(true, false, false)),
        ]),
    )
    .expect("changed");
    other.carry_devices(Some(&devices));
    assert!(other.0.get("tenantRestrictions").is_none());
    assert_eq!(
        tenant_restrictions_devices(&json!({"tenantRestrictions": {"devices": devices.clone()}})),
        Some(&devices)
    );
    assert_eq!(
        tenant_restrictions_devices(&json!({"tenantRestrictions": null})),
        None
    );
}
