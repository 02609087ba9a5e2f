//! `GraphClient`: resolves where a request goes, retries it within the operation's deadline and
//! honours cancellation. One attempt (auth header, log line) is in `exchange.rs`.

use std::sync::Arc;

use reqwest::header::RETRY_AFTER;
use tokio::time::{sleep_until, Instant};
use url::Url;

use super::auth::TokenSource;
use super::coalesce::Coalescer;
use super::context::OpContext;
use super::envelope::http_failure;
use super::error::GraphError;
use super::exchange::{GraphRequest, GraphResponse};
use super::retry::{is_write, parse_retry_after, RetryPolicy};

/// Graph API version every path is under.
const API_VERSION: &str = "v1.0";

/// Where Graph lives and how we introduce ourselves.
#[derive(Clone, Debug)]
pub struct GraphConfig {
    /// e.g. `https://graph.microsoft.com` or `https://127.0.0.1:8443`.
    pub base_url: Url,
    pub user_agent: String,
}

/// The typed Graph client. Cheap to clone; one per provider process.
#[derive(Clone)]
pub struct GraphClient {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    config: GraphConfig,
    http: reqwest::Client,
    tokens: Arc<dyn TokenSource>,
    retry: RetryPolicy,
    /// Partner reads of this process, coalesced into lists when they arrive together.
    partner_reads: Arc<Coalescer>,
}

impl GraphClient {
    pub fn new(config: GraphConfig, http: reqwest::Client, tokens: Arc<dyn TokenSource>) -> Self {
        Self {
            inner: Arc::new(ClientInner {
                config,
                http,
                tokens,
                retry: RetryPolicy::default(),
                partner_reads: Arc::new(Coalescer::new("tenantId")),
            }),
        }
    }

    /// The same client with another retry policy (tests, tuning).
    pub fn with_retry_policy(self, retry: RetryPolicy) -> Self {
        let inner = &self.inner;
        Self {
            inner: Arc::new(ClientInner {
                config: inner.config.clone(),
                http: inner.http.clone(),
                tokens: inner.tokens.clone(),
                retry,
                partner_reads: inner.partner_reads.clone(),
            }),
        }
    }

    pub fn config(&self) -> &GraphConfig {
        &self.inner.config
    }

    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    pub(super) fn partner_reads(&self) -> &Arc<Coalescer> {
        &self.inner.partner_reads
    }

    pub(super) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub(super) fn tokens(&self) -> &dyn TokenSource {
        self.inner.tokens.as_ref()
    }

    /// The URL for `segments` below `{base}/v1.0`, and the path shown in messages
    /// (below the version, as encoded on the wire).
    fn resource_url(&self, segments: &[&str]) -> Result<(Url, String), GraphError> {
        let mut url = self.inner.config.base_url.clone();
        let base_path = url.path().trim_end_matches('/').to_owned();
        url.path_segments_mut()
            .map_err(|()| {
                GraphError::Config(format!(
                    "Graph base URL {} cannot have a path",
                    self.inner.config.base_url
                ))
            })?
            .pop_if_empty()
            .push(API_VERSION)
            .extend(segments);
        let prefix_len = base_path.len() + 1 + API_VERSION.len();
        let path = url
            .path()
            .get(prefix_len..)
            .unwrap_or(url.path())
            .to_owned();
        Ok((url, path))
    }

    /// An absolute link Graph handed out (`@odata.nextLink`) and the path shown in messages.
    /// `Err` says why it is refused: only Graph's own origin (scheme, host and port) gets the
    /// bearer token.
    pub(crate) fn link_url(&self, link: &str) -> Result<(Url, String), String> {
        let url =
            Url::parse(link).map_err(|error| format!("it is not an absolute URL ({error})"))?;
        let base = &self.inner.config.base_url;
        if url.origin() != base.origin() {
            return Err(format!(
                "it points to {}, not to Graph at {}; the access token is sent to Graph only",
                url.origin().ascii_serialization(),
                base.origin().ascii_serialization()
            ));
        }
        let prefix = format!("{}/{API_VERSION}", base.path().trim_end_matches('/'));
        let mut path = url
            .path()
            .strip_prefix(&prefix)
            .unwrap_or(url.path())
            .to_owned();
        if let Some(query) = url.query() {
            path.push('?');
            path.push_str(query);
        }
        Ok((url, path))
    }

    /// Sends `request` to its segments below `/v1.0`, retrying what [`RetryPolicy`] allows
    /// until `ctx.deadline`.
    pub(crate) async fn send(
        &self,
        request: GraphRequest<'_>,
        ctx: &OpContext,
    ) -> Result<GraphResponse, GraphError> {
        let (url, path) = self.resource_url(request.segments)?;
        self.send_to(request, url, path, ctx).await
    }

    /// Sends `request` to `url` (its `segments` are not used), retrying as [`Self::send`] does;
    /// `path` names it in messages.
    pub(crate) async fn send_to(
        &self,
        request: GraphRequest<'_>,
        url: Url,
        path: String,
        ctx: &OpContext,
    ) -> Result<GraphResponse, GraphError> {
        let method = request.method;
        let operation = format!("{method} {path}");
        let body = request
            .body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|error| GraphError::Config(format!("{operation}: body: {error}")))?;

        let policy = &self.inner.retry;
        let mut attempts = 0u32;
        let mut connection_failures = 0u32;
        let mut token_renewed = false;
        let mut last_error: Option<GraphError> = None;
        loop {
            attempts += 1;
            // Nothing has been sent before the token is in hand: stop at once when asked to.
            let token = tokio::select! {
                biased;
                () = ctx.cancel.cancelled() => {
                    let may_have_happened = last_error
                        .as_ref()
                        .is_some_and(GraphError::create_may_have_happened);
                    return Err(cancelled(&operation, may_have_happened));
                }
                () = sleep_until(ctx.deadline) => {
                    return Err(timeout(&operation, attempts, last_error));
                }
                token = self.inner.tokens.bearer(ctx) => token?,
            };
            let exchange = self.attempt(&method, &url, &path, body.as_deref(), attempts, &token);
            tokio::pin!(exchange);
            let outcome = tokio::select! {
                biased;
                () = ctx.cancel.cancelled() => {
                    if !is_write(&method) {
                        return Err(cancelled(&operation, false));
                    }
                    // A write is on its way to Graph: let it answer within a short grace, so
                    // its outcome is known and Terraform records it, rather than abandoning it.
                    log::info!(
                        "graph: stop requested while {operation} is in flight; waiting up to {} ms for its answer",
                        policy.write_grace.as_millis()
                    );
                    match tokio::time::timeout(policy.write_grace, &mut exchange).await {
                        Ok(outcome) => outcome,
                        Err(_) => return Err(cancelled(&operation, true)),
                    }
                }
                () = sleep_until(ctx.deadline) => {
                    return Err(timeout(&operation, attempts, last_error));
                }
                outcome = &mut exchange => outcome,
            };
            let (error, retry_after) = match outcome {
                Ok(response)
                    if (200..300).contains(&response.status)
                        || request.pass_through.contains(&response.status) =>
                {
                    return Ok(response);
                }
                // The cached token was refused (and dropped in `attempt`): try once with a new one.
                Ok(response) if response.status == 401 && !token_renewed => {
                    token_renewed = true;
                    log::debug!(
                        "graph: 401 for {operation}; retrying once with a new access token"
                    );
                    continue;
                }
                Ok(response) => {
                    let retry_after = response
                        .headers
                        .get(RETRY_AFTER)
                        .and_then(|value| value.to_str().ok())
                        .and_then(parse_retry_after);
                    let mut failure = http_failure(
                        method.as_str(),
                        &path,
                        response.status,
                        &response.headers,
                        &response.body,
                    );
                    failure.attempts = attempts;
                    (GraphError::Http(Box::new(failure)), retry_after)
                }
                Err(error) => (error, None),
            };

            if !policy.is_retryable(&method, &error) {
                return Err(error);
            }
            if matches!(error, GraphError::Connection { .. }) {
                connection_failures += 1;
                if connection_failures > policy.max_connection_retries {
                    return Err(error);
                }
            } else {
                connection_failures = 0;
            }
            let wait = policy.delay(attempts, retry_after);
            if Instant::now() + wait >= ctx.deadline {
                // Waiting would overrun the deadline: stop now, with what we know.
                return Err(timeout(&operation, attempts, Some(error)));
            }
            log::debug!(
                "graph: will retry {operation} in {} ms (attempt {attempts} failed: {error})",
                wait.as_millis()
            );
            let may_have_happened = error.create_may_have_happened();
            last_error = Some(error);
            if !ctx.pause(wait).await {
                return Err(cancelled(&operation, may_have_happened));
            }
        }
    }
}

pub(crate) fn cancelled(operation: &str, outcome_unknown: bool) -> GraphError {
    GraphError::Cancelled {
        operation: operation.to_owned(),
        outcome_unknown,
    }
}

pub(crate) fn timeout(
    operation: &str,
    attempts: u32,
    last_error: Option<GraphError>,
) -> GraphError {
    GraphError::Timeout {
        operation: operation.to_owned(),
        attempts,
        last_error: last_error.map(Box::new),
    }
}
