//! Every way to authenticate, under real `terraform` against the emulator: each applies ten
//! partners and checks the emulator saw the expected grant exactly once, and that
//! `TF_LOG=trace` output holds no secret, assertion, token or PFX byte. Negative scenarios check
//! that the error names the method and the AADSTS code or cause.

#[path = "auth_support.rs"]
mod support;

use crate::harness::{Run, Tool, Workspace};
use graph_emulator::{
    AppRegistration, EmulatorConfig, FederatedCredential, REDACTED, ROLE_READ_WRITE,
    TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_MANAGED_IDENTITY_CLIENT_ID, TEST_TENANT_ID,
};
use support::*;

const CERT_CLIENT_ID: &str = "55555555-5555-5555-5555-555555555555";
const OIDC_CLIENT_ID: &str = "66666666-6666-6666-6666-666666666666";
const PFX_PASSWORD: &str = "pfx-Password-4711";
const REQUEST_TOKEN: &str = "github-request-token-0123456789";
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const PARTNERS: usize = 10;

/// The grant the emulator must have seen.
enum Grant {
    Secret,
    Assertion,
    Imds,
}

fn ten_partners() -> String {
    let tenants: Vec<String> = (1..=PARTNERS)
        .map(|i| format!("\"{i:08x}-aaaa-4bbb-8ccc-{i:012x}\""))
        .collect();
    format!(
        "locals {{\n  tenants = [{}]\n}}\n\nresource \"azuread_cross_tenant_partner\" \"p\" {{\n  count     = {PARTNERS}\n  tenant_id = local.tenants[count.index]\n}}\n",
        tenants.join(", ")
    )
}

/// The test identities plus an app that only has a certificate and one that only trusts the
/// test OIDC issuer.
fn config(cert_pem: Option<&str>, issuer: Option<&OidcIssuer>) -> EmulatorConfig {
    let mut config = EmulatorConfig::for_tests();
    config.apps.push(AppRegistration {
        client_id: CERT_CLIENT_ID.to_string(),
        certificates: cert_pem.map(str::to_string).into_iter().collect(),
        roles: vec![ROLE_READ_WRITE.to_string()],
        ..AppRegistration::default()
    });
    config.apps.push(AppRegistration {
        client_id: OIDC_CLIENT_ID.to_string(),
        federated_credentials: issuer
            .map(|i| FederatedCredential {
                issuer: GITHUB_ISSUER.to_string(),
                subject: GITHUB_SUBJECT.to_string(),
                audience: EXCHANGE_AUDIENCE.to_string(),
                key_pem: i.public_key_pem.clone(),
            })
            .into_iter()
            .collect(),
        roles: vec![ROLE_READ_WRITE.to_string()],
        ..AppRegistration::default()
    });
    config
}

/// A workspace whose default credentials are gone; `client_id` replaces ARM_CLIENT_ID.
fn workspace(config: EmulatorConfig, client_id: Option<&str>) -> Workspace {
    let mut ws = Workspace::with_config(Tool::Terraform, config);
    ws.unset_env("ARM_CLIENT_SECRET");
    match client_id {
        Some(id) => ws.set_env("ARM_CLIENT_ID", id),
        None => ws.unset_env("ARM_CLIENT_ID"),
    }
    ws
}

fn tail(text: &str) -> &str {
    let start = text.len().saturating_sub(6000);
    let start = (start..text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    &text[start..]
}

/// `apply` of ten partners with `TF_LOG=trace`, which must succeed.
fn apply_traced(ws: &Workspace) -> Run {
    ws.write_config(&ten_partners());
    let run = ws.run_with_env(
        &["apply", "-auto-approve", "-no-color"],
        &[("TF_LOG", "trace")],
    );
    assert!(run.success, "apply failed:\n{}", tail(&run.combined()));
    assert_eq!(ws.emulator.partners().len(), PARTNERS);
    run
}

/// `apply` that must fail; returns the output.
fn apply_fails(ws: &Workspace) -> String {
    ws.write_config(&ten_partners());
    let run = ws.run_with_env(
        &["apply", "-auto-approve", "-no-color"],
        &[("TF_LOG", "trace")],
    );
    assert!(!run.success, "apply unexpectedly succeeded");
    assert!(ws.emulator.partners().is_empty());
    run.combined()
}

/// Neither the given secrets nor any token the emulator issued appear in `output`.
fn assert_no_secrets(ws: &Workspace, output: &str, secrets: &[&str]) {
    assert!(
        output.contains("provider.terraform-provider-azuread"),
        "provider logs reach TF_LOG"
    );
    for secret in secrets {
        assert!(!secret.is_empty());
        assert!(
            !output.contains(secret),
            "a secret leaked into TF_LOG output"
        );
        if secret.len() > 64 {
            // Any sizeable piece of long material (PFX base64, JWTs) counts as a leak too.
            assert!(!output.contains(&secret[16..64]), "part of a secret leaked");
        }
    }
    for token in ws.emulator.issued_tokens() {
        assert!(!output.contains(&token), "an access token leaked");
    }
}

/// Exactly one token request, from `client_id`, granted as `grant`.
fn assert_one_grant(ws: &Workspace, client_id: &str, grant: Grant) {
    let counters = ws.emulator.counters();
    let expected = serde_json::json!({ client_id: 1 });
    assert_eq!(counters["token_requests"], expected, "{counters:#}");
    let log = ws.emulator.request_log();
    let token_requests: Vec<_> = log
        .iter()
        .filter(|r| r.path.contains("/oauth2/") || r.path.contains("/metadata/identity"))
        .collect();
    assert_eq!(token_requests.len(), 1, "{token_requests:#?}");
    let request = token_requests[0];
    assert_eq!(request.status, 200);
    let body = request.body.clone().unwrap_or_default();
    match grant {
        Grant::Secret => {
            assert_eq!(body["client_secret"], REDACTED, "{body}");
            assert!(body.get("client_assertion").is_none(), "{body}");
        }
        Grant::Assertion => {
            assert_eq!(body["client_assertion_type"], JWT_BEARER, "{body}");
            assert_eq!(body["client_assertion"], REDACTED, "{body}");
            assert!(body.get("client_secret").is_none(), "{body}");
        }
        Grant::Imds => {
            assert_eq!(request.method, "GET");
            assert_eq!(request.path, "/metadata/identity/oauth2/token");
            assert_eq!(
                request.headers.get("metadata").map(String::as_str),
                Some("true")
            );
            assert!(request
                .query
                .contains("resource=https%3A%2F%2Fgraph.microsoft.com"));
            assert!(!request.query.contains(".default"), "{}", request.query);
            assert!(request.query.contains(&format!("client_id={client_id}")));
        }
    }
    if !matches!(grant, Grant::Imds) {
        assert_eq!(request.path, format!("/{TEST_TENANT_ID}/oauth2/v2.0/token"));
        assert_eq!(body["grant_type"], "client_credentials");
        assert_eq!(body["client_id"], client_id);
        assert_eq!(body["scope"], "https://graph.microsoft.com/.default");
    }
}

fn assert_names(output: &str, needles: &[&str]) {
    for needle in needles {
        assert!(
            output.contains(needle),
            "output lacks {needle:?}:\n{}",
            tail(output)
        );
    }
}

#[test]
fn client_secret() {
    let ws = Workspace::new(Tool::Terraform);
    let run = apply_traced(&ws);
    assert_one_grant(&ws, TEST_CLIENT_ID, Grant::Secret);
    assert_no_secrets(&ws, &run.combined(), &[TEST_CLIENT_SECRET]);
}

/// `metadata_host` alone (no `graph_endpoint` / `authority_host`) finds Graph and the sign-in
/// host through the cloud's metadata document, and tokens are asked for that cloud's Graph.
#[test]
fn metadata_host_discovers_the_cloud() {
    let mut ws = Workspace::new(Tool::Terraform);
    ws.unset_env("ARM_GRAPH_ENDPOINT");
    ws.unset_env("ARM_AUTHORITY_HOST");
    let host = ws.emulator.local_addr().to_string();
    ws.set_env("ARM_METADATA_HOSTNAME", &host);
    let run = apply_traced(&ws);
    assert_no_secrets(&ws, &run.combined(), &[TEST_CLIENT_SECRET]);
    let log = ws.emulator.request_log();
    let tokens = log
        .iter()
        .filter(|r| r.path.ends_with("/oauth2/v2.0/token"))
        .count();
    assert_eq!(tokens, 1, "one token for the whole apply");
    let discovery: Vec<_> = log
        .iter()
        .filter(|r| r.path == "/metadata/endpoints")
        .collect();
    assert_eq!(discovery.len(), 1, "one discovery per Graph-using process");
    assert_eq!(discovery[0].query, "api-version=2022-09-01");
    let token = log
        .iter()
        .find(|r| r.path.ends_with("/oauth2/v2.0/token"))
        .expect("a token request");
    assert_eq!(
        token.body.as_ref().and_then(|b| b["scope"].as_str()),
        Some(format!("{}/.default", ws.emulator.base_url()).as_str()),
        "the token is for the discovered cloud's Graph"
    );
}

#[test]
fn client_secret_file() {
    let mut ws = workspace(config(None, None), Some(TEST_CLIENT_ID));
    let file = ws.work_dir().join("secret.txt");
    std::fs::write(&file, format!("{TEST_CLIENT_SECRET}\n")).expect("write secret");
    ws.set_env("ARM_CLIENT_SECRET_FILE_PATH", file.to_str().expect("utf-8"));
    let run = apply_traced(&ws);
    assert_one_grant(&ws, TEST_CLIENT_ID, Grant::Secret);
    assert_no_secrets(&ws, &run.combined(), &[TEST_CLIENT_SECRET]);
}

#[test]
fn client_certificate_base64_with_password() {
    let cert = ClientCert::generate(PFX_PASSWORD);
    let mut ws = workspace(config(Some(&cert.pem), None), Some(CERT_CLIENT_ID));
    ws.set_env("ARM_CLIENT_CERTIFICATE", &cert.base64());
    ws.set_env("ARM_CLIENT_CERTIFICATE_PASSWORD", PFX_PASSWORD);
    let run = apply_traced(&ws);
    assert_one_grant(&ws, CERT_CLIENT_ID, Grant::Assertion);
    assert_no_secrets(&ws, &run.combined(), &[&cert.base64(), PFX_PASSWORD]);
}

#[test]
fn client_certificate_path_with_password() {
    let cert = ClientCert::generate(PFX_PASSWORD);
    let mut ws = workspace(config(Some(&cert.pem), None), Some(CERT_CLIENT_ID));
    let path = ws.work_dir().join("client.pfx");
    std::fs::write(&path, &cert.pfx).expect("write pfx");
    ws.set_env("ARM_CLIENT_CERTIFICATE_PATH", path.to_str().expect("utf-8"));
    ws.set_env("ARM_CLIENT_CERTIFICATE_PASSWORD", PFX_PASSWORD);
    let run = apply_traced(&ws);
    assert_one_grant(&ws, CERT_CLIENT_ID, Grant::Assertion);
    assert_no_secrets(&ws, &run.combined(), &[&cert.base64(), PFX_PASSWORD]);
}

#[test]
fn oidc_token() {
    let issuer = OidcIssuer::new();
    let jwt = issuer.fresh_token();
    let mut ws = workspace(config(None, Some(&issuer)), Some(OIDC_CLIENT_ID));
    ws.set_env("ARM_USE_OIDC", "true");
    ws.set_env("ARM_OIDC_TOKEN", &jwt);
    let run = apply_traced(&ws);
    assert_one_grant(&ws, OIDC_CLIENT_ID, Grant::Assertion);
    assert_no_secrets(&ws, &run.combined(), &[&jwt]);
}

#[test]
fn oidc_token_file() {
    for variable in ["ARM_OIDC_TOKEN_FILE_PATH", "AZURE_FEDERATED_TOKEN_FILE"] {
        let issuer = OidcIssuer::new();
        let jwt = issuer.fresh_token();
        let mut ws = workspace(config(None, Some(&issuer)), Some(OIDC_CLIENT_ID));
        let path = ws.work_dir().join("federated-token");
        // Hand-written token files end with a newline; it is not part of the token.
        std::fs::write(&path, format!("{jwt}\n")).expect("write token");
        ws.set_env("ARM_USE_OIDC", "true");
        ws.set_env(variable, path.to_str().expect("utf-8"));
        let run = apply_traced(&ws);
        assert_one_grant(&ws, OIDC_CLIENT_ID, Grant::Assertion);
        assert_no_secrets(&ws, &run.combined(), &[&jwt]);
    }
}

#[test]
fn oidc_request_url_github_actions() {
    let issuer = OidcIssuer::new();
    let jwt = issuer.fresh_token();
    let mut ws = workspace(config(None, Some(&issuer)), Some(OIDC_CLIENT_ID));
    let github_ca = ws.work_dir().join("github-ca.pem");
    let (url, seen) = oidc_token_endpoint(&github_ca, Ci::GitHubActions, REQUEST_TOKEN, &jwt);
    // Trust both the emulator's CA and the fake GitHub endpoint's.
    let bundle = ws.work_dir().join("ca-bundle.pem");
    let both = format!(
        "{}\n{}",
        std::fs::read_to_string(ws.ca_path()).expect("emulator CA"),
        std::fs::read_to_string(&github_ca).expect("github CA")
    );
    std::fs::write(&bundle, both).expect("bundle");
    ws.set_env("SSL_CERT_FILE", bundle.to_str().expect("utf-8"));
    ws.set_env("ARM_USE_OIDC", "true");
    ws.set_env("ACTIONS_ID_TOKEN_REQUEST_URL", &url);
    ws.set_env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", REQUEST_TOKEN);
    let run = apply_traced(&ws);
    assert_one_grant(&ws, OIDC_CLIENT_ID, Grant::Assertion);
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].1, "the request token was sent as the bearer");
    assert!(seen[0]
        .0
        .starts_with("GET /_apis/token?api-version=2.0&audience="));
    assert_no_secrets(&ws, &run.combined(), &[&jwt, REQUEST_TOKEN]);
}

/// Azure DevOps: the token comes from `SYSTEM_OIDCREQUESTURI` with the build's
/// `SYSTEM_ACCESSTOKEN`, in the Azure Pipelines protocol chosen by the service connection ID.
#[test]
fn oidc_request_url_azure_pipelines() {
    const SERVICE_CONNECTION: &str = "4b3b3a8e-25b4-4d2f-9a3c-0f6e2d1c7b55";
    let issuer = OidcIssuer::new();
    let jwt = issuer.fresh_token();
    let mut ws = workspace(config(None, Some(&issuer)), Some(OIDC_CLIENT_ID));
    let ado_ca = ws.work_dir().join("ado-ca.pem");
    let ci = Ci::AzurePipelines {
        service_connection_id: SERVICE_CONNECTION,
    };
    let (url, seen) = oidc_token_endpoint(&ado_ca, ci, REQUEST_TOKEN, &jwt);
    let bundle = ws.work_dir().join("ca-bundle.pem");
    let both = format!(
        "{}\n{}",
        std::fs::read_to_string(ws.ca_path()).expect("emulator CA"),
        std::fs::read_to_string(&ado_ca).expect("ADO CA")
    );
    std::fs::write(&bundle, both).expect("bundle");
    ws.set_env("SSL_CERT_FILE", bundle.to_str().expect("utf-8"));
    ws.set_env("ARM_USE_OIDC", "true");
    ws.set_env("ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", SERVICE_CONNECTION);
    ws.set_env("SYSTEM_OIDCREQUESTURI", &url);
    ws.set_env("SYSTEM_ACCESSTOKEN", REQUEST_TOKEN);
    let run = apply_traced(&ws);
    assert_one_grant(&ws, OIDC_CLIENT_ID, Grant::Assertion);
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].1, "the build's access token was sent as the bearer");
    assert!(seen[0].0.starts_with("POST /contoso/infra/"), "{seen:?}");
    assert_no_secrets(&ws, &run.combined(), &[&jwt, REQUEST_TOKEN]);
}

/// AKS workload identity: one flag, and the rest comes from the variables AKS injects.
#[test]
fn aks_workload_identity() {
    let issuer = OidcIssuer::new();
    let jwt = issuer.fresh_token();
    let mut ws = workspace(config(None, Some(&issuer)), None);
    let tenant = ws.emulator.tenant_id().to_owned();
    ws.unset_env("ARM_TENANT_ID");
    let path = ws.work_dir().join("azure-identity-token");
    std::fs::write(&path, &jwt).expect("write token");
    ws.set_env("ARM_USE_AKS_WORKLOAD_IDENTITY", "true");
    ws.set_env("AZURE_FEDERATED_TOKEN_FILE", path.to_str().expect("utf-8"));
    ws.set_env("AZURE_CLIENT_ID", OIDC_CLIENT_ID);
    ws.set_env("AZURE_TENANT_ID", &tenant);
    let run = apply_traced(&ws);
    assert_one_grant(&ws, OIDC_CLIENT_ID, Grant::Assertion);
    assert_no_secrets(&ws, &run.combined(), &[&jwt]);
}

#[test]
fn managed_identity() {
    let mut ws = workspace(config(None, None), Some(TEST_MANAGED_IDENTITY_CLIENT_ID));
    let endpoint = format!("{}/metadata/identity/oauth2/token", ws.emulator.base_url());
    ws.set_env("ARM_USE_MSI", "true");
    ws.set_env("ARM_MSI_ENDPOINT", &endpoint);
    let run = apply_traced(&ws);
    assert_one_grant(&ws, TEST_MANAGED_IDENTITY_CLIENT_ID, Grant::Imds);
    assert_no_secrets(&ws, &run.combined(), &[]);
}

#[test]
fn azure_cli() {
    let mut ws = workspace(config(None, None), None);
    ws.unset_env("ARM_TENANT_ID");
    // The CLI's token is one the emulator issued to the test app (as if `az login` had run).
    let token = ws.block_on(async {
        let client = reqwest::Client::builder()
            .add_root_certificate(
                reqwest::Certificate::from_pem(ws.emulator.ca_pem().as_bytes()).expect("CA"),
            )
            .build()
            .expect("client");
        let response: serde_json::Value = client
            .post(ws.emulator.token_url())
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", TEST_CLIENT_ID),
                ("client_secret", TEST_CLIENT_SECRET),
                ("scope", "https://graph.microsoft.com/.default"),
            ])
            .send()
            .await
            .expect("token request")
            .json()
            .await
            .expect("token json");
        response["access_token"]
            .as_str()
            .expect("token")
            .to_string()
    });
    ws.clear_log();
    let bin = ws.work_dir().join("fake-bin");
    let invocations = fake_az(&bin, &token, TEST_TENANT_ID);
    let path = std::env::var("PATH").unwrap_or_default();
    ws.set_env("PATH", &format!("{}:{path}", bin.display()));
    let run = apply_traced(&ws);
    let counters = ws.emulator.counters();
    assert_eq!(
        counters["token_requests"],
        serde_json::json!({}),
        "{counters:#}"
    );
    let calls = std::fs::read_to_string(invocations).expect("az log");
    let token_calls: Vec<&str> = calls
        .lines()
        .filter(|l| l.contains("account get-access-token"))
        .collect();
    assert_eq!(token_calls.len(), 1, "{calls}");
    assert!(
        token_calls[0].contains("https://graph.microsoft.com"),
        "{calls}"
    );
    assert!(
        !token_calls[0].contains("--tenant"),
        "no tenant configured: {calls}"
    );
    assert_no_secrets(&ws, &run.combined(), &[&token, TEST_CLIENT_SECRET]);
}

#[test]
fn wrong_client_secret_names_method_and_aadsts() {
    let mut ws = Workspace::new(Tool::Terraform);
    let wrong = "definitely-the-wrong-secret-42";
    ws.set_env("ARM_CLIENT_SECRET", wrong);
    let output = apply_fails(&ws);
    assert_names(&output, &["client secret", "AADSTS7000215"]);
    assert_no_secrets(&ws, &output, &[wrong, TEST_CLIENT_SECRET]);
}

#[test]
fn expired_federated_token_names_method_and_aadsts() {
    let issuer = OidcIssuer::new();
    let jwt = issuer.token(now() - 7200, now() - 3600);
    let mut ws = workspace(config(None, Some(&issuer)), Some(OIDC_CLIENT_ID));
    ws.set_env("ARM_USE_OIDC", "true");
    ws.set_env("ARM_OIDC_TOKEN", &jwt);
    let output = apply_fails(&ws);
    assert_names(&output, &["OIDC", "AADSTS700024"]);
    assert_no_secrets(&ws, &output, &[&jwt]);
}

#[test]
fn wrong_certificate_password_is_named() {
    let cert = ClientCert::generate(PFX_PASSWORD);
    let mut ws = workspace(config(Some(&cert.pem), None), Some(CERT_CLIENT_ID));
    ws.set_env("ARM_CLIENT_CERTIFICATE", &cert.base64());
    ws.set_env("ARM_CLIENT_CERTIFICATE_PASSWORD", "not-the-pfx-password");
    let output = apply_fails(&ws);
    assert_names(
        &output,
        &[
            "client certificate",
            "PKCS#12",
            "client_certificate_password",
        ],
    );
    assert_eq!(
        ws.emulator.counters()["token_requests"],
        serde_json::json!({})
    );
    assert_no_secrets(
        &ws,
        &output,
        &[&cert.base64(), "not-the-pfx-password", PFX_PASSWORD],
    );
}

#[test]
fn unreachable_managed_identity_endpoint_is_named() {
    let mut ws = workspace(config(None, None), None);
    // Nothing listens on port 1.
    ws.set_env("ARM_USE_MSI", "true");
    ws.set_env(
        "ARM_MSI_ENDPOINT",
        "https://127.0.0.1:1/metadata/identity/oauth2/token",
    );
    let started = std::time::Instant::now();
    let output = apply_fails(&ws);
    assert_names(
        &output,
        &[
            "managed identity",
            "msi_endpoint",
            "cannot connect",
            "127.0.0.1:1",
        ],
    );
    assert!(
        started.elapsed().as_secs() < 60,
        "fails fast, not after the IMDS retry budget"
    );
    assert_no_secrets(&ws, &output, &[]);
}
