//! Error types: the library's `EmulatorError`, and the wire shapes of Graph (OData) and
//! Entra (AADSTS) error bodies.

use serde_json::{json, Value};

use crate::reply::{Reply, ReplyBody};

/// Errors starting or running the emulator.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// Binding or reading the socket failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// Generating the CA or server certificate failed.
    #[error("certificate generation failed: {0}")]
    Certificate(#[from] rcgen::Error),
    /// Building the TLS configuration failed.
    #[error("tls configuration failed: {0}")]
    Tls(#[from] rustls::Error),
    /// The configuration file could not be parsed.
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// Builds a Graph error reply (`{"error":{"code","message","innerError":{..}}}`); the
/// innerError is completed when the response is written.
pub(crate) fn graph_error(status: u16, code: &str, message: impl Into<String>) -> Reply {
    Reply {
        status,
        headers: Vec::new(),
        body: ReplyBody::GraphError {
            code: code.to_string(),
            message: message.into(),
            details: None,
        },
    }
}

/// A Graph error with a `details` array.
pub(crate) fn graph_error_with_details(
    status: u16,
    code: &str,
    message: impl Into<String>,
    details: Value,
) -> Reply {
    Reply {
        status,
        headers: Vec::new(),
        body: ReplyBody::GraphError {
            code: code.to_string(),
            message: message.into(),
            details: Some(details),
        },
    }
}

/// 400 `Request_BadRequest`.
pub(crate) fn bad_request(message: impl Into<String>) -> Reply {
    graph_error(400, "Request_BadRequest", message)
}

/// 404 `Request_ResourceNotFound` for a missing object.
pub(crate) fn not_found(id: &str) -> Reply {
    graph_error(
        404,
        "Request_ResourceNotFound",
        format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."),
    )
}

/// 403 `Authorization_RequestDenied`.
pub(crate) fn forbidden() -> Reply {
    graph_error(
        403,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
    )
}

/// An Entra token-endpoint error (`error`, `error_description` starting with the AADSTS
/// number, `error_codes`, `timestamp`, `trace_id`, `correlation_id`).
pub(crate) fn entra_error(status: u16, error: &str, aadsts: u32, description: &str) -> Reply {
    let trace_id = uuid::Uuid::new_v4().to_string();
    let correlation_id = uuid::Uuid::new_v4().to_string();
    let timestamp = crate::reply::format_time_space(std::time::SystemTime::now());
    let body = json!({
        "error": error,
        "error_description": format!(
            "AADSTS{aadsts}: {description} Trace ID: {trace_id} Correlation ID: {correlation_id} Timestamp: {timestamp}"
        ),
        "error_codes": [aadsts],
        "timestamp": timestamp,
        "trace_id": trace_id,
        "correlation_id": correlation_id,
        "error_uri": format!("https://login.microsoftonline.com/error?code={aadsts}"),
    });
    Reply::json(status, body)
}

/// A plain `{"error","error_description"}` body, as IMDS and App Service return.
pub(crate) fn simple_error(status: u16, error: &str, description: &str) -> Reply {
    Reply::json(
        status,
        json!({"error": error, "error_description": description}),
    )
}
