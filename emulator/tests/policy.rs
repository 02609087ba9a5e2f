//! The cross-tenant access policy singleton: GET and PATCH of allowedCloudEndpoints with
//! Graph's validation, the national-cloud switch, out-of-band edits and fault injection.

mod common;

use common::*;
use graph_emulator::Switches;
use reqwest::Method;
use serde_json::{json, Value};

const POLICY: &str = "/v1.0/policies/crossTenantAccessPolicy";

async fn get(h: &Harness, token: &str) -> Value {
    let resp = h.send(Method::GET, POLICY, token, None).await;
    assert_eq!(resp.status(), 200);
    resp.json().await.expect("json")
}

#[tokio::test]
async fn a_new_tenant_allows_no_other_cloud_and_a_patch_sets_them() {
    let h = start().await;
    let token = h.token().await;
    let policy = get(&h, &token).await;
    assert_eq!(policy["allowedCloudEndpoints"], json!([]));
    assert_eq!(policy["displayName"], "CrossTenantAccessPolicy");
    assert!(policy["@odata.context"]
        .as_str()
        .is_some_and(|c| c.ends_with("$metadata#policies/crossTenantAccessPolicy/$entity")));
    let body = json!({"allowedCloudEndpoints": ["microsoftonline.us", "partner.microsoftonline.cn", "microsoftonline.us"]});
    let resp = h.send(Method::PATCH, POLICY, &token, Some(body)).await;
    assert_eq!(resp.status(), 204);
    assert_eq!(
        get(&h, &token).await["allowedCloudEndpoints"],
        json!(["microsoftonline.us", "partner.microsoftonline.cn"]),
        "stored once each"
    );
    assert_eq!(
        h.emu.policy()["allowedCloudEndpoints"],
        json!(["microsoftonline.us", "partner.microsoftonline.cn"])
    );
}

#[tokio::test]
async fn unknown_values_properties_and_null_are_refused() {
    let h = start().await;
    let token = h.token().await;
    for body in [
        json!({"allowedCloudEndpoints": ["login.microsoftonline.de"]}),
        json!({"allowedCloudEndpoints": null}),
        json!({"allowedCloudEndpoints": "microsoftonline.us"}),
        json!({"AllowedCloudEndpoints": []}),
        json!({"definition": []}),
    ] {
        let resp = h
            .send(Method::PATCH, POLICY, &token, Some(body.clone()))
            .await;
        expect_graph_error(resp, 400, "Request_BadRequest").await;
    }
    assert_eq!(
        get(&h, &token).await["allowedCloudEndpoints"],
        json!([]),
        "nothing changed"
    );
    let reader = h
        .token_for(
            graph_emulator::TEST_READER_CLIENT_ID,
            graph_emulator::TEST_READER_CLIENT_SECRET,
        )
        .await;
    let resp = h
        .send(
            Method::PATCH,
            POLICY,
            &reader,
            Some(json!({"allowedCloudEndpoints": []})),
        )
        .await;
    expect_graph_error(resp, 403, "Authorization_RequestDenied").await;
}

#[tokio::test]
async fn a_national_cloud_has_no_allowed_cloud_endpoints() {
    let h = start().await;
    h.emu.set_switches(Switches {
        no_allowed_cloud_endpoints: true,
        ..Switches::default()
    });
    let token = h.token().await;
    assert!(get(&h, &token).await.get("allowedCloudEndpoints").is_none());
    let resp = h
        .send(
            Method::PATCH,
            POLICY,
            &token,
            Some(json!({"allowedCloudEndpoints": []})),
        )
        .await;
    let body = expect_graph_error(resp, 400, "Request_BadRequest").await;
    assert_eq!(
        body["error"]["message"],
        "Invalid property 'allowedCloudEndpoints'."
    );
    let resp = h
        .send(
            Method::PATCH,
            POLICY,
            &token,
            Some(json!({"displayName": "x"})),
        )
        .await;
    assert_eq!(resp.status(), 204);
}

#[tokio::test]
async fn control_api_edits_out_of_band_and_reset_restores() {
    let h = start().await;
    let resp = h.control(Method::PUT, "/policy", Some(json!({"displayName": "CrossTenantAccessPolicy", "allowedCloudEndpoints": ["microsoftonline.com"]}))).await;
    assert_eq!(resp.status(), 204);
    let token = h.token().await;
    assert_eq!(
        get(&h, &token).await["allowedCloudEndpoints"],
        json!(["microsoftonline.com"])
    );
    let shown: Value = h
        .control(Method::GET, "/policy", None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        shown["allowedCloudEndpoints"],
        json!(["microsoftonline.com"])
    );

    let mut default = h.emu.default_config();
    default["inboundTrust"]["isMfaAccepted"] = json!(true);
    let resp = h.control(Method::PUT, "/default", Some(default)).await;
    assert_eq!(resp.status(), 204);
    let shown: Value = h
        .control(Method::GET, "/default", None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(shown["inboundTrust"]["isMfaAccepted"], true);
    assert_eq!(
        h.control(Method::PUT, "/policy", Some(json!([])))
            .await
            .status(),
        400
    );

    assert_eq!(h.control(Method::POST, "/reset", None).await.status(), 204);
    assert_eq!(h.emu.policy()["allowedCloudEndpoints"], json!([]));
    assert_eq!(
        h.emu.default_config()["inboundTrust"]["isMfaAccepted"],
        false
    );
}

#[tokio::test]
async fn faults_apply_to_the_policy_route() {
    let h = start().await;
    let token = h.token().await;
    add_fault(
        &h,
        json!({"route": "policy", "method": "PATCH", "kind": "status", "status": 503, "count": 1}),
    )
    .await;
    let body = json!({"allowedCloudEndpoints": ["microsoftonline.us"]});
    let resp = h
        .send(Method::PATCH, POLICY, &token, Some(body.clone()))
        .await;
    expect_graph_error(resp, 503, "ServiceUnavailable").await;
    assert_eq!(
        get(&h, &token).await["allowedCloudEndpoints"],
        json!([]),
        "the fault stopped the write"
    );
    let resp = h.send(Method::PATCH, POLICY, &token, Some(body)).await;
    assert_eq!(resp.status(), 204, "the fault is used up");
    add_fault(
        &h,
        json!({"route": "policy", "method": "PATCH", "kind": "ignore_write"}),
    )
    .await;
    let resp = h
        .send(
            Method::PATCH,
            POLICY,
            &token,
            Some(json!({"allowedCloudEndpoints": []})),
        )
        .await;
    assert_eq!(resp.status(), 204);
    assert_eq!(
        get(&h, &token).await["allowedCloudEndpoints"],
        json!(["microsoftonline.us"]),
        "accepted, not applied"
    );
}
