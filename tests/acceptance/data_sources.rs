//! The partner data sources under real terraform and tofu: they read what the emulator holds
//! (one partner by tenant ID, all partners across pages), a missing partner is an error naming
//! the tenant, and a read that depends on a resource being created waits for it.

use crate::both_tools;
use crate::harness::*;
use graph_emulator::Switches;
use serde_json::{json, Value};

const THIRD_TENANT: &str = "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f";

/// A partner managed outside this configuration, as Graph would hold it.
fn seed(ws: &Workspace, tenant: &str, mfa: bool) {
    ws.emulator.put_partner(
        tenant,
        json!({
            "tenantId": tenant,
            "inboundTrust": {"isMfaAccepted": mfa, "isCompliantDeviceAccepted": false, "isHybridAzureADJoinedDeviceAccepted": false},
            "b2bCollaborationInbound": {"usersAndGroups": {"accessType": "allowed", "targets": [{"target": "AllUsers", "targetType": "user"}]}},
            "isServiceProvider": true,
        }),
    );
}

fn data_values(ws: &Workspace, address: &str) -> Value {
    let values = ws.state_values(address);
    assert!(!values.is_null(), "no {address} in the state");
    values
}

fn one_partner(tool: Tool) {
    let ws = Workspace::new(tool);
    seed(&ws, TENANT, true);
    ws.write_config(&format!(
        "data \"azuread_cross_tenant_partner\" \"x\" {{\n  tenant_id = \"{TENANT}\"\n}}\n"
    ));
    ws.apply();
    let x = data_values(&ws, "data.azuread_cross_tenant_partner.x");
    assert_eq!(x["id"], TENANT);
    assert_eq!(x["tenant_id"], TENANT);
    assert_eq!(
        x["inbound_trust"],
        json!({"is_mfa_accepted": true, "is_compliant_device_accepted": false, "is_hybrid_azure_ad_joined_device_accepted": false})
    );
    assert_eq!(
        x["b2b_collaboration_inbound"],
        json!({"users_and_groups": {"access_type": "allowed", "targets": [{"target": "AllUsers", "target_type": "user"}]}, "applications": null})
    );
    assert_eq!(x["is_service_provider"], true);
    assert_eq!(x["tenant_restrictions"], Value::Null);
    assert!(ws.writes().is_empty(), "a data source never writes");

    // What Graph holds changes: the next read shows it.
    seed(&ws, TENANT, false);
    ws.apply();
    let x = data_values(&ws, "data.azuread_cross_tenant_partner.x");
    assert_eq!(x["inbound_trust"]["is_mfa_accepted"], false);

    // A tenant without a partner configuration is an error naming it.
    ws.write_config(&format!(
        "data \"azuread_cross_tenant_partner\" \"x\" {{\n  tenant_id = \"{OTHER_TENANT}\"\n}}\n"
    ));
    let run = ws.run(&["plan", "-no-color"]);
    assert!(!run.success);
    assert!(
        run.combined().contains(&format!(
            "No cross-tenant access partner for tenant {OTHER_TENANT}"
        )),
        "{}",
        run.combined()
    );
}
both_tools!(one_partner);

fn all_partners_across_pages(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.emulator.set_switches(Switches {
        page_size: Some(2),
        ..ws.emulator.switches()
    });
    for (tenant, mfa) in [(TENANT, true), (OTHER_TENANT, false), (THIRD_TENANT, true)] {
        seed(&ws, tenant, mfa);
    }
    ws.write_config("data \"azuread_cross_tenant_partners\" \"all\" {}\n");
    ws.clear_log();
    ws.apply();
    let lists: Vec<_> = ws
        .partner_requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/partners"))
        .collect();
    assert!(lists.len() >= 2, "expected the two pages read: {lists:?}");
    let all = data_values(&ws, "data.azuread_cross_tenant_partners.all");
    let mut expected = vec![TENANT, OTHER_TENANT, THIRD_TENANT];
    expected.sort_unstable();
    let ids: Vec<&str> = all["tenant_ids"]
        .as_array()
        .expect("tenant_ids")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, expected);
    let partners = all["partners"].as_array().expect("partners");
    let listed: Vec<&str> = partners
        .iter()
        .filter_map(|p| p["tenant_id"].as_str())
        .collect();
    assert_eq!(listed, expected, "every partner, ordered by tenant ID");
    let other = &partners[listed
        .iter()
        .position(|t| *t == OTHER_TENANT)
        .expect("other")];
    assert_eq!(other["inbound_trust"]["is_mfa_accepted"], false);
    assert_eq!(other["is_service_provider"], true);
    assert_eq!(other["id"], OTHER_TENANT);
}
both_tools!(all_partners_across_pages);

// A data source reading the partner this configuration creates is read once it exists.
fn reads_after_the_resource_it_depends_on(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&format!(
        "{}\ndata \"azuread_cross_tenant_partner\" \"x\" {{\n  tenant_id = azuread_cross_tenant_partner.test.id\n}}\n\ndata \"azuread_cross_tenant_partners\" \"all\" {{\n  depends_on = [azuread_cross_tenant_partner.test]\n}}\n",
        partner(TENANT, "  inbound_trust = {\n    is_mfa_accepted = true\n  }\n")
    ));
    ws.apply();
    let x = data_values(&ws, "data.azuread_cross_tenant_partner.x");
    assert_eq!(x["inbound_trust"]["is_mfa_accepted"], true);
    let all = data_values(&ws, "data.azuread_cross_tenant_partners.all");
    assert_eq!(all["tenant_ids"], json!([TENANT]));
    ws.assert_plan_empty();
}
both_tools!(reads_after_the_resource_it_depends_on);

// The default configuration: the service default first, then what a write made of it.
fn access_default(tool: Tool) {
    let ws = Workspace::new(tool);
    let data = "data \"azuread_cross_tenant_access_default\" \"d\" {}\n";
    ws.write_config(data);
    ws.apply();
    let d = data_values(&ws, "data.azuread_cross_tenant_access_default.d");
    assert_eq!(d["id"], "default");
    assert_eq!(d["is_service_default"], true);
    assert_eq!(
        d["b2b_collaboration_inbound"]["users_and_groups"]["access_type"],
        "allowed"
    );
    assert!(
        ws.writes().is_empty()
            && ws
                .emulator
                .request_log()
                .iter()
                .all(|r| r.method != "PATCH")
    );
    ws.write_config(
        "resource \"azuread_cross_tenant_access_default\" \"d\" {\n  inbound_trust = {\n    is_mfa_accepted = true\n  }\n}\n\ndata \"azuread_cross_tenant_access_default\" \"d\" {\n  depends_on = [azuread_cross_tenant_access_default.d]\n}\n",
    );
    ws.apply();
    let d = data_values(&ws, "data.azuread_cross_tenant_access_default.d");
    assert_eq!(d["inbound_trust"]["is_mfa_accepted"], true);
    assert_eq!(d["is_service_default"], false);
}
both_tools!(access_default);
