//! The deadline and cancellation token that bound one Terraform operation.

use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Deadline + cancellation for one Terraform operation (create/read/update/delete).
///
/// Every wait and every in-flight request of the operation stops at `deadline` (a Timeout
/// error) or as soon as `cancel` fires (StopProvider; a Cancelled error).
#[derive(Clone, Debug)]
pub struct OpContext {
    pub deadline: Instant,
    pub cancel: CancellationToken,
}

impl OpContext {
    pub fn new(deadline: Instant, cancel: CancellationToken) -> Self {
        Self { deadline, cancel }
    }

    /// A context whose deadline is `timeout` from now, cancelled by `cancel`.
    pub fn with_timeout(timeout: Duration, cancel: CancellationToken) -> Self {
        // A deadline past what the clock can represent is as good as none: a year is plenty.
        let now = Instant::now();
        let deadline = now
            .checked_add(timeout)
            .unwrap_or(now + Duration::from_secs(365 * 24 * 3600));
        Self::new(deadline, cancel)
    }

    /// Waits `wait` between two attempts; `false` when Terraform cancelled first.
    pub async fn pause(&self, wait: Duration) -> bool {
        tokio::select! {
            biased;
            () = self.cancel.cancelled() => false,
            () = tokio::time::sleep(wait) => true,
        }
    }

    /// Time left before the deadline (zero once it has passed).
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_timeouts_do_not_overflow_the_clock() {
        let ctx =
            OpContext::with_timeout(Duration::from_secs(u64::MAX / 2), CancellationToken::new());
        assert!(ctx.remaining() > Duration::from_secs(300 * 24 * 3600));
    }
}
