//! `terraform query` (Terraform 1.14+; here 1.15) over the list resource
//! `azuread_cross_tenant_partner`: 120 partners over three pages are all listed with their
//! identity; the configuration `-generate-config-out` writes applies as 120 imports that send
//! GETs only, then plans empty; `config { tenant_ids }` narrows the list (a missing tenant is a
//! warning naming it, and four share one paged list); `limit` stops the paging early; Ctrl-C
//! ends a query waiting on Graph; a bad tenant ID is refused before any request.

use crate::harness::{fault, Tool, Workspace};
use crate::interrupt::wait_until;
use graph_emulator::{FaultKind, Switches};
use serde_json::{json, Value};
use std::os::unix::process::CommandExt;
use std::time::Duration;

const PARTNERS_PATH: &str = "/v1.0/policies/crossTenantAccessPolicy/partners";
const COUNT: usize = 120;
/// 120 partners in pages of 50: three pages.
const PAGE_SIZE: usize = 50;

fn tenant(index: usize) -> String {
    format!("00000000-0000-4000-8000-{index:012}")
}

/// A partner as someone configured it by hand: every third with inbound trust, every fifth
/// with B2B collaboration for all users, the rest inheriting the defaults.
fn hand_made(index: usize) -> Value {
    let mut partner = json!({ "tenantId": tenant(index) });
    if index.is_multiple_of(3) {
        partner["inboundTrust"] = json!({
            "isMfaAccepted": true,
            "isCompliantDeviceAccepted": index.is_multiple_of(2),
            "isHybridAzureADJoinedDeviceAccepted": false,
        });
    }
    if index.is_multiple_of(5) {
        partner["b2bCollaborationInbound"] = json!({
            "usersAndGroups": {"accessType": "allowed", "targets": [{"target": "AllUsers", "targetType": "user"}]},
            "applications": {"accessType": "allowed", "targets": [{"target": "AllApplications", "targetType": "application"}]},
        });
    }
    partner
}

/// An emulator holding `COUNT` hand-made partners in pages of `PAGE_SIZE`, and a configuration
/// with the provider block only.
fn workspace() -> Workspace {
    let ws = Workspace::new(Tool::Terraform115);
    ws.emulator.set_switches(Switches {
        page_size: Some(PAGE_SIZE),
        ..ws.emulator.switches()
    });
    for index in 0..COUNT {
        ws.emulator.put_partner(&tenant(index), hand_made(index));
    }
    ws.write_config("");
    ws
}

fn list_block(body: &str) -> String {
    format!("list \"azuread_cross_tenant_partner\" \"all\" {{\n  provider = azuread\n{body}}}\n")
}

/// The partner requests since the last clear, as "METHOD path status".
fn seen(ws: &Workspace) -> Vec<String> {
    ws.partner_requests()
        .iter()
        .map(|r| format!("{} {} {}", r.method, r.path, r.status))
        .collect()
}

/// The attributes state holds for the partner of `tenant`, whatever its generated name.
fn state_of(ws: &Workspace, tenant: &str) -> Value {
    let pulled = ws.ok(&["state", "pull"]);
    let state: Value = serde_json::from_str(&pulled.stdout).expect("state JSON");
    let resources = state["resources"].as_array().cloned().unwrap_or_default();
    resources
        .iter()
        .filter(|r| r["type"] == "azuread_cross_tenant_partner")
        .map(|r| r["instances"][0]["attributes"].clone())
        .find(|a| a["tenant_id"] == tenant)
        .unwrap_or(Value::Null)
}

fn lists_sent(ws: &Workspace) -> usize {
    ws.partner_requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == PARTNERS_PATH)
        .count()
}

#[test]
fn query_lists_every_partner_and_its_generated_configuration_imports() {
    let ws = workspace();
    ws.write_file(
        "partners.tfquery.hcl",
        &list_block("  include_resource = true\n  limit            = 1000\n"),
    );
    ws.clear_log();
    let run = ws.ok(&["query", "-no-color"]);
    for index in 0..COUNT {
        assert!(
            run.stdout.contains(&tenant(index)),
            "partner {index} is not listed:\n{}",
            run.stdout
        );
    }
    assert_eq!(
        lists_sent(&ws),
        3,
        "one paged list, three pages: {:?}",
        seen(&ws)
    );
    assert_eq!(ws.partner_requests().len(), 3, "{:?}", seen(&ws));
    eprintln!("terraform query of {COUNT} partners: {:?}", seen(&ws));

    let run = ws.ok(&["query", "-no-color", "-generate-config-out=generated.tf"]);
    let generated =
        std::fs::read_to_string(ws.work_dir().join("generated.tf")).expect("generated.tf");
    assert_eq!(
        generated.matches("import {").count(),
        COUNT,
        "{}\n{generated}",
        run.stdout
    );
    assert_eq!(
        generated
            .matches("resource \"azuread_cross_tenant_partner\"")
            .count(),
        COUNT,
        "{generated}"
    );

    ws.clear_log();
    let apply = ws.apply();
    assert!(
        apply.stdout.contains(&format!(
            "{COUNT} imported, 0 added, 0 changed, 0 destroyed"
        )),
        "{}",
        apply.stdout
    );
    let requests = ws.partner_requests();
    assert!(
        requests.iter().all(|r| r.method == "GET"),
        "importing sends GETs only: {:?}",
        seen(&ws)
    );
    assert!(ws.writes().is_empty(), "{:?}", ws.writes());
    assert_eq!(ws.emulator.partners().len(), COUNT);
    eprintln!(
        "apply of the generated configuration ({COUNT} imports): {} Graph requests {:?}",
        requests.len(),
        seen(&ws)
    );

    // What was imported is what Graph holds: the configuration plans empty, and a
    // partner's sections are in state as configured by hand.
    ws.assert_plan_empty();
    let imported = state_of(&ws, &tenant(15));
    assert_eq!(imported["inbound_trust"]["is_mfa_accepted"], json!(true));
    assert_eq!(
        imported["b2b_collaboration_inbound"]["users_and_groups"]["access_type"],
        json!("allowed")
    );
    assert_eq!(imported["tenant_restrictions"], Value::Null);
}

#[test]
fn tenant_ids_narrow_the_list_and_a_missing_tenant_is_named() {
    let ws = workspace();
    let missing = "11111111-2222-4333-8444-555555555555";
    ws.write_file(
        "partners.tfquery.hcl",
        &list_block(&format!(
            "  config {{\n    tenant_ids = [\"{}\", \"{missing}\"]\n  }}\n",
            tenant(7).to_uppercase()
        )),
    );
    ws.clear_log();
    let run = ws.ok(&["query", "-no-color"]);
    assert!(run.stdout.contains(&tenant(7)), "{}", run.combined());
    assert!(!run.stdout.contains(&tenant(8)), "{}", run.combined());
    assert!(run.combined().contains(missing), "{}", run.combined());
    assert!(
        run.combined().contains("tenant_ids = ["),
        "the warning points at the tenant_ids line: {}",
        run.combined()
    );
    assert!(
        run.combined()
            .contains("No partner for some requested tenants"),
        "{}",
        run.combined()
    );
    assert_eq!(
        lists_sent(&ws),
        0,
        "two tenants are two GETs, not a list: {:?}",
        seen(&ws)
    );
    assert_eq!(ws.partner_requests().len(), 2, "{:?}", seen(&ws));
}

#[test]
fn many_tenant_ids_share_one_paged_list() {
    let ws = workspace();
    let wanted: Vec<String> = [3, 60, 99, 119].into_iter().map(tenant).collect();
    let quoted: Vec<String> = wanted.iter().map(|t| format!("\"{t}\"")).collect();
    ws.write_file(
        "partners.tfquery.hcl",
        &list_block(&format!(
            "  config {{\n    tenant_ids = [{}]\n  }}\n",
            quoted.join(", ")
        )),
    );
    ws.clear_log();
    let run = ws.ok(&["query", "-no-color"]);
    let shown = (0..COUNT)
        .filter(|i| run.stdout.contains(&tenant(*i)))
        .count();
    assert_eq!(shown, wanted.len(), "{}", run.stdout);
    assert_eq!(
        lists_sent(&ws),
        ws.partner_requests().len(),
        "four tenants are read through one paged list, not a GET each: {:?}",
        seen(&ws)
    );
    assert_eq!(lists_sent(&ws), 3, "{:?}", seen(&ws));
}

#[test]
fn limit_stops_the_paging() {
    let ws = workspace();
    ws.write_file("partners.tfquery.hcl", &list_block("  limit = 5\n"));
    ws.clear_log();
    let run = ws.ok(&["query", "-no-color"]);
    let shown = (0..COUNT)
        .filter(|i| run.stdout.contains(&tenant(*i)))
        .count();
    assert_eq!(shown, 5, "{}", run.stdout);
    assert_eq!(
        ws.partner_requests().len(),
        1,
        "five partners need the first page only: {:?}",
        seen(&ws)
    );
}

#[test]
fn a_bad_tenant_id_is_refused_before_any_request() {
    let ws = workspace();
    ws.write_file(
        "partners.tfquery.hcl",
        &list_block("  config {\n    tenant_ids = [\"contoso.com\"]\n  }\n"),
    );
    ws.clear_log();
    let run = ws.run(&["query", "-no-color"]);

    assert!(!run.success, "{}", run.combined());
    assert!(
        run.combined().contains("Invalid tenant ID"),
        "{}",
        run.combined()
    );
    assert!(run.combined().contains("contoso.com"), "{}", run.combined());
    assert!(
        run.combined().contains("tenant_ids = [\"contoso.com\"]"),
        "the error points at the attribute's line: {}",
        run.combined()
    );
    assert!(ws.partner_requests().is_empty(), "{:?}", seen(&ws));
}

#[test]
fn ctrl_c_stops_a_query_waiting_on_graph() {
    let ws = workspace();
    ws.write_file("partners.tfquery.hcl", &list_block("  limit = 1000\n"));
    // Graph takes ten minutes to answer the list: only the interrupt can end it sooner.
    ws.emulator.add_fault(fault(
        "partners",
        "GET",
        FaultKind::Latency { ms: 600_000 },
        1,
    ));
    let mut child = ws
        .command(&["query", "-no-color"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .spawn()
        .expect("spawn query");
    wait_until(
        "the list request in flight",
        Duration::from_secs(120),
        || {
            ws.emulator
                .requests_in_flight()
                .iter()
                .any(|r| r.method == "GET" && r.path == PARTNERS_PATH)
        },
    );
    // What a terminal does on Ctrl-C: SIGINT to the whole foreground process group.
    let kill = std::process::Command::new("kill")
        .args(["-s", "INT", "--", &format!("-{}", child.id())])
        .status()
        .expect("kill");
    assert!(kill.success());
    wait_until("terraform query to exit", Duration::from_secs(180), || {
        matches!(child.try_wait(), Ok(Some(_)))
    });
    assert!(ws.writes().is_empty(), "{:?}", ws.writes());
}
