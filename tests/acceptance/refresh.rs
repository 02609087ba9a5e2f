//! Coalesced refresh: when Terraform refreshes many partners, the provider reads them from one
//! paged list instead of a GET each, and a refresh still tells what a GET would tell: a partner
//! deleted out of band is planned for creation, one created moments ago and not listed yet is
//! still found, and drift in a listed partner is shown.

use crate::both_tools;
use crate::harness::{partners, Tool, Workspace};
use graph_emulator::{FaultKind, FaultSpec, LoggedRequest, Switches};
use serde_json::json;

const PARTNERS_PATH: &str = "/v1.0/policies/crossTenantAccessPolicy/partners";
/// Seven partners in pages of three: a list of three pages.
const PAGE_SIZE: usize = 3;

fn tenant(index: usize) -> String {
    format!("00000000-0000-4000-8000-{index:012}")
}

fn workspace(tool: Tool) -> Workspace {
    let ws = Workspace::new(tool);
    ws.emulator.set_switches(Switches {
        page_size: Some(PAGE_SIZE),
        ..ws.emulator.switches()
    });
    ws
}

fn is_list(request: &LoggedRequest) -> bool {
    request.method == "GET" && request.path == PARTNERS_PATH
}

/// The partner requests since the last clear, as "METHOD path?query status".
fn seen(ws: &Workspace) -> Vec<String> {
    ws.partner_requests()
        .iter()
        .map(|r| {
            let query = if r.query.is_empty() {
                String::new()
            } else {
                format!("?{}", r.query)
            };
            format!("{} {}{query} {}", r.method, r.path, r.status)
        })
        .collect()
}

fn refresh_reads_one_paged_list(tool: Tool) {
    let ws = workspace(tool);
    ws.write_config(&partners(7));
    ws.apply();
    assert_eq!(ws.emulator.partners().len(), 7);

    ws.clear_log();
    ws.assert_plan_empty();
    let requests = ws.partner_requests();
    assert!(
        requests.iter().all(|r| is_list(r) && r.status == 200),
        "a refresh of seven partners sends list requests only: {:?}",
        seen(&ws)
    );
    assert_eq!(
        requests.len(),
        3,
        "one list, three pages of {PAGE_SIZE}: {:?}",
        seen(&ws)
    );
    assert!(
        requests[1..].iter().all(|r| r.query.contains("$skiptoken")),
        "{:?}",
        seen(&ws)
    );

    // Drift in one listed partner and an out-of-band delete of another, between two runs.
    let drifted = tenant(2);
    let deleted = tenant(5);
    let mut changed = ws.emulator.partner(&drifted).expect("partner 2");
    changed["inboundTrust"] = json!({"isMfaAccepted": false});
    ws.emulator.put_partner(&drifted, changed);
    assert!(ws.emulator.remove_partner(&deleted));
    ws.clear_log();
    let plan = ws.plan();
    assert_eq!(plan.code, Some(2), "changes expected:\n{}", plan.stdout);
    assert!(
        plan.stdout
            .contains("azuread_cross_tenant_partner.p[5] will be created"),
        "the partner deleted out of band is planned for creation:\n{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("azuread_cross_tenant_partner.p[2] will be updated in-place"),
        "the drift in a listed partner is shown:\n{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("~ is_mfa_accepted") && plan.stdout.contains("false -> true"),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("1 to add, 1 to change, 0 to destroy"));
    // Absent from the list, the deleted partner was read with its own GET: Graph's 404 decided.
    let own_gets: Vec<String> = ws
        .partner_requests()
        .iter()
        .filter(|r| !is_list(r))
        .map(|r| format!("{} {} {}", r.method, r.path, r.status))
        .collect();
    assert_eq!(
        own_gets,
        [format!("GET {PARTNERS_PATH}/{deleted} 404")],
        "{:?}",
        seen(&ws)
    );
}
both_tools!(refresh_reads_one_paged_list);

fn a_partner_not_listed_yet_is_still_found(tool: Tool) {
    let ws = workspace(tool);
    ws.write_config(&partners(6));
    ws.apply();
    // From here on, a new partner shows in GETs at once but in lists only much later.
    ws.emulator.add_fault(FaultSpec {
        route: "*".into(),
        method: None,
        kind: FaultKind::ListLag { window_ms: 600_000 },
        count: None,
        probability: None,
        seed: None,
    });
    ws.write_config(&partners(7));
    ws.clear_log();
    ws.apply();
    let newest = tenant(6);
    let posts: Vec<String> = ws
        .partner_requests()
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(posts, [PARTNERS_PATH], "one create");

    ws.clear_log();
    ws.assert_plan_empty();
    let requests = ws.partner_requests();
    assert!(requests.iter().any(is_list), "{:?}", seen(&ws));
    let own_gets: Vec<String> = requests
        .iter()
        .filter(|r| !is_list(r))
        .map(|r| format!("{} {} {}", r.method, r.path, r.status))
        .collect();
    assert_eq!(
        own_gets,
        [format!("GET {PARTNERS_PATH}/{newest} 200")],
        "only the partner missing from the list is read on its own: {:?}",
        seen(&ws)
    );
    assert_eq!(
        ws.state_values("azuread_cross_tenant_partner.p[6]")["tenant_id"],
        newest.as_str()
    );
}
both_tools!(a_partner_not_listed_yet_is_still_found);
