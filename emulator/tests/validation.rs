//! Write-body validation errors, list paging, `$top` and `$select`, the default configuration
//! singleton, and unknown routes / methods.

mod common;

use common::*;
use graph_emulator::EmulatorConfig;
use reqwest::Method;
use serde_json::{json, Value};
async fn bad_create(h: &Harness, token: &str, body: Value, status: u16, code: &str) -> String {
    let resp = h.create(token, body.clone()).await;
    let err = expect_graph_error(resp, status, code).await;
    err["error"]["message"]
        .as_str()
        .expect("message")
        .to_string()
}

#[tokio::test]
async fn validation_errors() {
    let h = start().await;
    let token = h.token().await;
    let t = |access: &str, kind: &str| json!({"accessType": access, "targets": [{"target": "AllUsers", "targetType": kind}]});
    let msg = bad_create(
        &h,
        &token,
        json!({"tenantId": TENANT_A, "b2BCollaborationInbound": null}),
        400,
        "Request_BadRequest",
    )
    .await;
    assert_eq!(msg, "Invalid property 'b2BCollaborationInbound'.");
    let msg = bad_create(
        &h,
        &token,
        json!({"tenantId": TENANT_A, "inboundTrust": {"isMFAAccepted": true}}),
        400,
        "Request_BadRequest",
    )
    .await;
    assert_eq!(msg, "Invalid property 'isMFAAccepted'.");
    let cases = vec![
        json!({"tenantId": TENANT_A, "b2bCollaborationInbound": {"usersAndGroups": t("permitted", "user")}}),
        json!({"tenantId": TENANT_A, "b2bCollaborationInbound": {"usersAndGroups": t("allowed", "person")}}),
        json!({"tenantId": TENANT_A, "tenantRestrictions": {"devices": {"mode": "sometimes", "rule": "x"}}}),
        json!({"tenantId": TENANT_A, "b2bCollaborationInbound": {"usersAndGroups": t("unknownFutureValue", "user")}}),
        json!({"tenantId": TENANT_A, "b2bCollaborationInbound": {"usersAndGroups": t("allowed", "unknownFutureValue")}}),
        json!({"tenantId": "contoso.onmicrosoft.com"}),
        json!({"tenantId": 42}),
        json!({"inboundTrust": null}),
        json!({"tenantId": TENANT_A, "inboundTrust": {"isMfaAccepted": "yes"}}),
        json!({"tenantId": TENANT_A, "b2bCollaborationInbound": "allowed"}),
        json!({"tenantId": TENANT_A, "b2bCollaborationInbound": {"usersAndGroups": {"targets": {"target": "x"}}}}),
        json!({"tenantId": TENANT_A, "isInMultiTenantOrganization": "no"}),
        json!({"tenantId": TENANT_A, "isServiceProvider": "yes"}),
        json!([{"tenantId": TENANT_A}]),
    ];
    for body in cases {
        bad_create(&h, &token, body, 400, "Request_BadRequest").await;
    }
    let raw = h
        .client
        .post(h.url(PARTNERS))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("send");
    expect_graph_error(raw, 400, "Request_BadRequest").await;
    assert!(h.emu.partners().is_empty());

    assert_eq!(h.create(&token, json!({"tenantId": TENANT_A, "@odata.type": "#microsoft.graph.crossTenantAccessPolicyConfigurationPartner"})).await.status(), 201);
    let path = format!("{PARTNERS}/{TENANT_A}");
    for body in [
        json!({"tenantId": TENANT_B}),
        json!({"isServiceProvider": 1}),
        json!({"isInMultiTenantOrganization": "yes"}),
        json!({"b2bDirectConnectInbound": {"applications": {"accessType": "unknownFutureValue"}}}),
        json!({"automaticUserConsentSettings": {"inboundAllowed": 1}}),
        json!({"tenantRestrictions": {"devices": {"mode": "allowed", "rules": "x"}}}),
    ] {
        let resp = h.send(Method::PATCH, &path, &token, Some(body)).await;
        expect_graph_error(resp, 400, "Request_BadRequest").await;
    }
}

#[tokio::test]
async fn list_paging_and_top() {
    let config = EmulatorConfig {
        page_size: 3,
        ..EmulatorConfig::for_tests()
    };
    let h = start_with(config).await;
    let token = h.token().await;
    create_numbered(&h, &token, 7).await;
    let pages = list_pages(&h, &token, &h.url(PARTNERS)).await;
    for page in &pages {
        assert!(page["@odata.context"]
            .as_str()
            .expect("ctx")
            .ends_with("#policies/crossTenantAccessPolicy/partners"));
    }
    let (sizes, ids) = page_summary(&pages);
    assert_eq!(sizes, vec![3, 3, 1]);
    assert_eq!(ids.len(), 7);
    assert!(pages[2].get("@odata.nextLink").is_none(), "last page");
    let body: Value = h
        .send(Method::GET, &format!("{PARTNERS}?$top=2"), &token, None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(body["value"].as_array().expect("value").len(), 2);
    assert!(body["@odata.nextLink"]
        .as_str()
        .expect("next")
        .contains("$top=2"));
    expect_graph_error(
        h.send(Method::GET, &format!("{PARTNERS}?$top=abc"), &token, None)
            .await,
        400,
        "Request_BadRequest",
    )
    .await;
}

#[tokio::test]
async fn select_keeps_only_the_named_properties() {
    let h = start().await;
    let token = h.token().await;
    let trust = json!({"isMfaAccepted": true});
    h.create(&token, json!({"tenantId": TENANT_A, "inboundTrust": trust}))
        .await;
    let path = format!("{PARTNERS}/{TENANT_A}?$select=tenantId,InboundTrust");
    let got: Value = h
        .send(Method::GET, &path, &token, None)
        .await
        .json()
        .await
        .expect("json");
    let mut keys: Vec<&String> = got.as_object().expect("object").keys().collect();
    keys.sort();
    assert_eq!(keys, vec!["@odata.context", "inboundTrust", "tenantId"]);
    assert_eq!(got["inboundTrust"], trust);
    let list = format!("{PARTNERS}?$select=tenantId&$expand=identitySynchronization");
    let got: Value = h
        .send(Method::GET, &list, &token, None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        got["value"][0],
        json!({"tenantId": TENANT_A, "identitySynchronization": null})
    );
    expect_graph_error(
        h.send(
            Method::GET,
            &format!("{PARTNERS}?$select=bogus"),
            &token,
            None,
        )
        .await,
        400,
        "BadRequest",
    )
    .await;
}

#[tokio::test]
async fn default_configuration() {
    let h = start().await;
    let token = h.token().await;
    let path = "/v1.0/policies/crossTenantAccessPolicy/default";
    let got: Value = h
        .send(Method::GET, path, &token, None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(got["isServiceDefault"], true);
    assert_eq!(
        got["b2bDirectConnectInbound"]["usersAndGroups"]["accessType"],
        "blocked"
    );
    let resp = h
        .send(
            Method::PATCH,
            path,
            &token,
            Some(json!({"inboundTrust": {"isMfaAccepted": true}})),
        )
        .await;
    assert_eq!(resp.status(), 204);
    let got: Value = h
        .send(Method::GET, path, &token, None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(got["isServiceDefault"], false);
    assert_eq!(got["inboundTrust"]["isMfaAccepted"], true);
    let consent =
        json!({"automaticUserConsentSettings": {"inboundAllowed": true, "outboundAllowed": true}});
    let resp = h.send(Method::PATCH, path, &token, Some(consent)).await;
    assert_eq!(resp.status(), 204);
    let got: Value = h
        .send(Method::GET, path, &token, None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        got["automaticUserConsentSettings"],
        json!({"inboundAllowed": false, "outboundAllowed": false}),
        "always false in the default configuration"
    );
    expect_graph_error(
        h.send(Method::PATCH, path, &token, Some(json!({"bogus": 1})))
            .await,
        400,
        "Request_BadRequest",
    )
    .await;
    let resp = h
        .send(
            Method::POST,
            &format!("{path}/resetToSystemDefault"),
            &token,
            None,
        )
        .await;
    assert_eq!(resp.status(), 204);
    let got: Value = h
        .send(Method::GET, path, &token, None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(got["isServiceDefault"], true);
    assert_eq!(got["inboundTrust"]["isMfaAccepted"], false);
}

#[tokio::test]
async fn unknown_routes_and_methods() {
    let h = start().await;
    let token = h.token().await;
    expect_graph_error(
        h.send(Method::GET, "/v1.0/policies/nope", &token, None)
            .await,
        400,
        "BadRequest",
    )
    .await;
    expect_graph_error(
        h.send(Method::PUT, PARTNERS, &token, Some(json!({}))).await,
        405,
        "Request_BadRequest",
    )
    .await;
}
