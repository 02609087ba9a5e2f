//! Bearer tokens: the [`TokenSource`] trait and a process-wide, single-flight token cache.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::graph::context::OpContext;
use crate::graph::error::GraphError;

/// How long before expiry a cached token is replaced.
const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);
/// Longest lifetime we believe of a token, whatever the token endpoint says.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// Hands out the bearer token for Graph requests.
#[async_trait]
pub trait TokenSource: Send + Sync {
    async fn bearer(&self, ctx: &OpContext) -> Result<String, GraphError>;

    /// Graph refused `token` (401): forget it if it is still the cached one, so the next
    /// `bearer` fetches a new one. Revocation and continuous access evaluation cause this.
    async fn reject(&self, _token: &str) {}
}

/// A freshly issued access token.
#[derive(Clone)]
pub struct FetchedToken {
    pub secret: String,
    /// Lifetime left at the moment it was fetched.
    pub expires_in: Duration,
}

impl fmt::Debug for FetchedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FetchedToken")
            .field("secret", &"<redacted>")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// Gets a new token from the identity provider. No caching: [`CachedTokenSource`] does that.
#[async_trait]
pub trait TokenFetcher: Send + Sync {
    async fn fetch(&self) -> Result<FetchedToken, GraphError>;
}

struct CachedToken {
    secret: String,
    refresh_at: Instant,
    expires_at: Instant,
}

/// One token per process, shared by concurrent operations and refreshed before expiry.
///
/// Single flight: the cache slot is locked while a fetch is in progress, so callers that
/// arrive meanwhile wait for that fetch and then read its result instead of fetching again.
pub struct CachedTokenSource {
    fetcher: Arc<dyn TokenFetcher>,
    slot: Mutex<Option<CachedToken>>,
}

impl CachedTokenSource {
    pub fn new(fetcher: Arc<dyn TokenFetcher>) -> Self {
        Self {
            fetcher,
            slot: Mutex::new(None),
        }
    }

    async fn cached_or_fetch(&self) -> Result<String, GraphError> {
        let mut slot = self.slot.lock().await;
        let now = Instant::now();
        if let Some(cached) = slot.as_ref().filter(|cached| now < cached.refresh_at) {
            return Ok(cached.secret.clone());
        }

        match self.fetcher.fetch().await {
            Ok(mut fetched) => {
                // Entra issues tokens for at most a day; a larger figure is a broken answer and
                // would overflow the clock arithmetic below.
                fetched.expires_in = fetched.expires_in.min(MAX_TOKEN_LIFETIME);
                let fetched_at = Instant::now();
                // Short-lived tokens (emulators, tests) refresh at half-life instead.
                let margin = REFRESH_MARGIN.min(fetched.expires_in / 2);
                let cached = CachedToken {
                    refresh_at: fetched_at + (fetched.expires_in - margin),
                    expires_at: fetched_at + fetched.expires_in,
                    secret: fetched.secret,
                };
                log::debug!(
                    "graph: access token obtained, valid for {}s",
                    fetched.expires_in.as_secs()
                );
                let secret = cached.secret.clone();
                *slot = Some(cached);
                Ok(secret)
            }
            Err(error) => match slot.as_ref().filter(|cached| now < cached.expires_at) {
                // An early refresh failed but the old token still works: keep using it.
                Some(still_valid) => {
                    log::debug!("graph: token refresh failed, using the current token: {error}");
                    Ok(still_valid.secret.clone())
                }
                None => Err(error),
            },
        }
    }
}

#[async_trait]
impl TokenSource for CachedTokenSource {
    async fn reject(&self, token: &str) {
        let mut slot = self.slot.lock().await;
        // Comparing first means concurrent 401s for one token cause a single new fetch.
        if slot.as_ref().is_some_and(|cached| cached.secret == token) {
            log::debug!("graph: Graph refused the cached access token; a new one will be fetched");
            *slot = None;
        }
    }

    async fn bearer(&self, ctx: &OpContext) -> Result<String, GraphError> {
        const OPERATION: &str = "getting an access token for Microsoft Graph";
        tokio::select! {
            biased;
            () = ctx.cancel.cancelled() => Err(GraphError::Cancelled {
                operation: OPERATION.to_owned(),
                outcome_unknown: false,
            }),
            () = tokio::time::sleep_until(ctx.deadline) => Err(GraphError::Timeout {
                operation: OPERATION.to_owned(),
                attempts: 1,
                last_error: None,
            }),
            token = self.cached_or_fetch() => token,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use tokio_util::sync::CancellationToken;

    /// Counts fetches; each takes a second of (virtual) time and lives an hour.
    struct CountingFetcher {
        calls: AtomicU32,
        fail: bool,
    }

    #[async_trait]
    impl TokenFetcher for CountingFetcher {
        async fn fetch(&self) -> Result<FetchedToken, GraphError> {
            let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(Duration::from_secs(1)).await;
            if self.fail {
                return Err(GraphError::Auth {
                    status: Some(401),
                    code: Some("7000215".into()),
                    message: "AADSTS7000215: Invalid client secret provided.".into(),
                });
            }
            Ok(FetchedToken {
                secret: format!("token-{call}"),
                expires_in: Duration::from_secs(3600),
            })
        }
    }

    fn source(fail: bool) -> (Arc<CountingFetcher>, Arc<CachedTokenSource>) {
        let fetcher = Arc::new(CountingFetcher {
            calls: AtomicU32::new(0),
            fail,
        });
        let source = Arc::new(CachedTokenSource::new(fetcher.clone()));
        (fetcher, source)
    }

    fn ctx() -> OpContext {
        OpContext::with_timeout(Duration::from_secs(600), CancellationToken::new())
    }

    #[tokio::test(start_paused = true)]
    async fn ten_concurrent_first_calls_make_one_fetch() {
        let (fetcher, source) = source(false);
        let mut calls = tokio::task::JoinSet::new();
        for _ in 0..10 {
            let source = source.clone();
            calls.spawn(async move { source.bearer(&ctx()).await });
        }
        while let Some(result) = calls.join_next().await {
            assert_eq!(result.ok().and_then(Result::ok).as_deref(), Some("token-1"));
        }
        assert_eq!(fetcher.calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_rejected_token_is_refetched_once() {
        let (fetcher, source) = source(false);
        assert_eq!(source.bearer(&ctx()).await.ok().as_deref(), Some("token-1"));
        source.reject("token-1").await;
        assert_eq!(source.bearer(&ctx()).await.ok().as_deref(), Some("token-2"));
        // A late rejection of the old token (another request's 401) keeps the new one.
        source.reject("token-1").await;
        assert_eq!(source.bearer(&ctx()).await.ok().as_deref(), Some("token-2"));
        assert_eq!(fetcher.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn refreshes_five_minutes_before_expiry() {
        let (fetcher, source) = source(false);
        assert_eq!(source.bearer(&ctx()).await.ok().as_deref(), Some("token-1"));
        tokio::time::advance(Duration::from_secs(3600 - 5 * 60 - 10)).await;
        assert_eq!(source.bearer(&ctx()).await.ok().as_deref(), Some("token-1"));
        tokio::time::advance(Duration::from_secs(20)).await;
        assert_eq!(source.bearer(&ctx()).await.ok().as_deref(), Some("token-2"));
        assert_eq!(fetcher.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn failures_are_returned_and_not_cached() {
        let (fetcher, source) = source(true);
        let error = source.bearer(&ctx()).await.err();
        assert_eq!(error.as_ref().and_then(GraphError::code), Some("7000215"));
        assert!(source.bearer(&ctx()).await.is_err());
        assert_eq!(fetcher.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn waiting_for_a_token_honours_cancellation_and_deadline() {
        let (_, source) = source(false);
        let cancelled = OpContext::with_timeout(Duration::from_secs(600), CancellationToken::new());
        cancelled.cancel.cancel();
        assert!(source
            .bearer(&cancelled)
            .await
            .is_err_and(|e| e.is_cancelled()));

        let short = OpContext::with_timeout(Duration::from_millis(100), CancellationToken::new());
        assert!(source.bearer(&short).await.is_err_and(|e| e.is_timeout()));
    }

    #[test]
    fn debug_output_hides_the_token() {
        let token = FetchedToken {
            secret: "eyJ-secret".into(),
            expires_in: Duration::from_secs(1),
        };
        assert!(!format!("{token:?}").contains("eyJ"));
    }
}
