//! The in-process Graph emulator, and a provider started against it.

use graph_emulator::{
    Emulator, EmulatorConfig, LoggedRequest, TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_TENANT_ID,
};
use terraform_provider_azuread::proto::tfplugin6 as pb;
use terraform_provider_azuread::proto::tfplugin6::provider_client::ProviderClient;
use tonic::transport::Channel;

use crate::harness::{Launch, Plugin};
use crate::values::{assert_no_errors, dv, provider_config, provider_type};

pub const PARTNERS_PATH: &str = "/v1.0/policies/crossTenantAccessPolicy/partners";

pub struct Env {
    pub emu: Emulator,
    pub plugin: Plugin,
    pub client: ProviderClient<Channel>,
    _ca_dir: tempfile::TempDir,
}

/// Starts an emulator on 127.0.0.1:0 and a provider whose ARM_* and SSL_CERT_FILE point at it,
/// then configures the provider (credentials from the environment only). It logs at debug
/// level, so tests can assert on what it logs, and that no secret is ever among it.
pub async fn start() -> Env {
    let emu = Emulator::start(
        "127.0.0.1:0".parse().expect("addr"),
        EmulatorConfig::for_tests(),
    )
    .await
    .expect("emulator starts");
    let ca_dir = tempfile::tempdir().expect("ca dir");
    let ca = ca_dir.path().join("emulator-ca.pem");
    emu.write_ca(&ca).expect("write CA");
    let base = emu.base_url();
    let plugin = Launch::new()
        .env("SSL_CERT_FILE", &ca.display().to_string())
        .env("ARM_GRAPH_ENDPOINT", &base)
        .env("ARM_AUTHORITY_HOST", &base)
        .env("ARM_TENANT_ID", TEST_TENANT_ID)
        .env("ARM_CLIENT_ID", TEST_CLIENT_ID)
        .env("ARM_CLIENT_SECRET", TEST_CLIENT_SECRET)
        .env("ARM_USE_CLI", "false")
        .env("TF_LOG_PROVIDER", "debug")
        .start()
        .await;
    let mut client = plugin.provider().await;
    let configured = client
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.11.0".to_string(),
            config: Some(dv(&provider_config(), &provider_type())),
            client_capabilities: None,
        })
        .await
        .expect("ConfigureProvider")
        .into_inner();
    assert_no_errors(&configured.diagnostics, "ConfigureProvider");
    Env {
        emu,
        plugin,
        client,
        _ca_dir: ca_dir,
    }
}

impl Env {
    /// The Graph API requests the emulator logged (token requests left out).
    pub fn graph_requests(&self) -> Vec<LoggedRequest> {
        self.emu
            .request_log()
            .into_iter()
            .filter(|r| r.path.starts_with("/v1.0/"))
            .collect()
    }

    /// The Graph API requests as `(method, path, status)`.
    pub fn summary(&self) -> Vec<(String, String, u16)> {
        self.graph_requests()
            .into_iter()
            .map(|r| (r.method, r.path, r.status))
            .collect()
    }
}
