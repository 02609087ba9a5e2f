//! Errors returned by the Graph client, and how they read in a Terraform diagnostic.

use std::fmt;

/// One entry of `error.details` in Graph's error envelope.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorDetail {
    pub code: Option<String>,
    pub message: Option<String>,
    pub target: Option<String>,
}

/// A Graph response whose status was an error, with what its envelope and headers told us.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpFailure {
    pub method: String,
    /// Resource path below the API version, e.g. `/policies/crossTenantAccessPolicy/partners`.
    pub path: String,
    pub status: u16,
    /// `error.code`, the stable thing to branch on.
    pub code: Option<String>,
    /// `error.message`, for people only.
    pub message: Option<String>,
    pub details: Vec<ErrorDetail>,
    pub request_id: Option<String>,
    pub client_request_id: Option<String>,
    pub date: Option<String>,
    /// A short, truncated piece of the body when it was not Graph's error envelope.
    pub body_snippet: Option<String>,
    /// How many times the request was sent; above 1, an earlier attempt may have taken effect.
    pub attempts: u32,
}

impl fmt::Display for HttpFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = reqwest::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|status| status.canonical_reason())
            .unwrap_or("");
        write!(f, "Graph returned {} {reason}", self.status)?;
        write!(f, " for {} {}", self.method, self.path)?;
        match (&self.code, &self.message) {
            (Some(code), Some(message)) => write!(f, ": {code}: {message}")?,
            (Some(text), None) | (None, Some(text)) => write!(f, ": {text}")?,
            (None, None) => {
                if let Some(snippet) = &self.body_snippet {
                    write!(f, ": {snippet}")?;
                }
            }
        }
        for detail in &self.details {
            let text = [detail.code.as_deref(), detail.message.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(": ");
            write!(f, " [detail: {text}")?;
            if let Some(target) = &detail.target {
                write!(f, " (target: {target})")?;
            }
            write!(f, "]")?;
        }
        let ids = [
            ("request-id", &self.request_id),
            ("client-request-id", &self.client_request_id),
            ("date", &self.date),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_ref().map(|value| format!("{name}: {value}")))
        .collect::<Vec<_>>();
        if !ids.is_empty() {
            write!(f, " ({})", ids.join(", "))?;
        }
        Ok(())
    }
}

/// Everything that can go wrong talking to Graph or to the token endpoint.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    /// Graph answered with an error status (after any retries).
    #[error("{0}")]
    Http(Box<HttpFailure>),

    /// No usable response: the connection failed or dropped.
    #[error(
        "could not complete {method} {path} against Microsoft Graph: {detail}{}",
        if *.outcome_unknown {
            "; the connection dropped after the request was sent, so it may or may not have \
             taken effect (a create may have happened: read or import the object before trying again)"
        } else {
            ""
        }
    )]
    Connection {
        method: String,
        path: String,
        detail: String,
        /// True when the request may have reached Graph, so a non-idempotent request
        /// (POST) cannot be retried blindly.
        outcome_unknown: bool,
    },

    /// The token endpoint refused or failed. Never contains the secret.
    #[error("authentication failed: {message}")]
    Auth {
        status: Option<u16>,
        /// The AADSTS error code(s), comma separated, when Entra sent them.
        code: Option<String>,
        message: String,
    },

    /// The operation's deadline passed before it could finish.
    #[error(
        "{operation} did not finish before the operation's deadline after {attempts} attempt(s); {}",
        match .last_error {
            Some(error) => format!("last error: {error}"),
            None => "no response arrived in time".to_owned(),
        }
    )]
    Timeout {
        operation: String,
        attempts: u32,
        last_error: Option<Box<GraphError>>,
    },

    /// The operation was cancelled (StopProvider) before it finished.
    #[error(
        "{operation} was cancelled{}",
        if *.outcome_unknown {
            " while the request was on its way to Graph and did not answer in time, so it may \
             or may not have taken effect"
        } else {
            ""
        }
    )]
    Cancelled {
        operation: String,
        /// True when a write had been sent and its answer did not arrive within the grace.
        outcome_unknown: bool,
    },

    /// A success status whose body or status we cannot use.
    #[error("unexpected response {status} for {method} {path}: {detail}")]
    InvalidResponse {
        method: String,
        path: String,
        status: u16,
        detail: String,
    },

    /// The client was set up with something it cannot use (URL, certificates, credential options).
    #[error("invalid Graph client configuration: {0}")]
    Config(String),
}

impl GraphError {
    /// The HTTP status Graph (or the token endpoint) answered with, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            GraphError::Http(failure) => Some(failure.status),
            GraphError::Auth { status, .. } => *status,
            GraphError::InvalidResponse { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Graph's `error.code`, or the AADSTS code(s) for an authentication failure.
    pub fn code(&self) -> Option<&str> {
        match self {
            GraphError::Http(failure) => failure.code.as_deref(),
            GraphError::Auth { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// Graph's `request-id`; for a timeout, the one of the last error seen.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            GraphError::Http(failure) => failure.request_id.as_deref(),
            GraphError::Timeout {
                last_error: Some(last),
                ..
            } => last.request_id(),
            _ => None,
        }
    }

    /// The `client-request-id` we sent (echoed by Graph); for a timeout, the last one.
    pub fn client_request_id(&self) -> Option<&str> {
        match self {
            GraphError::Http(failure) => failure.client_request_id.as_deref(),
            GraphError::Timeout {
                last_error: Some(last),
                ..
            } => last.client_request_id(),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, GraphError::Http(failure) if failure.status == 404)
    }

    pub fn is_conflict(&self) -> bool {
        matches!(self, GraphError::Http(failure) if failure.status == 409)
    }

    pub fn is_cancelled(&self) -> bool {
        matches!(self, GraphError::Cancelled { .. })
    }

    pub fn is_timeout(&self) -> bool {
        matches!(self, GraphError::Timeout { .. })
    }

    /// Whether a write that failed this way may still have taken effect because its answer was
    /// lost: the connection dropped after sending, the deadline cut it off, or Terraform
    /// stopped the provider while it was in flight.
    pub fn create_may_have_happened(&self) -> bool {
        match self {
            GraphError::Connection {
                outcome_unknown, ..
            }
            | GraphError::Cancelled {
                outcome_unknown, ..
            } => *outcome_unknown,
            GraphError::Timeout { .. } => true,
            _ => false,
        }
    }

    /// How many times the request was sent before this HTTP error (0 when not an HTTP error).
    pub fn attempts(&self) -> u32 {
        match self {
            GraphError::Http(failure) => failure.attempts,
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conflict() -> HttpFailure {
        HttpFailure {
            method: "POST".into(),
            path: "/policies/crossTenantAccessPolicy/partners".into(),
            status: 409,
            code: Some("Request_MultipleObjectsWithSameKeyValue".into()),
            message: Some(
                "Another object with the same value for property tenantId already exists.".into(),
            ),
            request_id: Some("1234".into()),
            client_request_id: Some("abcd".into()),
            date: Some("2026-01-01T00:00:00".into()),
            ..HttpFailure::default()
        }
    }

    #[test]
    fn http_error_reads_like_a_diagnostic() {
        let error = GraphError::Http(Box::new(conflict()));
        assert_eq!(
            error.to_string(),
            "Graph returned 409 Conflict for POST /policies/crossTenantAccessPolicy/partners: \
             Request_MultipleObjectsWithSameKeyValue: Another object with the same value for \
             property tenantId already exists. (request-id: 1234, client-request-id: abcd, \
             date: 2026-01-01T00:00:00)"
        );
        assert!(error.is_conflict());
        assert!(!error.is_not_found());
        assert_eq!(error.status(), Some(409));
        assert_eq!(
            error.code(),
            Some("Request_MultipleObjectsWithSameKeyValue")
        );
        assert_eq!(error.request_id(), Some("1234"));
    }

    #[test]
    fn details_and_snippets_are_shown() {
        let mut failure = conflict();
        failure.details.push(ErrorDetail {
            code: Some("ConflictingObjects".into()),
            message: Some("A conflicting object is present.".into()),
            target: Some("tenantId".into()),
        });
        let text = GraphError::Http(Box::new(failure)).to_string();
        assert!(text.contains(
            "[detail: ConflictingObjects: A conflicting object is present. (target: tenantId)]"
        ));

        let bare = HttpFailure {
            method: "GET".into(),
            path: "/x".into(),
            status: 502,
            body_snippet: Some("<html>bad gateway</html>".into()),
            ..HttpFailure::default()
        };
        assert_eq!(
            bare.to_string(),
            "Graph returned 502 Bad Gateway for GET /x: <html>bad gateway</html>"
        );
    }

    #[test]
    fn timeout_names_operation_attempts_and_last_error() {
        let error = GraphError::Timeout {
            operation: "GET /policies/crossTenantAccessPolicy/partners/x".into(),
            attempts: 3,
            last_error: Some(Box::new(GraphError::Http(Box::new(conflict())))),
        };
        let text = error.to_string();
        assert!(text.starts_with("GET /policies/crossTenantAccessPolicy/partners/x did not finish"));
        assert!(text.contains("after 3 attempt(s)"));
        assert!(text.contains("last error: Graph returned 409 Conflict"));
        assert!(error.is_timeout());
        assert_eq!(error.request_id(), Some("1234"));
        assert_eq!(error.status(), None);
    }

    #[test]
    fn dropped_post_says_outcome_is_unknown() {
        let error = GraphError::Connection {
            method: "POST".into(),
            path: "/policies/crossTenantAccessPolicy/partners".into(),
            detail: "connection reset".into(),
            outcome_unknown: true,
        };
        assert!(error
            .to_string()
            .contains("may or may not have taken effect"));
    }
}
