//! What every handler of the family starts with: the Graph client (built on first use, which
//! Ctrl-C interrupts like any other wait), the bounds of the operation's Graph calls, and the
//! read of a singleton.

use super::report::report;
use crate::graph::{GraphClient, GraphHandle, Object, OpContext};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::typed::Operation;
use serde_json::Value as Json;

/// The Graph client, or `None` after reporting why there is none.
pub async fn connect(
    handle: &GraphHandle,
    op: &Operation,
    diags: &mut Diagnostics,
) -> Option<GraphClient> {
    let client = tokio::select! {
        biased;
        () = op.cancel.cancelled() => Err("Terraform asked the provider to stop (Ctrl-C) before it had connected to Microsoft Graph; nothing was sent.".to_string()),
        client = handle.client() => client,
    };
    match client {
        Ok(client) => Some(client),
        Err(detail) => {
            diags.error("Provider not ready", detail);
            None
        }
    }
}

/// Graph calls of one Terraform operation: its timeout and Terraform's Ctrl-C.
pub fn graph_op(op: &Operation) -> OpContext {
    OpContext::with_timeout(op.timeout, op.cancel.clone())
}

/// `GET` of a singleton, which always exists in a tenant: a 404 is an error too. `None` after
/// reporting the failure.
pub async fn get_singleton(
    graph: &GraphClient,
    object: &Object<'_>,
    what: &str,
    op: &OpContext,
    diags: &mut Diagnostics,
) -> Option<Json> {
    match graph.get(object, op).await {
        Ok(Some(json)) => Some(json),
        Ok(None) => {
            diags.error(
                format!("Graph has no {what}"),
                format!("Graph answered 404 Not Found for {what}, which always exists in a Microsoft Entra tenant. Check that graph_endpoint points at Microsoft Graph v1.0."),
            );
            None
        }
        Err(e) => {
            report(diags, "read", what, &e);
            None
        }
    }
}
