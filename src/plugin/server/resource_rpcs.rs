//! The managed-resource RPCs: validate, upgrade stored state, read, plan, apply (create, update
//! or delete), import, and take over another resource type's state (`moved`). Each finds the
//! resource by type name, decodes the values Terraform sent against the resource's schema,
//! calls the [`Resource`] and encodes its answer, with the object's identity when the resource
//! has one.
//!
//! [`Resource`]: crate::plugin::traits::Resource

use super::shared::{decode, encode, identity_data, identity_of, log_rpc, ProviderRpc};
use crate::plugin::codec::decode_json;
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::private::PrivateState;
use crate::plugin::traits::{ApplyRequest, MoveStateRequest, PlanRequest, Resource};
use crate::plugin::value::Value;
use crate::proto::tfplugin6 as pb;
use std::time::Instant;

pub(super) async fn validate_resource_config(
    rpc: &ProviderRpc,
    req: pb::validate_resource_config::Request,
) -> pb::validate_resource_config::Response {
    let mut diags = Diagnostics::new();
    if let Some(r) = rpc.resource(&req.type_name, &mut diags) {
        let ty = r.schema().value_type();
        if let Some(config) = decode(
            req.config.as_ref(),
            ty,
            "resource configuration",
            &mut diags,
        ) {
            r.validate(&config, &mut diags);
        }
    }
    pb::validate_resource_config::Response {
        diagnostics: diags.into_proto(),
    }
}

pub(super) async fn upgrade_resource_state(
    rpc: &ProviderRpc,
    req: pb::upgrade_resource_state::Request,
) -> pb::upgrade_resource_state::Response {
    let mut diags = Diagnostics::new();
    let mut upgraded_state = None;
    if let Some(r) = rpc.resource(&req.type_name, &mut diags) {
        let schema = r.schema();
        let ty = schema.value_type();
        match req.raw_state {
            _ if req.version > schema.version => diags.error(
                "Resource state is from a newer provider",
                format!("The state of this {} was written by schema version {}, but this provider knows only up to {}. Upgrade the provider.", req.type_name, req.version, schema.version),
            ),
            Some(raw) if !raw.json.is_empty() => match decode_json(&raw.json, ty) {
                Ok(v) => upgraded_state = encode(&v, ty, "upgraded state", &mut diags),
                Err(e) => diags.error("Stored state could not be read", format!("The stored state of this {} is not valid: {e}. Remove it with `terraform state rm` and import it again.", req.type_name)),
            },
            _ => diags.error(
                "Legacy state format is not supported",
                "This state uses the pre-0.12 flatmap format. Remove it with `terraform state rm` and import the resource again.",
            ),
        }
    }
    pb::upgrade_resource_state::Response {
        upgraded_state,
        diagnostics: diags.into_proto(),
    }
}

pub(super) async fn read_resource(
    rpc: &ProviderRpc,
    req: pb::read_resource::Request,
) -> pb::read_resource::Response {
    let started = Instant::now();
    let mut diags = Diagnostics::new();
    let mut new_state = None;
    let mut new_identity = None;
    let mut private = PrivateState::from_bytes(&req.private);
    if let Some(r) = rpc.resource(&req.type_name, &mut diags) {
        let ty = r.schema().value_type();
        if let Some(state) = decode(req.current_state.as_ref(), ty, "current state", &mut diags) {
            let ctx = rpc.context();
            let read = r.read(&ctx, state, &mut private, &mut diags).await;
            new_state = encode(&read, ty, "new state", &mut diags);
            new_identity = identity_of(r.as_ref(), &read, &mut diags);
        }
    }
    log_rpc("ReadResource", started);
    pb::read_resource::Response {
        new_state,
        diagnostics: diags.into_proto(),
        private: private.to_bytes(),
        new_identity,
        ..Default::default()
    }
}

pub(super) async fn plan_resource_change(
    rpc: &ProviderRpc,
    req: pb::plan_resource_change::Request,
) -> pb::plan_resource_change::Response {
    let mut diags = Diagnostics::new();
    let mut resp = pb::plan_resource_change::Response::default();
    if let Some(r) = rpc.resource(&req.type_name, &mut diags) {
        let ty = r.schema().value_type();
        let prior = decode(req.prior_state.as_ref(), ty, "prior state", &mut diags);
        let proposed = decode(
            req.proposed_new_state.as_ref(),
            ty,
            "proposed new state",
            &mut diags,
        );
        let config = decode(req.config.as_ref(), ty, "configuration", &mut diags);
        if let (Some(prior_state), Some(proposed_new_state), Some(config)) =
            (prior, proposed, config)
        {
            if proposed_new_state.is_null() {
                // Destroy: nothing to compute.
                resp.planned_state = encode(&Value::Null, ty, "planned state", &mut diags);
            } else {
                let plan = r.plan(
                    PlanRequest {
                        prior_state,
                        proposed_new_state,
                        config,
                    },
                    &mut diags,
                );
                resp.planned_state = encode(&plan.planned_state, ty, "planned state", &mut diags);
                resp.planned_identity = identity_of(r.as_ref(), &plan.planned_state, &mut diags);
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
    resp
}

pub(super) async fn apply_resource_change(
    rpc: &ProviderRpc,
    req: pb::apply_resource_change::Request,
) -> pb::apply_resource_change::Response {
    let started = Instant::now();
    let mut diags = Diagnostics::new();
    let mut new_state = None;
    let mut new_identity = None;
    let mut private = PrivateState::from_bytes(&req.planned_private);
    if let Some(r) = rpc.resource(&req.type_name, &mut diags) {
        let ty = r.schema().value_type();
        let prior = decode(req.prior_state.as_ref(), ty, "prior state", &mut diags);
        let planned = decode(req.planned_state.as_ref(), ty, "planned state", &mut diags);
        let config = decode(req.config.as_ref(), ty, "configuration", &mut diags);
        if let (Some(prior_state), Some(planned_state), Some(config)) = (prior, planned, config) {
            let ctx = rpc.context();
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
            new_state = encode(&result, ty, "new state", &mut diags);
            new_identity = identity_of(r.as_ref(), &result, &mut diags);
        }
    }
    log_rpc("ApplyResourceChange", started);
    pb::apply_resource_change::Response {
        new_state,
        new_identity,
        private: private.to_bytes(),
        diagnostics: diags.into_proto(),
        ..Default::default()
    }
}

pub(super) async fn import_resource_state(
    rpc: &ProviderRpc,
    req: pb::import_resource_state::Request,
) -> pb::import_resource_state::Response {
    let mut diags = Diagnostics::new();
    let mut imported_resources = Vec::new();
    if let Some(r) = rpc.resource(&req.type_name, &mut diags) {
        let ty = r.schema().value_type();
        let ctx = rpc.context();
        let id = match (&req.identity, req.id.is_empty()) {
            (Some(identity), true) => import_id_from_identity(r.as_ref(), identity, &mut diags),
            _ => Some(req.id.clone()),
        };
        let (state, identity) = match id {
            Some(id) => {
                let state = r.import(&ctx, &id, &mut diags).await;
                let identity = r.import_identity(&id, &state);
                (state, identity)
            }
            None => (Value::Null, None),
        };
        if !diags.has_errors() {
            let identity =
                identity.and_then(|identity| identity_data(r.as_ref(), &identity, &mut diags));
            if let Some(state) = encode(&state, ty, "imported state", &mut diags) {
                imported_resources.push(pb::import_resource_state::ImportedResource {
                    type_name: req.type_name.clone(),
                    state: Some(state),
                    identity,
                    ..Default::default()
                });
            }
        }
    }
    pb::import_resource_state::Response {
        imported_resources,
        diagnostics: diags.into_proto(),
        deferred: None,
    }
}

/// A `moved` block from another resource type: the target resource converts the source's
/// state (JSON as Terraform stores it); the identity follows from the result.
pub(super) async fn move_resource_state(
    rpc: &ProviderRpc,
    req: pb::move_resource_state::Request,
) -> pb::move_resource_state::Response {
    let started = Instant::now();
    let mut diags = Diagnostics::new();
    let mut resp = pb::move_resource_state::Response::default();
    if let Some(r) = rpc.resource(&req.target_type_name, &mut diags) {
        let json = req.source_state.as_ref().map(|s| s.json.as_slice());
        match json.map(serde_json::from_slice::<serde_json::Value>) {
            Some(Ok(source_state)) => {
                let request = MoveStateRequest {
                    source_provider: req.source_provider_address,
                    source_type: req.source_type_name,
                    source_schema_version: req.source_schema_version,
                    source_state,
                };
                if let Some(state) = r.move_state(&request, &mut diags) {
                    let ty = r.schema().value_type();
                    resp.target_state = encode(&state, ty, "moved state", &mut diags);
                    resp.target_identity = identity_of(r.as_ref(), &state, &mut diags);
                }
            }
            Some(Err(e)) => diags.error(
                "Invalid source state",
                format!("The state of {} to move could not be read as JSON: {e}. Run `terraform plan` with the source provider first so that Terraform upgrades its state.", req.source_type_name),
            ),
            None => diags.error(
                "Missing source state",
                format!("Terraform sent no JSON state for {} to move. Upgrade Terraform, or import the object instead.", req.source_type_name),
            ),
        }
    }
    log_rpc("MoveResourceState", started);
    resp.diagnostics = diags.into_proto();
    resp
}

/// `import { identity = { ... } }`: the import ID the identity amounts to.
fn import_id_from_identity(
    r: &dyn Resource,
    identity: &pb::ResourceIdentityData,
    diags: &mut Diagnostics,
) -> Option<String> {
    let Some(schema) = r.identity_schema() else {
        diags.error(
            "Import by identity is not supported",
            format!("{} has no resource identity. Import it by ID instead: `import {{ to = ..., id = \"...\" }}`.", r.type_name()),
        );
        return None;
    };
    let value = decode(
        identity.identity_data.as_ref(),
        &schema.value_type(),
        "resource identity",
        diags,
    )?;
    let id = schema.as_import_id(&value);
    if id.is_none() {
        let names: Vec<&str> = schema.attributes.iter().map(|a| a.name).collect();
        diags.error(
            "Incomplete resource identity",
            format!(
                "Importing a {} by identity needs {}: give it in the import block's `identity`.",
                r.type_name(),
                names.join(", ")
            ),
        );
    }
    id
}
