//! `GraphClient`: builds requests, adds the auth header, retries within the operation's
//! deadline, honours cancellation, and logs one line per attempt.

use std::error::Error as _;
use std::sync::Arc;

use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, USER_AGENT,
};
use reqwest::Method;
use serde_json::Value;
use tokio::time::{sleep_until, Instant};
use url::Url;

use super::auth::TokenSource;
use super::context::OpContext;
use super::envelope::http_failure;
use super::error::GraphError;
use super::retry::{is_idempotent, is_write, parse_retry_after, RetryPolicy};

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
}

/// One logical Graph call, possibly sent several times.
pub(crate) struct GraphRequest<'a> {
    pub method: Method,
    /// Path segments below `/v1.0`; each is percent-encoded.
    pub segments: &'a [&'a str],
    pub body: Option<&'a Value>,
    /// Error statuses handed back as a response rather than an error (e.g. 404 on a read).
    pub pass_through: &'a [u16],
}

/// A final response: a success or one of the request's pass-through statuses.
pub(crate) struct GraphResponse {
    pub method: Method,
    pub path: String,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl GraphResponse {
    /// The body as JSON; a success that does not carry JSON is an error.
    pub fn json(&self) -> Result<Value, GraphError> {
        serde_json::from_slice(&self.body).map_err(|error| GraphError::InvalidResponse {
            method: self.method.to_string(),
            path: self.path.clone(),
            status: self.status,
            detail: format!("the body is not JSON: {error}"),
        })
    }

    /// Graph's `request-id` header, for log lines.
    pub(crate) fn request_id(&self) -> &str {
        header_text(&self.headers, "request-id")
    }
}

impl GraphClient {
    pub fn new(config: GraphConfig, http: reqwest::Client, tokens: Arc<dyn TokenSource>) -> Self {
        Self {
            inner: Arc::new(ClientInner {
                config,
                http,
                tokens,
                retry: RetryPolicy::default(),
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
            }),
        }
    }

    pub fn config(&self) -> &GraphConfig {
        &self.inner.config
    }

    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
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

    /// Sends `request`, retrying what [`RetryPolicy`] allows until `ctx.deadline`.
    pub(crate) async fn send(
        &self,
        request: GraphRequest<'_>,
        ctx: &OpContext,
    ) -> Result<GraphResponse, GraphError> {
        let (url, path) = self.resource_url(request.segments)?;
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

    /// One HTTP exchange, body included. Connection trouble becomes [`GraphError::Connection`].
    async fn attempt(
        &self,
        method: &Method,
        url: &Url,
        path: &str,
        body: Option<&[u8]>,
        attempt: u32,
        token: &str,
    ) -> Result<GraphResponse, GraphError> {
        let mut authorization =
            HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| GraphError::Auth {
                status: None,
                code: None,
                message: "the access token holds characters not allowed in an HTTP header".into(),
            })?;
        authorization.set_sensitive(true);
        let client_request_id = uuid::Uuid::new_v4().to_string();

        let mut builder = self
            .inner
            .http
            .request(method.clone(), url.clone())
            .header(AUTHORIZATION, authorization)
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, self.inner.config.user_agent.as_str())
            .header("client-request-id", client_request_id.as_str());
        if let Some(body) = body {
            log::trace!(
                "graph: {method} {path} request body: {}",
                String::from_utf8_lossy(body)
            );
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }

        let started = Instant::now();
        let connection_error = |error: reqwest::Error, response_started: bool| {
            // A request that never connected was never sent; otherwise Graph may have acted.
            let may_have_been_sent = response_started || !error.is_connect();
            let detail = error_chain(&error);
            log::debug!(
                "graph: {method} {path} failed without a response: {detail} \
                 (client-request-id: {client_request_id}, elapsed_ms: {}, attempt: {attempt})",
                started.elapsed().as_millis()
            );
            GraphError::Connection {
                method: method.to_string(),
                path: path.to_owned(),
                detail,
                outcome_unknown: may_have_been_sent && !is_idempotent(method),
            }
        };

        let response = builder
            .send()
            .await
            .map_err(|error| connection_error(error, false))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|error| connection_error(error, true))?
            .to_vec();
        if status == 401 {
            self.inner.tokens.reject(token).await;
        }
        let response = GraphResponse {
            method: method.clone(),
            path: path.to_owned(),
            status,
            headers,
            body,
        };
        log::debug!(
            "graph: {method} {path} -> {status} (request-id: {}, client-request-id: {client_request_id}, \
             elapsed_ms: {}, attempt: {attempt})",
            response.request_id(),
            started.elapsed().as_millis()
        );
        if !response.body.is_empty() {
            log::trace!(
                "graph: {method} {path} response body: {}",
                String::from_utf8_lossy(&response.body)
            );
        }
        Ok(response)
    }
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-")
}

/// `reqwest`'s message plus its causes ("error sending request: connection refused").
fn error_chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
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
