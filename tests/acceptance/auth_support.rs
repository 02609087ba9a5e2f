//! Test material for the authentication scenarios: RSA certificates packed as PKCS#12, external
//! OIDC tokens signed by a test issuer, a local HTTPS endpoint playing GitHub Actions' token
//! service, and a fake `az` executable. Everything is generated at test time.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use p12_keystore::{Certificate, KeyStore, KeyStoreEntry, PrivateKey, PrivateKeyChain};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, PKCS_RSA_SHA256};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

pub const GITHUB_ISSUER: &str = "https://token.actions.githubusercontent.com";
pub const GITHUB_SUBJECT: &str = "repo:contoso/infra:ref:refs/heads/main";
pub const EXCHANGE_AUDIENCE: &str = "api://AzureADTokenExchange";

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// An RSA client certificate: the PEM registered on the app and the password-protected .pfx.
pub struct ClientCert {
    pub pem: String,
    pub pfx: Vec<u8>,
}

impl ClientCert {
    pub fn generate(password: &str) -> Self {
        let key = KeyPair::generate_for(&PKCS_RSA_SHA256).expect("RSA key");
        let cert = CertificateParams::new(vec!["terraform-client.example".to_string()])
            .expect("params")
            .self_signed(&key)
            .expect("certificate");
        let chain = PrivateKeyChain::new(
            b"client-key".as_slice(),
            PrivateKey::from_der(&key.serialize_der()).expect("pkcs8"),
            [Certificate::from_der(cert.der()).expect("cert")],
        );
        let mut store = KeyStore::new();
        store.add_entry("client", KeyStoreEntry::PrivateKeyChain(chain));
        let pfx = store.writer(password).write().expect("pfx");
        ClientCert {
            pem: cert.pem(),
            pfx,
        }
    }

    pub fn base64(&self) -> String {
        STANDARD.encode(&self.pfx)
    }
}

/// An external OIDC issuer (GitHub Actions in these tests) with its RSA signing key.
pub struct OidcIssuer {
    key: RsaKeyPair,
    pub public_key_pem: String,
}

impl OidcIssuer {
    pub fn new() -> Self {
        let key = KeyPair::generate_for(&PKCS_RSA_SHA256).expect("RSA key");
        OidcIssuer {
            public_key_pem: key.public_key_pem(),
            key: RsaKeyPair::from_pkcs8(&key.serialize_der()).expect("key"),
        }
    }

    /// An RS256 token for the GitHub subject and the token-exchange audience, valid from
    /// `nbf` to `exp` (Unix seconds).
    pub fn token(&self, nbf: i64, exp: i64) -> String {
        let header = serde_json::json!({"alg": "RS256", "typ": "JWT", "kid": "test"});
        let claims = serde_json::json!({
            "iss": GITHUB_ISSUER, "sub": GITHUB_SUBJECT, "aud": EXCHANGE_AUDIENCE,
            "nbf": nbf, "iat": nbf, "exp": exp, "jti": uuid::Uuid::new_v4().to_string(),
        });
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut signature = vec![0; self.key.public_modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                input.as_bytes(),
                &mut signature,
            )
            .expect("sign");
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// A token valid now for ten minutes.
    pub fn fresh_token(&self) -> String {
        self.token(now() - 10, now() + 600)
    }
}

/// What the fake CI endpoint saw: ("METHOD path?query", whether the bearer token matched).
pub type SeenRequests = Arc<Mutex<Vec<(String, bool)>>>;

/// Which CI system the fake OIDC token endpoint plays.
#[derive(Clone, Copy)]
pub enum Ci {
    /// `ACTIONS_ID_TOKEN_REQUEST_URL`: `GET ?...&audience=api://AzureADTokenExchange` →
    /// `{"value": "<jwt>"}`.
    GitHubActions,
    /// `SYSTEM_OIDCREQUESTURI`: `POST ?api-version=7.1&serviceConnectionId=<id>` →
    /// `{"oidcToken": "<jwt>"}`.
    AzurePipelines { service_connection_id: &'static str },
}

/// A local HTTPS endpoint answering like the CI system's OIDC token endpoint, to requests with
/// `Authorization: Bearer <bearer>`. Its CA is written to `ca_path`. Returns the endpoint URL
/// and the request record.
pub fn oidc_token_endpoint(
    ca_path: &Path,
    ci: Ci,
    bearer: &str,
    jwt: &str,
) -> (String, SeenRequests) {
    let ca_key = KeyPair::generate().expect("key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key).expect("ca");
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().expect("key");
    let server_cert = CertificateParams::new(vec!["127.0.0.1".to_string()])
        .expect("params")
        .signed_by(&server_key, &issuer)
        .expect("server cert");
    std::fs::write(ca_path, ca_cert.pem()).expect("write CA");

    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![server_cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(server_key.serialize_der().into()),
        )
        .expect("server config");
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let url = match ci {
        Ci::GitHubActions => format!("https://127.0.0.1:{port}/_apis/token?api-version=2.0"),
        Ci::AzurePipelines { .. } => {
            format!("https://127.0.0.1:{port}/contoso/infra/_apis/distributedtask/hubs/build/plans/1/jobs/2/oidctoken")
        }
    };
    let seen: SeenRequests = Arc::default();
    let record = seen.clone();
    let expected = format!("Bearer {bearer}");
    let jwt = jwt.to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let Ok(connection) = rustls::ServerConnection::new(config.clone()) else {
                continue;
            };
            let mut tls = rustls::StreamOwned::new(connection, stream);
            let mut reader = BufReader::new(&mut tls);
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let mut authorized = false;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
                    break;
                }
                if let Some((name, value)) = line.split_once(':') {
                    if name.eq_ignore_ascii_case("authorization") && value.trim() == expected {
                        authorized = true;
                    }
                }
            }
            let mut parts = request_line.split_whitespace();
            let method = parts.next().unwrap_or_default().to_string();
            let target = parts.next().unwrap_or_default().to_string();
            let answer = match ci {
                Ci::GitHubActions => (method == "GET"
                    && target.contains("audience=api%3A%2F%2FAzureADTokenExchange"))
                .then(|| serde_json::json!({ "count": 1, "value": jwt })),
                Ci::AzurePipelines {
                    service_connection_id,
                } => (method == "POST"
                    && target.ends_with(&format!(
                        "?api-version=7.1&serviceConnectionId={service_connection_id}"
                    )))
                .then(|| serde_json::json!({ "oidcToken": jwt })),
            };
            record
                .lock()
                .expect("lock")
                .push((format!("{method} {target}"), authorized));
            let (status, body) = match answer.filter(|_| authorized) {
                Some(answer) => ("200 OK", answer.to_string()),
                None => (
                    "401 Unauthorized",
                    r#"{"message":"Bad credentials"}"#.to_string(),
                ),
            };
            let response = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = tls.write_all(response.as_bytes());
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
    });
    (url, seen)
}

/// Writes an `az` script into `bin_dir` that answers `account get-access-token` (and
/// `account show`) like Azure CLI 2.54+, handing out `token`, and appends each invocation's
/// arguments to the returned log file.
pub fn fake_az(bin_dir: &Path, token: &str, tenant: &str) -> PathBuf {
    std::fs::create_dir_all(bin_dir).expect("bin dir");
    let log = bin_dir.join("az-invocations.log");
    let expires_on = now() + 3600;
    let script = format!(
        r#"#!/bin/sh
echo "$*" >> '{log}'
case "$*" in
  *"account get-access-token"*)
    cat <<'EOF'
{{
  "accessToken": "{token}",
  "expiresOn": "2099-01-01 00:00:00.000000",
  "expires_on": {expires_on},
  "subscription": "00000000-0000-0000-0000-0000000000aa",
  "tenant": "{tenant}",
  "tokenType": "Bearer"
}}
EOF
    ;;
  *"account show"*)
    echo '{{"id": "00000000-0000-0000-0000-0000000000aa", "tenantId": "{tenant}", "user": {{"name": "dev@contoso.example", "type": "user"}}}}'
    ;;
  *)
    echo "ERROR: fake az does not support: $*" >&2
    exit 2
    ;;
esac
"#,
        log = log.display()
    );
    let path = bin_dir.join("az");
    std::fs::write(&path, script).expect("write az");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    log
}
