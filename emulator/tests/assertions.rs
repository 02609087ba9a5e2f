//! Client assertions at the token endpoint: certificate (RS256 + x5t, PS256 + x5t#S256) and
//! federated tokens (RS256, ES256), with their failure modes.

mod common;

use aws_lc_rs::digest;
use common::*;
use graph_emulator::*;
use reqwest::Method;
use serde_json::{json, Value};

const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

const SUBJECT: &str = "repo:example/infra:ref:refs/heads/main";

fn cert_config(cert_pem: &str) -> EmulatorConfig {
    let mut config = EmulatorConfig::for_tests();
    config.apps.push(AppRegistration {
        client_id: "55555555-5555-5555-5555-555555555555".into(),
        certificates: vec![cert_pem.to_string()],
        roles: vec![ROLE_READ_WRITE.into()],
        ..AppRegistration::default()
    });
    config
}

async fn assertion_request(h: &Harness, client_id: &str, assertion: &str) -> reqwest::Response {
    h.token_response(&[
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("scope", GRAPH_SCOPE),
        (
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ),
        ("client_assertion", assertion),
    ])
    .await
}

#[tokio::test]
async fn certificate_assertions() {
    let (pem, der, signer) = rsa_cert();
    let h = start_with(cert_config(&pem)).await;
    let id = "55555555-5555-5555-5555-555555555555";
    let claims = |aud: &str, exp: i64| {
        json!({"aud": aud, "iss": id, "sub": id, "jti": uuid::Uuid::new_v4().to_string(),
        "nbf": now() - 5, "iat": now() - 5, "exp": exp})
    };
    let aud = h.emu.token_url();
    let x5t = thumbprint(&digest::SHA1_FOR_LEGACY_USE_ONLY, &der);
    let x5t256 = thumbprint(&digest::SHA256, &der);

    let rs = signer.sign(
        &json!({"alg": "RS256", "typ": "JWT", "x5t": x5t}),
        &claims(&aud, now() + 300),
    );
    let resp = assertion_request(&h, id, &rs).await;
    assert_eq!(resp.status(), 200);
    let token = resp.json::<Value>().await.expect("json")["access_token"]
        .as_str()
        .expect("t")
        .to_string();
    assert_eq!(
        h.create(&token, json!({"tenantId": TENANT_A}))
            .await
            .status(),
        201
    );

    let ps = signer.sign(
        &json!({"alg": "PS256", "typ": "JWT", "x5t#S256": x5t256}),
        &claims(&aud, now() + 300),
    );
    assert_eq!(assertion_request(&h, id, &ps).await.status(), 200);

    let expired = signer.sign(
        &json!({"alg": "PS256", "x5t#S256": x5t256}),
        &claims(&aud, now() - 3600),
    );
    expect_entra_error(
        assertion_request(&h, id, &expired).await,
        401,
        "invalid_client",
        700024,
    )
    .await;
    let wrong_aud = signer.sign(
        &json!({"alg": "RS256", "x5t": x5t}),
        &claims(
            "https://login.microsoftonline.com/x/oauth2/v2.0/token",
            now() + 300,
        ),
    );
    expect_entra_error(
        assertion_request(&h, id, &wrong_aud).await,
        401,
        "invalid_client",
        700027,
    )
    .await;
    let (_, other_der, other_signer) = rsa_cert();
    let forged = other_signer.sign(
        &json!({"alg": "RS256", "x5t": x5t}),
        &claims(&aud, now() + 300),
    );
    expect_entra_error(
        assertion_request(&h, id, &forged).await,
        401,
        "invalid_client",
        700027,
    )
    .await;
    let unknown_cert = other_signer.sign(
        &json!({"alg": "RS256", "x5t": thumbprint(&digest::SHA1_FOR_LEGACY_USE_ONLY, &other_der)}),
        &claims(&aud, now() + 300),
    );
    expect_entra_error(
        assertion_request(&h, id, &unknown_cert).await,
        401,
        "invalid_client",
        700027,
    )
    .await;
    let mut tampered = rs.clone();
    tampered.push('A');
    expect_entra_error(
        assertion_request(&h, id, &tampered).await,
        401,
        "invalid_client",
        700027,
    )
    .await;
    expect_entra_error(
        assertion_request(&h, id, "garbage").await,
        401,
        "invalid_client",
        700027,
    )
    .await;
    let wrong_iss = signer.sign(
        &json!({"alg": "RS256", "x5t": x5t}),
        &json!({"aud": aud, "iss": TEST_CLIENT_ID, "sub": TEST_CLIENT_ID, "exp": now() + 300}),
    );
    expect_entra_error(
        assertion_request(&h, id, &wrong_iss).await,
        401,
        "invalid_client",
        700021,
    )
    .await;
    let log = h.emu.request_log();
    assert!(log.iter().filter(|r| r.path.ends_with("/token")).all(|r| r
        .body
        .as_ref()
        .expect("body")["client_assertion"]
        == REDACTED));
}

#[tokio::test]
async fn federated_assertions() {
    let rsa = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).expect("rsa");
    let ec = rcgen::KeyPair::generate().expect("ec");
    let id = "66666666-6666-6666-6666-666666666666";
    let mut config = EmulatorConfig::for_tests();
    config.apps.push(AppRegistration {
        client_id: id.into(),
        federated_credentials: vec![
            FederatedCredential {
                issuer: ISSUER.into(),
                subject: SUBJECT.into(),
                audience: "api://AzureADTokenExchange".into(),
                key_pem: rsa.public_key_pem(),
            },
            FederatedCredential {
                issuer: "https://k8s.example".into(),
                subject: "system:serviceaccount:ns:sa".into(),
                audience: "api://AzureADTokenExchange".into(),
                key_pem: ec.public_key_pem(),
            },
        ],
        roles: vec![ROLE_READ.into()],
        ..AppRegistration::default()
    });
    let h = start_with(config).await;
    let signer = Signer::from_rcgen(&rsa);
    let claims = |iss: &str, sub: &str, exp: i64| json!({"iss": iss, "sub": sub, "aud": ["api://AzureADTokenExchange"], "nbf": now() - 5, "exp": exp});
    let good = signer.sign(
        &json!({"alg": "RS256", "kid": "k1"}),
        &claims(ISSUER, SUBJECT, now() + 300),
    );
    let resp = assertion_request(&h, id, &good).await;
    assert_eq!(resp.status(), 200);
    let token = resp.json::<Value>().await.expect("json")["access_token"]
        .as_str()
        .expect("t")
        .to_string();
    assert_eq!(
        h.send(Method::GET, PARTNERS, &token, None).await.status(),
        200
    );
    let es = Signer::from_rcgen(&ec).sign(
        &json!({"alg": "ES256"}),
        &claims(
            "https://k8s.example",
            "system:serviceaccount:ns:sa",
            now() + 60,
        ),
    );
    assert_eq!(assertion_request(&h, id, &es).await.status(), 200);

    let wrong_sub = signer.sign(
        &json!({"alg": "RS256"}),
        &claims(ISSUER, "repo:other", now() + 300),
    );
    expect_entra_error(
        assertion_request(&h, id, &wrong_sub).await,
        400,
        "invalid_request",
        70021,
    )
    .await;
    let expired = signer.sign(
        &json!({"alg": "RS256"}),
        &claims(ISSUER, SUBJECT, now() - 3600),
    );
    expect_entra_error(
        assertion_request(&h, id, &expired).await,
        401,
        "invalid_client",
        700024,
    )
    .await;
    let other =
        Signer::from_rcgen(&rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).expect("rsa"));
    let forged = other.sign(
        &json!({"alg": "RS256"}),
        &claims(ISSUER, SUBJECT, now() + 300),
    );
    expect_entra_error(
        assertion_request(&h, id, &forged).await,
        401,
        "invalid_client",
        700027,
    )
    .await;
}
