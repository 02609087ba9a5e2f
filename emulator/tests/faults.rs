//! Fault injection: throttling with and without Retry-After, 500/503, dropped connections,
//! seeded probability, replication lag, delete lag, update lag, list lag and ignored writes (latency: latency.rs).

mod common;

use std::time::{Duration, Instant};

use common::*;
use graph_emulator::{FaultKind, FaultSpec};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn throttle_with_and_without_retry_after() {
    let h = start().await;
    let token = h.token().await;
    add_fault(&h, json!({"route": "partners", "method": "GET", "kind": "throttle", "retry_after": "1.5", "count": 2})).await;
    for _ in 0..2 {
        let resp = h.send(Method::GET, PARTNERS, &token, None).await;
        assert_eq!(resp.headers()["retry-after"], "1.5");
        expect_graph_error(resp, 429, "TooManyRequests").await;
    }
    assert_eq!(
        h.send(Method::GET, PARTNERS, &token, None).await.status(),
        200
    );
    add_fault(
        &h,
        json!({"route": "partners", "kind": "throttle", "count": 1}),
    )
    .await;
    let resp = h.send(Method::GET, PARTNERS, &token, None).await;
    assert!(!resp.headers().contains_key("retry-after"));
    expect_graph_error(resp, 429, "TooManyRequests").await;
    let statuses: Vec<u16> = h.emu.request_log().iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 3);
}

#[tokio::test]
async fn server_errors_by_route_template_and_method() {
    let h = start().await;
    let token = h.token().await;
    add_fault(&h, json!([
        {"route": "/v1.0/policies/crossTenantAccessPolicy/partners", "method": "POST", "kind": "status", "status": 500, "count": 1},
        {"route": "partners", "method": "POST", "kind": "status", "status": 503, "retry_after": "2", "count": 1},
    ])).await;
    assert_eq!(
        h.send(Method::GET, PARTNERS, &token, None).await.status(),
        200
    );
    expect_graph_error(
        h.create(&token, json!({"tenantId": TENANT_A})).await,
        500,
        "InternalServerError",
    )
    .await;
    let resp = h.create(&token, json!({"tenantId": TENANT_A})).await;
    assert_eq!(resp.headers()["retry-after"], "2");
    expect_graph_error(resp, 503, "ServiceUnavailable").await;
    assert_eq!(
        h.create(&token, json!({"tenantId": TENANT_A}))
            .await
            .status(),
        201
    );
    let faults: Value = h
        .control(Method::GET, "/faults", None)
        .await
        .json()
        .await
        .expect("json");
    assert!(faults
        .as_array()
        .expect("list")
        .iter()
        .all(|f| f["count"] == 0));
}

#[tokio::test]
async fn token_endpoint_faults() {
    let h = start().await;
    h.emu.add_fault(FaultSpec {
        route: "token".into(),
        method: None,
        kind: FaultKind::Status {
            status: 503,
            retry_after: None,
        },
        count: Some(1),
        probability: None,
        seed: None,
    });
    let resp = h
        .token_response(&[("grant_type", "client_credentials")])
        .await;
    assert_eq!(resp.status(), 503);
    h.token().await;
}

#[tokio::test]
async fn dropped_connection() {
    let h = start().await;
    let token = h.token().await;
    add_fault(
        &h,
        json!({"route": "partner", "method": "GET", "kind": "drop", "count": 1}),
    )
    .await;
    let err = h
        .client
        .get(h.partner_url(TENANT_A))
        .bearer_auth(&token)
        .send()
        .await;
    assert!(err.is_err(), "expected a transport error, got {err:?}");
    let resp = h
        .send(Method::GET, &format!("{PARTNERS}/{TENANT_A}"), &token, None)
        .await;
    expect_graph_error(resp, 404, "Request_ResourceNotFound").await;
    let log = h.emu.request_log();
    let statuses: Vec<u16> = log
        .iter()
        .filter(|r| r.path.ends_with(TENANT_A))
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, vec![0, 404]);
}

#[tokio::test]
async fn seeded_probability_is_reproducible() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let h = start().await;
        let token = h.token().await;
        add_fault(&h, json!({"route": "partners", "kind": "status", "status": 500, "probability": 0.5, "seed": 1234})).await;
        let mut statuses = Vec::new();
        for _ in 0..24 {
            statuses.push(
                h.send(Method::GET, PARTNERS, &token, None)
                    .await
                    .status()
                    .as_u16(),
            );
        }
        assert!(
            statuses.contains(&500) && statuses.contains(&200),
            "{statuses:?}"
        );
        runs.push(statuses);
    }
    assert_eq!(runs[0], runs[1]);
    let h = start().await;
    let token = h.token().await;
    add_fault(
        &h,
        json!({"kind": "status", "status": 500, "probability": 0.0}),
    )
    .await;
    assert_eq!(
        h.send(Method::GET, PARTNERS, &token, None).await.status(),
        200
    );
}

/// Long enough that a create and a read over HTTPS fit inside it on a loaded CI machine.
const LAG_WINDOW_MS: u64 = 1000;
const LAG_WINDOW: Duration = Duration::from_millis(LAG_WINDOW_MS);

#[tokio::test]
async fn replication_lag_after_create() {
    let h = start().await;
    let token = h.token().await;
    add_fault(
        &h,
        json!({"kind": "replication_lag", "window_ms": LAG_WINDOW_MS}),
    )
    .await;
    let created = Instant::now();
    assert_eq!(
        h.create(&token, json!({"tenantId": TENANT_A}))
            .await
            .status(),
        201
    );
    let path = format!("{PARTNERS}/{TENANT_A}");
    expect_graph_error(
        h.send(Method::GET, &path, &token, None).await,
        404,
        "Request_ResourceNotFound",
    )
    .await;
    assert!(
        created.elapsed() < LAG_WINDOW,
        "first GET must be inside the window"
    );
    poll_until(|| async { h.send(Method::GET, &path, &token, None).await.status() == 200 }).await;
    assert!(created.elapsed() >= LAG_WINDOW);
}

#[tokio::test]
async fn conflict_after_delete() {
    let h = start().await;
    let token = h.token().await;
    add_fault(
        &h,
        json!({"kind": "delete_lag", "window_ms": LAG_WINDOW_MS}),
    )
    .await;
    assert_eq!(
        h.create(&token, json!({"tenantId": TENANT_A}))
            .await
            .status(),
        201
    );
    assert_eq!(
        h.send(
            Method::DELETE,
            &format!("{PARTNERS}/{TENANT_A}"),
            &token,
            None
        )
        .await
        .status(),
        204
    );
    let deleted = Instant::now();
    expect_graph_error(
        h.create(&token, json!({"tenantId": TENANT_A})).await,
        409,
        "Request_MultipleObjectsWithSameKeyValue",
    )
    .await;
    assert!(deleted.elapsed() < LAG_WINDOW);
    assert_eq!(
        h.create(&token, json!({"tenantId": TENANT_B}))
            .await
            .status(),
        201
    );
    poll_until(|| async {
        h.create(&token, json!({"tenantId": TENANT_A}))
            .await
            .status()
            == 201
    })
    .await;
    assert!(deleted.elapsed() >= LAG_WINDOW);
}

#[tokio::test]
async fn clearing_faults() {
    let h = start().await;
    let token = h.token().await;
    add_fault(&h, json!({"kind": "status", "status": 500})).await;
    assert_eq!(
        h.send(Method::GET, PARTNERS, &token, None).await.status(),
        500
    );
    assert_eq!(
        h.control(Method::DELETE, "/faults", None).await.status(),
        204
    );
    assert_eq!(
        h.send(Method::GET, PARTNERS, &token, None).await.status(),
        200
    );
    let bad = h
        .control(Method::POST, "/faults", Some(json!({"kind": "explode"})))
        .await;
    assert_eq!(bad.status(), 400);
}

async fn mfa_accepted(h: &Harness, path: &str, token: &str) -> Option<bool> {
    let body: Value = h
        .send(Method::GET, path, token, None)
        .await
        .json()
        .await
        .expect("json");
    body["inboundTrust"]["isMfaAccepted"].as_bool()
}

#[tokio::test]
async fn reads_show_the_old_object_during_update_lag() {
    let h = start().await;
    let token = h.token().await;
    let path = format!("{PARTNERS}/{TENANT_A}");
    let trust = |mfa: bool| json!({"isMfaAccepted": mfa, "isCompliantDeviceAccepted": false, "isHybridAzureADJoinedDeviceAccepted": false});
    let created = h
        .create(
            &token,
            json!({"tenantId": TENANT_A, "inboundTrust": trust(false)}),
        )
        .await;
    assert_eq!(created.status(), 201);
    add_fault(
        &h,
        json!({"kind": "update_lag", "window_ms": LAG_WINDOW_MS}),
    )
    .await;
    let patched = Instant::now();
    let patch = json!({"inboundTrust": trust(true)});
    assert_eq!(
        h.send(Method::PATCH, &path, &token, Some(patch))
            .await
            .status(),
        204
    );
    assert_eq!(
        mfa_accepted(&h, &path, &token).await,
        Some(false),
        "the read inside the window is stale"
    );
    assert!(
        patched.elapsed() < LAG_WINDOW,
        "first GET must be inside the window"
    );
    poll_until(|| async { mfa_accepted(&h, &path, &token).await == Some(true) }).await;
    assert!(patched.elapsed() >= LAG_WINDOW);
}

#[tokio::test]
async fn ignored_write_answers_204_and_changes_nothing() {
    let h = start().await;
    let token = h.token().await;
    let path = format!("{PARTNERS}/{TENANT_A}");
    assert_eq!(
        h.create(&token, json!({"tenantId": TENANT_A}))
            .await
            .status(),
        201
    );
    add_fault(
        &h,
        json!({"kind": "ignore_write", "route": "partner", "method": "PATCH", "count": 1}),
    )
    .await;
    let patch = json!({"inboundTrust": {"isMfaAccepted": true}});
    let ignored = h
        .send(Method::PATCH, &path, &token, Some(patch.clone()))
        .await;
    assert_eq!(ignored.status(), 204);
    let body: Value = h
        .send(Method::GET, &path, &token, None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        body["inboundTrust"],
        Value::Null,
        "the ignored PATCH changed nothing"
    );
    assert_eq!(
        h.send(Method::PATCH, &path, &token, Some(patch))
            .await
            .status(),
        204
    );
    let body: Value = h
        .send(Method::GET, &path, &token, None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        body["inboundTrust"]["isMfaAccepted"], true,
        "the fault was used up"
    );
}

#[tokio::test]
async fn list_lag_hides_partners_created_during_it_from_lists_only() {
    let h = start().await;
    let token = h.token().await;
    assert_eq!(
        h.create(&token, json!({"tenantId": TENANT_A}))
            .await
            .status(),
        201
    );
    add_fault(&h, json!({"kind": "list_lag", "window_ms": 600_000})).await;
    assert_eq!(
        h.create(&token, json!({"tenantId": TENANT_B}))
            .await
            .status(),
        201
    );
    let listed: Value = h
        .send(Method::GET, PARTNERS, &token, None)
        .await
        .json()
        .await
        .expect("json");
    let ids: Vec<&str> = listed["value"]
        .as_array()
        .expect("value")
        .iter()
        .filter_map(|p| p["tenantId"].as_str())
        .collect();
    assert_eq!(
        ids,
        [TENANT_A],
        "created before the fault: listed; during it: not yet"
    );
    let read = h
        .send(Method::GET, &format!("{PARTNERS}/{TENANT_B}"), &token, None)
        .await;
    assert_eq!(read.status(), 200, "a GET finds it already");
}
