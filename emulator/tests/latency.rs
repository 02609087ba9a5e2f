//! Latency: the fixed delay per request (config, per route, control API; never on control
//! requests), latency faults, and writes that still take effect when the client gives up
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

/// Runs `send` and returns how long it took.
async fn timed<F: std::future::Future<Output = reqwest::Response>>(send: F) -> Duration {
    let started = Instant::now();
    let resp = send.await;
    assert!(resp.status().is_success(), "{}", resp.status());
    started.elapsed()
}

#[tokio::test]
async fn fixed_latency_delays_every_request_but_control_ones() {
    let mut config = graph_emulator::EmulatorConfig::for_tests();
    config.latency.ms = 300;
    let h = start_with(config).await;
    // The token request (sign-in) is delayed like Graph's.
    let started = Instant::now();
    let token = h.token().await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    let list = timed(h.send(Method::GET, PARTNERS, &token, None)).await;
    assert!(list >= Duration::from_millis(300), "{list:?}");
    // The control API answers at once, so tests can act while Graph requests are slowed.
    let control = timed(h.control(Method::GET, "/latency", None)).await;
    assert!(control < Duration::from_millis(300), "{control:?}");
    assert_eq!(h.emu.latency().ms, 300);
}

#[tokio::test]
async fn latency_per_route_and_through_the_control_api() {
    let h = start().await;
    let token = h.token().await;
    let set = h
        .control(
            Method::PUT,
            "/latency",
            Some(json!({"ms": 250, "routes": {"partners": 0}})),
        )
        .await;
    assert_eq!(set.status(), 204);
    let shown: Value = h
        .control(Method::GET, "/latency", None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(shown, json!({"ms": 250, "routes": {"partners": 0}}));
    let created = timed(h.create(&token, json!({"tenantId": TENANT_A}))).await;
    assert!(created < Duration::from_millis(250), "{created:?}");
    let read = timed(h.send(Method::GET, &format!("{PARTNERS}/{TENANT_A}"), &token, None)).await;
    assert!(read >= Duration::from_millis(250), "{read:?}");
    let bad = h
        .control(Method::PUT, "/latency", Some(json!({"milliseconds": 1})))
        .await;
    assert_eq!(bad.status(), 400);
    // A reset restores the start-up value (none).
    assert_eq!(h.control(Method::POST, "/reset", None).await.status(), 204);
    assert_eq!(h.emu.latency(), graph_emulator::Latency::default());
}
