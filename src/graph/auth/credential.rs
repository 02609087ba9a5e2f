//! `azure_identity` credentials as [`TokenSource`]s, sharing our HTTP client and cached once per
//! process. This file holds the shared plumbing and the client secret; the certificate,
//! federated (OIDC), managed identity and Azure CLI credentials live in sibling modules.
//!
//! azure_identity 1.x has no authority-host field on `ClientSecretCredentialOptions`; the
//! supported override is `ClientOptions::cloud = CloudConfiguration::Custom` whose
//! `authority_host` the credential uses for `{host}/{tenant}/oauth2/v2.0/token` (it must be
//! https, and `AZURE_AUTHORITY_HOST` is then not consulted). Our `reqwest::Client` becomes the
//! transport through `ClientOptions::transport = Transport::new(Arc<dyn HttpClient>)`, so the
//! token endpoint trusts the same roots as Graph calls.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use azure_core::credentials::{Secret, TokenCredential};
use azure_core::error::ErrorKind;
use azure_core::http::{ClientOptions, Transport};
use azure_core::time::OffsetDateTime;
use azure_identity::{
    AzureCliCredential, AzureCliCredentialOptions, ClientSecretCredential,
    ClientSecretCredentialOptions,
};
use tokio::task::JoinError;
use tokio_util::task::AbortOnDropHandle;

use super::token::{CachedTokenSource, FetchedToken, TokenFetcher, TokenSource};
use crate::graph::error::GraphError;

/// Fetches tokens from any `azure_identity` credential; [`CachedTokenSource`] caches them.
struct AzureCredentialFetcher {
    credential: Arc<dyn TokenCredential>,
    scope: String,
    /// The method and where tokens come from, for messages, e.g.
    /// `client secret: token request to https://login.../oauth2/v2.0/token`.
    origin: String,
    /// Secrets to scrub from error text, in case a service ever echoes one back.
    scrubbed: Vec<Secret>,
}

#[async_trait]
impl TokenFetcher for AzureCredentialFetcher {
    async fn fetch(&self) -> Result<FetchedToken, GraphError> {
        log::debug!("graph: requesting an access token ({})", self.origin);
        // azure_identity 1.0 panics on some answers (an `expires_in` too large for a date), so
        // the request runs as its own task: a panic there becomes an error, not a dead plugin.
        let (credential, scope) = (self.credential.clone(), self.scope.clone());
        let request = AbortOnDropHandle::new(tokio::spawn(async move {
            credential.get_token(&[scope.as_str()], None).await
        }));
        let token = match request.await {
            Ok(answer) => {
                answer.map_err(|error| auth_error(&error, &self.origin, &self.scrubbed))?
            }
            Err(failure) => return Err(unusable_answer(failure, &self.origin, &self.scrubbed)),
        };
        let lifetime = token.expires_on - OffsetDateTime::now_utc();
        Ok(FetchedToken {
            secret: token.token.secret().to_owned(),
            expires_in: Duration::try_from(lifetime).unwrap_or_default(),
        })
    }
}

/// `ClientOptions` for any `azure_identity` credential: token requests go to `authority_host`
/// (https only) through our shared `http` client.
pub fn azure_client_options(
    authority_host: &url::Url,
    http: reqwest::Client,
) -> Result<ClientOptions, GraphError> {
    if authority_host.scheme() != "https" {
        return Err(GraphError::Config(format!(
            "authority host {authority_host} must use https"
        )));
    }
    let mut cloud = CustomConfiguration::default();
    cloud.authority_host = authority_host.as_str().trim_end_matches('/').to_owned();
    Ok(ClientOptions {
        cloud: Some(Arc::new(CloudConfiguration::from(cloud))),
        transport: Some(Transport::new(Arc::new(http))),
        ..ClientOptions::default()
    })
}

/// Wraps any `azure_identity` credential (certificate, assertion, managed identity, CLI...) in
/// the process-wide token cache, with the same error mapping as the client-secret one.
/// `origin` names where tokens come from in error messages; `secrets` are scrubbed from them.
pub fn azure_credential_token_source(
    credential: Arc<dyn TokenCredential>,
    scope: &str,
    origin: &str,
    secrets: Vec<Secret>,
) -> Arc<dyn TokenSource> {
    Arc::new(CachedTokenSource::new(Arc::new(AzureCredentialFetcher {
        credential,
        scope: scope.to_owned(),
        origin: origin.to_owned(),
        scrubbed: secrets,
    })))
}

/// `{authority_host}/{tenant_id}/oauth2/v2.0/token`, the v2.0 token endpoint (and the audience
/// of certificate assertions).
pub fn token_endpoint(authority_host: &url::Url, tenant_id: &str) -> String {
    let host = authority_host.as_str().trim_end_matches('/');
    format!("{host}/{tenant_id}/oauth2/v2.0/token")
}

/// A token source for a client-secret credential against `authority_host`, transported by
/// `http`, wrapped in the process-wide [`CachedTokenSource`].
pub fn client_secret_token_source(
    authority_host: &url::Url,
    tenant_id: &str,
    client_id: &str,
    client_secret: &str,
    scope: &str,
    http: reqwest::Client,
) -> Result<Arc<dyn TokenSource>, GraphError> {
    let client_options = azure_client_options(authority_host, http)?;
    let secret = Secret::new(client_secret.to_owned());
    let credential = ClientSecretCredential::new(
        tenant_id,
        client_id.to_owned(),
        secret.clone(),
        Some(ClientSecretCredentialOptions { client_options }),
    )
    .map_err(|error| {
        let message = format!("client secret credential: {error}");
        GraphError::Config(scrub(&message, std::slice::from_ref(&secret)))
    })?;

    let origin = format!(
        "client secret: token request to {}",
        token_endpoint(authority_host, tenant_id)
    );
    Ok(azure_credential_token_source(
        credential,
        scope,
        &origin,
        vec![secret],
    ))
}

/// A token source backed by the Azure CLI's signed-in account: azure_identity runs
/// `az account get-access-token -o json --scope <scope> [--tenant <tenant_id>]` with the `az`
/// found on `PATH`. Without `tenant_id` the CLI's current tenant is used, as azuread does.
pub fn azure_cli_token_source(
    tenant_id: Option<&str>,
    scope: &str,
) -> Result<Arc<dyn TokenSource>, GraphError> {
    let credential = AzureCliCredential::new(Some(AzureCliCredentialOptions {
        tenant_id: tenant_id.map(str::to_owned),
        ..AzureCliCredentialOptions::default()
    }))
    .map_err(|error| GraphError::Config(format!("Azure CLI credential: {error}")))?;
    let tenant = tenant_id.map_or_else(
        || "the CLI's current tenant".to_owned(),
        |t| format!("tenant {t}"),
    );
    Ok(azure_credential_token_source(
        credential,
        scope,
        &format!("Azure CLI: `az account get-access-token` for {tenant}"),
        Vec::new(),
    ))
}

/// Maps a credential failure to [`GraphError::Auth`], keeping the HTTP status and the AADSTS
/// codes that azure_identity found in Entra's error body.
fn auth_error(error: &azure_core::Error, origin: &str, secrets: &[Secret]) -> GraphError {
    let mut status = None;
    let mut code = None;
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(level) = current {
        if let Some(azure) = level.downcast_ref::<azure_core::Error>() {
            if let ErrorKind::HttpResponse {
                status: http_status,
                error_code,
                ..
            } = azure.kind()
            {
                status = status.or(Some(u16::from(*http_status)));
                code = code.or_else(|| error_code.clone());
            }
        }
        current = level.source();
    }
    let mut message = format!("{origin} failed");
    if let Some(status) = status {
        message.push_str(&format!(" with HTTP {status}"));
    }
    // azure_core puts the cause (an AADSTS description, an unreachable endpoint) in the
    // error's sources; its own text is often only the outer context.
    let mut detail = error.to_string().trim().to_owned();
    let mut current = std::error::Error::source(error);
    while let Some(level) = current {
        let part = level.to_string();
        let part = part.trim();
        if !part.is_empty() && !detail.contains(part) {
            detail.push_str(": ");
            detail.push_str(part);
        }
        current = level.source();
    }
    message.push_str(&format!(": {detail}"));
    GraphError::Auth {
        status,
        code,
        message: scrub(&message, secrets),
    }
}

/// The credential task ended without an answer: it panicked inside azure_identity (or was
/// cancelled while the runtime shut down).
fn unusable_answer(failure: JoinError, origin: &str, secrets: &[Secret]) -> GraphError {
    let cause = match failure.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_owned()),
        Err(_) => "the request was cancelled".to_owned(),
    };
    let message = format!(
        "{origin} failed: the answer could not be used ({cause}). Check that authority_host \
         (ARM_AUTHORITY_HOST) points at a Microsoft Entra token endpoint"
    );
    GraphError::Auth {
        status: None,
        code: None,
        message: scrub(&message, secrets),
    }
}

fn scrub(text: &str, secrets: &[Secret]) -> String {
    secrets
        .iter()
        .map(Secret::secret)
        .filter(|secret| !secret.is_empty())
        .fold(text.to_owned(), |text, secret| {
            text.replace(secret, "<redacted>")
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::context::OpContext;
    use crate::graph::test_server::{Reply, TestServer, TestTls};
    use tokio_util::sync::CancellationToken;

    const SECRET: &str = "s3cr3t~value";

    fn ctx() -> OpContext {
        OpContext::with_timeout(Duration::from_secs(60), CancellationToken::new())
    }

    #[tokio::test]
    async fn uses_our_transport_and_authority_host() {
        let tls = TestTls::generate();
        let server = TestServer::start_tls(
            &tls,
            vec![Reply::json(
                200,
                r#"{"token_type":"Bearer","expires_in":3599,"access_token":"issued-token"}"#,
            )],
        )
        .await;
        let http = tls.trusting_client();
        let source = client_secret_token_source(
            &server.url(),
            "00000000-0000-0000-0000-000000000001",
            "app-id",
            SECRET,
            "https://graph.microsoft.com/.default",
            http,
        );
        let source = source.expect("token source");
        let first = source.bearer(&ctx()).await;
        assert_eq!(first.ok().as_deref(), Some("issued-token"));
        // Cached: a second call makes no request.
        assert_eq!(
            source.bearer(&ctx()).await.ok().as_deref(),
            Some("issued-token")
        );

        let requests = server.requests();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].method, "POST");
        assert_eq!(
            requests[0].path,
            "/00000000-0000-0000-0000-000000000001/oauth2/v2.0/token"
        );
        assert!(requests[0].body.contains("grant_type=client_credentials"));
        assert!(requests[0].body.contains("client_id=app-id"));
    }

    /// A token endpoint answering with absurd or negative lifetimes must not bring the plugin
    /// down: the answer is refused or the token used with a bounded lifetime.
    #[tokio::test]
    async fn absurd_token_lifetimes_do_not_panic() {
        // (lifetime, what the user gets: the token, or an error containing this text)
        let cases = [
            (
                "9223372036854775807",
                Err("could not be used (resulting value is out of range)"),
            ),
            ("250000000000", Ok(())),
            ("1e300", Err("expected i64")),
            ("\"forever\"", Err("expected i64")),
            ("-5", Ok(())),
            ("0", Ok(())),
        ];
        for (expires_in, expected) in cases {
            let tls = TestTls::generate();
            let body = format!(
                r#"{{"token_type":"Bearer","expires_in":{expires_in},"access_token":"odd-token"}}"#
            );
            let server = TestServer::start_tls(&tls, vec![Reply::json(200, &body)]).await;
            let source = client_secret_token_source(
                &server.url(),
                "00000000-0000-0000-0000-000000000001",
                "app-id",
                SECRET,
                "https://graph.microsoft.com/.default",
                tls.trusting_client(),
            )
            .expect("token source");
            match (source.bearer(&ctx()).await, expected) {
                (Ok(token), Ok(())) => assert_eq!(token, "odd-token"),
                (Err(error), Err(needle)) => {
                    let text = error.to_string();
                    assert!(matches!(error, GraphError::Auth { .. }), "{text}");
                    assert!(text.contains("client secret: token request to"), "{text}");
                    assert!(text.contains(needle), "expires_in {expires_in}: {text}");
                }
                (outcome, expected) => {
                    panic!("expires_in {expires_in}: got {outcome:?}, expected {expected:?}")
                }
            }
        }
    }

    #[tokio::test]
    async fn token_endpoint_errors_show_aadsts_but_never_the_secret() {
        let tls = TestTls::generate();
        let body = format!(
            r#"{{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value. Sent: {SECRET}","error_codes":[7000215],"trace_id":"t","correlation_id":"c"}}"#
        );
        let server = TestServer::start_tls(&tls, vec![Reply::json(401, &body)]).await;
        let source = client_secret_token_source(
            &server.url(),
            "contoso.onmicrosoft.com",
            "app-id",
            SECRET,
            "https://graph.microsoft.com/.default",
            tls.trusting_client(),
        )
        .expect("token source");
        let error = source.bearer(&ctx()).await.expect_err("auth error");
        let text = error.to_string();
        assert!(matches!(error, GraphError::Auth { .. }), "{text}");
        assert_eq!(error.status(), Some(401));
        assert_eq!(error.code(), Some("7000215"));
        assert!(text.contains("AADSTS7000215"), "{text}");
        assert!(!text.contains(SECRET), "{text}");
        assert!(!format!("{error:?}").contains(SECRET));
    }

    #[test]
    fn plain_http_authority_is_refused() {
        let authority = url::Url::parse("http://login.example").expect("url");
        let result = client_secret_token_source(
            &authority,
            "t",
            "c",
            SECRET,
            "s/.default",
            reqwest::Client::new(),
        );
        assert!(matches!(result, Err(GraphError::Config(_))));
    }
}
