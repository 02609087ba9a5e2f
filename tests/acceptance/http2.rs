//! Graph over HTTP/2, which graph.microsoft.com negotiates since September 2023: the provider's
//! client offers h2, so against an emulator that offers it too every request goes over one
//! multiplexed connection, and a request whose stream Graph resets is handled like a dropped
//! connection over HTTP/1.1: a read is retried, a create is reported as possibly done.

use crate::both_tools;
use crate::harness::{fault, partners, Tool, Workspace};
use graph_emulator::{EmulatorConfig, FaultKind};

fn partners_over_http2(tool: Tool) {
    let ws = Workspace::with_config(
        tool,
        EmulatorConfig {
            http2: true,
            ..EmulatorConfig::for_tests()
        },
    );
    // The first read-back after a create loses its stream: it is retried.
    ws.emulator
        .add_fault(fault("partner", "GET", FaultKind::Drop, 1));
    ws.write_config(&partners(5));
    ws.apply();
    assert_eq!(ws.emulator.partners().len(), 5);
    let versions: Vec<String> = ws
        .emulator
        .request_log()
        .into_iter()
        .map(|r| r.version)
        .collect();
    assert!(
        !versions.is_empty() && versions.iter().all(|v| v == "HTTP/2.0"),
        "every request, the token's included, goes over HTTP/2: {versions:?}"
    );
    let dropped = ws
        .partner_requests()
        .iter()
        .filter(|r| r.method == "GET" && r.status == 0)
        .count();
    assert_eq!(dropped, 1, "the fault reset one read-back");
    ws.assert_plan_empty();

    // A create whose stream is reset may have taken effect: reported, not re-sent blindly.
    ws.clear_log();
    ws.emulator
        .add_fault(fault("partners", "POST", FaultKind::Drop, 1));
    ws.write_config(&partners(6));
    ws.assert_apply_reports_unknown_create();
    ws.apply();
    assert_eq!(ws.emulator.partners().len(), 6);
    ws.assert_plan_empty();
}
both_tools!(partners_over_http2);
