//! The provider's own RPCs: metadata and schemas, validating and configuring the provider
//! block, and StopProvider, which cancels the operations in flight.

use super::shared::{decode, log_rpc, ProviderRpc};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::value::Value;
use crate::proto::tfplugin6 as pb;
use std::time::Instant;
use tokio_util::sync::CancellationToken;

pub(super) async fn get_metadata(
    rpc: &ProviderRpc,
    _req: pb::get_metadata::Request,
) -> pb::get_metadata::Response {
    let resources = rpc
        .resources
        .keys()
        .map(|name| pb::get_metadata::ResourceMetadata {
            type_name: name.to_string(),
        })
        .collect();
    let data_sources = rpc
        .data_sources
        .keys()
        .map(|name| pb::get_metadata::DataSourceMetadata {
            type_name: name.to_string(),
        })
        .collect();
    let list_resources = rpc
        .list_resources
        .keys()
        .map(|name| pb::get_metadata::ListResourceMetadata {
            type_name: name.to_string(),
        })
        .collect();
    pb::get_metadata::Response {
        server_capabilities: Some(capabilities()),
        resources,
        data_sources,
        list_resources,
        ..Default::default()
    }
}

pub(super) async fn get_provider_schema(
    rpc: &ProviderRpc,
    _req: pb::get_provider_schema::Request,
) -> pb::get_provider_schema::Response {
    let resource_schemas = rpc
        .resources
        .iter()
        .map(|(name, r)| (name.to_string(), r.schema().to_proto()))
        .collect();
    let data_source_schemas = rpc
        .data_sources
        .iter()
        .map(|(name, d)| (name.to_string(), d.schema().to_proto()))
        .collect();
    let list_resource_schemas = rpc
        .list_resources
        .iter()
        .map(|(name, l)| (name.to_string(), l.schema().to_proto()))
        .collect();
    pb::get_provider_schema::Response {
        provider: Some(rpc.provider.schema().to_proto()),
        resource_schemas,
        data_source_schemas,
        list_resource_schemas,
        server_capabilities: Some(capabilities()),
        ..Default::default()
    }
}

pub(super) async fn validate_provider_config(
    rpc: &ProviderRpc,
    req: pb::validate_provider_config::Request,
) -> pb::validate_provider_config::Response {
    let mut diags = Diagnostics::new();
    if let Some(config) = provider_config(rpc, req.config.as_ref(), &mut diags) {
        rpc.provider.validate(&config, &mut diags);
    }
    pb::validate_provider_config::Response {
        diagnostics: diags.into_proto(),
    }
}

pub(super) async fn configure_provider(
    rpc: &ProviderRpc,
    req: pb::configure_provider::Request,
) -> pb::configure_provider::Response {
    let started = Instant::now();
    let mut diags = Diagnostics::new();
    if let Some(config) = provider_config(rpc, req.config.as_ref(), &mut diags) {
        let ctx = rpc.context();
        rpc.provider
            .configure(&ctx, &req.terraform_version, config, &mut diags)
            .await;
    }
    log_rpc("ConfigureProvider", started);
    pb::configure_provider::Response {
        diagnostics: diags.into_proto(),
    }
}

pub(super) async fn stop_provider(
    rpc: &ProviderRpc,
    _req: pb::stop_provider::Request,
) -> pb::stop_provider::Response {
    let mut guard = match rpc.stop.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    guard.cancel();
    *guard = CancellationToken::new();
    log::info!("StopProvider: cancelled in-flight operations");
    pb::stop_provider::Response {
        error: String::new(),
    }
}

/// The provider block's configuration, decoded against the provider schema.
fn provider_config(
    rpc: &ProviderRpc,
    config: Option<&pb::DynamicValue>,
    diags: &mut Diagnostics,
) -> Option<Value> {
    let ty = rpc.provider.schema().value_type();
    decode(config, ty, "provider configuration", diags)
}

fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: false,
        get_provider_schema_optional: true,
        move_resource_state: true,
        generate_resource_config: false,
    }
}
