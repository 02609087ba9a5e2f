//! One HTTP exchange with Graph: the request a caller describes, the response it gets back, and
//! the single attempt (auth header, `client-request-id`, one log line) that `client.rs` retries.

use std::error::Error as _;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use reqwest::Method;
use serde_json::Value;
use tokio::time::Instant;
use url::Url;

use super::client::GraphClient;
use super::error::GraphError;
use super::retry::is_idempotent;

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

    /// A success status other than the documented one means we misunderstand Graph: say so.
    pub(crate) fn expect_status(
        &self,
        accepted: &[u16],
        documented: &str,
    ) -> Result<(), GraphError> {
        if accepted.contains(&self.status) {
            Ok(())
        } else {
            Err(GraphError::InvalidResponse {
                method: self.method.to_string(),
                path: self.path.clone(),
                status: self.status,
                detail: format!("expected {documented}"),
            })
        }
    }
}

impl GraphClient {
    /// One HTTP exchange, body included. Connection trouble becomes [`GraphError::Connection`].
    pub(super) async fn attempt(
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
        // Unique, not secret: fastrand rather than the OS generator, which the static release
        // reaches by reading /dev/urandom once per request.
        let client_request_id = uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes())
            .into_uuid()
            .to_string();

        let mut builder = self
            .http()
            .request(method.clone(), url.clone())
            .header(AUTHORIZATION, authorization)
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, self.config().user_agent.as_str())
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
            self.tokens().reject(token).await;
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
