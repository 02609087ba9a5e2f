//! Latency faults: the added delay, and writes that still take effect when the client gives up
//! (closes the connection) while the request is being delayed.

mod common;

use std::time::{Duration, Instant};

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn added_latency() {
    let h = start().await;
    let token = h.token().await;
    add_fault(
        &h,
        json!({"route": "partners", "kind": "latency", "ms": 250, "count": 1}),
    )
    .await;
    let started = Instant::now();
    assert_eq!(
        h.send(Method::GET, PARTNERS, &token, None).await.status(),
        200
    );
    assert!(started.elapsed() >= Duration::from_millis(250));
    let faults: Value = h
        .control(Method::GET, "/faults", None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(faults[0]["count"], 0);
}

#[tokio::test]
async fn write_delayed_by_latency_survives_client_abort() {
    let h = start().await;
    let token = h.token().await;
    add_fault(
        &h,
        json!({"route": "partners", "method": "POST", "kind": "latency", "ms": 800, "count": 1}),
    )
    .await;
    let impatient = client_for(h.emu.ca_pem());
    let request = impatient
        .post(h.url(PARTNERS))
        .bearer_auth(&token)
        .json(&json!({"tenantId": TENANT_A}))
        .send();
    let outcome = tokio::time::timeout(Duration::from_millis(100), request).await;
    assert!(outcome.is_err(), "the client gave up before the answer");
    drop(impatient);
    let posted = || {
        h.emu
            .request_log()
            .into_iter()
            .find(|r| r.method == "POST" && r.path == PARTNERS)
    };
    poll_until(|| async { posted().is_some() }).await;
    assert_eq!(posted().map(|r| r.status), Some(201));
    assert!(
        h.emu.partner(TENANT_A).is_some(),
        "the write took effect although the client had left"
    );
    let resp = h
        .send(Method::GET, &format!("{PARTNERS}/{TENANT_A}"), &token, None)
        .await;
    assert_eq!(resp.status(), 200);
}
