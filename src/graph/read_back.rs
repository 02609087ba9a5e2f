//! Read-back polling over any endpoint object, written once.
//!
//! Graph's reads are eventually consistent: right after a create the object may answer 404 for
//! a while (replication lag), and right after a write it may still show the old values. Both
//! waits below read with backoff ([`RetryPolicy::poll_delay`](super::RetryPolicy::poll_delay))
//! until Graph shows what the caller needs or the deadline is near, and stop at once when
//! Terraform cancels.

use serde_json::Value;
use tokio::time::Instant;

use super::client::{cancelled, timeout, GraphClient};
use super::context::OpContext;
use super::endpoint::{Object, Read};
use super::error::GraphError;

/// What a read-back poll ([`GraphClient::poll_until`]) saw.
#[derive(Debug)]
pub struct ReadBack {
    /// The last read: `None` when it was a 404.
    pub last: Option<Value>,
    /// Whether the last read satisfied the condition.
    pub settled: bool,
    /// How many reads completed.
    pub reads: u32,
}

/// The loop's own bookkeeping besides what callers see.
struct Polled {
    seen: ReadBack,
    /// Reads started, including one the deadline cut short.
    attempts: u32,
    /// Graph's answer when the last completed read was a 404.
    not_found: Option<GraphError>,
}

impl GraphClient {
    /// Reads an object right after it was created, treating 404 as replication lag: polls until
    /// Graph shows it, or the deadline passes (a Timeout carrying the last 404).
    pub async fn wait_until_exists(
        &self,
        object: &Object<'_>,
        ctx: &OpContext,
    ) -> Result<Value, GraphError> {
        let operation = format!("waiting for {} to become readable", object.name());
        let polled = self.read_until(object, &operation, ctx, |_| true).await?;
        match polled.seen.last {
            Some(found) if polled.seen.settled => Ok(found),
            _ => Err(timeout(&operation, polled.attempts, polled.not_found)),
        }
    }

    /// Reads the object until `settled` accepts what Graph shows or the deadline is near; a 404
    /// counts as not settled. Running out of time is not an error: the result says what the
    /// last read saw.
    pub async fn poll_until(
        &self,
        object: &Object<'_>,
        ctx: &OpContext,
        settled: impl Fn(&Value) -> bool,
    ) -> Result<ReadBack, GraphError> {
        let operation = format!("reading back {}", object.name());
        let polled = self.read_until(object, &operation, ctx, settled).await?;
        Ok(polled.seen)
    }

    async fn read_until(
        &self,
        object: &Object<'_>,
        operation: &str,
        ctx: &OpContext,
        settled: impl Fn(&Value) -> bool,
    ) -> Result<Polled, GraphError> {
        let mut polled = Polled {
            seen: ReadBack {
                last: None,
                settled: false,
                reads: 0,
            },
            attempts: 0,
            not_found: None,
        };
        loop {
            polled.attempts += 1;
            match self.read(object, ctx).await {
                Ok(read) => {
                    let seen = &mut polled.seen;
                    seen.reads += 1;
                    (seen.last, polled.not_found) = match read {
                        Read::Found(value) => (Some(value), None),
                        Read::Missing(error) => (None, Some(error)),
                    };
                    seen.settled = seen.last.as_ref().is_some_and(&settled);
                    if seen.settled {
                        return Ok(polled);
                    }
                }
                // The deadline cut a read short: report what the earlier reads saw.
                Err(error) if error.is_timeout() && polled.seen.reads > 0 => return Ok(polled),
                Err(error) => return Err(error),
            }
            let wait = self.retry_policy().poll_delay(polled.seen.reads);
            if Instant::now() + wait >= ctx.deadline {
                return Ok(polled);
            }
            let what = if polled.seen.last.is_none() {
                "is not readable yet (replication lag)"
            } else {
                "does not show the change yet"
            };
            log::debug!(
                "graph: {} {what}, reading again in {} ms",
                object.name(),
                wait.as_millis()
            );
            if !ctx.pause(wait).await {
                return Err(cancelled(operation, false));
            }
        }
    }
}
