//! StopProvider during a create whose POST the emulator holds for 20 s: the POST already sent
//! gets a short grace to answer, then the apply returns the partner in state (its outcome is
//! unknown, so Terraform must keep tracking it) with a diagnostic that says so, and the
//! provider keeps serving.

use std::time::{Duration, Instant};

use graph_emulator::{FaultKind, FaultSpec};
use terraform_provider_azuread::plugin::value::Value;
use terraform_provider_azuread::proto::tfplugin6 as pb;

use crate::emulator::{self, PARTNERS_PATH};
use crate::harness::WAIT;
use crate::lifecycle::{apply_request, create, plan};
use crate::values::{assert_no_errors, decode, errors, get, partner_config, partner_type, s};

const SLOW_TENANT: &str = "aaaaaaaa-1111-4111-8111-000000000001";
const NEXT_TENANT: &str = "bbbbbbbb-2222-4222-8222-000000000002";

#[tokio::test]
async fn stop_provider_cancels_a_slow_create() {
    let mut env = emulator::start().await;
    let ty = partner_type();
    let config = partner_config(SLOW_TENANT);
    let planned = plan(&mut env.client, &Value::Null, &config, &config).await;
    assert_no_errors(&planned.diagnostics, "plan");
    let planned_state = decode(planned.planned_state.as_ref(), &ty);

    // The next POST of a partner is held for 20 s. The fault's count drops to 0 the moment the
    // emulator receives that POST, which is the event this test waits for.
    env.emu.add_fault(FaultSpec {
        route: "partners".to_string(),
        method: Some("POST".to_string()),
        kind: FaultKind::Latency { ms: 20_000 },
        count: Some(1),
        probability: None,
        seed: None,
    });
    let mut apply_client = env.client.clone();
    let request = apply_request(&Value::Null, &planned_state, &config);
    let apply = tokio::spawn(async move {
        let response = apply_client.apply_resource_change(request).await;
        (Instant::now(), response)
    });

    let deadline = Instant::now() + WAIT;
    loop {
        let faults = env.emu.faults();
        if faults.first().and_then(|f| f.count) == Some(0) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the emulator did not receive the POST within {WAIT:?}; faults {faults:?}; stderr:\n{}",
            env.plugin.stderr()
        );
        assert!(
            !apply.is_finished(),
            "apply finished before its POST arrived"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let stop_sent = Instant::now();
    let stop = env
        .client
        .stop_provider(pb::stop_provider::Request {})
        .await
        .expect("StopProvider")
        .into_inner();
    assert_eq!(stop.error, "", "StopProvider reports no error");

    let (finished, response) = tokio::time::timeout(Duration::from_secs(15), apply)
        .await
        .expect("apply returns after StopProvider, long before the POST's 20 s")
        .expect("apply task");
    let took = finished.duration_since(stop_sent);
    assert!(
        took >= Duration::from_secs(2),
        "apply returned {took:?} after StopProvider; a write in flight gets a 2.5 s grace"
    );
    let response = response
        .expect("a cancelled apply is a diagnostic, not a gRPC error")
        .into_inner();
    let errs = errors(&response.diagnostics);
    assert!(
        !errs.is_empty(),
        "expected an error diagnostic, got {:#?}",
        response.diagnostics
    );
    let text = errs
        .iter()
        .map(|d| format!("{} {}", d.summary, d.detail).to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains("interrupted") && text.contains("may or may not"),
        "the diagnostic should say the create was interrupted with its outcome unknown: {text}"
    );
    // Graph may hold the partner: it is returned in state so Terraform keeps tracking it.
    let state = response.new_state.as_ref().expect("a state");
    let state = terraform_provider_azuread::plugin::codec::decode_msgpack(&state.msgpack, &ty)
        .expect("decode");
    assert_eq!(get(&state, &["tenant_id"]), &s(SLOW_TENANT), "{state:?}");

    // The provider keeps serving, and later operations are not cancelled.
    let schema = env
        .client
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .expect("GetProviderSchema after StopProvider")
        .into_inner();
    assert!(schema.provider.is_some());
    env.emu.clear_faults();
    let state = create(&mut env.client, &partner_config(NEXT_TENANT)).await;
    assert_eq!(get(&state, &["id"]), &s(NEXT_TENANT));
    assert!(env
        .graph_requests()
        .iter()
        .any(|r| r.method == "POST" && r.path == PARTNERS_PATH && r.status == 201));
}
