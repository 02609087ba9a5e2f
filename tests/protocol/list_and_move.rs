//! The list resource and state moves over the wire: metadata, schemas and capabilities name
//! them; ListResource streams one event per partner with its identity (and the state only when
//! asked), honours `limit`, and answers an unknown type or a bad filter with an error event;
//! MoveResourceState turns an msgraph_resource partner into ours and refuses anything else,
//! hostile JSON included.

use crate::emulator;
use crate::harness::Plugin;
use crate::values::{decode, errors, get, partner_type, s, PARTNER};
use serde_json::json;
use terraform_provider_azuread::plugin::codec::encode_msgpack;
use terraform_provider_azuread::plugin::value::{Type, Value};
use terraform_provider_azuread::proto::tfplugin6 as pb;
use tokio_stream::StreamExt;

const TENANT: &str = "90e29127-71ad-49c7-9ce8-db3f41ea06f1";
const MSGRAPH: &str = "registry.terraform.io/microsoft/msgraph";

fn filter_type() -> Type {
    Type::object([("tenant_ids", Type::Set(Box::new(Type::String)))])
}

fn filter(tenants: Option<&[&str]>) -> pb::DynamicValue {
    let tenant_ids = match tenants {
        Some(list) => Value::Set(list.iter().map(|t| s(t)).collect()),
        None => Value::Null,
    };
    pb::DynamicValue {
        msgpack: encode_msgpack(&Value::object([("tenant_ids", tenant_ids)]), &filter_type())
            .expect("encode"),
        json: Vec::new(),
    }
}

fn list_request(tenants: Option<&[&str]>, include: bool, limit: i64) -> pb::list_resource::Request {
    pb::list_resource::Request {
        type_name: PARTNER.to_string(),
        config: Some(filter(tenants)),
        include_resource_object: include,
        limit,
    }
}

async fn events(
    client: &mut terraform_provider_azuread::proto::tfplugin6::provider_client::ProviderClient<
        tonic::transport::Channel,
    >,
    req: pb::list_resource::Request,
) -> Vec<pb::list_resource::Event> {
    let mut stream = client
        .list_resource(req)
        .await
        .expect("ListResource")
        .into_inner();
    let mut all = Vec::new();
    while let Some(event) = stream.next().await {
        all.push(event.expect("event"));
    }
    all
}

fn identity_tenant(event: &pb::list_resource::Event) -> Value {
    let ty = Type::object([("tenant_id", Type::String)]);
    let identity = event.identity.as_ref().expect("identity");
    get(
        &decode(identity.identity_data.as_ref(), &ty),
        &["tenant_id"],
    )
    .clone()
}

#[tokio::test]
async fn metadata_schemas_and_capabilities_name_the_list_resource_and_moves() {
    let plugin = Plugin::start().await;
    let mut client = plugin.provider().await;
    let meta = client
        .get_metadata(pb::get_metadata::Request {})
        .await
        .expect("GetMetadata")
        .into_inner();
    assert!(meta.list_resources.iter().any(|l| l.type_name == PARTNER));
    let schema = client
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .expect("GetProviderSchema")
        .into_inner();
    let list = &schema.list_resource_schemas[PARTNER];
    let block = list.block.as_ref().expect("block");
    assert!(block
        .attributes
        .iter()
        .any(|a| a.name == "tenant_ids" && a.optional && !a.description.is_empty()));
    let capabilities = schema.server_capabilities.expect("capabilities");
    assert!(capabilities.move_resource_state);
}

#[tokio::test]
async fn list_streams_every_partner_with_its_identity() {
    let mut env = emulator::start().await;
    let upper = TENANT.to_uppercase();
    env.emu.put_partner(
        &upper,
        json!({"tenantId": upper, "inboundTrust": {"isMfaAccepted": true}}),
    );
    env.emu.put_partner(
        "0b5d3c3e-8f4a-4d3c-9a55-3f1a2c9e7b10",
        json!({"tenantId": "0b5d3c3e-8f4a-4d3c-9a55-3f1a2c9e7b10"}),
    );

    let listed = events(&mut env.client, list_request(None, true, 100)).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(
        listed.iter().all(|e| errors(&e.diagnostic).is_empty()),
        "{listed:?}"
    );
    let mine = listed
        .iter()
        .find(|e| identity_tenant(e) == s(TENANT))
        .expect("the identity is in lower case");
    assert_eq!(mine.display_name, "inbound_trust");
    let state = decode(mine.resource_object.as_ref(), &partner_type());
    assert_eq!(
        get(&state, &["inbound_trust", "is_mfa_accepted"]),
        &Value::Bool(true)
    );
    assert!(get(&state, &["timeouts"]).is_null());

    // Without include_resource there is no state; the limit is kept.
    let listed = events(&mut env.client, list_request(None, false, 1)).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(listed[0].resource_object.is_none());
    assert!(listed[0].identity.is_some());
    assert!(env.summary().iter().all(|(method, _, _)| method == "GET"));
}

#[tokio::test]
async fn a_filter_reads_only_those_tenants_and_names_a_missing_one() {
    let mut env = emulator::start().await;
    env.emu.put_partner(TENANT, json!({"tenantId": TENANT}));
    let missing = "11111111-2222-4333-8444-555555555555";
    let listed = events(
        &mut env.client,
        list_request(Some(&[TENANT, missing]), false, 100),
    )
    .await;
    let found: Vec<_> = listed.iter().filter(|e| e.identity.is_some()).collect();
    assert_eq!(found.len(), 1, "{listed:?}");
    let warnings: Vec<_> = listed
        .iter()
        .flat_map(|e| &e.diagnostic)
        .filter(|d| d.severity == pb::diagnostic::Severity::Warning as i32)
        .collect();
    assert!(
        warnings.iter().any(|w| w.detail.contains(missing)),
        "{listed:?}"
    );
}

#[tokio::test]
async fn unknown_types_and_bad_filters_answer_with_an_error_event() {
    let plugin = Plugin::start().await;
    let mut client = plugin.provider().await;
    let mut unknown = list_request(None, false, 10);
    unknown.type_name = "azuread_group".into();
    let listed = events(&mut client, unknown).await;
    let [only] = listed.as_slice() else {
        panic!("one event: {listed:?}")
    };
    assert!(only.diagnostic[0].detail.contains(PARTNER), "{only:?}");

    let listed = events(&mut client, list_request(Some(&["contoso.com"]), false, 10)).await;
    assert!(
        listed
            .iter()
            .flat_map(|e| &e.diagnostic)
            .any(|d| d.summary == "Invalid tenant ID"),
        "{listed:?}"
    );

    let validated = client
        .validate_list_resource_config(pb::validate_list_resource_config::Request {
            type_name: PARTNER.to_string(),
            config: Some(filter(Some(&["contoso.com"]))),
            ..Default::default()
        })
        .await
        .expect("ValidateListResourceConfig")
        .into_inner();
    assert_eq!(errors(&validated.diagnostics).len(), 1, "{validated:?}");

    let garbage = pb::list_resource::Request {
        config: Some(pb::DynamicValue {
            msgpack: vec![0xc1, 0xff, 0x00],
            json: Vec::new(),
        }),
        ..list_request(None, false, 10)
    };
    let listed = events(&mut client, garbage).await;
    assert!(!errors(&listed[0].diagnostic).is_empty(), "{listed:?}");
}

fn move_request(
    provider: &str,
    source_type: &str,
    json: &[u8],
) -> pb::move_resource_state::Request {
    pb::move_resource_state::Request {
        source_provider_address: provider.to_string(),
        source_type_name: source_type.to_string(),
        source_schema_version: 0,
        source_state: Some(pb::RawState {
            json: json.to_vec(),
            flatmap: Default::default(),
        }),
        target_type_name: PARTNER.to_string(),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_msgraph_partner_moves_and_anything_else_is_refused() {
    let plugin = Plugin::start().await;
    let mut client = plugin.provider().await;
    let source = json!({
        "id": TENANT,
        "url": "policies/crossTenantAccessPolicy/partners",
        "api_version": "v1.0",
        "body": {"value": {"tenantId": TENANT, "inboundTrust": {"isMfaAccepted": true}}, "type": ["object", {}]},
    });
    let bytes = serde_json::to_vec(&source).expect("json");
    let moved = client
        .move_resource_state(move_request(MSGRAPH, "msgraph_resource", &bytes))
        .await
        .expect("MoveResourceState")
        .into_inner();
    assert!(
        errors(&moved.diagnostics).is_empty(),
        "{:?}",
        moved.diagnostics
    );
    let state = decode(moved.target_state.as_ref(), &partner_type());
    assert_eq!(get(&state, &["tenant_id"]), &s(TENANT));
    assert_eq!(
        get(&state, &["inbound_trust", "is_mfa_accepted"]),
        &Value::Bool(true)
    );
    assert!(moved.target_identity.is_some());

    for (provider, ty, json) in [
        (
            "registry.terraform.io/hashicorp/azuread",
            "azuread_group",
            br#"{"id":"x"}"#.as_slice(),
        ),
        (
            MSGRAPH,
            "msgraph_resource",
            br#"{"id":"x","url":"groups","body":{}}"#.as_slice(),
        ),
        (MSGRAPH, "msgraph_resource", b"{not json".as_slice()),
        (MSGRAPH, "msgraph_resource", b"".as_slice()),
    ] {
        let refused = client
            .move_resource_state(move_request(provider, ty, json))
            .await
            .expect("MoveResourceState answers")
            .into_inner();
        assert_eq!(
            errors(&refused.diagnostics).len(),
            1,
            "{ty}: {:?}",
            refused.diagnostics
        );
        assert!(refused.target_state.is_none());
    }

    let mut elsewhere = move_request(MSGRAPH, "msgraph_resource", &bytes);
    elsewhere.target_type_name = "azuread_nothing".into();
    let refused = client
        .move_resource_state(elsewhere)
        .await
        .expect("MoveResourceState answers")
        .into_inner();
    assert!(refused.diagnostics[0].detail.contains("azuread_nothing"));
}

/// An emulator whose answer to the list takes ten minutes (only cancellation ends it sooner),
/// and a ListResource stream whose list request has reached it.
async fn list_waiting_on_graph() -> (emulator::Env, tonic::Streaming<pb::list_resource::Event>) {
    let mut env = emulator::start().await;
    env.emu.put_partner(TENANT, json!({"tenantId": TENANT}));
    env.emu.add_fault(graph_emulator::FaultSpec {
        route: "partners".into(),
        method: Some("GET".into()),
        kind: graph_emulator::FaultKind::Latency { ms: 600_000 },
        count: Some(1),
        probability: None,
        seed: None,
    });
    let stream = env
        .client
        .list_resource(list_request(None, false, 100))
        .await
        .expect("ListResource")
        .into_inner();
    wait_for(&env, "the list request to reach Graph", |env| {
        list_in_flight(env)
    })
    .await;
    (env, stream)
}

fn list_in_flight(env: &emulator::Env) -> bool {
    env.emu
        .requests_in_flight()
        .iter()
        .any(|r| r.method == "GET" && r.path == emulator::PARTNERS_PATH)
}

/// Polls until `done`, failing after a generous bound (this only ever waits for progress).
async fn wait_for(env: &emulator::Env, what: &str, done: impl Fn(&emulator::Env) -> bool) {
    let started = std::time::Instant::now();
    while !done(env) {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(120),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn stop_provider_ends_a_list_waiting_on_graph() {
    let (mut env, mut stream) = list_waiting_on_graph().await;
    env.client
        .stop_provider(pb::stop_provider::Request {})
        .await
        .expect("StopProvider");
    let mut listed = Vec::new();
    let ended = tokio::time::timeout(std::time::Duration::from_secs(120), async {
        while let Some(event) = stream.next().await {
            listed.push(event.expect("event"));
        }
    })
    .await;
    assert!(
        ended.is_ok(),
        "the list went on waiting for Graph after StopProvider"
    );
    assert!(listed.iter().all(|e| e.identity.is_none()), "{listed:?}");
    let shown = format!("{listed:?}");
    assert!(
        shown.contains("Ctrl-C"),
        "the error says Terraform stopped it: {shown}"
    );
}

/// Dropping the stream is what Terraform does once it has its limit, or when interrupted. The
/// list must end there, not wait out Graph's ten minutes. (The emulator cannot show the
/// abandoned request: an HTTP/1 server only learns of a closed connection when it next reads,
/// so the provider's log is the evidence.)
#[tokio::test]
async fn dropping_the_stream_ends_the_list() {
    let (env, stream) = list_waiting_on_graph().await;
    drop(stream);
    wait_for(&env, "the list to end", |env| {
        env.plugin
            .stderr()
            .contains("ListResource: the list ended after 0 result(s)")
    })
    .await;
    assert!(
        env.plugin
            .stderr()
            .contains("ListResource: Terraform stopped listening; cancelling the list"),
        "{}",
        env.plugin.stderr()
    );
}
