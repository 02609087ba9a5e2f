//! `azuread_cross_tenant_partner_identity_sync` under real terraform and tofu: create (PUT),
//! empty plan, import both ways, update (one PATCH with only the change), drift, destroy in
//! the order Graph requires, a display name Graph fills in, a PUT for a missing partner, and
//! nothing lost when a PUT's answer is lost or Ctrl-C comes before it.

use crate::both_tools;
use crate::harness::*;
use graph_emulator::FaultKind;
use serde_json::{json, Value};

const SYNC: &str = "azuread_cross_tenant_partner_identity_sync.test";

fn sync_path(tenant: &str) -> String {
    format!(
        "{}/identitySynchronization",
        Workspace::partner_url_path(tenant)
    )
}

/// The partner and its sync policy, which references it.
fn config(display_name: Option<&str>, allowed: bool) -> String {
    let name = display_name
        .map(|n| format!("  display_name = \"{n}\"\n"))
        .unwrap_or_default();
    format!(
        "{}\nresource \"azuread_cross_tenant_partner_identity_sync\" \"test\" {{\n  tenant_id = azuread_cross_tenant_partner.test.tenant_id\n{name}  user_sync_inbound = {{\n    is_sync_allowed = {allowed}\n  }}\n}}\n",
        partner(TENANT, "")
    )
}

fn writes(ws: &Workspace) -> Vec<(String, String, u16, Value)> {
    ws.writes()
        .into_iter()
        .map(|r| (r.method, r.path, r.status, r.body.unwrap_or(Value::Null)))
        .collect()
}

fn lifecycle(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&config(Some("Fabrikam"), true));
    ws.apply();
    // The partner first (the reference orders it), then one PUT answered 204.
    let sent = writes(&ws);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!((sent[0].0.as_str(), sent[0].2), ("POST", 201));
    assert_eq!(
        sent[1],
        (
            "PUT".to_string(),
            sync_path(TENANT),
            204,
            json!({"displayName": "Fabrikam", "userSyncInbound": {"isSyncAllowed": true}})
        )
    );
    ws.assert_plan_empty();
    let state = ws.state_values(SYNC);
    assert_eq!(state["id"], TENANT);
    assert_eq!(state["tenant_id"], TENANT);
    assert_eq!(state["display_name"], "Fabrikam");
    assert_eq!(state["user_sync_inbound"], json!({"is_sync_allowed": true}));

    // Import by tenant GUID and by Graph path: no write, an empty plan, the same state.
    for id in [
        TENANT.to_uppercase(),
        sync_path(TENANT).replace("/v1.0", ""),
    ] {
        ws.ok(&["state", "rm", SYNC]);
        ws.clear_log();
        ws.ok(&["import", "-no-color", SYNC, &id]);
        assert!(ws.writes().is_empty(), "import must not write");
        ws.assert_plan_empty();
        assert_eq!(ws.state_values(SYNC), state, "import {id}");
    }
    let bad = ws.run(&[
        "import",
        "-no-color",
        "azuread_cross_tenant_partner_identity_sync.x",
        "fabrikam.com",
    ]);
    assert!(!bad.success);

    // Update: one PATCH holding only the change.
    ws.clear_log();
    ws.write_config(&config(Some("Fabrikam"), false));
    ws.apply();
    assert_eq!(
        writes(&ws),
        [(
            "PATCH".to_string(),
            sync_path(TENANT),
            204,
            json!({"userSyncInbound": {"isSyncAllowed": false}})
        )]
    );
    ws.assert_plan_empty();
    ws.clear_log();
    ws.write_config(&config(Some("Fabrikam Ltd"), false));
    ws.apply();
    let sent = writes(&ws);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].3, json!({"displayName": "Fabrikam Ltd"}));
    ws.assert_plan_empty();

    // Drift out of band shows, and apply repairs it with one PATCH.
    assert!(ws.emulator.put_identity_sync(
        TENANT,
        json!({"displayName": "Fabrikam Ltd", "userSyncInbound": {"isSyncAllowed": true}})
    ));
    let plan = ws.plan();
    assert_eq!(plan.code, Some(2), "drift must show:\n{}", plan.stdout);
    assert!(plan.stdout.contains("is_sync_allowed"), "{}", plan.stdout);
    ws.clear_log();
    ws.apply();
    assert_eq!(writes(&ws).len(), 1, "{:?}", writes(&ws));
    ws.assert_plan_empty();

    // Deleted out of band: the next plan creates it again.
    assert!(ws.emulator.remove_identity_sync(TENANT));
    let plan = ws.plan();
    assert!(plan.stdout.contains("1 to add"), "{}", plan.stdout);

    // Destroy: the policy's DELETE before the partner's, and nothing left.
    ws.ok(&["apply", "-auto-approve", "-no-color"]);
    ws.clear_log();
    ws.ok(&["destroy", "-auto-approve", "-no-color"]);
    let deleted: Vec<(String, String, u16)> = writes(&ws)
        .into_iter()
        .map(|(m, p, s, _)| (m, p, s))
        .collect();
    assert_eq!(
        deleted,
        [
            ("DELETE".to_string(), sync_path(TENANT), 204),
            (
                "DELETE".to_string(),
                Workspace::partner_url_path(TENANT),
                204
            ),
        ]
    );
    assert!(ws.emulator.partners().is_empty());
    assert!(ws.emulator.identity_sync(TENANT).is_none());
}
both_tools!(lifecycle);

// Without display_name nothing is sent for it, and a name Graph shows later is no diff.
fn display_name_left_to_graph(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&config(None, true));
    ws.apply();
    let put = writes(&ws).into_iter().find(|w| w.0 == "PUT").expect("PUT");
    assert_eq!(put.3, json!({"userSyncInbound": {"isSyncAllowed": true}}));
    ws.assert_plan_empty();
    assert!(ws.emulator.put_identity_sync(
        TENANT,
        json!({"displayName": "Fabrikam", "userSyncInbound": {"isSyncAllowed": true}})
    ));
    ws.assert_plan_empty();
    assert_eq!(ws.state_values(SYNC)["display_name"], Value::Null);
    ws.ok(&["apply", "-refresh-only", "-auto-approve", "-no-color"]);
    assert_eq!(ws.state_values(SYNC)["display_name"], "Fabrikam");
    ws.assert_plan_empty();
}
both_tools!(display_name_left_to_graph);

// A policy for a tenant with no partner configuration: an error that says to create it first.
fn partner_must_exist_first(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&format!(
        "resource \"azuread_cross_tenant_partner_identity_sync\" \"test\" {{\n  tenant_id = \"{OTHER_TENANT}\"\n  user_sync_inbound = {{\n    is_sync_allowed = true\n  }}\n}}\n"
    ));
    let run = ws.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(!run.success);
    // Terraform wraps diagnostics: compare with the line breaks undone.
    let out = run
        .combined()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        out.contains(&format!(
            "Partner {OTHER_TENANT} has no cross-tenant access configuration"
        )),
        "{out}"
    );
    assert!(out.contains("Create the partner first"), "{out}");
    assert!(out.contains("request-id"), "{out}");
    assert_eq!(ws.state_values(SYNC), Value::Null);
}
both_tools!(partner_must_exist_first);

/// The partner alone, applied, then the configuration with its sync policy written.
fn partner_applied(tool: Tool) -> Workspace {
    let ws = Workspace::new(tool);
    ws.write_config(&partner(TENANT, ""));
    ws.apply();
    ws.write_config(&config(None, true));
    ws.clear_log();
    ws
}

fn sync_in_state(ws: &Workspace) -> bool {
    ws.ok(&["state", "list"]).stdout.lines().any(|l| l == SYNC)
}

// A PUT whose answer is lost on the way back: PUT is idempotent, so it is sent again, and the
// policy ends in state as Graph holds it.
fn a_lost_put_answer_is_retried(tool: Tool) {
    let ws = partner_applied(tool);
    ws.emulator.add_fault(fault(
        "identitySynchronization",
        "PUT",
        FaultKind::DropResponse,
        1,
    ));
    ws.apply();
    let puts: Vec<_> = writes(&ws)
        .into_iter()
        .filter(|(method, ..)| method == "PUT")
        .collect();
    assert_eq!(puts.len(), 2, "the lost answer, then the retry: {puts:?}");
    assert!(ws.emulator.identity_sync(TENANT).is_some());
    assert!(sync_in_state(&ws));
    ws.assert_plan_empty();
}
both_tools!(a_lost_put_answer_is_retried);

// Ctrl-C while the PUT is unanswered past the grace: the outcome is unknown, so the policy is
// kept in state, and the next apply converges without an error or an orphan.
fn ctrl_c_during_put_keeps_the_policy(tool: Tool) {
    let ws = partner_applied(tool);
    let (run, exited_after) = crate::interrupt::interrupted_on(
        &ws,
        crate::interrupt::APPLY,
        "identitySynchronization",
        "PUT",
        crate::interrupt::UNANSWERED_MS,
        1,
    );
    assert!(!run.success, "{}", run.combined());
    assert!(
        exited_after < std::time::Duration::from_secs(30),
        "{exited_after:?}\n{}",
        run.combined()
    );
    crate::interrupt::wait_until(
        "the emulator to finish",
        std::time::Duration::from_secs(120),
        || ws.emulator.requests_in_flight().is_empty(),
    );
    assert!(
        ws.emulator.identity_sync(TENANT).is_some(),
        "the PUT took effect"
    );
    assert!(
        sync_in_state(&ws),
        "a PUT that may have happened stays in state:\n{}",
        run.combined()
    );
    ws.emulator.clear_faults();
    ws.apply();
    assert!(ws.emulator.identity_sync(TENANT).is_some());
    ws.assert_plan_empty();
}
both_tools!(ctrl_c_during_put_keeps_the_policy);
