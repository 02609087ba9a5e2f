//! The `tfplugin6.Provider` gRPC service of [`ProviderRpc`]. tonic wants the whole service as
//! one `impl`, so the impl here only routes each RPC to the file that owns its group:
//!
//! - `provider_rpcs`: metadata and schemas, validate/configure provider, stop;
//! - `resource_rpcs`: validate, upgrade, read, plan, apply and import a managed resource;
//! - `identity_rpcs`: resource identity schemas and identity upgrades;
//! - `data_source_rpcs`: validate and read a data source;
//! - `list_rpcs`: validate a list resource's configuration, and stream what it lists;
//! - `unsupported`: the messages for what this framework does not serve (ephemeral resources,
//!   functions, actions, state stores, ...).
//!   Those RPCs are generated here by one macro per answer: an error diagnostic naming the
//!   provider, an `UNIMPLEMENTED` status for a server stream, or an empty list.
//!
//! The group functions take the decoded request message and return the response message: an
//! RPC here never fails the call, it reports problems as diagnostics. What the groups share
//! (the service's state, decoding and encoding values against a schema, the RPC log line)
//! is in `shared`, below them: imports run from this file to the groups to `shared`.

mod data_source_rpcs;
mod identity_rpcs;
mod list_rpcs;
mod provider_rpcs;
mod resource_rpcs;
mod shared;
mod unsupported;

pub use shared::ProviderRpc;

use crate::proto::tfplugin6 as pb;
use crate::proto::tfplugin6::provider_server::Provider as ProviderService;
use tonic::{Request, Response, Status};

/// One method of the service, written out as `#[tonic::async_trait]` would expand an
/// `async fn`: that attribute cannot see inside macros. `$this` names `self` in `$body`,
/// which evaluates to the method's `Result`.
macro_rules! rpc_method {
    ($rpc:ident($req:ident: $req_ty:ty) -> $resp_ty:ty, $this:ident => $body:expr) => {
        // not_supported! ends every response with `..Default::default()`, even one that has
        // nothing but `diagnostics`.
        #[allow(clippy::needless_update)]
        fn $rpc<'life0, 'async_trait>(
            &'life0 self,
            $req: Request<$req_ty>,
        ) -> std::pin::Pin<
            Box<
                dyn std::future::Future<Output = Result<Response<$resp_ty>, Status>>
                    + Send
                    + 'async_trait,
            >,
        >
        where
            'life0: 'async_trait,
            Self: 'async_trait,
        {
            let $this = self;
            Box::pin(async move { $body })
        }
    };
}

/// Routes each RPC to `group::rpc(&ProviderRpc, Request) -> Response`. Each RPC method is named
/// like the proto module holding its Request/Response types.
macro_rules! route {
    ($($group:ident::{$($rpc:ident),* $(,)?}),* $(,)?) => {
        $($(rpc_method!($rpc(req: pb::$rpc::Request) -> pb::$rpc::Response, this => {
            Ok(Response::new($group::$rpc(this, req.into_inner()).await))
        });)*)*
    };
}

/// RPCs this framework does not serve: an error diagnostic saying `what` is not supported.
macro_rules! not_supported {
    ($($rpc:ident: $what:expr),* $(,)?) => {
        $(rpc_method!($rpc(_req: pb::$rpc::Request) -> pb::$rpc::Response, this => {
            Ok(Response::new(pb::$rpc::Response {
                diagnostics: unsupported::diagnostics(this, $what),
                ..Default::default()
            }))
        });)*
    };
}

/// RPCs that list what the provider offers of a feature this framework does not serve: the
/// empty list.
macro_rules! offers_nothing {
    ($($rpc:ident),* $(,)?) => {
        $(rpc_method!($rpc(_req: pb::$rpc::Request) -> pb::$rpc::Response, _this => {
            Ok(Response::new(pb::$rpc::Response::default()))
        });)*
    };
}

/// Server-streaming RPCs this framework does not serve: an `UNIMPLEMENTED` status saying
/// `what` is not supported; the stream type never yields.
macro_rules! stream_not_supported {
    ($($rpc:ident -> $stream:ident($event:ty): $what:expr),* $(,)?) => {
        $(
            type $stream = unsupported::NoEvents<$event>;
            rpc_method!($rpc(_req: pb::$rpc::Request) -> Self::$stream, this => {
                Err(unsupported::unimplemented(this, $what))
            });
        )*
    };
}

#[tonic::async_trait]
impl ProviderService for ProviderRpc {
    route! {
        provider_rpcs::{
            get_metadata,
            get_provider_schema,
            validate_provider_config,
            configure_provider,
            stop_provider,
        },
        resource_rpcs::{
            validate_resource_config,
            upgrade_resource_state,
            read_resource,
            plan_resource_change,
            apply_resource_change,
            import_resource_state,
            move_resource_state,
        },
        identity_rpcs::{
            get_resource_identity_schemas,
            upgrade_resource_identity,
        },
        data_source_rpcs::{
            validate_data_resource_config,
            read_data_source,
        },
        list_rpcs::{validate_list_resource_config},
        unsupported::{call_function},
    }

    offers_nothing! {
        get_functions,
    }

    not_supported! {
        generate_resource_config: "Provider-side configuration generation",
        validate_ephemeral_resource_config: "Ephemeral resources",
        open_ephemeral_resource: "Ephemeral resources",
        renew_ephemeral_resource: "Ephemeral resources",
        close_ephemeral_resource: "Ephemeral resources",
        validate_action_config: "Actions",
        plan_action: "Actions",
        validate_state_store_config: "State stores",
        configure_state_store: "State stores",
        lock_state: "State stores",
        unlock_state: "State stores",
        get_states: "State stores",
        delete_state: "State stores",
    }

    stream_not_supported! {
        invoke_action -> InvokeActionStream(pb::invoke_action::Event): "actions",
        read_state_bytes -> ReadStateBytesStream(pb::read_state_bytes::ResponseChunk): "state stores",
    }

    type ListResourceStream = list_rpcs::ListStream;
    rpc_method!(list_resource(req: pb::list_resource::Request) -> Self::ListResourceStream, this => {
        Ok(Response::new(list_rpcs::list_resource(this, req.into_inner())))
    });

    async fn write_state_bytes(
        &self,
        _req: Request<tonic::Streaming<pb::write_state_bytes::RequestChunk>>,
    ) -> Result<Response<pb::write_state_bytes::Response>, Status> {
        Ok(Response::new(pb::write_state_bytes::Response {
            diagnostics: unsupported::diagnostics(self, "State stores"),
        }))
    }
}
