//! The provider's settings once the block and the `ARM_*` variables are resolved.

use super::clouds::Cloud;
use url::Url;

/// Everything the provider needs after resolution. Secrets stay here and are never logged.
#[derive(Clone)]
pub struct Settings {
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub cloud: Cloud,
    pub graph_endpoint: Url,
    pub authority_host: Url,
    /// Whether `graph_endpoint` / `authority_host` were set (they win over a discovered cloud).
    pub graph_endpoint_configured: bool,
    pub authority_host_configured: bool,
    /// Host to discover the cloud from (`metadata_host`), e.g. `management.azure.com`.
    pub metadata_host: Option<String>,
    /// The Graph resource of a discovered cloud, which replaces `cloud.graph` in the scope.
    pub graph_resource: Option<String>,
    /// `pid-<guid>` for the User-Agent, if any.
    pub partner_tag: Option<String>,
    pub use_cli: bool,
    pub use_msi: bool,
    pub use_oidc: bool,
    pub has_certificate: bool,
    /// Base64 PKCS#12 (`client_certificate`).
    pub client_certificate: Option<String>,
    pub client_certificate_path: Option<String>,
    pub client_certificate_password: Option<String>,
    /// The federated token (from `oidc_token`, or read from `oidc_token_file_path`); only
    /// resolved with `use_oidc`.
    pub oidc_token: Option<String>,
    /// Re-read as it rotates (AKS); takes precedence over the value read at configure time.
    pub oidc_token_file_path: Option<String>,
    pub oidc_request_url: Option<Url>,
    pub oidc_request_token: Option<String>,
    /// With it, `oidc_request_url` speaks the Azure Pipelines protocol.
    pub ado_service_connection_id: Option<String>,
    /// Only resolved with `use_msi`.
    pub msi_endpoint: Option<Url>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("cloud", &self.cloud.name)
            .field("graph_endpoint", &self.graph_endpoint.as_str())
            .field("authority_host", &self.authority_host.as_str())
            .field("metadata_host", &self.metadata_host)
            .field("use_cli", &self.use_cli)
            .field("use_msi", &self.use_msi)
            .field("use_oidc", &self.use_oidc)
            .field(
                "client_certificate",
                &self.client_certificate.as_ref().map(|_| "<redacted>"),
            )
            .field("client_certificate_path", &self.client_certificate_path)
            .field(
                "client_certificate_password",
                &self
                    .client_certificate_password
                    .as_ref()
                    .map(|_| "<redacted>"),
            )
            .field(
                "oidc_token",
                &self.oidc_token.as_ref().map(|_| "<redacted>"),
            )
            .field("oidc_token_file_path", &self.oidc_token_file_path)
            .field(
                "oidc_request_url",
                &self.oidc_request_url.as_ref().map(Url::as_str),
            )
            .field(
                "oidc_request_token",
                &self.oidc_request_token.as_ref().map(|_| "<redacted>"),
            )
            .field("ado_service_connection_id", &self.ado_service_connection_id)
            .field("msi_endpoint", &self.msi_endpoint.as_ref().map(Url::as_str))
            .finish()
    }
}

impl Settings {
    /// The `.default` scope of the cloud's Graph resource (kept even when `graph_endpoint`
    /// points elsewhere, e.g. at a proxy or the local emulator).
    pub fn scope(&self) -> String {
        let resource = self.graph_resource.as_deref().unwrap_or(self.cloud.graph);
        format!("{}/.default", resource.trim_end_matches('/'))
    }
}
