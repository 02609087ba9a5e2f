//! What the family's newer resources and data sources share: reaching the Graph client within
//! an operation's bounds, and one diagnostic per failed Graph call with the request-id and
//! what to do about it.

use crate::graph::{GraphClient, GraphError, GraphHandle, OpContext};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::typed::Operation;

/// The Graph client, built on first use (cloud discovery may call the network), which Ctrl-C
/// interrupts like any other wait. `None` when there is none (said in `diags`).
pub async fn graph(
    handle: &GraphHandle,
    op: &Operation,
    diags: &mut Diagnostics,
) -> Option<GraphClient> {
    let client = tokio::select! {
        biased;
        () = op.cancel.cancelled() => Err("Terraform asked the provider to stop (Ctrl-C) before it had connected to Microsoft Graph; nothing was sent.".to_string()),
        client = handle.client() => client,
    };
    client
        .map_err(|detail| diags.error("Provider not ready", detail))
        .ok()
}

/// Graph calls of one Terraform operation: its timeout and Terraform's Ctrl-C.
pub fn graph_op(op: &Operation) -> OpContext {
    OpContext::with_timeout(op.timeout, op.cancel.clone())
}

/// `summary` (e.g. "Could not read ...") with Graph's error, which carries the request-id,
/// and advice for the usual causes.
pub fn report(diags: &mut Diagnostics, summary: String, e: &GraphError) {
    diags.error(summary, format!("{e}\n\n{}", advice(e)));
}

fn advice(e: &GraphError) -> &'static str {
    if e.is_cancelled() && e.create_may_have_happened() {
        return "Terraform asked the provider to stop (Ctrl-C) after the request had been sent, and Graph did not answer within the grace period, so it may or may not have taken effect. The next plan reads what Graph holds and shows what is still to do.";
    }
    if e.is_cancelled() {
        return "Terraform asked the provider to stop (Ctrl-C) before the request was sent; nothing was changed.";
    }
    if e.is_timeout() {
        return "Increase the matching timeouts value if Graph is slow or throttling, then run again.";
    }
    if matches!(e, GraphError::Auth { .. }) {
        return "No access token could be obtained: check the credentials of the sign-in method named above (provider block or ARM_* variables).";
    }
    match e.status() {
        Some(401) => "Graph refused the access token: check that the credentials belong to the tenant being managed (tenant_id / ARM_TENANT_ID) and to the selected cloud (environment).",
        Some(403) => "The identity needs the Microsoft Graph application permission Policy.ReadWrite.CrossTenantAccess (Policy.Read.All to read only) with admin consent, or the Security Administrator role for delegated use.",
        Some(400) => "Graph rejected the request body; the message names the property.",
        _ => "If the problem persists, quote the request-id when contacting Microsoft support.",
    }
}
