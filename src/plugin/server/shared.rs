//! What the RPC groups share: [`ProviderRpc`], the service's state (the provider, its resources
//! and data sources by type name, the stop token and the provider's name for messages), and
//! the helpers that decode and encode values against a schema and log how long an RPC took.

use crate::plugin::codec::{decode_dynamic, encode_dynamic};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::traits::{DataSource, ListResource, OperationContext, Provider, Resource};
use crate::plugin::value::{Type, Value};
use crate::proto::tfplugin6 as pb;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio_util::sync::CancellationToken;

/// The `tfplugin6.Provider` service over one [`Provider`].
pub struct ProviderRpc {
    pub(super) provider: Arc<dyn Provider>,
    pub(super) resources: HashMap<&'static str, Arc<dyn Resource>>,
    pub(super) data_sources: HashMap<&'static str, Arc<dyn DataSource>>,
    pub(super) list_resources: HashMap<&'static str, Arc<dyn ListResource>>,
    /// Cancelled by StopProvider; replaced afterwards so later operations start uncancelled.
    pub(super) stop: Mutex<CancellationToken>,
    /// How messages name the plugin, e.g. `terraform-provider-example`.
    pub(super) provider_name: String,
}

impl ProviderRpc {
    pub fn new(provider: Arc<dyn Provider>, provider_name: &str) -> Self {
        let resources = provider
            .resources()
            .into_iter()
            .map(|r| (r.type_name(), r))
            .collect();
        let data_sources = provider
            .data_sources()
            .into_iter()
            .map(|d| (d.type_name(), d))
            .collect();
        let list_resources = provider
            .list_resources()
            .into_iter()
            .map(|l| (l.type_name(), l))
            .collect();
        ProviderRpc {
            provider,
            resources,
            data_sources,
            list_resources,
            stop: Mutex::new(CancellationToken::new()),
            provider_name: provider_name.to_string(),
        }
    }

    pub(super) fn context(&self) -> OperationContext {
        let cancel = match self.stop.lock() {
            Ok(token) => token.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        OperationContext { cancel }
    }

    pub(super) fn resource(
        &self,
        type_name: &str,
        diags: &mut Diagnostics,
    ) -> Option<Arc<dyn Resource>> {
        let found = self.resources.get(type_name).cloned();
        if found.is_none() {
            diags.error(
                "Unknown resource type",
                format!("This provider has no resource type {type_name:?}. Check the resource type name in your configuration."),
            );
        }
        found
    }

    pub(super) fn data_source(
        &self,
        type_name: &str,
        diags: &mut Diagnostics,
    ) -> Option<Arc<dyn DataSource>> {
        let found = self.data_sources.get(type_name).cloned();
        if found.is_none() {
            let offered = offered("data sources", self.data_sources.keys());
            diags.error(
                "Unknown data source type",
                format!("This provider has no data source type {type_name:?}. {offered} Check the data source type name in your configuration."),
            );
        }
        found
    }

    /// The list resource `type_name` and the managed resource it lists, which must have an
    /// identity (Terraform refuses a list resource without one).
    pub(super) fn list_resource(
        &self,
        type_name: &str,
        diags: &mut Diagnostics,
    ) -> Option<(Arc<dyn ListResource>, Arc<dyn Resource>)> {
        let list = self.list_resources.get(type_name).cloned();
        let resource = self
            .resources
            .get(type_name)
            .filter(|r| r.identity_schema().is_some())
            .cloned();
        match (list, resource) {
            (Some(list), Some(resource)) => Some((list, resource)),
            (None, _) => {
                let offered = offered("list resources", self.list_resources.keys());
                diags.error(
                    "Unknown list resource type",
                    format!("This provider has no list resource type {type_name:?}. {offered} Check the type name of the `list` block in your .tfquery.hcl file."),
                );
                None
            }
            (Some(_), None) => {
                diags.error(
                    "List resource without a resource identity",
                    format!("{} offers the list resource {type_name:?} but no managed resource of that name with an identity, so what it lists could not be imported. This is a bug in the provider; please report it.", self.provider_name),
                );
                None
            }
        }
    }
}

/// "Its data sources are a, b." (sorted), or "It has no data sources.", for an unknown type.
fn offered<'a>(what: &str, names: impl Iterator<Item = &'a &'static str>) -> String {
    let mut known: Vec<&str> = names.copied().collect();
    known.sort_unstable();
    if known.is_empty() {
        format!("It has no {what}.")
    } else {
        format!("Its {what} are {}.", known.join(", "))
    }
}

/// Decodes one DynamicValue field; a missing or malformed value becomes an error diagnostic.
pub(super) fn decode(
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

/// Encodes one DynamicValue field; a value that does not match the schema becomes an error
/// diagnostic (a bug in the provider).
pub(super) fn encode(
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

pub(super) fn log_rpc(name: &str, started: Instant) {
    log::debug!("rpc {name} served in {} µs", started.elapsed().as_micros());
}

/// The identity of the object `state` describes, for a response: `None` for a resource without
/// identity, or while the state names no object (a destroyed object, an unknown ID).
pub(super) fn identity_of(
    r: &dyn Resource,
    state: &Value,
    diags: &mut Diagnostics,
) -> Option<pb::ResourceIdentityData> {
    let identity = r.identity_schema()?.from_state(state)?;
    identity_data(r, &identity, diags)
}

pub(super) fn identity_data(
    r: &dyn Resource,
    identity: &Value,
    diags: &mut Diagnostics,
) -> Option<pb::ResourceIdentityData> {
    let ty = r.identity_schema()?.value_type();
    let identity_data = encode(identity, &ty, "resource identity", diags)?;
    Some(pb::ResourceIdentityData {
        identity_data: Some(identity_data),
    })
}
