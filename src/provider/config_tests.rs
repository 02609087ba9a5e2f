use super::*;
use crate::plugin::diagnostics::Diagnostic;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

const TENANT: &str = "90e29127-71ad-49c7-9ce8-db3f41ea06f1";
const CLIENT: &str = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const PARTNER: &str = "11111111-2222-4333-8444-555555555555";
const SECRET: &str = "Sup3r~Secret.Value_1234";

/// A provider configuration as Terraform sends it: every argument present, null unless given.
fn config<const N: usize>(set: [(&str, Value); N]) -> Value {
    let mut m: BTreeMap<String, Value> = ARGUMENTS
        .iter()
        .map(|a| (a.name.to_string(), Value::Null))
        .collect();
    for (k, v) in set {
        assert!(m.contains_key(k), "no argument {k}");
        m.insert(k.to_string(), v);
    }
    Value::Object(m)
}

type Env = Box<dyn Fn(&str) -> Option<String>>;

fn env<const N: usize>(vars: [(&str, &str); N]) -> Env {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Box::new(move |k: &str| vars.get(k).cloned())
}

fn no_env() -> Env {
    env([])
}

fn run(
    config: &Value,
    env: &dyn Fn(&str) -> Option<String>,
) -> (Option<Settings>, Vec<Diagnostic>) {
    let mut diags = Diagnostics::new();
    let settings = resolve(config, env, &mut diags);
    (settings, diags.iter().cloned().collect())
}

fn ok(config: &Value, env: &dyn Fn(&str) -> Option<String>) -> Settings {
    let (settings, diags) = run(config, env);
    assert!(diags.is_empty(), "unexpected diagnostics: {diags:#?}");
    settings.expect("settings")
}

/// Resolution fails with exactly one error, which is returned.
fn one_error(config: &Value, env: &dyn Fn(&str) -> Option<String>) -> Diagnostic {
    let (settings, diags) = run(config, env);
    assert!(settings.is_none(), "an error must yield no settings");
    assert_eq!(diags.len(), 1, "expected one diagnostic: {diags:#?}");
    diags.into_iter().next().expect("one")
}

fn path_of(d: &Diagnostic) -> String {
    d.path.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// Looks one string argument up the way `resolve` does (for arguments `Settings` does not keep).
fn lookup(config: &Value, env: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    let mut diags = Diagnostics::new();
    let value = Resolver {
        config,
        env,
        diags: &mut diags,
    }
    .string(name);
    assert!(diags.is_empty());
    value
}

fn secret_file(contents: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    f.write_all(contents.as_bytes()).expect("write");
    f.flush().expect("flush");
    f
}

fn path_str(f: &tempfile::NamedTempFile) -> String {
    f.path().to_str().expect("utf-8 path").to_string()
}

#[test]
fn defaults_with_nothing_configured() {
    let s = ok(&config([]), &no_env());
    assert_eq!(s.tenant_id, None);
    assert_eq!(s.client_id, None);
    assert_eq!(s.client_secret, None);
    assert_eq!(s.cloud.name, "global");
    assert_eq!(s.graph_endpoint.as_str(), "https://graph.microsoft.com/");
    assert_eq!(
        s.authority_host.as_str(),
        "https://login.microsoftonline.com/"
    );
    assert_eq!(s.scope(), "https://graph.microsoft.com/.default");
    assert!(s.use_cli, "use_cli defaults to true");
    assert!(!s.use_msi);
    assert!(!s.use_oidc);
    assert!(!s.has_certificate);
    assert_eq!(
        s.partner_tag.as_deref(),
        Some("pid-222c6c49-1b0a-5959-a213-6608f9eb8820")
    );
    // A config that is not even an object (no provider block values) behaves the same.
    let s = ok(&Value::Null, &no_env());
    assert!(s.use_cli);
}

#[test]
fn configuration_beats_environment() {
    let cfg = config([
        ("tenant_id", Value::from(TENANT)),
        ("client_id", Value::from(CLIENT)),
        ("client_secret", Value::from(SECRET)),
        ("environment", Value::from("china")),
        ("graph_endpoint", Value::from("https://127.0.0.1:8443")),
        ("authority_host", Value::from("https://127.0.0.1:9443")),
        ("use_cli", Value::Bool(false)),
        ("use_msi", Value::Bool(true)),
    ]);
    let e = env([
        ("ARM_TENANT_ID", "00000000-0000-0000-0000-000000000001"),
        ("ARM_CLIENT_ID", "00000000-0000-0000-0000-000000000002"),
        ("ARM_CLIENT_SECRET", "from-env"),
        ("ARM_ENVIRONMENT", "usgovernment"),
        ("ARM_GRAPH_ENDPOINT", "https://graph.example.com"),
        ("ARM_AUTHORITY_HOST", "https://login.example.com"),
        ("ARM_USE_CLI", "true"),
        ("ARM_USE_MSI", "false"),
    ]);
    let s = ok(&cfg, &e);
    assert_eq!(s.tenant_id.as_deref(), Some(TENANT));
    assert_eq!(s.client_id.as_deref(), Some(CLIENT));
    assert_eq!(s.client_secret.as_deref(), Some(SECRET));
    assert_eq!(s.cloud.name, "china");
    assert_eq!(s.graph_endpoint.as_str(), "https://127.0.0.1:8443/");
    assert_eq!(s.authority_host.as_str(), "https://127.0.0.1:9443/");
    assert!(!s.use_cli);
    assert!(s.use_msi);
}

#[test]
fn environment_fills_in_null_and_empty_arguments() {
    let e = env([
        ("ARM_TENANT_ID", TENANT),
        ("ARM_CLIENT_ID", CLIENT),
        ("ARM_CLIENT_SECRET", SECRET),
        ("ARM_ENVIRONMENT", "usgovernment"),
        ("ARM_USE_OIDC", "true"),
        ("ARM_CLIENT_CERTIFICATE_PATH", "/tmp/cert.pfx"),
    ]);
    for cfg in [
        config([]),
        config([
            ("tenant_id", Value::from("")),
            ("client_id", Value::from("")),
        ]),
    ] {
        let s = ok(&cfg, &e);
        assert_eq!(s.tenant_id.as_deref(), Some(TENANT));
        assert_eq!(s.client_id.as_deref(), Some(CLIENT));
        assert_eq!(s.client_secret.as_deref(), Some(SECRET));
        assert_eq!(s.cloud.name, "usgovernmentl4");
        assert!(s.use_oidc);
        assert!(s.has_certificate);
    }
}

#[test]
fn blank_environment_variables_count_as_unset() {
    let s = ok(
        &config([]),
        &env([
            ("ARM_TENANT_ID", "  "),
            ("ARM_USE_CLI", ""),
            ("ARM_USE_MSI", " "),
        ]),
    );
    assert_eq!(s.tenant_id, None);
    // As in hashicorp/azuread (the SDK's EnvDefaultFunc), an empty ARM_USE_CLI keeps the
    // default rather than switching the Azure CLI off.
    assert!(s.use_cli);
    assert!(!s.use_msi);
}

#[test]
fn oidc_request_url_prefers_arm_then_github_then_azure_devops() {
    let cfg = config([]);
    let all = env([
        ("ARM_OIDC_REQUEST_URL", "https://arm.example"),
        ("ACTIONS_ID_TOKEN_REQUEST_URL", "https://github.example"),
    ]);
    assert_eq!(
        lookup(&cfg, &all, "oidc_request_url").as_deref(),
        Some("https://arm.example")
    );
    let github = env([("ACTIONS_ID_TOKEN_REQUEST_URL", "https://github.example")]);
    assert_eq!(
        lookup(&cfg, &github, "oidc_request_url").as_deref(),
        Some("https://github.example")
    );
    let ado = env([("SYSTEM_OIDCREQUESTURI", "https://ado.example")]);
    assert_eq!(
        lookup(&cfg, &ado, "oidc_request_url").as_deref(),
        Some("https://ado.example")
    );
    let github_and_ado = env([
        ("ACTIONS_ID_TOKEN_REQUEST_URL", "https://github.example"),
        ("SYSTEM_OIDCREQUESTURI", "https://ado.example"),
    ]);
    assert_eq!(
        lookup(&cfg, &github_and_ado, "oidc_request_url").as_deref(),
        Some("https://github.example")
    );
    let configured = config([("oidc_request_url", Value::from("https://config.example"))]);
    assert_eq!(
        lookup(&configured, &all, "oidc_request_url").as_deref(),
        Some("https://config.example")
    );
    assert_eq!(lookup(&cfg, &no_env(), "oidc_request_url"), None);
}

#[test]
fn oidc_request_token_falls_back_in_order() {
    let cfg = config([]);
    let e = env([
        ("ARM_OIDC_REQUEST_TOKEN", "arm"),
        ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "gh"),
    ]);
    assert_eq!(
        lookup(&cfg, &e, "oidc_request_token").as_deref(),
        Some("arm")
    );
    let e = env([
        ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "gh"),
        ("SYSTEM_ACCESSTOKEN", "ado"),
    ]);
    assert_eq!(
        lookup(&cfg, &e, "oidc_request_token").as_deref(),
        Some("gh")
    );
    let e = env([("SYSTEM_ACCESSTOKEN", "ado")]);
    assert_eq!(
        lookup(&cfg, &e, "oidc_request_token").as_deref(),
        Some("ado")
    );
}

#[test]
fn ado_service_connection_is_read_with_oidc_only() {
    let e = env([
        ("ARM_USE_OIDC", "true"),
        ("ARM_OIDC_AZURE_SERVICE_CONNECTION_ID", "sc-2"),
    ]);
    assert_eq!(
        ok(&config([]), &e).ado_service_connection_id.as_deref(),
        Some("sc-2")
    );
    let e = env([
        ("ARM_USE_OIDC", "true"),
        ("ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "sc-1"),
        ("ARM_OIDC_AZURE_SERVICE_CONNECTION_ID", "sc-2"),
    ]);
    assert_eq!(
        ok(&config([]), &e).ado_service_connection_id.as_deref(),
        Some("sc-1")
    );
    let e = env([("ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "sc-1")]);
    assert_eq!(ok(&config([]), &e).ado_service_connection_id, None);
}

#[test]
fn aks_workload_identity_takes_what_aks_injects() {
    let token_file = secret_file("eyJhbGciOi.projected.token");
    let token_path = path_str(&token_file);
    let e = env([
        ("ARM_USE_AKS_WORKLOAD_IDENTITY", "true"),
        ("AZURE_TENANT_ID", TENANT),
        ("AZURE_CLIENT_ID", CLIENT),
        ("AZURE_FEDERATED_TOKEN_FILE", &token_path),
    ]);
    let settings = ok(&config([]), &e);
    assert!(settings.use_oidc, "AKS workload identity is OIDC");
    assert_eq!(settings.tenant_id.as_deref(), Some(TENANT));
    assert_eq!(settings.client_id.as_deref(), Some(CLIENT));
    assert_eq!(
        settings.oidc_token_file_path.as_deref(),
        Some(token_path.as_str())
    );

    // The same IDs spelled differently are fine; different ones are an error naming both.
    let same = config([("tenant_id", Value::from(TENANT.to_uppercase()))]);
    assert!(run(&same, &e).0.is_some());
    let other = config([("client_id", Value::from(PARTNER))]);
    let error = one_error(&other, &e);
    assert_eq!(path_of(&error), "client_id");
    assert!(
        error.summary.contains("AZURE_CLIENT_ID"),
        "{}",
        error.summary
    );

    // Without the flag, AKS's variables other than the token file are not used.
    let e = env([("AZURE_TENANT_ID", TENANT), ("AZURE_CLIENT_ID", CLIENT)]);
    let settings = ok(&config([]), &e);
    assert_eq!((settings.tenant_id, settings.client_id), (None, None));
}

#[test]
fn authority_host_prefers_arm_over_azure_variable() {
    let both = env([
        ("ARM_AUTHORITY_HOST", "https://arm.login.example"),
        ("AZURE_AUTHORITY_HOST", "https://azure.login.example"),
    ]);
    let s = ok(&config([]), &both);
    assert_eq!(s.authority_host.as_str(), "https://arm.login.example/");
    let azure = env([("AZURE_AUTHORITY_HOST", "https://azure.login.example")]);
    let s = ok(&config([]), &azure);
    assert_eq!(s.authority_host.as_str(), "https://azure.login.example/");
    // The Graph endpoint is not affected.
    assert_eq!(s.graph_endpoint.as_str(), "https://graph.microsoft.com/");
}

#[test]
fn client_secret_file_is_read_and_trimmed() {
    let file = secret_file(&format!("  {SECRET}\n\n"));
    let s = ok(
        &config([("client_secret_file_path", Value::from(path_str(&file)))]),
        &no_env(),
    );
    assert_eq!(s.client_secret.as_deref(), Some(SECRET));

    // From the environment variable too.
    let s = ok(
        &config([]),
        &env([("ARM_CLIENT_SECRET_FILE_PATH", &path_str(&file))]),
    );
    assert_eq!(s.client_secret.as_deref(), Some(SECRET));

    // Both set and equal is fine.
    let s = ok(
        &config([
            ("client_secret", Value::from(SECRET)),
            ("client_secret_file_path", Value::from(path_str(&file))),
        ]),
        &no_env(),
    );
    assert_eq!(s.client_secret.as_deref(), Some(SECRET));
}

#[test]
fn client_id_file_is_read_and_trimmed() {
    let file = secret_file(&format!("{CLIENT}\r\n"));
    let s = ok(
        &config([]),
        &env([
            ("ARM_CLIENT_ID_FILE_PATH", &path_str(&file)),
            ("ARM_CLIENT_ID", CLIENT),
        ]),
    );
    assert_eq!(s.client_id.as_deref(), Some(CLIENT));
}

#[test]
fn secret_and_file_that_differ_is_an_error_naming_both() {
    let file = secret_file("another-secret\n");
    let d = one_error(
        &config([("client_secret_file_path", Value::from(path_str(&file)))]),
        &env([("ARM_CLIENT_SECRET", SECRET)]),
    );
    assert_eq!(path_of(&d), "client_secret");
    assert_eq!(
        d.summary,
        "client_secret and client_secret_file_path disagree"
    );
    for needle in [
        "client_secret (ARM_CLIENT_SECRET)",
        "client_secret_file_path (ARM_CLIENT_SECRET_FILE_PATH)",
    ] {
        assert!(d.detail.contains(needle), "{needle} missing: {}", d.detail);
    }
    for secret in [SECRET, "another-secret"] {
        assert!(!d.detail.contains(secret) && !d.summary.contains(secret));
    }
}

#[test]
fn client_id_and_file_that_differ_is_an_error() {
    let file = secret_file("00000000-0000-0000-0000-000000000009");
    let d = one_error(
        &config([
            ("client_id", Value::from(CLIENT)),
            ("client_id_file_path", Value::from(path_str(&file))),
        ]),
        &no_env(),
    );
    assert_eq!(path_of(&d), "client_id");
    assert!(d.detail.contains("client_id_file_path"));
    assert!(d.detail.contains("ARM_CLIENT_ID_FILE_PATH"));
}

#[test]
fn unreadable_secret_file_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no-such-secret");
    let missing = missing.to_str().expect("utf-8").to_string();
    let d = one_error(
        &config([("client_secret_file_path", Value::from(missing.clone()))]),
        &no_env(),
    );
    assert_eq!(path_of(&d), "client_secret_file_path");
    assert_eq!(d.summary, "Cannot read client_secret_file_path");
    assert!(d.detail.contains(&missing), "{}", d.detail);
    assert!(d.detail.contains("ARM_CLIENT_SECRET_FILE_PATH"));

    // A directory cannot be read as a file either.
    let d = one_error(
        &config([]),
        &env([(
            "ARM_CLIENT_SECRET_FILE_PATH",
            dir.path().to_str().expect("utf-8"),
        )]),
    );
    assert_eq!(path_of(&d), "client_secret_file_path");
}

#[test]
fn environment_aliases_pick_the_right_cloud() {
    let cases = [
        (
            "global",
            "global",
            "https://graph.microsoft.com",
            "https://login.microsoftonline.com",
        ),
        (
            "public",
            "global",
            "https://graph.microsoft.com",
            "https://login.microsoftonline.com",
        ),
        (
            "usgovernment",
            "usgovernmentl4",
            "https://graph.microsoft.us",
            "https://login.microsoftonline.us",
        ),
        (
            "usgovernmentl4",
            "usgovernmentl4",
            "https://graph.microsoft.us",
            "https://login.microsoftonline.us",
        ),
        (
            "dod",
            "usgovernmentl5",
            "https://dod-graph.microsoft.us",
            "https://login.microsoftonline.us",
        ),
        (
            "usgovernmentl5",
            "usgovernmentl5",
            "https://dod-graph.microsoft.us",
            "https://login.microsoftonline.us",
        ),
        (
            "china",
            "china",
            "https://microsoftgraph.chinacloudapi.cn",
            "https://login.partner.microsoftonline.cn",
        ),
        (
            " Public ",
            "global",
            "https://graph.microsoft.com",
            "https://login.microsoftonline.com",
        ),
        (
            "DOD",
            "usgovernmentl5",
            "https://dod-graph.microsoft.us",
            "https://login.microsoftonline.us",
        ),
    ];
    for (alias, name, graph, login) in cases {
        for s in [
            ok(&config([("environment", Value::from(alias))]), &no_env()),
            ok(&config([]), &env([("ARM_ENVIRONMENT", alias)])),
        ] {
            assert_eq!(s.cloud.name, name, "{alias}");
            assert_eq!(s.graph_endpoint.as_str(), format!("{graph}/"), "{alias}");
            assert_eq!(s.authority_host.as_str(), format!("{login}/"), "{alias}");
            assert_eq!(s.scope(), format!("{graph}/.default"), "{alias}");
        }
    }
}

#[test]
fn graph_endpoint_override_keeps_the_clouds_scope() {
    let s = ok(
        &config([
            ("environment", Value::from("usgovernment")),
            ("graph_endpoint", Value::from("https://127.0.0.1:8443")),
        ]),
        &no_env(),
    );
    assert_eq!(s.graph_endpoint.as_str(), "https://127.0.0.1:8443/");
    assert_eq!(
        s.authority_host.as_str(),
        "https://login.microsoftonline.us/"
    );
    assert_eq!(s.scope(), "https://graph.microsoft.us/.default");
}

#[test]
fn unknown_environment_is_an_error() {
    for (cfg, e) in [
        (config([("environment", Value::from("germany"))]), env([])),
        (config([]), env([("ARM_ENVIRONMENT", "AzureCloud")])),
    ] {
        let d = one_error(&cfg, &e);
        assert_eq!(path_of(&d), "environment");
        assert_eq!(d.summary, "Unknown environment");
        assert!(d.detail.contains("ARM_ENVIRONMENT"));
        assert!(d.detail.contains("usgovernmentl4"));
    }
}

#[test]
fn endpoints_must_be_https() {
    let cases = [
        (
            "graph_endpoint",
            "http://127.0.0.1:8443",
            "ARM_GRAPH_ENDPOINT",
        ),
        (
            "graph_endpoint",
            "graph.microsoft.com",
            "ARM_GRAPH_ENDPOINT",
        ),
        ("graph_endpoint", "https://", "ARM_GRAPH_ENDPOINT"),
        (
            "authority_host",
            "http://login.microsoftonline.com",
            "ARM_AUTHORITY_HOST / AZURE_AUTHORITY_HOST",
        ),
    ];
    for (name, bad, vars) in cases {
        let d = one_error(&config([(name, Value::from(bad))]), &no_env());
        assert_eq!(path_of(&d), name, "{bad}");
        assert_eq!(d.summary, format!("Invalid {name}"));
        assert!(d.detail.contains(name), "{}", d.detail);
        assert!(d.detail.contains(vars), "{}", d.detail);
        assert!(d.detail.contains(&format!("{bad:?}")), "{}", d.detail);
    }
    // From the environment, too.
    let d = one_error(
        &config([]),
        &env([("AZURE_AUTHORITY_HOST", "ftp://login.example")]),
    );
    assert_eq!(path_of(&d), "authority_host");
    let d = one_error(&config([]), &env([("ARM_GRAPH_ENDPOINT", "http://x")]));
    assert_eq!(path_of(&d), "graph_endpoint");
    assert!(d.detail.contains("ARM_GRAPH_ENDPOINT"));
}

#[test]
fn partner_id_must_be_a_guid() {
    for (cfg, e) in [
        (config([("partner_id", Value::from("acme"))]), env([])),
        (config([]), env([("ARM_PARTNER_ID", "not-a-guid")])),
    ] {
        let d = one_error(&cfg, &e);
        assert_eq!(path_of(&d), "partner_id");
        assert_eq!(d.summary, "Invalid partner_id");
        assert!(d.detail.contains("ARM_PARTNER_ID"));
    }
}

#[test]
fn partner_tag_follows_partner_id_and_the_disable_flag() {
    let s = ok(&config([("partner_id", Value::from(PARTNER))]), &no_env());
    assert_eq!(s.partner_tag, Some(format!("pid-{PARTNER}")));

    let s = ok(
        &config([("disable_terraform_partner_id", Value::Bool(true))]),
        &no_env(),
    );
    assert_eq!(s.partner_tag, None);
    let s = ok(
        &config([]),
        &env([("ARM_DISABLE_TERRAFORM_PARTNER_ID", "true")]),
    );
    assert_eq!(s.partner_tag, None);

    // An explicit partner ID is still sent when only Terraform's is disabled.
    let s = ok(
        &config([("disable_terraform_partner_id", Value::Bool(true))]),
        &env([("ARM_PARTNER_ID", PARTNER)]),
    );
    assert_eq!(s.partner_tag, Some(format!("pid-{PARTNER}")));

    let s = ok(
        &config([("disable_terraform_partner_id", Value::Bool(false))]),
        &no_env(),
    );
    assert_eq!(
        s.partner_tag.as_deref(),
        Some("pid-222c6c49-1b0a-5959-a213-6608f9eb8820")
    );
}

#[test]
fn boolean_environment_variables() {
    for (raw, expected) in [
        ("true", true),
        ("TRUE", true),
        ("1", true),
        (" t ", true),
        ("false", false),
        ("False", false),
        ("0", false),
        ("f", false),
    ] {
        let s = ok(&config([]), &env([("ARM_USE_CLI", raw)]));
        assert_eq!(s.use_cli, expected, "ARM_USE_CLI={raw:?}");
        let s = ok(&config([]), &env([("ARM_USE_MSI", raw)]));
        assert_eq!(s.use_msi, expected, "ARM_USE_MSI={raw:?}");
    }
}

#[test]
fn bad_boolean_in_environment_is_an_error() {
    let d = one_error(&config([]), &env([("ARM_USE_CLI", "maybe")]));
    assert_eq!(path_of(&d), "use_cli");
    assert_eq!(d.summary, "Invalid boolean in environment");
    assert!(d.detail.contains("ARM_USE_CLI"));
    assert!(d.detail.contains("\"maybe\""));

    let d = one_error(&config([]), &env([("ARM_USE_OIDC", "enabled")]));
    assert_eq!(path_of(&d), "use_oidc");

    // A configured value wins, so the bad variable is never looked at.
    let s = ok(
        &config([("use_cli", Value::Bool(true))]),
        &env([("ARM_USE_CLI", "maybe")]),
    );
    assert!(s.use_cli);
}

#[test]
fn unknown_provider_arguments_are_errors() {
    for name in [
        "tenant_id",
        "client_secret",
        "client_secret_file_path",
        "environment",
        "graph_endpoint",
        "partner_id",
        "use_cli",
        "disable_terraform_partner_id",
    ] {
        let (settings, diags) = run(&config([(name, Value::unknown())]), &no_env());
        assert!(settings.is_none(), "{name}");
        assert_eq!(diags.len(), 1, "{name}: {diags:#?}");
        let d = &diags[0];
        assert_eq!(path_of(d), name);
        assert_eq!(d.summary, "Provider argument not known yet");
        assert!(
            d.detail.contains("must be known at plan time"),
            "{}",
            d.detail
        );
        assert!(d.detail.starts_with(name));
        assert!(d.detail.contains("ARM_"), "{}", d.detail);
    }
    // An unknown value does not silently fall back to the environment.
    let (settings, _) = run(
        &config([("tenant_id", Value::unknown())]),
        &env([("ARM_TENANT_ID", TENANT)]),
    );
    assert!(settings.is_none());
}

#[test]
fn debug_output_never_contains_the_secret() {
    let s = ok(
        &config([
            ("tenant_id", Value::from(TENANT)),
            ("client_id", Value::from(CLIENT)),
            ("client_secret", Value::from(SECRET)),
        ]),
        &no_env(),
    );
    for text in [format!("{s:?}"), format!("{s:#?}")] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
        assert!(text.contains(TENANT), "{text}");
    }

    let file = secret_file(SECRET);
    let s = ok(
        &config([]),
        &env([("ARM_CLIENT_SECRET_FILE_PATH", &path_str(&file))]),
    );
    assert_eq!(s.client_secret.as_deref(), Some(SECRET));
    assert!(!format!("{s:?}").contains(SECRET));

    let s = ok(&config([]), &no_env());
    assert!(!format!("{s:?}").contains("<redacted>"));
}

#[test]
fn certificate_settings_are_noticed() {
    let s = ok(
        &config([("client_certificate", Value::from("MIIKbase64"))]),
        &no_env(),
    );
    assert!(s.has_certificate);
    let s = ok(
        &config([]),
        &env([("ARM_CLIENT_CERTIFICATE_PATH", "/secure/cert.pfx")]),
    );
    assert!(s.has_certificate);
}

#[test]
fn the_cloud_table_has_the_documented_aliases() {
    let aliases: Vec<&str> = CLOUDS
        .iter()
        .flat_map(|(names, _)| names.iter().copied())
        .collect();
    for alias in [
        "global",
        "public",
        "usgovernmentl4",
        "usgovernment",
        "usgovernmentl5",
        "dod",
        "china",
    ] {
        assert!(aliases.contains(&alias), "{alias}");
    }
    for (_, cloud) in CLOUDS {
        assert!(cloud.graph.starts_with("https://") && !cloud.graph.ends_with('/'));
        assert!(cloud.login.starts_with("https://") && !cloud.login.ends_with('/'));
    }
}

#[test]
fn oidc_token_and_its_file_must_agree() {
    let file = secret_file("header.claims.signature\n");
    let s = ok(
        &config([("use_oidc", Value::Bool(true))]),
        &env([("ARM_OIDC_TOKEN_FILE_PATH", &path_str(&file))]),
    );
    assert_eq!(s.oidc_token.as_deref(), Some("header.claims.signature"));
    assert_eq!(
        s.oidc_token_file_path.as_deref(),
        Some(path_str(&file).as_str())
    );
    let d = one_error(
        &config([
            ("use_oidc", Value::Bool(true)),
            ("oidc_token", Value::from("other.token.value")),
        ]),
        &env([("AZURE_FEDERATED_TOKEN_FILE", &path_str(&file))]),
    );
    assert_eq!(path_of(&d), "oidc_token");
    assert_eq!(d.summary, "oidc_token and oidc_token_file_path disagree");
    assert!(!d.detail.contains("other.token.value"));
    assert!(!d.detail.contains("header.claims.signature"));
}

#[test]
fn oidc_and_msi_inputs_are_only_read_when_switched_on() {
    let e = env([
        ("ARM_OIDC_TOKEN_FILE_PATH", "/nonexistent/token"),
        ("ARM_OIDC_REQUEST_URL", "http://not-https.example"),
        ("ARM_MSI_ENDPOINT", "not a url"),
    ]);
    let s = ok(&config([]), &e);
    assert_eq!(s.oidc_token, None);
    assert_eq!(s.msi_endpoint, None);
    let (settings, diags) = run(
        &config([
            ("use_oidc", Value::Bool(true)),
            ("use_msi", Value::Bool(true)),
        ]),
        &e,
    );
    assert!(settings.is_none());
    let paths: Vec<String> = diags.iter().map(path_of).collect();
    assert_eq!(
        paths,
        ["oidc_token_file_path", "oidc_request_url", "msi_endpoint"]
    );
}

#[test]
fn msi_endpoint_may_be_http_but_oidc_request_url_must_be_https() {
    let s = ok(
        &config([("use_msi", Value::Bool(true))]),
        &env([(
            "ARM_MSI_ENDPOINT",
            "http://169.254.169.254/metadata/identity/oauth2/token",
        )]),
    );
    assert_eq!(
        s.msi_endpoint.as_ref().map(Url::as_str),
        Some("http://169.254.169.254/metadata/identity/oauth2/token")
    );
    let s = ok(
        &config([("use_oidc", Value::Bool(true))]),
        &env([(
            "ACTIONS_ID_TOKEN_REQUEST_URL",
            "https://pipelines.actions.githubusercontent.com/abc/_apis/token?api-version=2.0",
        )]),
    );
    assert!(s.oidc_request_url.is_some());
}

#[test]
fn token_exchange_audience_follows_the_cloud() {
    for (environment, audience) in [
        ("public", "api://AzureADTokenExchange"),
        ("usgovernment", "api://AzureADTokenExchangeUSGov"),
        ("dod", "api://AzureADTokenExchangeUSGov"),
        ("china", "api://AzureADTokenExchangeChina"),
    ] {
        let s = ok(&config([]), &env([("ARM_ENVIRONMENT", environment)]));
        assert_eq!(s.cloud.token_exchange_audience, audience, "{environment}");
    }
}

#[test]
fn debug_output_redacts_every_credential() {
    let s = ok(
        &config([
            ("use_oidc", Value::Bool(true)),
            ("client_certificate", Value::from("MIIKcertificate-bytes")),
            ("client_certificate_password", Value::from("pfx-password-9")),
            ("oidc_token", Value::from("eyJ.oidc.token")),
            ("oidc_request_token", Value::from("gh-request-token")),
        ]),
        &no_env(),
    );
    let text = format!("{s:?}");
    for secret in [
        "MIIKcertificate-bytes",
        "pfx-password-9",
        "eyJ.oidc.token",
        "gh-request-token",
    ] {
        assert!(!text.contains(secret), "{text}");
    }
}

#[test]
fn metadata_host_is_a_host_name() {
    for (raw, expected) in [
        ("management.azure.com", "management.azure.com"),
        ("https://management.azure.com/", "management.azure.com"),
        ("127.0.0.1:8443", "127.0.0.1:8443"),
    ] {
        let e = env([("ARM_METADATA_HOSTNAME", raw)]);
        assert_eq!(ok(&config([]), &e).metadata_host.as_deref(), Some(expected));
    }
    for raw in [
        "http://management.azure.com",
        "management.azure.com/metadata",
        "a b",
    ] {
        let error = one_error(&config([("metadata_host", Value::from(raw))]), &no_env());
        assert_eq!(path_of(&error), "metadata_host", "{raw}");
    }
    let settings = ok(&config([]), &no_env());
    assert_eq!(settings.metadata_host, None);
    assert!(!settings.graph_endpoint_configured && !settings.authority_host_configured);
    let e = env([("ARM_GRAPH_ENDPOINT", "https://127.0.0.1:9")]);
    assert!(ok(&config([]), &e).graph_endpoint_configured);
}

#[test]
fn a_retired_hashicorp_argument_names_itself_and_points_to_the_side_by_side_docs() {
    let mut m = match config([]) {
        Value::Object(m) => m,
        _ => unreachable!(),
    };
    m.insert("use_microsoft_graph".into(), Value::Bool(true));
    let d = one_error(&Value::Object(m), &*no_env());
    assert_eq!(
        d.summary,
        "use_microsoft_graph is a hashicorp/azuread argument"
    );
    assert!(
        d.detail.contains("Side by side with hashicorp/azuread"),
        "{}",
        d.detail
    );
    assert!(d.detail.contains("Remove it"), "{}", d.detail);
}
