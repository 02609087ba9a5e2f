//! The answers for what this framework does not serve. The impl in `server/mod.rs` lists
//! those RPCs (config generation, ephemeral resources, functions, actions, state stores) and
//! answers each with [`diagnostics`], or [`unimplemented`] for a server stream; CallFunction
//! is answered here. Every message names the provider, so the user knows which plugin lacks
//! the feature.

use super::shared::ProviderRpc;
use crate::plugin::diagnostics::Diagnostics;
use crate::proto::tfplugin6 as pb;
use tonic::Status;

/// The response stream of a streaming RPC that is never served.
pub(super) type NoEvents<T> = tokio_stream::Empty<Result<T, Status>>;

/// One error diagnostic: `what` (e.g. "Actions") is not supported by this provider.
pub(super) fn diagnostics(rpc: &ProviderRpc, what: &str) -> Vec<pb::Diagnostic> {
    let mut d = Diagnostics::new();
    d.error(
        format!("{what} is not supported"),
        format!(
            "{} does not implement {what}. Remove the configuration that needs it.",
            rpc.provider_name
        ),
    );
    d.into_proto()
}

/// The status a streaming RPC answers with: `what` (e.g. "actions") is not supported.
pub(super) fn unimplemented(rpc: &ProviderRpc, what: &str) -> Status {
    Status::unimplemented(format!("{what} are not supported by {}", rpc.provider_name))
}

/// There is no function to call.
pub(super) async fn call_function(
    rpc: &ProviderRpc,
    req: pb::call_function::Request,
) -> pb::call_function::Response {
    pb::call_function::Response {
        result: None,
        error: Some(pb::FunctionError {
            text: format!("{} has no function named {:?}", rpc.provider_name, req.name),
            function_argument: None,
        }),
    }
}
