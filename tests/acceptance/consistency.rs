//! Graph's eventual consistency: an update is only reported done once Graph shows it
//! (azuread#1517 was a setting accepted with 204 and not applied, noticed only on the next run),
//! and a create that collides with Graph still finishing a delete is retried, not reported as
//! "already exists".

use crate::both_tools;
use crate::harness::*;
use graph_emulator::{FaultKind, FaultSpec};

const TRUST_OFF: &str = "  inbound_trust = {\n    is_mfa_accepted = false\n  }\n";
const TRUST_ON: &str = "  inbound_trust = {\n    is_mfa_accepted = true\n  }\n";

/// Requests for the partner after its PATCH, as "METHOD status".
fn after_patch(ws: &Workspace) -> Vec<String> {
    ws.partner_requests()
        .iter()
        .skip_while(|r| r.method != "PATCH")
        .map(|r| format!("{} {}", r.method, r.status))
        .collect()
}

/// Reads that still show the old value right after a PATCH are waited out: the apply succeeds
/// after reading again, with one PATCH, and the next plan is empty.
fn update_waits_until_graph_shows_it(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&partner(TENANT, TRUST_OFF));
    ws.apply();
    ws.emulator.add_fault(FaultSpec {
        route: "*".into(),
        method: None,
        kind: FaultKind::UpdateLag { window_ms: 1500 },
        count: None,
        probability: None,
        seed: None,
    });
    ws.clear_log();
    ws.write_config(&partner(TENANT, TRUST_ON));
    let run = ws.apply();
    let seen = after_patch(&ws);
    assert_eq!(
        seen.first().map(String::as_str),
        Some("PATCH 204"),
        "{seen:?}"
    );
    assert!(seen.len() >= 3, "the stale read is read again: {seen:?}");
    assert!(seen[1..].iter().all(|r| r == "GET 200"), "{seen:?}");
    assert!(run.elapsed.as_millis() >= 1500, "{:?}", run.elapsed);
    assert_eq!(
        ws.state_values(ADDRESS)["inbound_trust"]["is_mfa_accepted"],
        true
    );
    ws.emulator.clear_faults();
    ws.assert_plan_empty();
}
both_tools!(update_waits_until_graph_shows_it);

/// A PATCH that Graph answers with 204 but never applies fails the apply, naming the section
/// and the PATCH's request-id; the state records what Graph holds, so the next plan shows the
/// change again and a second apply makes it.
fn an_update_graph_did_not_apply_is_an_error(tool: Tool) {
    let ws = Workspace::new(tool);
    let timeouts = "  timeouts = {\n    update = \"3s\"\n  }\n";
    ws.write_config(&partner(TENANT, &format!("{TRUST_OFF}{timeouts}")));
    ws.apply();
    ws.emulator
        .add_fault(fault("partner", "PATCH", FaultKind::IgnoreWrite, 1));
    ws.clear_log();
    ws.write_config(&partner(TENANT, &format!("{TRUST_ON}{timeouts}")));

    let run = ws.run(&["apply", "-auto-approve", "-no-color"]);
    let out = run.combined();
    assert!(!run.success, "{out}");
    assert!(
        out.contains("Graph did not apply the change to inbound_trust"),
        "{out}"
    );
    assert!(out.contains("PATCH answered 204, request-id:"), "{out}");
    assert!(
        out.contains("with azuread_cross_tenant_partner.test"),
        "{out}"
    );
    let seen = after_patch(&ws);
    assert!(seen.len() >= 3, "it read again before giving up: {seen:?}");
    assert_eq!(
        ws.state_values(ADDRESS)["inbound_trust"]["is_mfa_accepted"],
        false,
        "the state holds what Graph holds"
    );

    let plan = ws.plan();
    assert_eq!(
        plan.code,
        Some(2),
        "the change is still pending:\n{}",
        plan.combined()
    );
    ws.apply();
    ws.assert_plan_empty();
    assert_eq!(
        ws.emulator.partner(TENANT).expect("partner")["inboundTrust"]["isMfaAccepted"],
        true
    );
}
both_tools!(an_update_graph_did_not_apply_is_an_error);

fn delete_lag() -> FaultSpec {
    FaultSpec {
        route: "*".into(),
        method: None,
        kind: FaultKind::DeleteLag { window_ms: 1500 },
        count: None,
        probability: None,
        seed: None,
    }
}

/// Requests for the partner as "METHOD status", in order.
fn partner_statuses(ws: &Workspace) -> Vec<String> {
    ws.partner_requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.status))
        .collect()
}

/// `apply -replace` deletes then re-creates the same tenant in one run: the 409s Graph gives
/// while it finishes the delete are retried until the create succeeds.
fn replace_rides_out_the_conflict_after_delete(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&partner(TENANT, TRUST_ON));
    ws.apply();
    ws.emulator.add_fault(delete_lag());
    ws.clear_log();
    ws.ok(&[
        "apply",
        "-auto-approve",
        "-no-color",
        &format!("-replace={ADDRESS}"),
    ]);
    let seen = partner_statuses(&ws);
    let delete = seen
        .iter()
        .position(|r| r == "DELETE 204")
        .expect("a DELETE");
    let after: Vec<&str> = seen[delete + 1..]
        .iter()
        .map(String::as_str)
        .filter(|r| r.starts_with("POST"))
        .collect();
    assert!(after.len() >= 2, "{seen:?}");
    assert!(
        after[..after.len() - 1].iter().all(|r| *r == "POST 409"),
        "{seen:?}"
    );
    assert_eq!(after.last(), Some(&"POST 201"), "{seen:?}");
    ws.emulator.clear_faults();
    ws.assert_plan_empty();
}
both_tools!(replace_rides_out_the_conflict_after_delete);

/// The same after a `destroy` in an earlier run: the new process did not see the delete, but
/// Graph cannot read the partner, so the 409 is the delete still finishing, not a partner to
/// import.
fn create_right_after_a_destroy_is_retried(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&partner(TENANT, TRUST_ON));
    ws.apply();
    ws.emulator.add_fault(delete_lag());
    ws.ok(&["destroy", "-auto-approve", "-no-color"]);
    ws.clear_log();
    ws.apply();
    let seen = partner_statuses(&ws);
    assert_eq!(
        seen.first().map(String::as_str),
        Some("POST 409"),
        "{seen:?}"
    );
    assert!(
        seen.contains(&"GET 404".to_string()),
        "the conflict was checked: {seen:?}"
    );
    assert!(seen.contains(&"POST 201".to_string()), "{seen:?}");
    ws.emulator.clear_faults();
    ws.assert_plan_empty();
}
both_tools!(create_right_after_a_destroy_is_retried);
