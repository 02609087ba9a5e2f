//! When to retry a Graph request and how long to wait first.
//!
//! Same layering as hashicorp/azuread's HTTP layer: 408, 424, 429 and every 5xx except 501 are
//! retried,
//! and so are connection failures of idempotent requests. `Retry-After` (seconds, possibly
//! fractional) wins; otherwise exponential backoff with equal jitter, capped. The caller bounds
//! the whole budget by the operation's deadline.

use std::time::Duration;

use reqwest::Method;

use super::error::GraphError;

/// Longest `Retry-After` we accept as meaningful; anything larger is treated as garbage and
/// falls back to backoff (the deadline still bounds the wait).
const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// The shortest wait a server-sent `Retry-After` can ask for.
const MIN_RETRY_AFTER: Duration = Duration::from_millis(100);

#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Backoff before the first retry, before jitter.
    pub base_delay: Duration,
    /// Upper bound of any computed backoff.
    pub max_delay: Duration,
    /// Upper bound of the backoff while polling for an object to appear (replication lag is
    /// usually seconds, so polling should stay brisk).
    pub max_poll_delay: Duration,
    /// How many connection failures in a row we retry before giving up early, so that a wrong
    /// endpoint fails in seconds rather than at the end of a long operation timeout.
    pub max_connection_retries: u32,
    /// How long a write already sent may still take to answer once Terraform asks the provider
    /// to stop (Ctrl-C): long enough that its outcome is usually known and recorded, short
    /// enough that Terraform exits within seconds. Waits between attempts never get a grace.
    pub write_grace: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            base_delay: Duration::from_millis(800),
            max_delay: Duration::from_secs(60),
            max_poll_delay: Duration::from_secs(10),
            max_connection_retries: 4,
            write_grace: Duration::from_millis(2500),
        }
    }
}

impl RetryPolicy {
    /// Wait before retry number `attempt` (1 = the first retry). A server-sent `Retry-After`
    /// is honoured as is; otherwise exponential backoff with equal jitter.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        self.delay_with_jitter(attempt, retry_after, fastrand::f64())
    }

    /// [`Self::delay`] with the random draw (in `[0, 1)`) supplied, for tests.
    pub fn delay_with_jitter(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        random_unit: f64,
    ) -> Duration {
        if let Some(wait) = retry_after {
            // "Retry-After: 0" would turn into a tight loop until the deadline.
            return wait.max(MIN_RETRY_AFTER);
        }
        let exponent = attempt.saturating_sub(1).min(30);
        let backoff = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        // Equal jitter: keep half, randomise the other half. Concurrent operations spread out
        // while each wait still grows with the attempt number.
        let half = backoff / 2;
        half + half.mul_f64(random_unit.clamp(0.0, 1.0))
    }

    /// Wait before poll number `attempt` while an object has not replicated yet.
    pub fn poll_delay(&self, attempt: u32) -> Duration {
        self.delay(attempt, None).min(self.max_poll_delay)
    }

    /// Whether an HTTP status is worth retrying: throttling, transient server errors, and the
    /// two that Graph uses for its own eventual consistency (408 Request Timeout, 424 Failed
    /// Dependency), which azuread retries too. 501 Not Implemented will not change on a retry.
    pub fn is_retryable_status(&self, status: u16) -> bool {
        matches!(status, 408 | 424 | 429) || ((500..=599).contains(&status) && status != 501)
    }

    /// Whether a failed attempt of `method` may be sent again.
    pub fn is_retryable(&self, method: &Method, error: &GraphError) -> bool {
        match error {
            GraphError::Http(failure) => self.is_retryable_status(failure.status),
            GraphError::Connection {
                outcome_unknown, ..
            } => is_idempotent(method) || !outcome_unknown,
            _ => false,
        }
    }
}

/// Methods whose repetition has the same effect as one request. PATCH qualifies here because
/// this provider always sends whole sections.
/// Whether the request changes something in Graph (everything but reads).
pub(crate) fn is_write(method: &Method) -> bool {
    ![Method::GET, Method::HEAD, Method::OPTIONS].contains(method)
}

pub(crate) fn is_idempotent(method: &Method) -> bool {
    [
        Method::GET,
        Method::HEAD,
        Method::OPTIONS,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ]
    .contains(method)
}

/// Parses a `Retry-After` header in seconds, integer or fractional (Graph sends e.g. `2.128`).
/// HTTP-date values are not used by Graph and yield `None` (backoff applies).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let seconds: f64 = value.trim().parse().ok()?;
    if !seconds.is_finite() || seconds < 0.0 {
        return None;
    }
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|wait| *wait <= MAX_RETRY_AFTER)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::error::HttpFailure;

    #[test]
    fn zero_retry_after_is_not_a_busy_loop() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay_with_jitter(1, Some(Duration::ZERO), 0.0),
            MIN_RETRY_AFTER
        );
        assert_eq!(
            policy.delay_with_jitter(1, Some(Duration::from_millis(1500)), 0.0),
            Duration::from_millis(1500)
        );
    }

    fn http(status: u16) -> GraphError {
        GraphError::Http(Box::new(HttpFailure {
            status,
            ..HttpFailure::default()
        }))
    }

    #[test]
    fn retry_after_integer_and_fractional_are_honoured() {
        let policy = RetryPolicy::default();
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after(" 2.128 "),
            Some(Duration::from_millis(2128))
        );
        assert_eq!(parse_retry_after("0"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("NaN"), None);
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(
            policy.delay(5, parse_retry_after("2.128")),
            Duration::from_millis(2128)
        );
        // Retry-After is honoured even beyond the backoff cap; the deadline bounds it.
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(120))),
            Duration::from_secs(120)
        );
    }

    #[test]
    fn backoff_grows_exponentially_and_is_capped_at_sixty_seconds() {
        let policy = RetryPolicy {
            base_delay: Duration::from_secs(1),
            ..RetryPolicy::default()
        };
        let top = |attempt| policy.delay_with_jitter(attempt, None, 1.0);
        assert_eq!(top(1), Duration::from_secs(1));
        assert_eq!(top(2), Duration::from_secs(2));
        assert_eq!(top(3), Duration::from_secs(4));
        assert_eq!(top(6), Duration::from_secs(32));
        assert_eq!(top(7), Duration::from_secs(60));
        assert_eq!(top(40), Duration::from_secs(60));
        assert_eq!(top(u32::MAX), Duration::from_secs(60));
        assert_eq!(policy.poll_delay(30), Duration::from_secs(10));
    }

    #[test]
    fn jitter_stays_within_half_and_full_backoff() {
        let policy = RetryPolicy::default();
        for attempt in 1..12 {
            let full = policy.delay_with_jitter(attempt, None, 1.0);
            assert_eq!(policy.delay_with_jitter(attempt, None, 0.0), full / 2);
            for _ in 0..200 {
                let wait = policy.delay(attempt, None);
                assert!(wait >= full / 2 && wait <= full, "{wait:?} vs {full:?}");
            }
        }
    }

    #[test]
    fn only_throttling_and_transient_server_errors_are_retried() {
        let policy = RetryPolicy::default();
        for status in [408, 424, 429, 500, 502, 503, 504, 599] {
            assert!(
                policy.is_retryable(&Method::POST, &http(status)),
                "{status}"
            );
        }
        for status in [400, 401, 403, 404, 409, 412, 422, 501] {
            assert!(
                !policy.is_retryable(&Method::GET, &http(status)),
                "{status}"
            );
        }
    }

    #[test]
    fn connection_failures_are_retried_only_when_safe() {
        let policy = RetryPolicy::default();
        let dropped = |outcome_unknown| GraphError::Connection {
            method: String::new(),
            path: String::new(),
            detail: String::new(),
            outcome_unknown,
        };
        assert!(policy.is_retryable(&Method::GET, &dropped(true)));
        assert!(policy.is_retryable(&Method::PATCH, &dropped(true)));
        assert!(policy.is_retryable(&Method::DELETE, &dropped(true)));
        assert!(!policy.is_retryable(&Method::POST, &dropped(true)));
        // Never connected: nothing was sent, so even a POST can go again.
        assert!(policy.is_retryable(&Method::POST, &dropped(false)));
        assert!(!policy.is_retryable(&Method::GET, &GraphError::Config(String::new())));
    }
}
