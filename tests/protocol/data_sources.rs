//! The data-source RPCs over msgpack: metadata and schemas list the data sources,
//! ValidateDataResourceConfig runs their validators (unknown values pass), ReadDataSource reads
//! what the emulator holds, defers or refuses a configuration that is not known yet, and an
//! unknown type name or hostile bytes are diagnostics.

use serde_json::json;
use terraform_provider_azuread::plugin::value::{Type, Value};
use terraform_provider_azuread::proto::tfplugin6 as pb;
use terraform_provider_azuread::proto::tfplugin6::provider_client::ProviderClient;
use tonic::transport::Channel;

use crate::emulator;
use crate::harness::Plugin;
use crate::values::{assert_has_error, assert_no_errors, decode, dv, errors, get, object, raw, s};

const DATA: &str = "azuread_cross_tenant_partner";
const LIST: &str = "azuread_cross_tenant_partners";
const TENANT: &str = "90e29127-71ad-49c7-9ce8-db3f41ea06f1";

fn data_type() -> Type {
    terraform_provider_azuread::resources::cross_tenant_partner_data::schema::partner()
        .value_type()
        .clone()
}

fn list_type() -> Type {
    terraform_provider_azuread::resources::cross_tenant_partner_data::schema::partners()
        .value_type()
        .clone()
}

async fn validate(
    client: &mut ProviderClient<Channel>,
    type_name: &str,
    config: pb::DynamicValue,
) -> Vec<pb::Diagnostic> {
    client
        .validate_data_resource_config(pb::validate_data_resource_config::Request {
            type_name: type_name.to_string(),
            config: Some(config),
        })
        .await
        .expect("ValidateDataResourceConfig")
        .into_inner()
        .diagnostics
}

async fn read(
    client: &mut ProviderClient<Channel>,
    type_name: &str,
    config: pb::DynamicValue,
    deferral_allowed: bool,
) -> pb::read_data_source::Response {
    client
        .read_data_source(pb::read_data_source::Request {
            type_name: type_name.to_string(),
            config: Some(config),
            client_capabilities: Some(pb::ClientCapabilities {
                deferral_allowed,
                write_only_attributes_allowed: false,
            }),
            ..Default::default()
        })
        .await
        .expect("ReadDataSource")
        .into_inner()
}

#[tokio::test]
async fn metadata_and_schemas_list_the_data_sources() {
    let plugin = Plugin::start().await;
    let mut client = plugin.provider().await;
    let metadata = client
        .get_metadata(pb::get_metadata::Request {})
        .await
        .expect("GetMetadata")
        .into_inner();
    let mut names: Vec<&str> = metadata
        .data_sources
        .iter()
        .map(|d| d.type_name.as_str())
        .collect();
    names.sort_unstable();
    assert!(names.contains(&DATA) && names.contains(&LIST), "{names:?}");

    let schema = client
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .expect("GetProviderSchema")
        .into_inner();
    let block = schema
        .data_source_schemas
        .get(DATA)
        .and_then(|s| s.block.as_ref())
        .expect("data source schema");
    let attr = |name: &str| {
        block
            .attributes
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("no {name}"))
    };
    assert!(attr("tenant_id").required);
    for name in [
        "id",
        "inbound_trust",
        "b2b_collaboration_inbound",
        "is_service_provider",
    ] {
        assert!(
            attr(name).computed && !attr(name).optional && !attr(name).required,
            "{name}"
        );
    }
    assert!(attr("timeouts").optional);
    let list = schema
        .data_source_schemas
        .get(LIST)
        .and_then(|s| s.block.as_ref())
        .expect("list schema");
    let partners = list
        .attributes
        .iter()
        .find(|a| a.name == "partners")
        .expect("partners");
    let nested = partners.nested_type.as_ref().expect("nested");
    assert_eq!(nested.nesting, pb::schema::object::NestingMode::List as i32);
}

#[tokio::test]
async fn validate_runs_validators_and_lets_unknown_values_pass() {
    let plugin = Plugin::start().await;
    let mut client = plugin.provider().await;
    let ty = data_type();
    let good = object(&ty, vec![("tenant_id", s(TENANT))]);
    assert_no_errors(&validate(&mut client, DATA, dv(&good, &ty)).await, "a GUID");
    let unknown = object(&ty, vec![("tenant_id", Value::unknown())]);
    assert_no_errors(
        &validate(&mut client, DATA, dv(&unknown, &ty)).await,
        "an unknown tenant",
    );
    let bad = object(&ty, vec![("tenant_id", s("contoso.com"))]);
    let diags = validate(&mut client, DATA, dv(&bad, &ty)).await;
    assert_has_error(&diags, "a tenant that is no GUID");
    assert!(
        diags.iter().any(|d| d.attribute.is_some()),
        "the error names the attribute: {diags:?}"
    );
    assert_has_error(
        &validate(&mut client, DATA, raw(&[0xc1, 0xff])).await,
        "garbage bytes",
    );

    let diags = validate(&mut client, "azuread_client_config", raw(&[0x80])).await;
    let errs = errors(&diags);
    assert_eq!(errs.len(), 1, "{diags:?}");
    assert!(
        errs[0].detail.contains("azuread_client_config") && errs[0].detail.contains(LIST),
        "{:?}",
        errs[0]
    );
}

#[tokio::test]
async fn read_reads_what_graph_holds() {
    let mut env = emulator::start().await;
    let ty = data_type();
    env.emu.put_partner(
        TENANT,
        json!({"inboundTrust": {"isMfaAccepted": true, "isCompliantDeviceAccepted": false, "isHybridAzureADJoinedDeviceAccepted": false}, "isServiceProvider": true}),
    );
    let config = object(&ty, vec![("tenant_id", s(TENANT))]);
    let resp = read(&mut env.client, DATA, dv(&config, &ty), false).await;
    assert_no_errors(&resp.diagnostics, "ReadDataSource");
    assert!(resp.deferred.is_none());
    let state = decode(resp.state.as_ref(), &ty);
    assert!(state.is_wholly_known(), "{state:?}");
    assert_eq!(get(&state, &["id"]), &s(TENANT));
    assert_eq!(
        get(&state, &["inbound_trust", "is_mfa_accepted"]),
        &Value::Bool(true)
    );
    assert_eq!(get(&state, &["is_service_provider"]), &Value::Bool(true));
    assert!(get(&state, &["b2b_collaboration_inbound"]).is_null());
    assert!(
        env.graph_requests().iter().all(|r| r.method == "GET"),
        "{:?}",
        env.summary()
    );

    let list_ty = list_type();
    let resp = read(
        &mut env.client,
        LIST,
        dv(&object(&list_ty, vec![]), &list_ty),
        false,
    )
    .await;
    assert_no_errors(&resp.diagnostics, "ReadDataSource (list)");
    let state = decode(resp.state.as_ref(), &list_ty);
    assert_eq!(get(&state, &["tenant_ids"]), &Value::Set(vec![s(TENANT)]));

    // A tenant without a partner: an error naming it, on tenant_id, and no state.
    let other = "0b5d3c3e-8f4a-4d3c-9a55-3f1a2c9e7b10";
    let missing = object(&ty, vec![("tenant_id", s(other))]);
    let resp = read(&mut env.client, DATA, dv(&missing, &ty), false).await;
    let errs = errors(&resp.diagnostics);
    assert_eq!(errs.len(), 1, "{:?}", resp.diagnostics);
    assert!(errs[0].summary.contains(other), "{:?}", errs[0]);
    assert!(errs[0].attribute.is_some());
    assert!(resp.state.is_none());
}

#[tokio::test]
async fn read_of_an_unknown_configuration_is_deferred_or_refused() {
    let plugin = Plugin::start().await;
    let mut client = plugin.provider().await;
    let ty = data_type();
    let unknown = object(&ty, vec![("tenant_id", Value::unknown())]);

    let deferred = read(&mut client, DATA, dv(&unknown, &ty), true).await;
    assert_no_errors(&deferred.diagnostics, "a deferrable read");
    assert_eq!(
        deferred.deferred.map(|d| d.reason),
        Some(pb::deferred::Reason::ResourceConfigUnknown as i32)
    );
    assert!(decode(deferred.state.as_ref(), &ty).is_unknown());

    let refused = read(&mut client, DATA, dv(&unknown, &ty), false).await;
    let errs = errors(&refused.diagnostics);
    assert_eq!(errs.len(), 1, "{:?}", refused.diagnostics);
    assert!(errs[0].attribute.is_some(), "the error names tenant_id");
    assert!(refused.state.is_none());

    let unknown_type = read(&mut client, "azuread_client_config", raw(&[0x80]), false).await;
    assert_has_error(&unknown_type.diagnostics, "an unknown data source type");
    let garbage = read(
        &mut client,
        DATA,
        raw(&[0xdf, 0xff, 0xff, 0xff, 0xff]),
        false,
    )
    .await;
    assert_has_error(&garbage.diagnostics, "garbage bytes");
}
