//! Token endpoint (secret, Basic auth, certificate assertions RS256/x5t and PS256/x5t#S256,

//! federated tokens), IMDS / App Service tokens, and bearer checks on Graph routes.

mod common;

use common::*;

use graph_emulator::*;

use reqwest::Method;

use serde_json::{json, Value};
const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";

#[tokio::test]
async fn secret_grant_and_errors() {
    let h = start().await;
    let ok = h
        .token_response(&[
            ("grant_type", "client_credentials"),
            ("client_id", TEST_CLIENT_ID),
            ("client_secret", TEST_CLIENT_SECRET),
            ("scope", GRAPH_SCOPE),
        ])
        .await;
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.expect("json");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3599);
    assert_eq!(body["ext_expires_in"], 3599);
    assert!(body["access_token"].as_str().expect("token").len() >= 32);

    let own_scope = format!("{}/.default", h.emu.base_url());
    let ok = h
        .token_response(&[
            ("grant_type", "client_credentials"),
            ("client_id", TEST_CLIENT_ID),
            ("client_secret", TEST_CLIENT_SECRET),
            ("scope", &own_scope),
        ])
        .await;
    assert_eq!(ok.status(), 200);

    let basic = h
        .client
        .post(h.emu.token_url())
        .basic_auth(TEST_CLIENT_ID, Some(TEST_CLIENT_SECRET))
        .form(&[("grant_type", "client_credentials"), ("scope", GRAPH_SCOPE)])
        .send()
        .await
        .expect("send");
    assert_eq!(basic.status(), 200);

    let wrong = h
        .token_response(&[
            ("grant_type", "client_credentials"),
            ("client_id", TEST_CLIENT_ID),
            ("client_secret", "nope"),
            ("scope", GRAPH_SCOPE),
        ])
        .await;
    expect_entra_error(wrong, 401, "invalid_client", 7000215).await;
    let unknown = h
        .token_response(&[
            ("grant_type", "client_credentials"),
            ("client_id", "99999999-9999-9999-9999-999999999999"),
            ("client_secret", "x"),
            ("scope", GRAPH_SCOPE),
        ])
        .await;
    expect_entra_error(unknown, 400, "unauthorized_client", 700016).await;
    let scope = h
        .token_response(&[
            ("grant_type", "client_credentials"),
            ("client_id", TEST_CLIENT_ID),
            ("client_secret", TEST_CLIENT_SECRET),
            ("scope", "https://graph.microsoft.com/Policy.Read.All"),
        ])
        .await;
    expect_entra_error(scope, 400, "invalid_scope", 70011).await;
    let other = h
        .token_response(&[
            ("grant_type", "client_credentials"),
            ("client_id", TEST_CLIENT_ID),
            ("client_secret", TEST_CLIENT_SECRET),
            ("scope", "https://management.azure.com/.default"),
        ])
        .await;
    expect_entra_error(other, 400, "invalid_scope", 70011).await;
    let none = h
        .token_response(&[
            ("grant_type", "client_credentials"),
            ("client_id", TEST_CLIENT_ID),
            ("scope", GRAPH_SCOPE),
        ])
        .await;
    expect_entra_error(none, 401, "invalid_client", 7000218).await;
    let grant = h
        .token_response(&[
            ("grant_type", "password"),
            ("client_id", TEST_CLIENT_ID),
            ("scope", GRAPH_SCOPE),
        ])
        .await;
    expect_entra_error(grant, 400, "unsupported_grant_type", 70003).await;
    let tenant = h
        .client
        .post(h.url("/bbbbbbbb-0000-0000-0000-000000000002/oauth2/v2.0/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", TEST_CLIENT_ID),
            ("client_secret", TEST_CLIENT_SECRET),
            ("scope", GRAPH_SCOPE),
        ])
        .send()
        .await
        .expect("send");
    expect_entra_error(tenant, 400, "invalid_request", 90002).await;
    let counters = h.emu.counters();
    assert!(
        counters["token_requests"][TEST_CLIENT_ID]
            .as_u64()
            .expect("count")
            >= 8
    );
}

#[tokio::test]
async fn graph_routes_require_valid_token_and_role() {
    let h = start().await;
    expect_graph_error(
        h.client.get(h.url(PARTNERS)).send().await.expect("send"),
        401,
        "InvalidAuthenticationToken",
    )
    .await;
    expect_graph_error(
        h.send(Method::GET, PARTNERS, "not-a-token", None).await,
        401,
        "InvalidAuthenticationToken",
    )
    .await;
    let basic = h
        .client
        .get(h.url(PARTNERS))
        .basic_auth("a", Some("b"))
        .send()
        .await
        .expect("send");
    expect_graph_error(basic, 401, "InvalidAuthenticationToken").await;

    let reader = h
        .token_for(TEST_READER_CLIENT_ID, TEST_READER_CLIENT_SECRET)
        .await;
    assert_eq!(
        h.send(Method::GET, PARTNERS, &reader, None).await.status(),
        200
    );
    let body = expect_graph_error(
        h.create(&reader, json!({"tenantId": TENANT_A})).await,
        403,
        "Authorization_RequestDenied",
    )
    .await;
    assert_eq!(
        body["error"]["message"],
        "Insufficient privileges to complete the operation."
    );
    let norole = h
        .token_for(TEST_NOROLE_CLIENT_ID, TEST_NOROLE_CLIENT_SECRET)
        .await;
    expect_graph_error(
        h.send(Method::GET, PARTNERS, &norole, None).await,
        403,
        "Authorization_RequestDenied",
    )
    .await;
    let writer = h.token().await;
    assert_eq!(
        h.create(&writer, json!({"tenantId": TENANT_A}))
            .await
            .status(),
        201
    );
    expect_graph_error(
        h.send(
            Method::DELETE,
            &format!("{PARTNERS}/{TENANT_A}"),
            &reader,
            None,
        )
        .await,
        403,
        "Authorization_RequestDenied",
    )
    .await;
}

#[tokio::test]
async fn expired_tokens_are_rejected() {
    let h = start_with(EmulatorConfig {
        token_lifetime_secs: 0,
        ..EmulatorConfig::for_tests()
    })
    .await;
    let token = h.token().await;
    let body = expect_graph_error(
        h.send(Method::GET, PARTNERS, &token, None).await,
        401,
        "InvalidAuthenticationToken",
    )
    .await;
    assert!(body["error"]["message"]
        .as_str()
        .expect("msg")
        .contains("expired"));
}

#[tokio::test]
async fn managed_identity_endpoints() {
    let h = start().await;
    let imds = |q: &str| format!("{}/metadata/identity/oauth2/token?{q}", h.emu.base_url());
    let resp = h
        .client
        .get(imds(
            "api-version=2018-02-01&resource=https%3A%2F%2Fgraph.microsoft.com",
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 400);
    assert_eq!(
        resp.json::<Value>().await.expect("json")["error"],
        "bad_request_102"
    );
    let resp = h
        .client
        .get(imds(
            "api-version=2018-02-01&resource=https%3A%2F%2Fgraph.microsoft.com",
        ))
        .header("Metadata", "true")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.expect("json");
    for k in ["expires_in", "expires_on", "not_before", "access_token"] {
        assert!(body[k].is_string(), "{k} must be a string: {body}");
    }
    assert_eq!(body["expires_in"], "3599");
    assert_eq!(body["token_type"], "Bearer");
    let token = body["access_token"].as_str().expect("t").to_string();
    assert_eq!(
        h.create(&token, json!({"tenantId": TENANT_A}))
            .await
            .status(),
        201
    );
    let with_id = h.client.get(imds(&format!("api-version=2018-02-01&resource=https://graph.microsoft.com/&client_id={TEST_MANAGED_IDENTITY_CLIENT_ID}")))
        .header("Metadata", "true").send().await.expect("send");
    assert_eq!(with_id.status(), 200);
    let wrong_id = h
        .client
        .get(imds(
            "api-version=2018-02-01&resource=https://graph.microsoft.com&client_id=abc",
        ))
        .header("Metadata", "true")
        .send()
        .await
        .expect("send");
    assert_eq!(wrong_id.status(), 400);
    let wrong_res = h
        .client
        .get(imds(
            "api-version=2018-02-01&resource=https://vault.azure.net",
        ))
        .header("Metadata", "true")
        .send()
        .await
        .expect("send");
    assert_eq!(wrong_res.status(), 400);
    let no_version = h
        .client
        .get(imds("resource=https://graph.microsoft.com"))
        .header("Metadata", "true")
        .send()
        .await
        .expect("send");
    assert_eq!(no_version.status(), 400);

    let msi = format!(
        "{}/msi/token?resource=https://graph.microsoft.com&api-version=2019-08-01",
        h.emu.base_url()
    );
    let resp = h
        .client
        .get(&msi)
        .header("X-IDENTITY-HEADER", TEST_IDENTITY_HEADER)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.expect("json");
    assert!(body["expires_on"].is_string());
    assert_eq!(body["client_id"], TEST_MANAGED_IDENTITY_CLIENT_ID);
    assert_eq!(h.client.get(&msi).send().await.expect("send").status(), 400);
    let log = h.emu.request_log();
    assert!(log.iter().filter(|r| r.path == "/msi/token").any(|r| r
        .headers
        .get("x-identity-header")
        .map(String::as_str)
        == Some(REDACTED)));
}
