//! Every partner shape Microsoft documents: half sections (the official POST and GET examples),
//! sections documented for update only (POST then PATCH, under the emulator's strict-create
//! switch), a `tenantRestrictions.devices` value the schema does not model, and import by a
//! GUID in any letter case.

use crate::both_tools;
use crate::harness::*;
use graph_emulator::{FaultKind, Switches};
use serde_json::{json, Value};

const EXAMPLE_TENANT: &str = "3d0f5dec-5d3d-455c-8016-e2af1ae4d31a";
const EXAMPLE_GROUP: &str = "6f546279-4da5-4b53-a095-09ea0cef9971";
const GET_EXAMPLE_TENANT: &str = "9c5d131d-b1c3-4fc4-9e3f-c6557947d551";

fn body_of(r: &graph_emulator::LoggedRequest) -> Value {
    r.body.clone().unwrap_or(Value::Null)
}

/// The official create example: one half in each of two sections.
fn post_example_config() -> String {
    format!(
        "  b2b_direct_connect_outbound = {{\n    users_and_groups = {}\n  }}\n  b2b_direct_connect_inbound = {{\n    applications = {}\n  }}\n",
        targets("blocked", &[(EXAMPLE_GROUP, "group")]),
        targets("allowed", &[("Office365", "application")]),
    )
}

fn post_example_body() -> Value {
    json!({"tenantId": EXAMPLE_TENANT,
        "b2bDirectConnectOutbound": {"usersAndGroups": {"accessType": "blocked", "targets": [{"target": EXAMPLE_GROUP, "targetType": "group"}]}},
        "b2bDirectConnectInbound": {"applications": {"accessType": "allowed", "targets": [{"target": "Office365", "targetType": "application"}]}}})
}

/// The switch these tests are about, named where it matters (the harness turns it on too).
fn strict(ws: &Workspace) {
    ws.emulator.set_switches(Switches {
        strict_create: true,
        ..ws.emulator.switches()
    });
}

fn import_block(tenant: &str) -> String {
    format!("import {{\n  to = {ADDRESS}\n  id = \"{tenant}\"\n}}\n")
}

// Create with the official example's half sections: the POST body is the example's body, the
// missing halves read back as null, and the next plan is empty.
fn create_with_half_sections(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&partner(EXAMPLE_TENANT, &post_example_config()));
    ws.apply();
    let writes = ws.writes();
    assert_eq!(writes.len(), 1, "one POST, no PATCH: {writes:?}");
    assert_eq!(body_of(&writes[0]), post_example_body());
    let state = ws.state_values(ADDRESS);
    assert_eq!(
        state["b2b_direct_connect_outbound"]["applications"],
        Value::Null
    );
    assert_eq!(
        state["b2b_direct_connect_inbound"]["users_and_groups"],
        Value::Null
    );
    assert_eq!(
        state["b2b_direct_connect_inbound"]["applications"]["targets"][0]["target"],
        "Office365"
    );
    ws.assert_plan_empty();

    // Dropping a half sends the section without it, and an explicit null for the dropped half
    // (Graph does not say whether a PATCH merges nested objects).
    ws.clear_log();
    ws.write_config(&partner(
        EXAMPLE_TENANT,
        &b2b(
            "b2b_direct_connect_inbound",
            &targets("allowed", &[ALL_USERS]),
            &targets("allowed", &[("Office365", "application")]),
        ),
    ));
    ws.apply();
    ws.write_config(&partner(
        EXAMPLE_TENANT,
        &format!(
            "  b2b_direct_connect_inbound = {{\n    applications = {}\n  }}\n",
            targets("allowed", &[("Office365", "application")])
        ),
    ));
    ws.clear_log();
    ws.apply();
    let patch = ws
        .writes()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .expect("PATCH");
    assert_eq!(
        body_of(&patch)["b2bDirectConnectInbound"]["usersAndGroups"],
        Value::Null
    );
    let stored = ws.emulator.partner(EXAMPLE_TENANT).expect("stored");
    assert!(
        stored["b2bDirectConnectInbound"]["usersAndGroups"].is_null(),
        "{stored}"
    );
    ws.assert_plan_empty();
}
both_tools!(create_with_half_sections);

// A section with neither half is refused at plan time, naming the section.
fn empty_section_is_refused(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&partner(TENANT, "  b2b_collaboration_inbound = {}\n"));
    let run = ws.run(&["plan", "-no-color"]);
    assert!(!run.success);
    let out = run.combined();
    assert!(out.contains("Empty section"), "{out}");
    assert!(out.contains("b2b_collaboration_inbound"), "{out}");
    assert!(ws.partner_requests().is_empty());
}
both_tools!(empty_section_is_refused);

// Import of partners shaped like the official POST (201) and GET examples: the matching
// configuration plans empty.
fn import_official_examples(tool: Tool) {
    // Graph's own example omits a missing half; a [3P] dump shows nested nulls. Both import.
    for nested_nulls in [false, true] {
        import_official_examples_with(tool, nested_nulls);
    }
}

fn import_official_examples_with(tool: Tool, nested_nulls: bool) {
    let ws = Workspace::new(tool);
    ws.emulator.set_switches(Switches {
        nested_nulls,
        ..ws.emulator.switches()
    });
    let mut created = post_example_body();
    created["inboundTrust"] = Value::Null;
    ws.emulator.put_partner(EXAMPLE_TENANT, created);
    let get_example = json!({"tenantId": GET_EXAMPLE_TENANT, "inboundTrust": null,
        "isInMultiTenantOrganization": false,
        "automaticUserConsentSettings": {"inboundAllowed": null, "outboundAllowed": null},
        "b2bCollaborationInbound": null, "b2bCollaborationOutbound": null, "b2bDirectConnectOutbound": null,
        "b2bDirectConnectInbound": {"usersAndGroups": {"accessType": "allowed", "targets": [{"target": "AllUsers", "targetType": "user"}]},
                                    "applications": {"accessType": "allowed", "targets": [{"target": "Office365", "targetType": "application"}]}},
        "tenantRestrictions": {"usersAndGroups": {"accessType": "blocked", "targets": [{"target": "AllUsers", "targetType": "user"}]},
                               "applications": {"accessType": "blocked", "targets": [{"target": "AllApplications", "targetType": "application"}]}},
        "m365CollaborationInbound": null, "m365CollaborationOutbound": null, "appServiceConnectInbound": null});
    ws.emulator.put_partner(GET_EXAMPLE_TENANT, get_example);

    let get_config = format!(
        "{}{}",
        b2b(
            "b2b_direct_connect_inbound",
            &targets("allowed", &[ALL_USERS]),
            &targets("allowed", &[("Office365", "application")]),
        ),
        b2b(
            "tenant_restrictions",
            &targets("blocked", &[ALL_USERS]),
            &targets("blocked", &[ALL_APPS]),
        ),
    );
    let config = format!(
        "{}{}{}",
        partner(EXAMPLE_TENANT, &post_example_config()),
        partner(GET_EXAMPLE_TENANT, &get_config).replace("\"test\"", "\"get_example\""),
        import_block(EXAMPLE_TENANT)
            + &import_block(GET_EXAMPLE_TENANT)
                .replace(ADDRESS, "azuread_cross_tenant_partner.get_example"),
    );
    ws.write_config(&config);
    let plan = ws.plan();
    assert!(plan.stdout.contains("2 to import"), "{}", plan.stdout);
    assert!(
        plan.stdout.contains("0 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    ws.apply();
    assert!(
        ws.writes().is_empty(),
        "import must not write: {:?}",
        ws.writes()
    );
    ws.assert_plan_empty();
}
both_tools!(import_official_examples);

// Under the strict-create switch, sections documented for update only go in one PATCH after
// the POST; the next plan is empty.
fn update_only_sections_follow_the_post(tool: Tool) {
    let ws = Workspace::new(tool);
    strict(&ws);
    let body = format!(
        "  inbound_trust = {{\n    is_mfa_accepted = true\n  }}\n{}  m365_collaboration_inbound = {{\n    users = {}\n  }}\n",
        b2b(
            "tenant_restrictions",
            &targets("blocked", &[ALL_USERS]),
            &targets("blocked", &[ALL_APPS]),
        ),
        targets("allowed", &[ALL_USERS]),
    );
    ws.write_config(&partner(TENANT, &body));
    ws.apply();
    let writes = ws.writes();
    let shape: Vec<(&str, u16)> = writes
        .iter()
        .map(|r| (r.method.as_str(), r.status))
        .collect();
    assert_eq!(shape, [("POST", 201), ("PATCH", 204)], "{writes:?}");
    let post = body_of(&writes[0]);
    assert!(post.get("tenantRestrictions").is_none(), "{post}");
    assert!(post.get("m365CollaborationInbound").is_none(), "{post}");
    assert_eq!(post["inboundTrust"]["isMfaAccepted"], true);
    let patch = body_of(&writes[1]);
    let mut keys: Vec<&String> = patch.as_object().expect("object").keys().collect();
    keys.sort();
    assert_eq!(keys, ["m365CollaborationInbound", "tenantRestrictions"]);
    ws.assert_plan_empty();

    // Every section: still one POST and one PATCH. Without update-only sections: one POST.
    for (tenant, body, expected) in [
        (OTHER_TENANT, every_section(), &["POST", "PATCH"][..]),
        (EXAMPLE_TENANT, post_example_config(), &["POST"][..]),
    ] {
        ws.clear_log();
        ws.write_config(&partner(tenant, &body));
        ws.apply();
        // (The tenant changed, so the previous partner is replaced: its DELETE is not counted.)
        let methods: Vec<String> = ws
            .writes()
            .iter()
            .filter(|r| r.method != "DELETE")
            .map(|r| r.method.clone())
            .collect();
        assert_eq!(methods, expected, "{tenant}");
        ws.assert_plan_empty();
    }
}
both_tools!(update_only_sections_follow_the_post);

// When the PATCH after the POST fails, the partner is still in state, as Graph holds it: the
// next apply completes it without a 409, and the emulator holds one partner.
fn failed_follow_up_patch_keeps_the_partner(tool: Tool) {
    let ws = Workspace::new(tool);
    strict(&ws);
    ws.emulator.add_fault(fault(
        "partner",
        "PATCH",
        FaultKind::Status {
            status: 403,
            retry_after: None,
        },
        1,
    ));
    let body = b2b(
        "tenant_restrictions",
        &targets("blocked", &[ALL_USERS]),
        &targets("blocked", &[ALL_APPS]),
    );
    ws.write_config(&partner(TENANT, &body));
    let run = ws.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(!run.success, "{}", run.combined());
    let out = run.combined();
    assert!(
        out.contains("was created without tenant_restrictions"),
        "{out}"
    );
    let state = ws.state_values(ADDRESS);
    assert_eq!(state["tenant_id"], TENANT, "the partner is tracked");
    assert_eq!(
        state["tenant_restrictions"],
        Value::Null,
        "as Graph holds it"
    );

    ws.clear_log();
    let plan = ws.plan();
    assert_eq!(plan.code, Some(2), "{}", plan.stdout);
    assert!(
        plan.stdout.contains("tenant_restrictions"),
        "{}",
        plan.stdout
    );
    ws.apply();
    assert!(
        ws.partner_requests().iter().all(|r| r.status != 409),
        "{:?}",
        ws.partner_requests()
    );
    assert_eq!(ws.emulator.partners().len(), 1);
    assert!(ws.emulator.partner(TENANT).expect("partner")["tenantRestrictions"].is_object());
    ws.assert_plan_empty();
}
both_tools!(failed_follow_up_patch_keeps_the_partner);

// A `devices` filter set out of band survives an update of tenant_restrictions.
fn devices_survive_a_tenant_restrictions_update(tool: Tool) {
    let ws = Workspace::new(tool);
    let blocked = b2b(
        "tenant_restrictions",
        &targets("blocked", &[ALL_USERS]),
        &targets("blocked", &[ALL_APPS]),
    );
    ws.write_config(&partner(TENANT, &blocked));
    ws.apply();
    let devices = json!({"mode": "allowed", "rule": "device.deviceAttribute2 -eq 'PrivilegedAccessWorkstation'"});
    let mut stored = ws.emulator.partner(TENANT).expect("stored");
    stored["tenantRestrictions"]["devices"] = devices.clone();
    ws.emulator.put_partner(TENANT, stored);
    ws.assert_plan_empty();

    ws.clear_log();
    let allowed = b2b(
        "tenant_restrictions",
        &targets("allowed", &[ALL_USERS]),
        &targets("allowed", &[("Office365", "application")]),
    );
    ws.write_config(&partner(TENANT, &allowed));
    ws.apply();
    let patch = ws
        .writes()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .expect("PATCH");
    assert_eq!(body_of(&patch)["tenantRestrictions"]["devices"], devices);
    let stored = ws.emulator.partner(TENANT).expect("stored");
    assert_eq!(stored["tenantRestrictions"]["devices"], devices);
    assert_eq!(
        stored["tenantRestrictions"]["usersAndGroups"]["accessType"],
        "allowed"
    );
    ws.assert_plan_empty();
}
both_tools!(devices_survive_a_tenant_restrictions_update);

// Import by an upper-case GUID: state holds Graph's spelling, so the usual lower-case
// configuration plans empty; a case-only change of the configuration sends nothing to Graph.
fn import_by_upper_case_guid(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.emulator.put_partner(TENANT, json!({"inboundTrust": {"isMfaAccepted": true, "isCompliantDeviceAccepted": false, "isHybridAzureADJoinedDeviceAccepted": false}}));
    ws.write_config(&partner(
        TENANT,
        "  inbound_trust = {\n    is_mfa_accepted = true\n  }\n",
    ));
    ws.ok(&["import", "-no-color", ADDRESS, &TENANT.to_uppercase()]);
    let state = ws.state_values(ADDRESS);
    assert_eq!(state["tenant_id"], TENANT);
    assert_eq!(state["id"], TENANT);
    ws.assert_plan_empty();

    ws.write_config(&partner(
        &TENANT.to_uppercase(),
        "  inbound_trust = {\n    is_mfa_accepted = true\n  }\n",
    ));
    ws.clear_log();
    let plan = ws.plan();
    assert!(!plan.stdout.contains("must be replaced"), "{}", plan.stdout);
    ws.apply();
    assert!(
        ws.writes().is_empty(),
        "a case-only change sends nothing: {:?}",
        ws.writes()
    );
    ws.assert_plan_empty();
}
both_tools!(import_by_upper_case_guid);
