//! Shared helpers for the integration tests: start an emulator, build a client that trusts its
//! CA, fetch tokens, and sign JWT client assertions.
#![allow(dead_code)]

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use graph_emulator::{Emulator, EmulatorConfig, TEST_CLIENT_ID, TEST_CLIENT_SECRET};
use serde_json::{json, Value};

pub const PARTNERS: &str = "/v1.0/policies/crossTenantAccessPolicy/partners";
pub const TENANT_A: &str = "aaaaaaaa-0000-0000-0000-000000000001";
pub const TENANT_B: &str = "bbbbbbbb-0000-0000-0000-000000000002";

pub struct Harness {
    pub emu: Emulator,
    pub client: reqwest::Client,
}

pub async fn start() -> Harness {
    start_with(EmulatorConfig::for_tests()).await
}

pub async fn start_with(config: EmulatorConfig) -> Harness {
    let emu = Emulator::start("127.0.0.1:0".parse().expect("addr"), config)
        .await
        .expect("emulator starts");
    let client = client_for(emu.ca_pem());
    Harness { emu, client }
}

pub fn client_for(ca_pem: &str) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("ca pem");
    reqwest::Client::builder()
        .add_root_certificate(ca)
        .build()
        .expect("client")
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("time")
        .as_secs() as i64
}

impl Harness {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.emu.base_url(), path)
    }

    pub fn partner_url(&self, id: &str) -> String {
        self.url(&format!("{PARTNERS}/{id}"))
    }

    pub async fn token_response(&self, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.emu.token_url())
            .form(form)
            .send()
            .await
            .expect("token request")
    }

    pub async fn token_for(&self, client_id: &str, secret: &str) -> String {
        let resp = self
            .token_response(&[
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", secret),
                ("scope", "https://graph.microsoft.com/.default"),
            ])
            .await;
        assert_eq!(resp.status(), 200);
        let body: Value = resp.json().await.expect("json");
        body["access_token"].as_str().expect("token").to_string()
    }

    pub async fn token(&self) -> String {
        self.token_for(TEST_CLIENT_ID, TEST_CLIENT_SECRET).await
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut req = self
            .client
            .request(method, self.url(path))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.expect("request")
    }

    pub async fn create(&self, token: &str, body: Value) -> reqwest::Response {
        self.send(reqwest::Method::POST, PARTNERS, token, Some(body))
            .await
    }

    pub async fn control(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut req = self
            .client
            .request(method, self.url(&format!("/_emulator{path}")));
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.expect("control request")
    }
}

/// Asserts a Graph error envelope and returns the body.
pub async fn expect_graph_error(resp: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(resp.status().as_u16(), status, "status");
    assert!(resp.headers().contains_key("request-id"));
    let body: Value = resp.json().await.expect("json error");
    assert_eq!(body["error"]["code"], code, "body: {body}");
    assert!(body["error"]["message"].is_string());
    assert!(body["error"]["innerError"]["request-id"].is_string());
    assert!(body["error"]["innerError"]["date"].is_string());
    body
}

/// Asserts an Entra error body and returns it.
pub async fn expect_entra_error(
    resp: reqwest::Response,
    status: u16,
    error: &str,
    code: u64,
) -> Value {
    assert_eq!(resp.status().as_u16(), status, "status");
    let body: Value = resp.json().await.expect("json error");
    assert_eq!(body["error"], error, "body: {body}");
    assert_eq!(body["error_codes"], json!([code]), "body: {body}");
    let desc = body["error_description"].as_str().expect("description");
    assert!(desc.starts_with(&format!("AADSTS{code}:")), "{desc}");
    for k in ["timestamp", "trace_id", "correlation_id"] {
        assert!(body[k].is_string(), "{k} missing in {body}");
    }
    body
}

/// How to sign a JWT.
pub enum Signer {
    Rsa(aws_lc_rs::rsa::KeyPair),
    Ec(signature::EcdsaKeyPair),
}

impl Signer {
    pub fn from_rcgen(key: &rcgen::KeyPair) -> Signer {
        let der = key.serialize_der();
        if let Ok(k) = aws_lc_rs::rsa::KeyPair::from_pkcs8(&der) {
            return Signer::Rsa(k);
        }
        Signer::Ec(
            signature::EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &der)
                .expect("ec key"),
        )
    }

    /// Signs `header`/`claims` with `alg` (RS256, PS256 or ES256).
    pub fn sign(&self, header: &Value, claims: &Value) -> String {
        let enc = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).expect("json"));
        let input = format!("{}.{}", enc(header), enc(claims));
        let rng = SystemRandom::new();
        let sig = match self {
            Signer::Rsa(k) => {
                let alg: &'static dyn signature::RsaEncoding = match header["alg"].as_str() {
                    Some("PS256") => &signature::RSA_PSS_SHA256,
                    _ => &signature::RSA_PKCS1_SHA256,
                };
                let mut out = vec![0u8; k.public_modulus_len()];
                k.sign(alg, &rng, input.as_bytes(), &mut out).expect("sign");
                out
            }
            Signer::Ec(k) => k
                .sign(&rng, input.as_bytes())
                .expect("sign")
                .as_ref()
                .to_vec(),
        };
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }
}

/// A self-signed RSA certificate and its signer.
pub fn rsa_cert() -> (String, Vec<u8>, Signer) {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).expect("rsa key");
    let cert = rcgen::CertificateParams::new(vec!["client".to_string()])
        .expect("params")
        .self_signed(&key)
        .expect("cert");
    (cert.pem(), cert.der().to_vec(), Signer::from_rcgen(&key))
}

pub fn thumbprint(alg: &'static aws_lc_rs::digest::Algorithm, der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(aws_lc_rs::digest::digest(alg, der).as_ref())
}

/// Adds a fault through the control API.
pub async fn add_fault(h: &Harness, spec: Value) {
    let resp = h
        .control(reqwest::Method::POST, "/faults", Some(spec))
        .await;
    assert_eq!(resp.status(), 200, "fault accepted");
}

/// Polls `check` until it returns true, for at most 5 s; returns the time it took.
pub async fn poll_until<F, Fut>(mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(5) {
        if check().await {
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("condition not reached within 5 s");
}

/// Follows `@odata.nextLink` from `first` (each link fetched as-is) and returns every page body;
/// panics after 20 pages.
pub async fn list_pages(h: &Harness, token: &str, first: &str) -> Vec<Value> {
    let mut url = first.to_string();
    let mut pages = Vec::new();
    loop {
        let resp = h
            .client
            .get(&url)
            .bearer_auth(token)
            .send()
            .await
            .expect("get page");
        assert_eq!(resp.status(), 200, "page {url}");
        let body: Value = resp.json().await.expect("json");
        let next = body["@odata.nextLink"].as_str().map(str::to_string);
        pages.push(body);
        match next {
            Some(link) => {
                assert!(
                    link.starts_with(&format!("{}{PARTNERS}?", h.emu.base_url())),
                    "nextLink is an absolute URL: {link}"
                );
                url = link;
            }
            None => return pages,
        }
        assert!(pages.len() < 20, "paging does not end");
    }
}

/// Creates partners `cccccccc-0000-0000-0000-00000000000{i}` for i in 0..n.
pub async fn create_numbered(h: &Harness, token: &str, n: usize) {
    for i in 0..n {
        let id = format!("cccccccc-0000-0000-0000-{i:012}");
        assert_eq!(h.create(token, json!({"tenantId": id})).await.status(), 201);
    }
}

/// The number of items on each page, and the tenant ids of all pages (sorted, deduplicated).
pub fn page_summary(pages: &[Value]) -> (Vec<usize>, Vec<String>) {
    let sizes = pages
        .iter()
        .map(|p| p["value"].as_array().expect("value").len())
        .collect();
    let mut ids: Vec<String> = pages
        .iter()
        .flat_map(|p| p["value"].as_array().expect("value").clone())
        .map(|p| p["tenantId"].as_str().expect("id").to_string())
        .collect();
    ids.sort();
    ids.dedup();
    (sizes, ids)
}
