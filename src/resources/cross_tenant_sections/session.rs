//! What every handler of the family starts with: the Graph client (built on first use, which
//! Ctrl-C interrupts like any other wait) and the bounds of the operation's Graph calls.

use crate::graph::{GraphClient, GraphHandle, OpContext};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::typed::Operation;

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
