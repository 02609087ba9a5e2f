//! Ctrl-C during `apply`: the terminal sends SIGINT to Terraform and to the provider (one
//! process group), Terraform calls StopProvider, and every create already on its way to Graph
//! ends recorded in state, so the next `apply` converges with no error and no orphan.

use crate::both_tools;
use crate::harness::*;
use graph_emulator::FaultKind;
use std::collections::BTreeSet;
use std::os::unix::process::CommandExt;
use std::process::Stdio;
use std::time::{Duration, Instant};

const TENANTS: [&str; 3] = [
    "a1b2c3d4-0000-4000-8000-000000000001",
    "a1b2c3d4-0000-4000-8000-000000000002",
    "a1b2c3d4-0000-4000-8000-000000000003",
];

fn config() -> String {
    config_with(true)
}

fn config_with(mfa: bool) -> String {
    TENANTS
        .iter()
        .enumerate()
        .map(|(i, tenant)| {
            partner(
                tenant,
                &format!("  inbound_trust = {{\n    is_mfa_accepted = {mfa}\n  }}\n"),
            )
            .replace("\"test\"", &format!("\"p{i}\""))
        })
        .collect()
}

pub(crate) const APPLY: &[&str] = &["apply", "-auto-approve", "-no-color"];
/// Longer than the provider's grace for a write in flight (2.5 s), so the answer comes too late.
pub(crate) const UNANSWERED_MS: u64 = 5000;

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Polls (does not sleep for timing) until `done`, failing after a generous `limit`.
pub(crate) fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stored_tenants(ws: &Workspace) -> BTreeSet<String> {
    ws.emulator
        .partners()
        .iter()
        .filter_map(|p| p["tenantId"].as_str().map(str::to_owned))
        .collect()
}

fn tracked_tenants(ws: &Workspace) -> BTreeSet<String> {
    let run = ws.ok(&["show", "-json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("show -json");
    json.pointer("/values/root_module/resources")
        .and_then(serde_json::Value::as_array)
        .map(|rs| {
            rs.iter()
                .filter_map(|r| r["values"]["tenant_id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Runs `args` with `method` requests to the partner routes slowed by `latency_ms`, sends
/// Ctrl-C once one is in flight, and returns the run and how long the tool took to exit after
/// the signal.
fn interrupted(ws: &Workspace, args: &[&str], method: &str, latency_ms: u64) -> (Run, Duration) {
    let route = if method == "POST" {
        "partners"
    } else {
        "partner"
    };
    interrupted_on(ws, args, route, method, latency_ms, TENANTS.len() as u64)
}

/// Runs `args` with the next `count` `method` requests to `route` slowed by `latency_ms`,
/// sends Ctrl-C to its process group once such a request is in flight, and returns the
/// interrupted run and how long the tool took to exit after the signal.
pub(crate) fn interrupted_on(
    ws: &Workspace,
    args: &[&str],
    route: &str,
    method: &str,
    latency_ms: u64,
    count: u64,
) -> (Run, Duration) {
    ws.emulator.add_fault(fault(
        route,
        method,
        FaultKind::Latency { ms: latency_ms },
        count,
    ));
    let out = ws.work_dir().join("interrupted.out");
    let err = ws.work_dir().join("interrupted.err");
    let mut cmd = ws.command(args);
    cmd.stdout(Stdio::from(std::fs::File::create(&out).expect("out")))
        .stderr(Stdio::from(std::fs::File::create(&err).expect("err")))
        .process_group(0);
    let started = Instant::now();
    let mut child = cmd.spawn().expect("spawn apply");
    wait_until(
        "a slowed request in flight",
        Duration::from_secs(120),
        || {
            ws.emulator
                .requests_in_flight()
                .iter()
                .any(|r| r.method == method)
        },
    );
    // What a terminal does on Ctrl-C: SIGINT to the whole foreground process group.
    let signalled = Instant::now();
    let kill = std::process::Command::new("kill")
        .args(["-s", "INT", "--", &format!("-{}", child.id())])
        .status()
        .expect("kill");
    assert!(kill.success());
    let status = child.wait().expect("wait");
    let exited_after = signalled.elapsed();
    let run = Run {
        success: status.success(),
        code: status.code(),
        stdout: read(&out),
        stderr: read(&err),
        elapsed: started.elapsed(),
    };
    assert!(
        run.combined().contains("Interrupt received"),
        "{} did not see the Ctrl-C:\n{}",
        ws.tool.name(),
        run.combined()
    );
    eprintln!(
        "{} {}: exited {} ms after Ctrl-C ({method} latency {latency_ms} ms)",
        ws.tool.name(),
        args[0],
        exited_after.as_millis()
    );
    (run, exited_after)
}

/// After the interruption the emulator finishes what it received; then a plain `apply`
/// converges: the emulator holds exactly the configured partners, and the plan is empty.
fn converges(ws: &Workspace) {
    wait_until("the emulator to finish", Duration::from_secs(120), || {
        ws.emulator.requests_in_flight().is_empty()
    });
    ws.emulator.clear_faults();
    ws.clear_log();
    ws.apply();
    assert!(
        ws.partner_requests().iter().all(|r| r.status != 409),
        "{:?}",
        ws.partner_requests()
    );
    let configured: BTreeSet<String> = TENANTS.iter().map(|t| t.to_string()).collect();
    assert_eq!(stored_tenants(ws), configured);
    ws.assert_plan_empty();
}

// POSTs that answer within the grace: what Graph created is in state right away.
fn ctrl_c_during_create_records_answered_posts(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&config());
    let (run, exited_after) = interrupted(&ws, APPLY, "POST", 1000);
    assert!(
        exited_after < Duration::from_secs(30),
        "{exited_after:?}\n{}",
        run.combined()
    );
    wait_until("the emulator to finish", Duration::from_secs(120), || {
        ws.emulator.requests_in_flight().is_empty()
    });
    let stored = stored_tenants(&ws);
    assert!(!stored.is_empty(), "a POST was in flight");
    assert_eq!(
        tracked_tenants(&ws),
        stored,
        "every partner Graph holds is in state, and only those:\n{}",
        run.combined()
    );
    converges(&ws);
}
both_tools!(ctrl_c_during_create_records_answered_posts);

// POSTs that do not answer within the grace: Terraform still exits promptly, and the partners
// whose outcome is unknown stay in state, so the next apply neither orphans them nor hits 409.
fn ctrl_c_during_create_keeps_unanswered_posts(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&config());
    let (run, exited_after) = interrupted(&ws, APPLY, "POST", UNANSWERED_MS);
    assert!(!run.success, "{}", run.combined());
    assert!(
        run.combined().contains("Interrupted while creating"),
        "{}",
        run.combined()
    );
    assert!(
        exited_after < Duration::from_secs(30),
        "{exited_after:?}\n{}",
        run.combined()
    );
    wait_until("the emulator to finish", Duration::from_secs(120), || {
        ws.emulator.requests_in_flight().is_empty()
    });
    let tracked = tracked_tenants(&ws);
    for tenant in stored_tenants(&ws) {
        assert!(
            tracked.contains(&tenant),
            "{tenant} is orphaned:\n{}",
            run.combined()
        );
    }
    converges(&ws);
}
both_tools!(ctrl_c_during_create_keeps_unanswered_posts);

// An update whose PATCH does not answer in time: the state keeps the last known values, and
// the next apply reads what Graph did and converges.
fn ctrl_c_during_update_converges(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&config());
    ws.apply();
    ws.write_config(&config_with(false));
    let (run, exited_after) = interrupted(&ws, APPLY, "PATCH", UNANSWERED_MS);
    assert!(!run.success, "{}", run.combined());
    assert!(exited_after < Duration::from_secs(30), "{exited_after:?}");
    assert!(
        run.combined().contains("may or may not have taken effect"),
        "{}",
        run.combined()
    );
    converges(&ws);
    for partner in ws.emulator.partners() {
        assert_eq!(partner["inboundTrust"]["isMfaAccepted"], false, "{partner}");
    }
}
both_tools!(ctrl_c_during_update_converges);

// A destroy whose DELETEs do not answer in time keeps the partners in state; the next destroy
// finds them gone and finishes without error.
fn ctrl_c_during_destroy_converges(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&config());
    ws.apply();
    let destroy = &["destroy", "-auto-approve", "-no-color"];
    let (run, exited_after) = interrupted(&ws, destroy, "DELETE", UNANSWERED_MS);
    assert!(!run.success, "{}", run.combined());
    assert!(exited_after < Duration::from_secs(30), "{exited_after:?}");
    wait_until("the emulator to finish", Duration::from_secs(120), || {
        ws.emulator.requests_in_flight().is_empty()
    });
    assert!(
        !tracked_tenants(&ws).is_empty(),
        "kept in state while the outcome was unknown"
    );
    ws.emulator.clear_faults();
    ws.ok(destroy);
    assert!(ws.emulator.partners().is_empty());
    assert!(tracked_tenants(&ws).is_empty());
}
both_tools!(ctrl_c_during_destroy_converges);
