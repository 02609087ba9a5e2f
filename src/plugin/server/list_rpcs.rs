//! The list-resource RPCs behind `terraform query`: validate a `list` block's `config`, and
//! ListResource, a server stream. The [`ListResource`] runs in a task of its own and sends what
//! it finds through [`ListResults`]; each object becomes one event as soon as it arrives, with
//! the identity projected from its state and, when Terraform asked, the state itself.
//!
//! The list stops promptly when Terraform stops listening: the stream being dropped (Ctrl-C,
//! the limit reached on Terraform's side) or StopProvider cancels its [`OperationContext`], so
//! a Graph request in flight is abandoned rather than finished. A panic in the list becomes an
//! error event instead of a stream that merely ends early.
//!
//! [`ListResource`]: crate::plugin::list::ListResource

use super::shared::{decode, encode, identity_of, ProviderRpc};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::list::{ListRequest, ListResults, Listed};
use crate::plugin::traits::{OperationContext, Resource};
use crate::plugin::validators::validate_block;
use crate::proto::tfplugin6 as pb;
use std::pin::Pin;
use tokio_stream::{Stream, StreamExt};
use tokio_util::sync::CancellationToken;
use tonic::Status;

/// The ListResource response stream.
pub(super) type ListStream =
    Pin<Box<dyn Stream<Item = Result<pb::list_resource::Event, Status>> + Send>>;

/// Terraform resolves a list resource's diagnostic paths in its `list` block, where the
/// schema's attributes sit inside the `config` block; without this prefix it can only point at
/// the whole block.
const CONFIG_BLOCK: &str = "config";

pub(super) async fn validate_list_resource_config(
    rpc: &ProviderRpc,
    req: pb::validate_list_resource_config::Request,
) -> pb::validate_list_resource_config::Response {
    let mut diags = Diagnostics::new();
    if let Some((list, _)) = rpc.list_resource(&req.type_name, &mut diags) {
        let ty = list.schema().value_type();
        if let Some(config) = decode(req.config.as_ref(), ty, "list configuration", &mut diags) {
            validate_block(&list.schema().block, &config, &mut diags);
            list.validate(&config, &mut diags);
        }
    }
    diags.nest_under(CONFIG_BLOCK);
    pb::validate_list_resource_config::Response {
        diagnostics: diags.into_proto(),
    }
}

pub(super) fn list_resource(rpc: &ProviderRpc, req: pb::list_resource::Request) -> ListStream {
    let mut diags = Diagnostics::new();
    let Some((list, resource)) = rpc.list_resource(&req.type_name, &mut diags) else {
        return only(diags);
    };
    let ty = list.schema().value_type();
    let Some(config) = decode(req.config.as_ref(), ty, "list configuration", &mut diags) else {
        return only(diags);
    };
    validate_block(&list.schema().block, &config, &mut diags);
    list.validate(&config, &mut diags);
    if diags.has_errors() {
        return only(diags);
    }
    // Terraform sends its `limit` (100 unless the block says otherwise); a negative one lists
    // nothing, as Terraform itself would show nothing.
    let limit = usize::try_from(req.limit).unwrap_or(0);
    let (mut results, receiver) = ListResults::channel(limit);

    let cancel = rpc.context().cancel.child_token();
    let ctx = OperationContext {
        cancel: cancel.clone(),
    };
    let reporter = results.reporter();
    let task = tokio::spawn(async move {
        list.list(&ctx, ListRequest { config, limit }, &mut results)
            .await;
        log::debug!(
            "ListResource: the list ended after {} result(s)",
            results.sent()
        );
    });
    tokio::spawn(async move {
        if let Err(error) = task.await {
            if error.is_panic() {
                let mut diags = Diagnostics::new();
                diags.error(
                    "Internal error while listing",
                    "The list stopped on an internal error (a panic), so the query shows no results. Please report this with the output of TF_LOG_PROVIDER=debug.",
                );
                let _ = reporter.send(Listed::Diagnostics(diags)).await;
            }
        }
    });

    // Dropping the stream (Terraform stopped listening) drops the closure and with it the
    // guard, which cancels the list's requests.
    let stop_on_drop = CancelOnDrop(cancel);
    let include = req.include_resource_object;
    let events = tokio_stream::wrappers::ReceiverStream::new(receiver).map(move |listed| {
        let _ = &stop_on_drop;
        Ok(event(resource.as_ref(), listed, include))
    });
    Box::pin(events)
}

/// Cancels the list when the event stream that owns it is dropped.
struct CancelOnDrop(CancellationToken);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if !self.0.is_cancelled() {
            log::debug!("ListResource: Terraform stopped listening; cancelling the list");
        }
        self.0.cancel();
    }
}

/// A stream of one event holding `diags` (the request could not be served).
fn only(diags: Diagnostics) -> ListStream {
    Box::pin(tokio_stream::once(Ok(events_of(diags))))
}

/// The event for one thing the list sent.
fn event(
    resource: &dyn Resource,
    listed: Listed,
    include_resource: bool,
) -> pb::list_resource::Event {
    let (display_name, state) = match listed {
        Listed::Diagnostics(diags) => return events_of(diags),
        Listed::Object {
            display_name,
            state,
        } => (display_name, state),
    };
    let mut diags = Diagnostics::new();
    let identity = identity_of(resource, &state, &mut diags);
    if identity.is_none() && !diags.has_errors() {
        diags.error(
            "Listed object without an identity",
            format!("The list found {display_name:?} but its state names no {} identity, so it cannot be imported. This is a bug in the provider; please report it.", resource.type_name()),
        );
    }
    let resource_object = if include_resource {
        let ty = resource.schema().value_type();
        encode(&state, ty, "listed resource", &mut diags)
    } else {
        None
    };
    pb::list_resource::Event {
        identity,
        display_name,
        resource_object,
        diagnostic: diags.into_proto(),
    }
}

/// An event that carries only diagnostics: about the configuration, or about the list as a
/// whole (those have no path).
fn events_of(mut diags: Diagnostics) -> pb::list_resource::Event {
    diags.nest_under(CONFIG_BLOCK);
    pb::list_resource::Event {
        diagnostic: diags.into_proto(),
        ..Default::default()
    }
}
