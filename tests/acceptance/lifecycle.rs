//! Create, update, drift, import, replace and destroy, each checked in Terraform's state and in
//! the requests the emulator received.

use crate::both_tools;
use crate::harness::*;
use serde_json::json;

fn body_of(r: &graph_emulator::LoggedRequest) -> serde_json::Value {
    r.body.clone().unwrap_or(serde_json::Value::Null)
}

// 1. tenant_id only: the POST body is exactly {"tenantId": ...}; the next plan is empty.
fn tenant_only(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&partner(TENANT, ""));
    ws.apply();
    let writes = ws.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!((writes[0].method.as_str(), writes[0].status), ("POST", 201));
    assert_eq!(body_of(&writes[0]), json!({ "tenantId": TENANT }));
    let gets = ws
        .partner_requests()
        .iter()
        .filter(|r| r.method == "GET")
        .count();
    assert!(
        gets <= 1,
        "at most one read-back GET per create, saw {gets}"
    );
    ws.assert_plan_empty();
    let state = ws.state_values(ADDRESS);
    assert_eq!(state["id"], TENANT);
    assert_eq!(
        state["inbound_trust"],
        serde_json::Value::Null,
        "unset sections stay null"
    );
    assert_eq!(state["is_service_provider"], false);
}
both_tools!(tenant_only);

// 2. Every section set: plan after apply is empty; show -json matches the configuration.
fn every_section_round_trips(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&partner(TENANT, &every_section()));
    ws.apply();
    ws.assert_plan_empty();
    let s = ws.state_values(ADDRESS);
    assert_eq!(
        s["inbound_trust"],
        json!({"is_mfa_accepted": true, "is_compliant_device_accepted": true, "is_hybrid_azure_ad_joined_device_accepted": false})
    );
    assert_eq!(
        s["automatic_user_consent_settings"],
        json!({"inbound_allowed": true, "outbound_allowed": false})
    );
    assert_eq!(
        s["tenant_restrictions"]["users_and_groups"],
        json!({"access_type": "blocked", "targets": [{"target": "AllUsers", "target_type": "user"}]})
    );
    assert_eq!(
        s["m365_collaboration_inbound"]["users"]["targets"][0]["target"],
        "AllUsers"
    );
    assert_eq!(
        s["app_service_connect_inbound"]["applications"]["access_type"],
        "allowed"
    );
    // The create table's sections go in the POST; those documented for update only follow
    // in one PATCH.
    let writes = ws.writes();
    assert_eq!(
        writes.iter().map(|r| r.method.as_str()).collect::<Vec<_>>(),
        ["POST", "PATCH"]
    );
    let (post, patch) = (body_of(&writes[0]), body_of(&writes[1]));
    for key in [
        "inboundTrust",
        "automaticUserConsentSettings",
        "b2bCollaborationInbound",
        "b2bCollaborationOutbound",
        "b2bDirectConnectInbound",
        "b2bDirectConnectOutbound",
    ] {
        assert!(
            post.get(key).is_some_and(|v| !v.is_null()),
            "POST body lacks {key}: {post}"
        );
    }
    for key in [
        "tenantRestrictions",
        "appServiceConnectInbound",
        "m365CollaborationInbound",
        "m365CollaborationOutbound",
    ] {
        assert!(post.get(key).is_none(), "POST body has {key}: {post}");
        assert!(
            patch.get(key).is_some_and(|v| !v.is_null()),
            "PATCH body lacks {key}: {patch}"
        );
    }
}
both_tools!(every_section_round_trips);

// 3. Change one flag: exactly one PATCH holding only that section, answered 204.
fn change_one_flag(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&partner(TENANT, &every_section()));
    ws.apply();
    ws.clear_log();
    ws.write_config(&partner(
        TENANT,
        &every_section().replace("is_mfa_accepted = true", "is_mfa_accepted = false"),
    ));
    ws.apply();
    let writes = ws.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(
        (writes[0].method.as_str(), writes[0].status),
        ("PATCH", 204)
    );
    assert_eq!(
        body_of(&writes[0]),
        json!({"inboundTrust": {"isMfaAccepted": false, "isCompliantDeviceAccepted": true, "isHybridAzureADJoinedDeviceAccepted": false}})
    );
    ws.assert_plan_empty();
}
both_tools!(change_one_flag);

// 4. Remove a section: one PATCH with that section null; state shows it null.
fn remove_section(tool: Tool) {
    let ws = Workspace::new(tool);
    let inbound = b2b(
        "b2b_collaboration_inbound",
        &targets("allowed", &[ALL_USERS]),
        &targets("allowed", &[ALL_APPS]),
    );
    let trust = "  inbound_trust = {\n    is_mfa_accepted = true\n  }\n";
    ws.write_config(&partner(TENANT, &format!("{trust}{inbound}")));
    ws.apply();
    ws.clear_log();
    ws.write_config(&partner(TENANT, trust));
    ws.apply();
    let writes = ws.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(
        body_of(&writes[0]),
        json!({ "b2bCollaborationInbound": null })
    );
    assert_eq!(
        ws.state_values(ADDRESS)["b2b_collaboration_inbound"],
        serde_json::Value::Null
    );
    let stored = ws.emulator.partner(TENANT).expect("partner stored");
    assert_eq!(stored["b2bCollaborationInbound"], serde_json::Value::Null);
    ws.assert_plan_empty();
}
both_tools!(remove_section);

// 5. Targets are a set: reordering by Graph is no diff; adding or removing one is one PATCH.
fn targets_are_a_set(tool: Tool) {
    let ws = Workspace::new(tool);
    let g1 = "1f0e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
    let g2 = "2a1b0c9d-8e7f-4a6b-9c5d-4e3f2a1b0c9d";
    let g3 = "3b2c1d0e-9f8a-4b7c-8d6e-5f4a3b2c1d0e";
    let with = |list: &[(&str, &str)]| {
        partner(
            TENANT,
            &b2b(
                "b2b_direct_connect_outbound",
                &targets("allowed", list),
                &targets("allowed", &[ALL_APPS]),
            ),
        )
    };
    ws.write_config(&with(&[(g1, "group"), (g2, "user")]));
    ws.apply();
    ws.assert_plan_empty();
    ws.clear_log();
    ws.write_config(&with(&[(g1, "group"), (g2, "user"), (g3, "group")]));
    ws.apply();
    assert_eq!(ws.writes().len(), 1);
    let sent = &body_of(&ws.writes()[0])["b2bDirectConnectOutbound"]["usersAndGroups"]["targets"];
    assert_eq!(sent.as_array().map(Vec::len), Some(3), "{sent}");
    ws.assert_plan_empty();
    ws.clear_log();
    ws.write_config(&with(&[(g3, "group")]));
    ws.apply();
    assert_eq!(ws.writes().len(), 1);
    ws.assert_plan_empty();
}
both_tools!(targets_are_a_set);

// 6. Drift made out of band shows in the next plan, and apply repairs it.
fn drift_is_detected_and_repaired(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&partner(
        TENANT,
        "  inbound_trust = {\n    is_mfa_accepted = true\n  }\n",
    ));
    ws.apply();
    let mut stored = ws.emulator.partner(TENANT).expect("stored");
    stored["inboundTrust"]["isMfaAccepted"] = json!(false);
    stored["tenantRestrictions"] = json!({"usersAndGroups": {"accessType": "blocked", "targets": [{"target": "AllUsers", "targetType": "user"}]}, "applications": {"accessType": "blocked", "targets": [{"target": "AllApplications", "targetType": "application"}]}});
    ws.emulator.put_partner(TENANT, stored);
    let plan = ws.plan();
    assert_eq!(plan.code, Some(2), "drift must show:\n{}", plan.stdout);
    assert!(
        plan.stdout.contains("is_mfa_accepted") && plan.stdout.contains("tenant_restrictions"),
        "{}",
        plan.stdout
    );
    ws.clear_log();
    ws.apply();
    let writes = ws.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(
        body_of(&writes[0])["tenantRestrictions"],
        serde_json::Value::Null
    );
    assert_eq!(body_of(&writes[0])["inboundTrust"]["isMfaAccepted"], true);
    ws.assert_plan_empty();
}
both_tools!(drift_is_detected_and_repaired);

// 7. Deleted out of band: the next plan creates it again.
fn deleted_out_of_band_is_recreated(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&partner(TENANT, ""));
    ws.apply();
    assert!(ws.emulator.remove_partner(TENANT));
    let plan = ws.plan();
    assert_eq!(plan.code, Some(2));
    assert!(plan.stdout.contains("1 to add"), "{}", plan.stdout);
    ws.clear_log();
    ws.apply();
    assert_eq!(
        ws.writes()
            .iter()
            .map(|r| r.method.as_str())
            .collect::<Vec<_>>(),
        ["POST"]
    );
    ws.assert_plan_empty();
}
both_tools!(deleted_out_of_band_is_recreated);

// 8. Import by GUID, by path and with an import {} block: the plan afterwards is empty.
fn import_three_ways(tool: Tool) {
    let ws = Workspace::new(tool);
    let config = partner(TENANT, &every_section());
    ws.write_config(&config);
    ws.apply();
    for id in [
        TENANT.to_string(),
        format!("/policies/crossTenantAccessPolicy/partners/{TENANT}"),
    ] {
        ws.ok(&["state", "rm", ADDRESS]);
        ws.clear_log();
        ws.ok(&["import", "-no-color", ADDRESS, &id]);
        assert!(ws.writes().is_empty(), "import must not write");
        ws.assert_plan_empty();
    }
    ws.ok(&["state", "rm", ADDRESS]);
    ws.write_file(
        "import.tf",
        &format!("import {{\n  to = {ADDRESS}\n  id = \"{TENANT}\"\n}}\n"),
    );
    let plan = ws.plan();
    assert!(plan.stdout.contains("1 to import"), "{}", plan.stdout);
    assert!(
        plan.stdout.contains("0 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    ws.apply();
    ws.remove_file("import.tf");
    ws.assert_plan_empty();
}
both_tools!(import_three_ways);

// 8b. -generate-config-out writes a configuration that then plans empty.
fn generate_config(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&partner(TENANT, &every_section()));
    ws.apply();
    ws.ok(&["state", "rm", ADDRESS]);
    ws.write_config(&format!(
        "import {{\n  to = {ADDRESS}\n  id = \"{TENANT}\"\n}}\n"
    ));
    ws.ok(&["plan", "-no-color", "-generate-config-out=generated.tf"]);
    let generated =
        std::fs::read_to_string(ws.work_dir().join("generated.tf")).expect("generated.tf");
    assert!(
        generated.contains("b2b_collaboration_inbound"),
        "{generated}"
    );
    ws.apply();
    ws.assert_plan_empty();
}
both_tools!(generate_config);

// 9. tenant_id changed: one DELETE and one POST, in that order.
fn tenant_change_replaces(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&partner(TENANT, ""));
    ws.apply();
    ws.clear_log();
    ws.write_config(&partner(OTHER_TENANT, ""));
    let plan = ws.plan();
    assert!(plan.stdout.contains("must be replaced"), "{}", plan.stdout);
    ws.apply();
    let writes: Vec<(String, String)> = ws
        .writes()
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    assert_eq!(
        writes,
        [
            ("DELETE".to_string(), Workspace::partner_url_path(TENANT)),
            (
                "POST".to_string(),
                "/v1.0/policies/crossTenantAccessPolicy/partners".to_string()
            )
        ]
    );
    // A change of letter case only is not a replacement.
    ws.write_config(&partner(&OTHER_TENANT.to_uppercase(), ""));
    let plan = ws.plan();
    assert!(!plan.stdout.contains("must be replaced"), "{}", plan.stdout);
}
both_tools!(tenant_change_replaces);

// 13. destroy: one DELETE; the emulator holds nothing.
fn destroy_deletes(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&partner(TENANT, &every_section()));
    ws.apply();
    ws.clear_log();
    ws.ok(&["destroy", "-auto-approve", "-no-color"]);
    let writes = ws.writes();
    assert_eq!(
        writes
            .iter()
            .map(|r| (r.method.as_str(), r.status))
            .collect::<Vec<_>>(),
        [("DELETE", 204)]
    );
    assert!(ws.emulator.partners().is_empty());
}
both_tools!(destroy_deletes);
