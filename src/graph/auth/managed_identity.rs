//! Managed identity (reference §5.5) through azure_identity's `ManagedIdentityCredential`: IMDS
//! on VMs, or the App Service endpoint when `IDENTITY_ENDPOINT` / `IDENTITY_HEADER` are set.
//!
//! azure_identity 1.x has no option for a custom endpoint, so `msi_endpoint` is honoured by the
//! transport: requests the credential makes go to `msi_endpoint` with the credential's own query
//! (`api-version`, `resource`, `client_id`). A connection failure is reported at once, naming the
//! endpoint, instead of being retried for the 72 s IMDS retry budget: no listener there means no
//! managed identity on this host.

use std::sync::Arc;

use async_trait::async_trait;
use azure_core::error::ErrorKind;
use azure_core::http::{AsyncRawResponse, ClientOptions, HttpClient, Request, Transport, Url};
use azure_identity::{ManagedIdentityCredential, ManagedIdentityCredentialOptions, UserAssignedId};

use super::credential::azure_credential_token_source;
use super::token::TokenSource;
use crate::graph::error::GraphError;

/// Where IMDS answers when no `msi_endpoint` is given.
pub const DEFAULT_IMDS_ENDPOINT: &str = "http://169.254.169.254/metadata/identity/oauth2/token";

#[derive(Debug)]
struct ManagedIdentityTransport {
    http: reqwest::Client,
    endpoint: Option<Url>,
}

impl ManagedIdentityTransport {
    fn target(&self, requested: &Url) -> Url {
        let Some(endpoint) = &self.endpoint else {
            return requested.clone();
        };
        let mut url = endpoint.clone();
        if let Some(query) = requested.query() {
            let merged = match endpoint.query() {
                Some(own) if !own.is_empty() => format!("{own}&{query}"),
                _ => query.to_owned(),
            };
            url.set_query(Some(&merged));
        }
        url
    }
}

fn causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut current = error.source();
    while let Some(level) = current {
        let part = level.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        current = level.source();
    }
    text
}

#[async_trait]
impl HttpClient for ManagedIdentityTransport {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let mut request = request.clone();
        let url = self.target(request.url());
        let shown = format!("{}{}", url.origin().ascii_serialization(), url.path());
        *request.url_mut() = url;
        log::debug!("graph: requesting a managed identity token from {shown}");
        match self.http.execute_request(&request).await {
            Err(error) if matches!(error.kind(), ErrorKind::Connection) => {
                Err(azure_core::Error::with_message(
                    ErrorKind::Other,
                    format!(
                        "cannot connect to the managed identity endpoint {shown} (msi_endpoint / ARM_MSI_ENDPOINT): {}",
                        causes(&error)
                    ),
                ))
            }
            other => other,
        }
    }
}

/// A token source for the host's managed identity; `client_id` selects a user-assigned one.
pub fn managed_identity_token_source(
    endpoint: Option<&url::Url>,
    client_id: Option<&str>,
    scope: &str,
    http: reqwest::Client,
) -> Result<Arc<dyn TokenSource>, GraphError> {
    let transport = ManagedIdentityTransport {
        http,
        endpoint: endpoint.cloned(),
    };
    let options = ManagedIdentityCredentialOptions {
        user_assigned_id: client_id.map(|id| UserAssignedId::ClientId(id.to_owned())),
        client_options: ClientOptions {
            transport: Some(Transport::new(Arc::new(transport))),
            ..ClientOptions::default()
        },
    };
    let credential = ManagedIdentityCredential::new(Some(options))
        .map_err(|e| GraphError::Config(format!("managed identity credential: {e}")))?;
    let shown = endpoint.map_or(DEFAULT_IMDS_ENDPOINT, url::Url::as_str);
    let who = client_id.map_or_else(
        || "system-assigned".to_owned(),
        |id| format!("user-assigned {id}"),
    );
    Ok(azure_credential_token_source(
        credential,
        scope,
        &format!("managed identity ({who}): token request to {shown}"),
        Vec::new(),
    ))
}
