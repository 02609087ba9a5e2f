//! Workload identity federation (reference §5.4): an external OIDC token is the client assertion.
//!
//! The token comes from a value (`oidc_token`), from a file read at every token request so that
//! rotated tokens keep working (`oidc_token_file_path`, `AZURE_FEDERATED_TOKEN_FILE`), or from the
//! GitHub Actions token endpoint (`oidc_request_url` + `oidc_request_token`), asked for the
//! cloud's token-exchange audience. All three feed azure_identity's `ClientAssertionCredential`.
//! (azure_identity's `WorkloadIdentityCredential` is not used for the file: it does not trim the
//! trailing newline that hand-written token files usually end with.)

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use azure_core::credentials::{Secret, TokenCredential};
use azure_core::error::ErrorKind;
use azure_core::http::ClientMethodOptions;
use azure_identity::{
    ClientAssertion, ClientAssertionCredential, ClientAssertionCredentialOptions,
};

use super::credential::{azure_client_options, azure_credential_token_source, token_endpoint};
use super::token::TokenSource;
use crate::graph::error::GraphError;

/// Where the federated (external) token comes from.
pub enum FederatedSource {
    /// The token itself.
    Token(String),
    /// A file holding the token, re-read when it changes.
    File(PathBuf),
    /// GitHub Actions: `GET {url}&audience={audience}` with `Authorization: Bearer {bearer}`.
    Request {
        url: url::Url,
        bearer: String,
        audience: String,
    },
    /// Azure Pipelines: `POST {url}?api-version=7.1&serviceConnectionId={id}` with the build's
    /// `SYSTEM_ACCESSTOKEN` as bearer; the answer is `{"oidcToken": ...}`.
    AzurePipelines {
        url: url::Url,
        bearer: String,
        service_connection_id: String,
    },
}

/// Which CI system's OIDC token endpoint [`RequestedAssertion`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RequestProtocol {
    GitHubActions,
    AzurePipelines,
}

/// A fixed token given by the user.
struct StaticAssertion(Secret);

impl fmt::Debug for StaticAssertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticAssertion(<redacted>)")
    }
}

#[async_trait]
impl ClientAssertion for StaticAssertion {
    async fn secret(&self, _: Option<ClientMethodOptions<'_>>) -> azure_core::Result<String> {
        Ok(self.0.secret().to_owned())
    }
}

/// Reads the token file each time an assertion is needed (about once an hour).
struct FileAssertion(PathBuf);

impl fmt::Debug for FileAssertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FileAssertion").field(&self.0).finish()
    }
}

#[async_trait]
impl ClientAssertion for FileAssertion {
    async fn secret(&self, _: Option<ClientMethodOptions<'_>>) -> azure_core::Result<String> {
        let text = tokio::fs::read_to_string(&self.0).await.map_err(|e| {
            request_error(format!(
                "cannot read the OIDC token file {} (oidc_token_file_path / ARM_OIDC_TOKEN_FILE_PATH / AZURE_FEDERATED_TOKEN_FILE): {e}",
                self.0.display()
            ))
        })?;
        let token = text.trim();
        if token.is_empty() {
            return Err(request_error(format!(
                "the OIDC token file {} is empty",
                self.0.display()
            )));
        }
        Ok(token.to_owned())
    }
}

/// Asks a CI system's OIDC endpoint for a token each time an assertion is needed.
struct RequestedAssertion {
    http: reqwest::Client,
    url: url::Url,
    bearer: Secret,
    protocol: RequestProtocol,
}

impl fmt::Debug for RequestedAssertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestedAssertion")
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

/// GitHub answers `{"value": ...}`, Azure Pipelines `{"oidcToken": ...}`.
#[derive(serde::Deserialize)]
struct RequestedToken {
    value: Option<String>,
    #[serde(rename = "oidcToken")]
    oidc_token: Option<String>,
}

fn request_error(message: String) -> azure_core::Error {
    azure_core::Error::with_message(ErrorKind::Credential, message)
}

#[async_trait]
impl ClientAssertion for RequestedAssertion {
    async fn secret(&self, _: Option<ClientMethodOptions<'_>>) -> azure_core::Result<String> {
        let shown = format!(
            "{}{}",
            self.url.origin().ascii_serialization(),
            self.url.path()
        );
        log::debug!("graph: requesting an OIDC token from {shown}");
        let request = match self.protocol {
            RequestProtocol::GitHubActions => self.http.get(self.url.clone()),
            // An empty POST; the header keeps Azure DevOps from redirecting to a sign-in page.
            RequestProtocol::AzurePipelines => self
                .http
                .post(self.url.clone())
                .header("content-length", "0")
                .header("x-tfs-fedauthredirect", "Suppress"),
        };
        let response = request
            .bearer_auth(self.bearer.secret())
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| {
                request_error(format!(
                    "the OIDC token request to {shown} (oidc_request_url) failed: {e}"
                ))
            })?;
        let status = response.status();
        let (field, advice) = match self.protocol {
            RequestProtocol::GitHubActions => ("value", "check oidc_request_token (ARM_OIDC_REQUEST_TOKEN / ACTIONS_ID_TOKEN_REQUEST_TOKEN) and that the workflow has `permissions: id-token: write`"),
            RequestProtocol::AzurePipelines => ("oidcToken", "check ado_pipeline_service_connection_id (ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID) and that the pipeline maps SYSTEM_ACCESSTOKEN into the environment (oidc_request_token)"),
        };
        if !status.is_success() {
            return Err(request_error(format!(
                "the OIDC token request to {shown} (oidc_request_url) returned HTTP {}; {advice}",
                status.as_u16()
            )));
        }
        let body: RequestedToken = response.json().await.map_err(|e| {
            request_error(format!(
                "the OIDC token response from {shown} is not JSON with a \"{field}\": {e}"
            ))
        })?;
        let token = match self.protocol {
            RequestProtocol::GitHubActions => body.value,
            RequestProtocol::AzurePipelines => body.oidc_token,
        };
        token.filter(|v| !v.is_empty()).ok_or_else(|| {
            request_error(format!(
                "the OIDC token response from {shown} has no \"{field}\""
            ))
        })
    }
}

fn requested(
    http: reqwest::Client,
    url: url::Url,
    bearer: String,
    protocol: RequestProtocol,
) -> RequestedAssertion {
    RequestedAssertion {
        http,
        url,
        bearer: Secret::new(bearer),
        protocol,
    }
}

/// A credential, how messages name it, and the secrets to scrub from those messages.
type LabelledCredential = (Arc<dyn TokenCredential>, String, Vec<Secret>);

/// A credential that asks a CI system for the federated token: with its label for messages and
/// the request token to scrub from them.
fn requested_credential(
    tenant_id: &str,
    client_id: &str,
    assertion: RequestedAssertion,
    options: ClientAssertionCredentialOptions,
) -> Result<LabelledCredential, GraphError> {
    let (label, bearer) = (assertion.label(), assertion.bearer.clone());
    let credential = ClientAssertionCredential::new(
        tenant_id.to_owned(),
        client_id.to_owned(),
        assertion,
        Some(options),
    )
    .map_err(|e| GraphError::Config(format!("OIDC (federated) credential: {e}")))?;
    Ok((credential, label, vec![bearer]))
}

impl RequestedAssertion {
    /// Names the endpoint (without its query) in messages.
    fn label(&self) -> String {
        let system = match self.protocol {
            RequestProtocol::GitHubActions => "",
            RequestProtocol::AzurePipelines => "Azure Pipelines ",
        };
        format!(
            "{system}OIDC token from {}{} (oidc_request_url)",
            self.url.origin().ascii_serialization(),
            self.url.path()
        )
    }
}

/// A token source that authenticates as `client_id` with a federated token.
pub fn federated_token_source(
    authority_host: &url::Url,
    tenant_id: &str,
    client_id: &str,
    source: FederatedSource,
    scope: &str,
    http: reqwest::Client,
) -> Result<Arc<dyn TokenSource>, GraphError> {
    let client_options = azure_client_options(authority_host, http.clone())?;
    let endpoint = token_endpoint(authority_host, tenant_id);
    let options = ClientAssertionCredentialOptions { client_options };
    let config_error =
        |e: azure_core::Error| GraphError::Config(format!("OIDC (federated) credential: {e}"));
    let (credential, label, secrets): LabelledCredential = match source {
        FederatedSource::Token(token) => {
            let secret = Secret::new(token);
            let credential = ClientAssertionCredential::new(
                tenant_id.to_owned(),
                client_id.to_owned(),
                StaticAssertion(secret.clone()),
                Some(options),
            )
            .map_err(config_error)?;
            (
                credential,
                "OIDC token (oidc_token)".to_owned(),
                vec![secret],
            )
        }
        FederatedSource::File(path) => {
            let label = format!("OIDC token file {}", path.display());
            let credential = ClientAssertionCredential::new(
                tenant_id.to_owned(),
                client_id.to_owned(),
                FileAssertion(path),
                Some(options),
            )
            .map_err(config_error)?;
            (credential, label, Vec::new())
        }
        FederatedSource::Request {
            mut url,
            bearer,
            audience,
        } => {
            url.query_pairs_mut().append_pair("audience", &audience);
            let assertion = requested(http, url, bearer, RequestProtocol::GitHubActions);
            requested_credential(tenant_id, client_id, assertion, options)?
        }
        FederatedSource::AzurePipelines {
            mut url,
            bearer,
            service_connection_id,
        } => {
            url.query_pairs_mut()
                .append_pair("api-version", "7.1")
                .append_pair("serviceConnectionId", &service_connection_id);
            let assertion = requested(http, url, bearer, RequestProtocol::AzurePipelines);
            requested_credential(tenant_id, client_id, assertion, options)?
        }
    };
    Ok(azure_credential_token_source(
        credential,
        scope,
        &format!("{label}: token request to {endpoint}"),
        secrets,
    ))
}
