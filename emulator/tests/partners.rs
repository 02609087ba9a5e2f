//! Partner CRUD, validation, rendering, paging, identitySynchronization and default config.

mod common;

use common::*;

use reqwest::Method;

use serde_json::{json, Value};
#[tokio::test]
async fn create_returns_graph_shaped_object() {
    let h = start().await;
    let token = h.token().await;
    let resp = h
        .client
        .post(h.url(PARTNERS))
        .bearer_auth(&token)
        .header("client-request-id", "my-client-request")
        .json(&json!({"tenantId": TENANT_A.to_uppercase()}))
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), 201);
    let headers = resp.headers().clone();
    assert_eq!(
        headers["location"].to_str().expect("location"),
        format!("{}{PARTNERS}/{TENANT_A}", h.emu.base_url())
    );
    assert_eq!(headers["client-request-id"], "my-client-request");
    assert!(headers.contains_key("request-id"));
    assert!(headers["x-ms-ags-diagnostic"]
        .to_str()
        .expect("diag")
        .contains("ServerInfo"));
    assert_eq!(headers["content-type"], "application/json");
    let body: Value = resp.json().await.expect("json");
    assert!(body["@odata.context"]
        .as_str()
        .expect("ctx")
        .ends_with("partners/$entity"));
    assert_eq!(body["tenantId"], TENANT_A);
    assert_eq!(body["isServiceProvider"], Value::Null);
    assert_eq!(body["isInMultiTenantOrganization"], false);
    for k in [
        "inboundTrust",
        "b2bCollaborationInbound",
        "b2bCollaborationOutbound",
        "b2bDirectConnectInbound",
        "b2bDirectConnectOutbound",
        "tenantRestrictions",
        "appServiceConnectInbound",
        "m365CollaborationInbound",
        "m365CollaborationOutbound",
    ] {
        assert_eq!(body[k], Value::Null, "{k}");
        assert!(
            body.as_object().expect("obj").contains_key(k),
            "{k} present"
        );
    }
    assert_eq!(
        body["automaticUserConsentSettings"],
        json!({"inboundAllowed": null, "outboundAllowed": null})
    );
    for k in ["crossCloudMeetingConfiguration", "protectedContentSharing"] {
        assert_eq!(
            body[k],
            json!({"inboundAllowed": null, "outboundAllowed": null}),
            "{k}"
        );
    }
    assert_eq!(h.emu.partners().len(), 1);
}

#[tokio::test]
async fn duplicate_create_conflicts_case_insensitively() {
    let h = start().await;
    let token = h.token().await;
    assert_eq!(
        h.create(&token, json!({"tenantId": TENANT_A}))
            .await
            .status(),
        201
    );
    let resp = h
        .create(&token, json!({"tenantId": TENANT_A.to_uppercase()}))
        .await;
    let body = expect_graph_error(resp, 409, "Request_MultipleObjectsWithSameKeyValue").await;
    assert_eq!(
        body["error"]["message"],
        "Another object with the same value for property tenantId already exists."
    );
}

#[tokio::test]
async fn get_one_and_not_found() {
    let h = start().await;
    let token = h.token().await;
    h.create(
        &token,
        json!({"tenantId": TENANT_A, "inboundTrust": {"isMfaAccepted": true}}),
    )
    .await;
    let resp = h
        .send(
            Method::GET,
            &format!("{PARTNERS}/{}", TENANT_A.to_uppercase()),
            &token,
            None,
        )
        .await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["tenantId"], TENANT_A);
    assert_eq!(
        body["inboundTrust"],
        json!({"isMfaAccepted": true}),
        "nested members come back as stored, unset ones absent"
    );
    let resp = h
        .send(Method::GET, &format!("{PARTNERS}/{TENANT_B}"), &token, None)
        .await;
    expect_graph_error(resp, 404, "Request_ResourceNotFound").await;
}

#[tokio::test]
async fn patch_merges_and_null_resets() {
    let h = start().await;
    let token = h.token().await;
    let b2b = json!({"usersAndGroups": {"accessType": "allowed", "targets": [{"target": "AllUsers", "targetType": "user"}]},
                     "applications": {"accessType": "allowed", "targets": [{"target": "AllApplications", "targetType": "application"}]}});
    h.create(
        &token,
        json!({"tenantId": TENANT_A, "inboundTrust": {"isMfaAccepted": true},
        "automaticUserConsentSettings": {"inboundAllowed": true, "outboundAllowed": false}}),
    )
    .await;
    let path = format!("{PARTNERS}/{TENANT_A}");
    let resp = h
        .send(
            Method::PATCH,
            &path,
            &token,
            Some(json!({"b2bCollaborationInbound": b2b, "tenantId": TENANT_A})),
        )
        .await;
    assert_eq!(resp.status(), 204);
    assert!(!resp.headers().contains_key("content-type"));
    assert!(resp.bytes().await.expect("body").is_empty());
    let got: Value = h
        .send(Method::GET, &path, &token, None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(got["inboundTrust"]["isMfaAccepted"], true);
    assert_eq!(
        got["b2bCollaborationInbound"]["usersAndGroups"]["accessType"],
        "allowed"
    );
    let resp = h
        .send(
            Method::PATCH,
            &path,
            &token,
            Some(json!({"inboundTrust": null, "automaticUserConsentSettings": null})),
        )
        .await;
    assert_eq!(resp.status(), 204);
    let got: Value = h
        .send(Method::GET, &path, &token, None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(got["inboundTrust"], Value::Null);
    assert_eq!(
        got["automaticUserConsentSettings"],
        json!({"inboundAllowed": null, "outboundAllowed": null})
    );
    assert_eq!(
        got["b2bCollaborationInbound"]["applications"]["accessType"],
        "allowed"
    );
    let missing = h
        .send(
            Method::PATCH,
            &format!("{PARTNERS}/{TENANT_B}"),
            &token,
            Some(json!({"inboundTrust": null})),
        )
        .await;
    expect_graph_error(missing, 404, "Request_ResourceNotFound").await;
}

#[tokio::test]
async fn targets_come_back_in_a_different_order() {
    let h = start().await;
    let token = h.token().await;
    let targets = json!([{"target": "g1", "targetType": "group"}, {"target": "g2", "targetType": "group"}, {"target": "u1", "targetType": "user"}]);
    let resp = h.create(&token, json!({"tenantId": TENANT_A, "b2bDirectConnectOutbound": {"usersAndGroups": {"accessType": "allowed", "targets": targets}}})).await;
    let body: Value = resp.json().await.expect("json");
    let got = &body["b2bDirectConnectOutbound"]["usersAndGroups"]["targets"];
    assert_ne!(got, &targets);
    let mut reversed = targets.as_array().expect("arr").clone();
    reversed.reverse();
    assert_eq!(got, &Value::Array(reversed));
    let section = body["b2bDirectConnectOutbound"]
        .as_object()
        .expect("section");
    assert!(
        !section.contains_key("applications"),
        "the missing half is not filled in: {section:?}"
    );
}

#[tokio::test]
async fn delete_and_identity_sync_guard() {
    let h = start().await;
    let token = h.token().await;
    h.create(&token, json!({"tenantId": TENANT_A})).await;
    let path = format!("{PARTNERS}/{TENANT_A}");
    let sync = format!("{path}/identitySynchronization");
    let resp = h
        .send(
            Method::PUT,
            &sync,
            &token,
            Some(json!({"displayName": "A", "userSyncInbound": {"isSyncAllowed": true}})),
        )
        .await;
    assert_eq!(resp.status(), 204);
    let again = h
        .send(
            Method::PUT,
            &sync,
            &token,
            Some(json!({"displayName": "A"})),
        )
        .await;
    let body = expect_graph_error(again, 409, "Request_MultipleObjectsWithSameKeyValue").await;
    assert_eq!(body["error"]["details"][0]["code"], "ConflictingObjects");
    let blocked = h.send(Method::DELETE, &path, &token, None).await;
    let body = expect_graph_error(blocked, 400, "Request_BadRequest").await;
    assert!(
        !body["error"]["message"]
            .as_str()
            .expect("msg")
            .contains("identitySynchronization"),
        "the documents do not say what the refusal says"
    );
    assert!(h.emu.partner(TENANT_A).is_some());
    let got: Value = h
        .send(Method::GET, &sync, &token, None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(got["tenantId"], TENANT_A);
    assert_eq!(got["userSyncInbound"]["isSyncAllowed"], true);
    let resp = h
        .send(
            Method::PATCH,
            &sync,
            &token,
            Some(json!({"userSyncInbound": {"isSyncAllowed": false}})),
        )
        .await;
    assert_eq!(resp.status(), 204);
    let got: Value = h
        .send(Method::GET, &sync, &token, None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(got["userSyncInbound"]["isSyncAllowed"], false);
    assert_eq!(got["displayName"], "A");
    let expanded: Value = h
        .send(
            Method::GET,
            &format!("{PARTNERS}?$expand=identitySynchronization"),
            &token,
            None,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        expanded["value"][0]["identitySynchronization"]["displayName"],
        "A"
    );
    assert_eq!(
        h.send(Method::DELETE, &sync, &token, None).await.status(),
        204
    );
    expect_graph_error(
        h.send(Method::GET, &sync, &token, None).await,
        404,
        "Request_ResourceNotFound",
    )
    .await;
    expect_graph_error(
        h.send(
            Method::PATCH,
            &sync,
            &token,
            Some(json!({"displayName": "B"})),
        )
        .await,
        404,
        "Directory_ObjectNotFound",
    )
    .await;
    expect_graph_error(
        h.send(Method::DELETE, &sync, &token, None).await,
        404,
        "Request_ResourceNotFound",
    )
    .await;
    let bad = h
        .send(
            Method::PUT,
            &sync,
            &token,
            Some(json!({"groupSyncInbound": {"isSyncAllowed": true}})),
        )
        .await;
    expect_graph_error(bad, 400, "Request_BadRequest").await;
    assert_eq!(
        h.send(Method::DELETE, &path, &token, None).await.status(),
        204
    );
    expect_graph_error(
        h.send(Method::DELETE, &path, &token, None).await,
        404,
        "Request_ResourceNotFound",
    )
    .await;
    let orphan = h
        .send(
            Method::PUT,
            &sync,
            &token,
            Some(json!({"displayName": "A"})),
        )
        .await;
    expect_graph_error(orphan, 404, "Request_ResourceNotFound").await;
}
