//! The write-path behaviour switches, each off (the documented default) and on: strict_create,
//! service_provider_forbidden_on_create, multi_tenant_organization_read_only,
//! service_provider_read_only_on_update and sync_delete_status.

mod common;

use common::*;
use graph_emulator::{EmulatorConfig, Switches};
use reqwest::Method;
use serde_json::{json, Value};

async fn start_switched(switches: Switches) -> Harness {
    start_with(EmulatorConfig {
        switches,
        ..EmulatorConfig::for_tests()
    })
    .await
}

async fn get_partner(h: &Harness, token: &str, id: &str) -> Value {
    let resp = h
        .send(Method::GET, &format!("{PARTNERS}/{id}"), token, None)
        .await;
    assert_eq!(resp.status(), 200);
    resp.json().await.expect("json")
}

fn target_config(target: &str, kind: &str) -> Value {
    json!({"accessType": "allowed", "targets": [{"target": target, "targetType": kind}]})
}

/// The four properties Microsoft's create table omits, each with a valid value.
fn not_in_create_table() -> Vec<(&'static str, Value)> {
    vec![
        (
            "tenantRestrictions",
            json!({"usersAndGroups": target_config("AllUsers", "user"),
                   "applications": target_config("AllApplications", "application")}),
        ),
        (
            "appServiceConnectInbound",
            json!({"applications": target_config("AllApplications", "application")}),
        ),
        (
            "m365CollaborationInbound",
            json!({"users": target_config("AllUsers", "user")}),
        ),
        (
            "m365CollaborationOutbound",
            json!({"usersAndGroups": target_config("AllUsers", "user")}),
        ),
    ]
}

#[tokio::test]
async fn strict_create_off_accepts_update_only_properties_on_post() {
    let h = start().await;
    let token = h.token().await;
    let mut body = json!({"tenantId": TENANT_A});
    for (name, value) in not_in_create_table() {
        body[name] = value;
    }
    let resp = h.create(&token, body.clone()).await;
    assert_eq!(resp.status(), 201);
    let got = get_partner(&h, &token, TENANT_A).await;
    for (name, value) in not_in_create_table() {
        assert_eq!(got[name], value, "{name} stored");
    }
}

#[tokio::test]
async fn strict_create_on_refuses_each_update_only_property() {
    let h = start_switched(Switches {
        strict_create: true,
        ..Switches::default()
    })
    .await;
    let token = h.token().await;
    for (name, value) in not_in_create_table() {
        let resp = h
            .create(&token, json!({"tenantId": TENANT_A, name: value}))
            .await;
        let err = expect_graph_error(resp, 400, "Request_BadRequest").await;
        let message = err["error"]["message"].as_str().expect("message");
        assert!(message.contains(name), "{message} names {name}");
    }
    assert!(h.emu.partners().is_empty());
    let resp = h.create(&token, json!({"tenantId": TENANT_A})).await;
    assert_eq!(
        resp.status(),
        201,
        "documented create properties still work"
    );
    let patch = json!({"tenantRestrictions": not_in_create_table()[0].1.clone()});
    let path = format!("{PARTNERS}/{TENANT_A}");
    let resp = h.send(Method::PATCH, &path, &token, Some(patch)).await;
    assert_eq!(resp.status(), 204, "PATCH may set them");
}

#[tokio::test]
async fn service_provider_off_is_stored_on_create() {
    let h = start().await;
    let token = h.token().await;
    for (id, value) in [(TENANT_A, true), (TENANT_B, false)] {
        let resp = h
            .create(&token, json!({"tenantId": id, "isServiceProvider": value}))
            .await;
        assert_eq!(resp.status(), 201);
        let body: Value = resp.json().await.expect("json");
        assert_eq!(body["isServiceProvider"], value);
        assert_eq!(
            get_partner(&h, &token, id).await["isServiceProvider"],
            value
        );
    }
}

#[tokio::test]
async fn service_provider_on_is_forbidden_on_create() {
    let h = start_switched(Switches {
        service_provider_forbidden_on_create: true,
        ..Switches::default()
    })
    .await;
    let token = h.token().await;
    for value in [json!(true), json!(false), Value::Null] {
        let resp = h
            .create(
                &token,
                json!({"tenantId": TENANT_A, "isServiceProvider": value}),
            )
            .await;
        expect_graph_error(resp, 403, "Authorization_RequestDenied").await;
    }
    assert!(h.emu.partners().is_empty());
}

#[tokio::test]
async fn multi_tenant_organization_off_is_accepted_and_ignored() {
    let h = start().await;
    let token = h.token().await;
    let resp = h
        .create(
            &token,
            json!({"tenantId": TENANT_A, "isInMultiTenantOrganization": true}),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["isInMultiTenantOrganization"], false);
    let path = format!("{PARTNERS}/{TENANT_A}");
    let patch =
        json!({"isInMultiTenantOrganization": true, "inboundTrust": {"isMfaAccepted": true}});
    let resp = h.send(Method::PATCH, &path, &token, Some(patch)).await;
    assert_eq!(resp.status(), 204);
    let got = get_partner(&h, &token, TENANT_A).await;
    assert_eq!(got["isInMultiTenantOrganization"], false, "not stored");
    assert_eq!(
        got["inboundTrust"]["isMfaAccepted"], true,
        "the rest applied"
    );
}

#[tokio::test]
async fn multi_tenant_organization_on_is_read_only() {
    let h = start_switched(Switches {
        multi_tenant_organization_read_only: true,
        ..Switches::default()
    })
    .await;
    let token = h.token().await;
    let body = json!({"tenantId": TENANT_A, "isInMultiTenantOrganization": false});
    let err = expect_graph_error(h.create(&token, body).await, 400, "Request_BadRequest").await;
    assert!(err["error"]["message"]
        .as_str()
        .expect("message")
        .contains("isInMultiTenantOrganization"));
    assert!(h.emu.partners().is_empty());
    h.create(&token, json!({"tenantId": TENANT_A})).await;
    let path = format!("{PARTNERS}/{TENANT_A}");
    let patch = json!({"isInMultiTenantOrganization": true});
    let resp = h.send(Method::PATCH, &path, &token, Some(patch)).await;
    expect_graph_error(resp, 400, "Request_BadRequest").await;
}

#[tokio::test]
async fn service_provider_on_update_off_is_ignored_on_is_refused() {
    let h = start().await;
    let token = h.token().await;
    h.create(
        &token,
        json!({"tenantId": TENANT_A, "isServiceProvider": false}),
    )
    .await;
    let path = format!("{PARTNERS}/{TENANT_A}");
    let patch = json!({"isServiceProvider": true});
    let resp = h
        .send(Method::PATCH, &path, &token, Some(patch.clone()))
        .await;
    assert_eq!(resp.status(), 204);
    let got = get_partner(&h, &token, TENANT_A).await;
    assert_eq!(got["isServiceProvider"], false, "the update table omits it");
    h.emu.set_switches(Switches {
        service_provider_read_only_on_update: true,
        ..Switches::default()
    });
    let resp = h.send(Method::PATCH, &path, &token, Some(patch)).await;
    let err = expect_graph_error(resp, 400, "Request_BadRequest").await;
    assert!(err["error"]["message"]
        .as_str()
        .expect("message")
        .contains("isServiceProvider"));
}

/// Creates TENANT_A with a sync policy and returns the DELETE's response body after checking
/// its status and code; the partner must survive.
async fn refused_delete(h: &Harness, status: u16, code: &str) -> String {
    let token = h.token().await;
    h.create(&token, json!({"tenantId": TENANT_A})).await;
    assert!(h
        .emu
        .put_identity_sync(TENANT_A, json!({"displayName": "A"})));
    let path = format!("{PARTNERS}/{TENANT_A}");
    let resp = h.send(Method::DELETE, &path, &token, None).await;
    let err = expect_graph_error(resp, status, code).await;
    assert!(h.emu.partner(TENANT_A).is_some(), "not deleted");
    err["error"]["message"]
        .as_str()
        .expect("message")
        .to_string()
}

#[tokio::test]
async fn sync_delete_status_default_is_a_generic_400() {
    let h = start().await;
    let message = refused_delete(&h, 400, "Request_BadRequest").await;
    assert!(!message.contains("identitySynchronization"), "{message}");
}

#[tokio::test]
async fn sync_delete_status_set_names_the_policy() {
    for (status, code) in [
        (409, "Conflict"),
        (403, "Authorization_RequestDenied"),
        (400, "Request_BadRequest"),
    ] {
        let h = start_switched(Switches {
            sync_delete_status: Some(status),
            ..Switches::default()
        })
        .await;
        let message = refused_delete(&h, status, code).await;
        assert!(message.contains("identitySynchronization"), "{message}");
    }
}
