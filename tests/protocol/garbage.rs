//! Hostile DynamicValue bytes are answered with an error diagnostic — never a gRPC error or a
//! crash — and the provider keeps serving.

use terraform_provider_azuread::proto::tfplugin6 as pb;
use terraform_provider_azuread::proto::tfplugin6::provider_client::ProviderClient;
use tonic::transport::Channel;

use crate::harness::Plugin;
use crate::values::{assert_has_error, dv, partner_config, partner_type, provider_type, PARTNER};
use terraform_provider_azuread::plugin::value::Value;

fn payloads() -> Vec<(String, pb::DynamicValue)> {
    let msgpack = |name: &str, bytes: Vec<u8>| {
        (
            name.to_string(),
            pb::DynamicValue {
                msgpack: bytes,
                json: Vec::new(),
            },
        )
    };
    let mut out = Vec::new();
    for seed in 0..16u64 {
        let mut rng = fastrand::Rng::with_seed(seed);
        let len = rng.usize(1..4096);
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.u8(..)).collect();
        if seed % 2 == 1 {
            // Start with a map header so the decoder gets past the first byte.
            bytes[0] = 0x80 | rng.u8(1..16);
        }
        out.push(msgpack(
            &format!("random bytes (seed {seed}, {len} bytes)"),
            bytes,
        ));
    }
    let valid = dv(
        &partner_config("90e29127-71ad-49c7-9ce8-db3f41ea06f1"),
        &partner_type(),
    )
    .msgpack;
    for cut in [1, valid.len() / 3, valid.len() / 2, valid.len() - 1] {
        out.push(msgpack(
            &format!("msgpack truncated to {cut} of {} bytes", valid.len()),
            valid[..cut].to_vec(),
        ));
    }
    let mut trailing = valid.clone();
    trailing.push(0xc0);
    out.push(msgpack("valid msgpack with a trailing byte", trailing));
    out.push(msgpack(
        "map32 header claiming 2^32-1 entries",
        vec![0xdf, 0xff, 0xff, 0xff, 0xff],
    ));
    out.push(msgpack(
        "map32 header claiming 2^32-1 entries, then one entry",
        vec![0xdf, 0xff, 0xff, 0xff, 0xff, 0xa2, b'i', b'd', 0xc0],
    ));
    out.push(msgpack(
        "array32 header claiming 2^32-1 elements",
        vec![0xdd, 0xff, 0xff, 0xff, 0xff],
    ));
    out.push(msgpack(
        "tenant_id as a str32 claiming 4 GiB",
        [
            vec![0x81, 0xa9],
            b"tenant_id".to_vec(),
            vec![0xdb, 0xff, 0xff, 0xff, 0xff, b'x'],
        ]
        .concat(),
    ));
    let depth = 200_000;
    out.push(msgpack(
        "200k nested arrays at the root",
        [vec![0x91; depth], vec![0xc0]].concat(),
    ));
    out.push(msgpack(
        "200k nested arrays under an unknown attribute",
        [
            vec![0x81, 0xa3, b'z', b'z', b'z'],
            vec![0x91; depth],
            vec![0xc0],
        ]
        .concat(),
    ));
    out.push(msgpack(
        "200k nested single-entry maps",
        [[0x81, 0xa1, b'a'].repeat(depth), vec![0xc0]].concat(),
    ));
    out.push(msgpack(
        "200k nested maps under a real attribute",
        [
            vec![0x81, 0xad],
            b"inbound_trust".to_vec(),
            [0x81, 0xa1, b'a'].repeat(depth),
            vec![0xc0],
        ]
        .concat(),
    ));
    out.push((
        "empty DynamicValue".to_string(),
        pb::DynamicValue::default(),
    ));
    out.push((
        "200k nested JSON arrays".to_string(),
        pb::DynamicValue {
            msgpack: Vec::new(),
            json: [b"{\"zzz\":".to_vec(), b"[".repeat(depth)].concat(),
        },
    ));
    out.push((
        "invalid JSON".to_string(),
        pb::DynamicValue {
            msgpack: Vec::new(),
            json: b"{\"tenant_id\": \"unterminated".to_vec(),
        },
    ));
    out
}

async fn check_all_rpcs(client: &mut ProviderClient<Channel>, name: &str, bad: &pb::DynamicValue) {
    let ty = partner_type();
    let null = dv(&Value::Null, &ty);
    let config = dv(&partner_config("90e29127-71ad-49c7-9ce8-db3f41ea06f1"), &ty);
    let grpc = |rpc: &str, e: tonic::Status| -> ! {
        panic!("{rpc} with {name}: a gRPC error instead of a diagnostic: {e:?}")
    };

    let r = client
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: PARTNER.to_string(),
            config: Some(bad.clone()),
            client_capabilities: None,
        })
        .await
        .unwrap_or_else(|e| grpc("ValidateResourceConfig", e))
        .into_inner();
    assert_has_error(
        &r.diagnostics,
        &format!("ValidateResourceConfig with {name}"),
    );

    for (field, request) in [
        (
            "proposed_new_state and config",
            pb::plan_resource_change::Request {
                type_name: PARTNER.to_string(),
                prior_state: Some(null.clone()),
                proposed_new_state: Some(bad.clone()),
                config: Some(bad.clone()),
                ..Default::default()
            },
        ),
        (
            "prior_state",
            pb::plan_resource_change::Request {
                type_name: PARTNER.to_string(),
                prior_state: Some(bad.clone()),
                proposed_new_state: Some(config.clone()),
                config: Some(config.clone()),
                ..Default::default()
            },
        ),
    ] {
        let r = client
            .plan_resource_change(request)
            .await
            .unwrap_or_else(|e| grpc("PlanResourceChange", e))
            .into_inner();
        assert_has_error(
            &r.diagnostics,
            &format!("PlanResourceChange with {name} as {field}"),
        );
        assert!(r.planned_state.is_none(), "no planned state from garbage");
    }

    for (field, request) in [
        (
            "planned_state",
            pb::apply_resource_change::Request {
                type_name: PARTNER.to_string(),
                prior_state: Some(null.clone()),
                planned_state: Some(bad.clone()),
                config: Some(config.clone()),
                ..Default::default()
            },
        ),
        (
            "prior_state",
            pb::apply_resource_change::Request {
                type_name: PARTNER.to_string(),
                prior_state: Some(bad.clone()),
                planned_state: Some(null.clone()),
                config: Some(null.clone()),
                ..Default::default()
            },
        ),
    ] {
        let r = client
            .apply_resource_change(request)
            .await
            .unwrap_or_else(|e| grpc("ApplyResourceChange", e))
            .into_inner();
        assert_has_error(
            &r.diagnostics,
            &format!("ApplyResourceChange with {name} as {field}"),
        );
    }

    let r = client
        .read_resource(pb::read_resource::Request {
            type_name: PARTNER.to_string(),
            current_state: Some(bad.clone()),
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| grpc("ReadResource", e))
        .into_inner();
    assert_has_error(&r.diagnostics, &format!("ReadResource with {name}"));

    let r = client
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.11.0".to_string(),
            config: Some(bad.clone()),
            client_capabilities: None,
        })
        .await
        .unwrap_or_else(|e| grpc("ConfigureProvider", e))
        .into_inner();
    assert_has_error(&r.diagnostics, &format!("ConfigureProvider with {name}"));

    let r = client
        .validate_provider_config(pb::validate_provider_config::Request {
            config: Some(bad.clone()),
        })
        .await
        .unwrap_or_else(|e| grpc("ValidateProviderConfig", e))
        .into_inner();
    assert_has_error(
        &r.diagnostics,
        &format!("ValidateProviderConfig with {name}"),
    );
}

#[tokio::test]
async fn garbage_dynamic_values_yield_diagnostics() {
    let plugin = Plugin::start().await;
    let mut client = plugin.provider().await;
    for (name, bad) in payloads() {
        check_all_rpcs(&mut client, &name, &bad).await;
    }

    // Garbage raw state for UpgradeResourceState, too.
    for json in [&b"{\"id\": "[..], &b"\xff\xfe"[..], &b"[[[[[[[["[..]] {
        let r = client
            .upgrade_resource_state(pb::upgrade_resource_state::Request {
                type_name: PARTNER.to_string(),
                version: 0,
                raw_state: Some(pb::RawState {
                    json: json.to_vec(),
                    flatmap: Default::default(),
                }),
            })
            .await
            .expect("UpgradeResourceState answers")
            .into_inner();
        assert_has_error(&r.diagnostics, "UpgradeResourceState with garbage JSON");
    }

    // Still serving, on the same connection and on a new one; still the same process.
    let schema = client
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .expect("GetProviderSchema after garbage")
        .into_inner();
    assert!(schema.provider.is_some());
    let mut fresh = plugin.provider().await;
    fresh
        .validate_provider_config(pb::validate_provider_config::Request {
            config: Some(dv(&crate::values::provider_config(), &provider_type())),
        })
        .await
        .expect("ValidateProviderConfig on a new connection");
    assert!(
        !plugin.stderr().contains("panicked"),
        "the provider panicked:\n{}",
        plugin.stderr()
    );
}
