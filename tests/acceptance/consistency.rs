//! Read-after-write: an update is only reported done once Graph shows it (azuread#1517 was a
//! setting accepted with 204 and not applied, noticed only on the next run).

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
