//! A full resource lifecycle over msgpack against the Graph emulator: validate, plan, create,
//! read, import (both ID forms), destroy, and what the emulator received at each step.

use serde_json::json;
use terraform_provider_azuread::plugin::value::Value;
use terraform_provider_azuread::proto::tfplugin6 as pb;
use terraform_provider_azuread::proto::tfplugin6::provider_client::ProviderClient;
use tonic::transport::Channel;

use crate::emulator::{self, PARTNERS_PATH};
use crate::harness::Plugin;
use crate::values::{
    assert_has_error, assert_no_errors, decode, dv, get, object, partner_config, partner_type, s,
    PARTNER,
};

const TENANT: &str = "90e29127-71ad-49c7-9ce8-db3f41ea06f1";

pub async fn validate(client: &mut ProviderClient<Channel>, config: &Value) -> Vec<pb::Diagnostic> {
    client
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: PARTNER.to_string(),
            config: Some(dv(config, &partner_type())),
            client_capabilities: None,
        })
        .await
        .expect("ValidateResourceConfig")
        .into_inner()
        .diagnostics
}

pub async fn plan(
    client: &mut ProviderClient<Channel>,
    prior: &Value,
    proposed: &Value,
    config: &Value,
) -> pb::plan_resource_change::Response {
    let ty = partner_type();
    client
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: PARTNER.to_string(),
            prior_state: Some(dv(prior, &ty)),
            proposed_new_state: Some(dv(proposed, &ty)),
            config: Some(dv(config, &ty)),
            ..Default::default()
        })
        .await
        .expect("PlanResourceChange")
        .into_inner()
}

pub fn apply_request(
    prior: &Value,
    planned: &Value,
    config: &Value,
) -> pb::apply_resource_change::Request {
    let ty = partner_type();
    pb::apply_resource_change::Request {
        type_name: PARTNER.to_string(),
        prior_state: Some(dv(prior, &ty)),
        planned_state: Some(dv(planned, &ty)),
        config: Some(dv(config, &ty)),
        ..Default::default()
    }
}

pub async fn read(
    client: &mut ProviderClient<Channel>,
    state: &Value,
) -> pb::read_resource::Response {
    client
        .read_resource(pb::read_resource::Request {
            type_name: PARTNER.to_string(),
            current_state: Some(dv(state, &partner_type())),
            ..Default::default()
        })
        .await
        .expect("ReadResource")
        .into_inner()
}

async fn import(
    client: &mut ProviderClient<Channel>,
    id: &str,
) -> pb::import_resource_state::Response {
    client
        .import_resource_state(pb::import_resource_state::Request {
            type_name: PARTNER.to_string(),
            id: id.to_string(),
            ..Default::default()
        })
        .await
        .expect("ImportResourceState")
        .into_inner()
}

/// Plans and applies a create of `config`, returning the new state.
pub async fn create(client: &mut ProviderClient<Channel>, config: &Value) -> Value {
    let ty = partner_type();
    let planned = plan(client, &Value::Null, config, config).await;
    assert_no_errors(&planned.diagnostics, "plan create");
    let planned_state = decode(planned.planned_state.as_ref(), &ty);
    let applied = client
        .apply_resource_change(apply_request(&Value::Null, &planned_state, config))
        .await
        .expect("ApplyResourceChange")
        .into_inner();
    assert_no_errors(&applied.diagnostics, "apply create");
    decode(applied.new_state.as_ref(), &ty)
}

#[tokio::test]
async fn create_read_import_destroy() {
    let mut env = emulator::start().await;
    let ty = partner_type();
    let config = partner_config(TENANT);

    // Validate.
    let diags = validate(&mut env.client, &config).await;
    assert_no_errors(&diags, "ValidateResourceConfig");
    let bad = object(&ty, vec![("tenant_id", s("not-a-guid"))]);
    assert_has_error(
        &validate(&mut env.client, &bad).await,
        "a tenant_id that is no GUID",
    );

    // Plan a create: Terraform proposes the configuration with computed attributes null.
    let planned = plan(&mut env.client, &Value::Null, &config, &config).await;
    assert_no_errors(&planned.diagnostics, "PlanResourceChange (create)");
    let planned_state = decode(planned.planned_state.as_ref(), &ty);
    assert_eq!(
        get(&planned_state, &["id"]),
        &s(TENANT),
        "id is known at plan time"
    );
    assert!(get(&planned_state, &["is_service_provider"]).is_unknown());
    assert!(get(&planned_state, &["is_in_multi_tenant_organization"]).is_unknown());
    assert_eq!(get(&planned_state, &["tenant_id"]), &s(TENANT));
    assert_eq!(
        get(
            &planned_state,
            &["inbound_trust", "is_hybrid_azure_ad_joined_device_accepted"]
        ),
        &Value::Bool(false),
        "an unset flag plans as false"
    );
    assert!(planned.requires_replace.is_empty());
    assert!(
        env.graph_requests().is_empty(),
        "planning calls no Graph API"
    );

    // Apply the create.
    let applied = env
        .client
        .apply_resource_change(apply_request(&Value::Null, &planned_state, &config))
        .await
        .expect("ApplyResourceChange")
        .into_inner();
    assert_no_errors(&applied.diagnostics, "ApplyResourceChange (create)");
    let state = decode(applied.new_state.as_ref(), &ty);
    assert!(
        state.is_wholly_known(),
        "new state must be wholly known: {state:?}"
    );
    assert_eq!(get(&state, &["id"]), &s(TENANT));
    assert_eq!(get(&state, &["is_service_provider"]), &Value::Bool(false));
    assert_eq!(
        get(&state, &["b2b_collaboration_inbound"]),
        get(&config, &["b2b_collaboration_inbound"])
    );

    let log = env.graph_requests();
    let post = log
        .iter()
        .find(|r| r.method == "POST" && r.path == PARTNERS_PATH)
        .unwrap_or_else(|| panic!("no POST of the partner in {:?}", env.summary()));
    assert_eq!(post.status, 201);
    let body = post.body.as_ref().expect("POST body");
    assert_eq!(body["tenantId"], json!(TENANT));
    assert_eq!(body["inboundTrust"]["isMfaAccepted"], json!(true));
    assert_eq!(
        body["inboundTrust"]["isCompliantDeviceAccepted"],
        json!(true)
    );
    assert_eq!(
        body["b2bCollaborationInbound"]["usersAndGroups"],
        json!({"accessType": "allowed", "targets": [{"target": "AllUsers", "targetType": "user"}]})
    );
    assert!(
        body.get("isServiceProvider").is_none(),
        "read-only values are never sent"
    );
    assert!(
        body.get("b2bCollaborationOutbound").is_none(),
        "null sections are not sent"
    );
    assert!(
        post.headers.contains_key("client-request-id"),
        "every request sends client-request-id"
    );
    assert_eq!(
        post.headers.get("authorization").map(String::as_str),
        Some(graph_emulator::REDACTED)
    );
    let partner_path = format!("{PARTNERS_PATH}/{TENANT}");
    assert!(
        log.iter()
            .any(|r| r.method == "GET" && r.path == partner_path && r.status == 200),
        "create reads the partner back: {:?}",
        env.summary()
    );
    assert_eq!(
        log.iter().filter(|r| r.method == "POST").count(),
        1,
        "exactly one POST: {:?}",
        env.summary()
    );
    let tokens: Vec<_> = env
        .emu
        .request_log()
        .into_iter()
        .filter(|r| r.path.ends_with("/oauth2/v2.0/token"))
        .collect();
    assert!(
        !tokens.is_empty(),
        "the provider fetched a token from the emulator"
    );
    assert!(env.emu.partner(TENANT).is_some());

    // Read: the state round-trips unchanged.
    let refreshed = read(&mut env.client, &state).await;
    assert_no_errors(&refreshed.diagnostics, "ReadResource");
    assert_eq!(decode(refreshed.new_state.as_ref(), &ty), state);

    // Import by GUID and by Graph path, then read: the same state as after create.
    for id in [
        TENANT.to_string(),
        format!("/policies/crossTenantAccessPolicy/partners/{TENANT}"),
    ] {
        let imported = import(&mut env.client, &id).await;
        assert_no_errors(&imported.diagnostics, &format!("ImportResourceState {id}"));
        assert_eq!(imported.imported_resources.len(), 1);
        let resource = &imported.imported_resources[0];
        assert_eq!(resource.type_name, PARTNER);
        let initial = decode(resource.state.as_ref(), &ty);
        assert_eq!(get(&initial, &["id"]), &s(TENANT), "import {id}");
        let read_back = read(&mut env.client, &initial).await;
        assert_no_errors(&read_back.diagnostics, "ReadResource after import");
        assert_eq!(
            decode(read_back.new_state.as_ref(), &ty),
            state,
            "import {id}"
        );
    }
    let bad_import = import(&mut env.client, "contoso.com").await;
    assert_has_error(&bad_import.diagnostics, "import with a bad ID");
    assert!(bad_import.imported_resources.is_empty());

    // Destroy: plan (proposed null) then apply (planned null).
    let destroy_plan = plan(&mut env.client, &state, &Value::Null, &Value::Null).await;
    assert_no_errors(&destroy_plan.diagnostics, "plan destroy");
    assert!(decode(destroy_plan.planned_state.as_ref(), &ty).is_null());
    env.emu.clear_log();
    let destroyed = env
        .client
        .apply_resource_change(apply_request(&state, &Value::Null, &Value::Null))
        .await
        .expect("ApplyResourceChange (destroy)")
        .into_inner();
    assert_no_errors(&destroyed.diagnostics, "ApplyResourceChange (destroy)");
    assert!(decode(destroyed.new_state.as_ref(), &ty).is_null());
    assert_eq!(
        env.summary(),
        vec![("DELETE".to_string(), partner_path.clone(), 204)],
        "destroy sends exactly one DELETE"
    );
    assert!(env.emu.partner(TENANT).is_none());

    // Reading a partner that is gone removes it from state.
    let gone = read(&mut env.client, &state).await;
    assert_no_errors(&gone.diagnostics, "ReadResource of a deleted partner");
    assert!(decode(gone.new_state.as_ref(), &ty).is_null());

    assert!(
        !env.plugin
            .stderr()
            .contains(graph_emulator::TEST_CLIENT_SECRET),
        "the client secret must never be logged"
    );
}

#[tokio::test]
async fn unknown_section_validates_and_plans_as_unknown() {
    // Planning needs no Graph access, so no emulator and no ConfigureProvider here.
    let plugin = Plugin::start().await;
    let mut client = plugin.provider().await;
    let ty = partner_type();
    let mut config = partner_config(TENANT);
    if let Value::Object(m) = &mut config {
        m.insert("b2b_collaboration_outbound".into(), Value::unknown());
        m.insert("inbound_trust".into(), Value::unknown());
    }
    let diags = validate(&mut client, &config).await;
    assert_no_errors(&diags, "ValidateResourceConfig with unknown sections");

    let planned = plan(&mut client, &Value::Null, &config, &config).await;
    assert_no_errors(
        &planned.diagnostics,
        "PlanResourceChange with unknown sections",
    );
    let state = decode(planned.planned_state.as_ref(), &ty);
    assert!(
        get(&state, &["b2b_collaboration_outbound"]).is_unknown(),
        "{state:?}"
    );
    assert!(get(&state, &["inbound_trust"]).is_unknown(), "{state:?}");
    assert_eq!(get(&state, &["id"]), &s(TENANT));
    assert_eq!(
        get(&state, &["b2b_collaboration_inbound"]),
        get(&config, &["b2b_collaboration_inbound"])
    );

    // An unknown tenant makes the id unknown too.
    let mut config = partner_config(TENANT);
    if let Value::Object(m) = &mut config {
        m.insert("tenant_id".into(), Value::unknown());
    }
    assert_no_errors(&validate(&mut client, &config).await, "unknown tenant_id");
    let planned = plan(&mut client, &Value::Null, &config, &config).await;
    assert_no_errors(&planned.diagnostics, "plan with unknown tenant_id");
    let state = decode(planned.planned_state.as_ref(), &ty);
    assert!(get(&state, &["id"]).is_unknown());
    assert!(get(&state, &["tenant_id"]).is_unknown());
}
