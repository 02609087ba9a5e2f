//! The `tfplugin6.Provider` gRPC service: decodes requests against the schemas, dispatches to the
//! [`Provider`] and [`Resource`] traits, and encodes their answers. RPCs this framework does not
//! support answer with an error diagnostic instead of failing the call.

use crate::plugin::codec::{decode_dynamic, decode_json, encode_dynamic};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::private::PrivateState;
use crate::plugin::traits::{ApplyRequest, OperationContext, PlanRequest, Provider, Resource};
use crate::plugin::value::{Type, Value};
use crate::proto::tfplugin6 as pb;
use crate::proto::tfplugin6::provider_server::Provider as ProviderService;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

pub struct ProviderRpc {
    provider: Arc<dyn Provider>,
    resources: HashMap<&'static str, Arc<dyn Resource>>,
    /// Cancelled by StopProvider; replaced afterwards so later operations start uncancelled.
    stop: Mutex<CancellationToken>,
    /// How messages name the plugin, e.g. `terraform-provider-example`.
    provider_name: String,
}

impl ProviderRpc {
    pub fn new(provider: Arc<dyn Provider>, provider_name: &str) -> Self {
        let resources = provider
            .resources()
            .into_iter()
            .map(|r| (r.type_name(), r))
            .collect();
        ProviderRpc {
            provider,
            resources,
            stop: Mutex::new(CancellationToken::new()),
            provider_name: provider_name.to_string(),
        }
    }

    fn context(&self) -> OperationContext {
        let cancel = match self.stop.lock() {
            Ok(token) => token.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        OperationContext { cancel }
    }

    fn resource(&self, type_name: &str, diags: &mut Diagnostics) -> Option<Arc<dyn Resource>> {
        let found = self.resources.get(type_name).cloned();
        if found.is_none() {
            diags.error(
                "Unknown resource type",
                format!("This provider has no resource type {type_name:?}. Check the resource type name in your configuration."),
            );
        }
        found
    }
}

/// Decodes one DynamicValue field; a missing or malformed value becomes an error diagnostic.
fn decode(
    dv: Option<&pb::DynamicValue>,
    ty: &Type,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<Value> {
    let Some(dv) = dv else {
        diags.error(
            format!("Missing {what}"),
            format!("Terraform sent no {what} value. This is a bug in the calling program."),
        );
        return None;
    };
    match decode_dynamic(dv, ty) {
        Ok(v) => Some(v),
        Err(e) => {
            diags.error(
                format!("Invalid {what} received from Terraform"),
                format!("The {what} could not be decoded: {e}."),
            );
            None
        }
    }
}

fn encode(
    value: &Value,
    ty: &Type,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<pb::DynamicValue> {
    match encode_dynamic(value, ty) {
        Ok(dv) => Some(dv),
        Err(e) => {
            diags.error(
                format!("Provider produced an invalid {what}"),
                format!(
                    "The {what} does not match the schema: {e}. Please report this provider bug."
                ),
            );
            None
        }
    }
}

fn unsupported(provider_name: &str, what: &str) -> Vec<pb::Diagnostic> {
    let mut d = Diagnostics::new();
    d.error(
        format!("{what} is not supported"),
        format!(
            "{provider_name} does not implement {what}. Remove the configuration that needs it."
        ),
    );
    d.into_proto()
}

fn log_rpc(name: &str, started: Instant) {
    log::debug!("rpc {name} served in {} µs", started.elapsed().as_micros());
}

/// Expands to what `#[tonic::async_trait]` would produce for an `async fn`: that attribute
/// cannot see inside macros, so the boxed-future signature is written out here.
/// Each RPC method is named like the proto module holding its Request/Response types.
macro_rules! unsupported_rpc {
    ($rpc:ident, $what:expr) => {
        // Some responses have only `diagnostics`; the struct update keeps the macro uniform.
        #[allow(clippy::needless_update)]
        fn $rpc<'life0, 'async_trait>(
            &'life0 self,
            _req: Request<pb::$rpc::Request>,
        ) -> std::pin::Pin<
            Box<
                dyn std::future::Future<Output = Result<Response<pb::$rpc::Response>, Status>>
                    + Send
                    + 'async_trait,
            >,
        >
        where
            'life0: 'async_trait,
            Self: 'async_trait,
        {
            Box::pin(async move {
                Ok(Response::new(pb::$rpc::Response {
                    diagnostics: unsupported(&self.provider_name, $what),
                    ..Default::default()
                }))
            })
        }
    };
}

type EmptyStream<T> = tokio_stream::Empty<Result<T, Status>>;

#[tonic::async_trait]
impl ProviderService for ProviderRpc {
    async fn get_metadata(
        &self,
        _req: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        let resources = self
            .resources
            .keys()
            .map(|name| pb::get_metadata::ResourceMetadata {
                type_name: name.to_string(),
            })
            .collect();
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            resources,
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _req: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        let resource_schemas = self
            .resources
            .iter()
            .map(|(name, r)| (name.to_string(), r.schema().to_proto()))
            .collect();
        Ok(Response::new(pb::get_provider_schema::Response {
            provider: Some(self.provider.schema().to_proto()),
            resource_schemas,
            server_capabilities: Some(capabilities()),
            ..Default::default()
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _req: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        Ok(Response::new(
            pb::get_resource_identity_schemas::Response::default(),
        ))
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let ty = self.provider.schema().value_type();
        if let Some(config) = decode(
            req.config.as_ref(),
            &ty,
            "provider configuration",
            &mut diags,
        ) {
            self.provider.validate(&config, &mut diags);
        }
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics: diags.into_proto(),
        }))
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        if let Some(r) = self.resource(&req.type_name, &mut diags) {
            let ty = r.schema().value_type();
            if let Some(config) = decode(
                req.config.as_ref(),
                &ty,
                "resource configuration",
                &mut diags,
            ) {
                r.validate(&config, &mut diags);
            }
        }
        Ok(Response::new(pb::validate_resource_config::Response {
            diagnostics: diags.into_proto(),
        }))
    }

    unsupported_rpc!(validate_data_resource_config, "Data sources");

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let mut upgraded_state = None;
        if let Some(r) = self.resource(&req.type_name, &mut diags) {
            let schema = r.schema();
            let ty = schema.value_type();
            match req.raw_state {
                _ if req.version > schema.version => diags.error(
                    "Resource state is from a newer provider",
                    format!("The state of this {} was written by schema version {}, but this provider knows only up to {}. Upgrade the provider.", req.type_name, req.version, schema.version),
                ),
                Some(raw) if !raw.json.is_empty() => match decode_json(&raw.json, &ty) {
                    Ok(v) => upgraded_state = encode(&v, &ty, "upgraded state", &mut diags),
                    Err(e) => diags.error("Stored state could not be read", format!("The stored state of this {} is not valid: {e}. Remove it with `terraform state rm` and import it again.", req.type_name)),
                },
                _ => diags.error(
                    "Legacy state format is not supported",
                    "This state uses the pre-0.12 flatmap format. Remove it with `terraform state rm` and import the resource again.",
                ),
            }
        }
        Ok(Response::new(pb::upgrade_resource_state::Response {
            upgraded_state,
            diagnostics: diags.into_proto(),
        }))
    }

    unsupported_rpc!(upgrade_resource_identity, "Resource identity");

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let started = Instant::now();
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let ty = self.provider.schema().value_type();
        if let Some(config) = decode(
            req.config.as_ref(),
            &ty,
            "provider configuration",
            &mut diags,
        ) {
            let ctx = self.context();
            self.provider
                .configure(&ctx, &req.terraform_version, config, &mut diags)
                .await;
        }
        log_rpc("ConfigureProvider", started);
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics: diags.into_proto(),
        }))
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let started = Instant::now();
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let mut new_state = None;
        let mut private = PrivateState::from_bytes(&req.private);
        if let Some(r) = self.resource(&req.type_name, &mut diags) {
            let ty = r.schema().value_type();
            if let Some(state) =
                decode(req.current_state.as_ref(), &ty, "current state", &mut diags)
            {
                let ctx = self.context();
                let read = r.read(&ctx, state, &mut private, &mut diags).await;
                new_state = encode(&read, &ty, "new state", &mut diags);
            }
        }
        log_rpc("ReadResource", started);
        Ok(Response::new(pb::read_resource::Response {
            new_state,
            diagnostics: diags.into_proto(),
            private: private.to_bytes(),
            ..Default::default()
        }))
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let mut resp = pb::plan_resource_change::Response::default();
        if let Some(r) = self.resource(&req.type_name, &mut diags) {
            let ty = r.schema().value_type();
            let prior = decode(req.prior_state.as_ref(), &ty, "prior state", &mut diags);
            let proposed = decode(
                req.proposed_new_state.as_ref(),
                &ty,
                "proposed new state",
                &mut diags,
            );
            let config = decode(req.config.as_ref(), &ty, "configuration", &mut diags);
            if let (Some(prior_state), Some(proposed_new_state), Some(config)) =
                (prior, proposed, config)
            {
                if proposed_new_state.is_null() {
                    // Destroy: nothing to compute.
                    resp.planned_state = encode(&Value::Null, &ty, "planned state", &mut diags);
                } else {
                    let plan = r.plan(
                        PlanRequest {
                            prior_state,
                            proposed_new_state,
                            config,
                        },
                        &mut diags,
                    );
                    resp.planned_state =
                        encode(&plan.planned_state, &ty, "planned state", &mut diags);
                    resp.requires_replace = plan
                        .requires_replace
                        .iter()
                        .map(pb::AttributePath::from)
                        .collect();
                }
            }
        }
        resp.planned_private = req.prior_private;
        resp.diagnostics = diags.into_proto();
        Ok(Response::new(resp))
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let started = Instant::now();
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let mut new_state = None;
        let mut private = PrivateState::from_bytes(&req.planned_private);
        if let Some(r) = self.resource(&req.type_name, &mut diags) {
            let ty = r.schema().value_type();
            let prior = decode(req.prior_state.as_ref(), &ty, "prior state", &mut diags);
            let planned = decode(req.planned_state.as_ref(), &ty, "planned state", &mut diags);
            let config = decode(req.config.as_ref(), &ty, "configuration", &mut diags);
            if let (Some(prior_state), Some(planned_state), Some(config)) = (prior, planned, config)
            {
                let ctx = self.context();
                let result = if planned_state.is_null() {
                    r.delete(&ctx, prior_state.clone(), &mut diags).await;
                    // A failed delete leaves the object in place: keep it in state.
                    if diags.has_errors() {
                        prior_state
                    } else {
                        private = PrivateState::default();
                        Value::Null
                    }
                } else {
                    let req = ApplyRequest {
                        prior_state,
                        planned_state,
                        config,
                    };
                    if req.prior_state.is_null() {
                        r.create(&ctx, req, &mut private, &mut diags).await
                    } else {
                        r.update(&ctx, req, &mut private, &mut diags).await
                    }
                };
                new_state = encode(&result, &ty, "new state", &mut diags);
            }
        }
        log_rpc("ApplyResourceChange", started);
        Ok(Response::new(pb::apply_resource_change::Response {
            new_state,
            private: private.to_bytes(),
            diagnostics: diags.into_proto(),
            ..Default::default()
        }))
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = req.into_inner();
        let mut diags = Diagnostics::new();
        let mut imported_resources = Vec::new();
        if let Some(r) = self.resource(&req.type_name, &mut diags) {
            let ty = r.schema().value_type();
            let ctx = self.context();
            let state = r.import(&ctx, &req.id, &mut diags).await;
            if !diags.has_errors() {
                if let Some(state) = encode(&state, &ty, "imported state", &mut diags) {
                    imported_resources.push(pb::import_resource_state::ImportedResource {
                        type_name: req.type_name.clone(),
                        state: Some(state),
                        ..Default::default()
                    });
                }
            }
        }
        Ok(Response::new(pb::import_resource_state::Response {
            imported_resources,
            diagnostics: diags.into_proto(),
            deferred: None,
        }))
    }

    unsupported_rpc!(move_resource_state, "Moving state between resource types");
    unsupported_rpc!(read_data_source, "Data sources");
    unsupported_rpc!(
        generate_resource_config,
        "Provider-side configuration generation"
    );
    unsupported_rpc!(validate_ephemeral_resource_config, "Ephemeral resources");
    unsupported_rpc!(open_ephemeral_resource, "Ephemeral resources");
    unsupported_rpc!(renew_ephemeral_resource, "Ephemeral resources");
    unsupported_rpc!(close_ephemeral_resource, "Ephemeral resources");

    type ListResourceStream = EmptyStream<pb::list_resource::Event>;
    async fn list_resource(
        &self,
        _req: Request<pb::list_resource::Request>,
    ) -> Result<Response<Self::ListResourceStream>, Status> {
        Err(Status::unimplemented(format!(
            "list resources are not supported by {}",
            self.provider_name
        )))
    }

    unsupported_rpc!(validate_list_resource_config, "List resources");

    async fn get_functions(
        &self,
        _req: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        Ok(Response::new(pb::get_functions::Response::default()))
    }

    async fn call_function(
        &self,
        req: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        let name = req.into_inner().name;
        Ok(Response::new(pb::call_function::Response {
            result: None,
            error: Some(pb::FunctionError {
                text: format!("{} has no function named {name:?}", self.provider_name),
                function_argument: None,
            }),
        }))
    }

    unsupported_rpc!(validate_action_config, "Actions");
    unsupported_rpc!(plan_action, "Actions");

    type InvokeActionStream = EmptyStream<pb::invoke_action::Event>;
    async fn invoke_action(
        &self,
        _req: Request<pb::invoke_action::Request>,
    ) -> Result<Response<Self::InvokeActionStream>, Status> {
        Err(Status::unimplemented(format!(
            "actions are not supported by {}",
            self.provider_name
        )))
    }

    unsupported_rpc!(validate_state_store_config, "State stores");
    unsupported_rpc!(configure_state_store, "State stores");

    type ReadStateBytesStream = EmptyStream<pb::read_state_bytes::ResponseChunk>;
    async fn read_state_bytes(
        &self,
        _req: Request<pb::read_state_bytes::Request>,
    ) -> Result<Response<Self::ReadStateBytesStream>, Status> {
        Err(Status::unimplemented(format!(
            "state stores are not supported by {}",
            self.provider_name
        )))
    }

    async fn write_state_bytes(
        &self,
        _req: Request<tonic::Streaming<pb::write_state_bytes::RequestChunk>>,
    ) -> Result<Response<pb::write_state_bytes::Response>, Status> {
        Ok(Response::new(pb::write_state_bytes::Response {
            diagnostics: unsupported(&self.provider_name, "State stores"),
        }))
    }

    unsupported_rpc!(lock_state, "State stores");
    unsupported_rpc!(unlock_state, "State stores");
    unsupported_rpc!(get_states, "State stores");
    unsupported_rpc!(delete_state, "State stores");

    async fn stop_provider(
        &self,
        _req: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        let mut guard = match self.stop.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        guard.cancel();
        *guard = CancellationToken::new();
        log::info!("StopProvider: cancelled in-flight operations");
        Ok(Response::new(pb::stop_provider::Response {
            error: String::new(),
        }))
    }
}

fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: false,
        get_provider_schema_optional: true,
        move_resource_state: false,
        generate_resource_config: false,
    }
}
