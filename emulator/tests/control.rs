//! The control API and library accessors: request log (redaction), out-of-band partner edits,
//! reset and counters.

mod common;

use common::*;
use graph_emulator::{REDACTED, TEST_CLIENT_ID};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn request_log_is_redacted_and_excludes_control_calls() {
    let h = start().await;
    let token = h.token().await;
    h.create(&token, json!({"tenantId": TENANT_A})).await;
    h.send(Method::GET, &format!("{PARTNERS}?$top=5"), &token, None)
        .await;
    let log: Vec<graph_emulator::LoggedRequest> = h
        .control(Method::GET, "/requests", None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(log, h.emu.request_log());
    assert_eq!(log.len(), 3);
    let token_req = &log[0];
    assert_eq!(token_req.method, "POST");
    assert_eq!(token_req.status, 200);
    let form = token_req.body.as_ref().expect("form body");
    assert_eq!(form["client_secret"], REDACTED);
    assert_eq!(form["client_id"], TEST_CLIENT_ID);
    let create = &log[1];
    assert_eq!(create.status, 201);
    assert_eq!(create.path, PARTNERS);
    assert_eq!(create.body, Some(json!({"tenantId": TENANT_A})));
    assert_eq!(create.headers["authorization"], REDACTED);
    assert_eq!(log[2].query, "$top=5");
    assert!(log[2].time_ms >= log[1].time_ms);
    assert_eq!(h.emu.issued_tokens(), vec![token.clone()]);
    let text = serde_json::to_string(&log).expect("json");
    assert!(!text.contains(&token) && !text.contains(graph_emulator::TEST_CLIENT_SECRET));
    assert_eq!(
        h.control(Method::DELETE, "/requests", None).await.status(),
        204
    );
    assert!(h.emu.request_log().is_empty());
    h.send(Method::GET, PARTNERS, &token, None).await;
    h.emu.clear_log();
    assert!(h.emu.request_log().is_empty());
}

#[tokio::test]
async fn out_of_band_edits() {
    let h = start().await;
    let token = h.token().await;
    h.create(
        &token,
        json!({"tenantId": TENANT_A, "inboundTrust": {"isMfaAccepted": true}}),
    )
    .await;
    let listed: Value = h
        .control(Method::GET, "/partners", None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listed, json!(h.emu.partners()));
    let upper = TENANT_B.to_uppercase();
    let resp = h
        .control(
            Method::PUT,
            &format!("/partners/{upper}"),
            Some(json!({"inboundTrust": {"isMfaAccepted": false}, "displayName": "drifted"})),
        )
        .await;
    assert_eq!(resp.status(), 204);
    let got: Value = h
        .send(Method::GET, &format!("{PARTNERS}/{TENANT_B}"), &token, None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(got["tenantId"], TENANT_B);
    assert_eq!(got["inboundTrust"]["isMfaAccepted"], false);
    assert_eq!(got["displayName"], "drifted");
    let one: Value = h
        .control(Method::GET, &format!("/partners/{TENANT_B}"), None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(one["displayName"], "drifted");
    assert_eq!(
        h.control(Method::DELETE, &format!("/partners/{TENANT_A}"), None)
            .await
            .status(),
        204
    );
    assert_eq!(
        h.control(Method::DELETE, &format!("/partners/{TENANT_A}"), None)
            .await
            .status(),
        404
    );
    assert_eq!(
        h.send(Method::GET, &format!("{PARTNERS}/{TENANT_A}"), &token, None)
            .await
            .status(),
        404
    );
    assert_eq!(
        h.control(Method::GET, &format!("/partners/{TENANT_A}"), None)
            .await
            .status(),
        404
    );
    h.emu
        .put_partner(TENANT_A, json!({"b2bCollaborationInbound": null}));
    assert!(h.emu.partner(TENANT_A).is_some());
    assert!(h.emu.remove_partner(TENANT_A));
    let log = h.emu.request_log();
    assert!(log.iter().all(|r| !r.path.starts_with("/_emulator")));
}

#[tokio::test]
async fn reset_and_counters() {
    let h = start().await;
    let token = h.token().await;
    h.create(&token, json!({"tenantId": TENANT_A})).await;
    h.create(&token, json!({"tenantId": TENANT_A})).await;
    let counters: Value = h
        .control(Method::GET, "/counters", None)
        .await
        .json()
        .await
        .expect("json");
    let rows = counters["requests"].as_array().expect("rows");
    let find = |status: u16| {
        rows.iter()
            .find(|r| r["route"] == "partners" && r["method"] == "POST" && r["status"] == status)
            .map(|r| r["count"].clone())
    };
    assert_eq!(find(201), Some(json!(1)));
    assert_eq!(find(409), Some(json!(1)));
    assert_eq!(counters["token_requests"][TEST_CLIENT_ID], 1);
    h.control(
        Method::POST,
        "/faults",
        Some(json!({"kind": "status", "status": 500})),
    )
    .await;
    assert_eq!(h.control(Method::POST, "/reset", None).await.status(), 204);
    assert!(h.emu.partners().is_empty());
    assert!(h.emu.request_log().is_empty());
    assert_eq!(
        h.send(Method::GET, PARTNERS, &token, None).await.status(),
        200,
        "faults cleared, token still valid"
    );
    assert_eq!(h.control(Method::GET, "/nope", None).await.status(), 404);
}

#[tokio::test]
async fn binary_prints_base_url_and_writes_ca() {
    let dir = std::env::temp_dir().join(format!("graph-emulator-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("dir");
    let ca = dir.join("ca.pem");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_graph-emulator"))
        .args(["--listen", "127.0.0.1:0", "--ca-out"])
        .arg(&ca)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let read = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).map(|_| line)
    });
    let line = tokio::time::timeout(std::time::Duration::from_secs(20), read)
        .await
        .expect("timely")
        .expect("join")
        .expect("read");
    let line = line.trim().to_string();
    assert!(line.starts_with("https://127.0.0.1:"), "{line}");
    let client = client_for(&std::fs::read_to_string(&ca).expect("ca written"));
    let resp = client
        .get(format!("{line}{PARTNERS}"))
        .send()
        .await
        .expect("tls works with the written CA");
    assert_eq!(resp.status(), 401);
    let localhost = line.replace("127.0.0.1", "localhost");
    assert_eq!(
        client
            .get(format!("{localhost}{PARTNERS}"))
            .send()
            .await
            .expect("localhost SAN")
            .status(),
        401
    );
    child.kill().expect("kill");
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
