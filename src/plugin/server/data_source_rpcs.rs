//! The data-source RPCs: validate a data source's configuration, and read it. Each finds the
//! data source by type name, decodes the configuration against its schema, calls the
//! [`DataSource`] and encodes its answer.
//!
//! Terraform reads a data source whose configuration is not yet known at apply, once it is;
//! ReadDataSource with unknown values therefore only comes from a client that can defer (then
//! the read is deferred) or from a bug (then it is an error naming the attribute). The data
//! source's handler only ever sees a wholly known configuration.
//!
//! [`DataSource`]: crate::plugin::traits::DataSource

use super::shared::{decode, encode, log_rpc, ProviderRpc};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::path::AttributePath;
use crate::plugin::value::Value;
use crate::proto::tfplugin6 as pb;
use std::time::Instant;

pub(super) async fn validate_data_resource_config(
    rpc: &ProviderRpc,
    req: pb::validate_data_resource_config::Request,
) -> pb::validate_data_resource_config::Response {
    let mut diags = Diagnostics::new();
    if let Some(d) = rpc.data_source(&req.type_name, &mut diags) {
        let ty = d.schema().value_type();
        let config = decode(
            req.config.as_ref(),
            ty,
            "data source configuration",
            &mut diags,
        );
        if let Some(config) = config {
            d.validate(&config, &mut diags);
        }
    }
    pb::validate_data_resource_config::Response {
        diagnostics: diags.into_proto(),
    }
}

pub(super) async fn read_data_source(
    rpc: &ProviderRpc,
    req: pb::read_data_source::Request,
) -> pb::read_data_source::Response {
    let started = Instant::now();
    let mut diags = Diagnostics::new();
    let mut resp = pb::read_data_source::Response::default();
    if let Some(d) = rpc.data_source(&req.type_name, &mut diags) {
        let ty = d.schema().value_type();
        let config = decode(
            req.config.as_ref(),
            ty,
            "data source configuration",
            &mut diags,
        );
        match config {
            Some(config) if !config.is_wholly_known() => {
                let can_defer = req
                    .client_capabilities
                    .as_ref()
                    .is_some_and(|c| c.deferral_allowed);
                if can_defer {
                    resp.deferred = Some(pb::Deferred {
                        reason: pb::deferred::Reason::ResourceConfigUnknown as i32,
                    });
                    resp.state = encode(&Value::unknown(), ty, "state", &mut diags);
                } else {
                    unknown_config(&config, &req.type_name, &mut diags);
                }
            }
            Some(config) => {
                let ctx = rpc.context();
                let state = d.read(&ctx, config, &mut diags).await;
                if !state.is_null() {
                    resp.state = encode(&state, ty, "state", &mut diags);
                }
            }
            None => {}
        }
    }
    log_rpc("ReadDataSource", started);
    resp.diagnostics = diags.into_proto();
    resp
}

/// The diagnostic for a read asked with values still unknown, at the first such attribute.
fn unknown_config(config: &Value, type_name: &str, diags: &mut Diagnostics) {
    let unknown = config
        .as_map()
        .and_then(|attrs| attrs.iter().find(|(_, v)| !v.is_wholly_known()))
        .map(|(name, _)| name.as_str());
    let summary = "Data source configuration is not known yet";
    let detail = format!("The {type_name} data source was asked to read while part of its configuration is still unknown, so nothing was read. Terraform reads such a data source during apply, once the values it depends on are known; this request came from a client that neither did so nor allows deferring the read.");
    match unknown {
        Some(name) => diags.error_at(AttributePath::attr(name), summary, detail),
        None => diags.error(summary, detail),
    }
}
