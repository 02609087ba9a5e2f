//! Behaviour tests for `GraphClient` against the in-test HTTP server.
//!
//! These run on real time with a brisk [`RetryPolicy`]: a paused Tokio clock jumps to the next
//! timer (the operation deadline) whenever the runtime waits on a socket that is not ready yet,
//! which under CI load turned a loopback round trip into a spurious timeout.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::json;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::test_server::{Reply, TestServer};
use super::{GraphClient, GraphConfig, GraphError, OpContext, RetryPolicy, TokenSource};

pub(super) const TENANT: &str = "90e29127-71ad-49c7-9ce8-db3f41ea06f1";
const PARTNER_PATH: &str =
    "/v1.0/policies/crossTenantAccessPolicy/partners/90e29127-71ad-49c7-9ce8-db3f41ea06f1";

struct StaticToken;

#[async_trait]
impl TokenSource for StaticToken {
    async fn bearer(&self, _ctx: &OpContext) -> Result<String, GraphError> {
        Ok("test-token".into())
    }
}

struct RefusedToken;

#[async_trait]
impl TokenSource for RefusedToken {
    async fn bearer(&self, _ctx: &OpContext) -> Result<String, GraphError> {
        Err(GraphError::Auth {
            status: Some(400),
            code: Some("700016".into()),
            message: "AADSTS700016: Application not found".into(),
        })
    }
}

pub(super) fn client_for(server: &TestServer) -> GraphClient {
    client_with_tokens(server, Arc::new(StaticToken))
}

fn client_with_tokens(server: &TestServer, tokens: Arc<dyn TokenSource>) -> GraphClient {
    let config = GraphConfig {
        base_url: server.url(),
        user_agent: "terraform-provider-azuread/test".into(),
    };
    GraphClient::new(config, reqwest::Client::new(), tokens).with_retry_policy(brisk_policy())
}

/// Backoff in milliseconds instead of seconds, so retry tests take real time but little of it.
pub(super) fn brisk_policy() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        max_poll_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

pub(super) fn ctx(timeout_secs: u64) -> OpContext {
    ctx_ms(timeout_secs * 1000)
}

pub(super) fn ctx_ms(timeout_ms: u64) -> OpContext {
    OpContext::with_timeout(Duration::from_millis(timeout_ms), CancellationToken::new())
}

pub(super) fn envelope(code: &str, message: &str, request_id: &str) -> String {
    json!({"error": {"code": code, "message": message,
        "innerError": {"date": "2026-01-01T00:00:00", "request-id": request_id,
                       "client-request-id": "echoed"}}})
    .to_string()
}

#[tokio::test]
async fn sends_graph_headers_and_encodes_the_tenant_id() {
    let server = TestServer::start(vec![Reply::empty(204)]).await;
    let client = client_for(&server);
    let patch = json!({"inboundTrust": {"isMfaAccepted": true}});
    client
        .update_partner("a/b?c d", &patch, &ctx(60))
        .await
        .expect("patch");

    let requests = server.requests();
    let request = &requests[0];
    assert_eq!(request.method, "PATCH");
    assert_eq!(
        request.path,
        "/v1.0/policies/crossTenantAccessPolicy/partners/a%2Fb%3Fc%20d"
    );
    assert_eq!(request.header("authorization"), Some("Bearer test-token"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.header("user-agent"),
        Some("terraform-provider-azuread/test")
    );
    let id = request
        .header("client-request-id")
        .expect("client-request-id");
    assert_eq!(
        uuid::Uuid::parse_str(id).map(|u| u.get_version_num()),
        Ok(4)
    );
    let sent: serde_json::Value = serde_json::from_str(&request.body).expect("json body");
    assert_eq!(sent, patch);
}

#[tokio::test]
async fn throttled_request_waits_for_fractional_retry_after() {
    let throttled = Reply::json(429, &envelope("TooManyRequests", "Please retry", "r-1"))
        .with_header("Retry-After", "0.3");
    let server = TestServer::start(vec![throttled, Reply::empty(204)]).await;
    let client = client_for(&server);
    let started = Instant::now();
    client
        .update_partner(TENANT, &json!({}), &ctx(300))
        .await
        .expect("retried patch");
    // The fractional value is honoured as is (parsing is covered in `retry`), not rounded to 1 s
    // nor replaced by the policy's 10 ms backoff.
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_ne!(
        requests[0].header("client-request-id"),
        requests[1].header("client-request-id")
    );
}

#[tokio::test]
async fn deadline_stops_retries_with_the_last_graph_error() {
    let unavailable = Reply::json(503, &envelope("ServiceUnavailable", "Try later", "r-503"))
        .with_header("Retry-After", "0.3");
    let server = TestServer::start(vec![unavailable]).await;
    let client = client_for(&server);
    let started = Instant::now();
    let error = client
        .get_partner(TENANT, &ctx_ms(1000))
        .await
        .expect_err("deadline");
    // Attempts about 0.3 s apart; once the next wait would pass the 1 s deadline the client stops
    // at once instead of sleeping into it.
    assert!(started.elapsed() < Duration::from_secs(1));
    let requests = server.requests().len();
    assert!(requests >= 2, "{requests} attempts");
    let GraphError::Timeout {
        attempts,
        last_error: Some(last),
        ..
    } = &error
    else {
        panic!("expected a timeout with the last error, got {error}");
    };
    assert_eq!(*attempts as usize, requests);
    assert_eq!(last.status(), Some(503));
    assert_eq!(error.request_id(), Some("r-503"));
    let text = error.to_string();
    assert!(
        text.contains("GET /policies/crossTenantAccessPolicy/partners/"),
        "{text}"
    );
    assert!(text.contains("ServiceUnavailable: Try later"), "{text}");
}

#[tokio::test]
async fn cancellation_interrupts_a_request_in_flight() {
    let server = TestServer::start(vec![Reply::Hang]).await;
    let client = client_for(&server);
    let context = ctx(600);
    let cancel = context.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        cancel.cancel();
    });
    let started = Instant::now();
    let error = client
        .get_partner(TENANT, &context)
        .await
        .expect_err("cancelled");
    assert!(error.is_cancelled(), "{error}");
    // The reply never comes (or the wait is 30 s): only the cancellation can end this early.
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn cancellation_interrupts_a_backoff_wait() {
    let throttled = Reply::empty(429).with_header("Retry-After", "30");
    let server = TestServer::start(vec![throttled]).await;
    let client = client_for(&server);
    let context = ctx(600);
    let cancel = context.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        cancel.cancel();
    });
    let started = Instant::now();
    let error = client
        .delete_partner(TENANT, &context)
        .await
        .expect_err("cancelled");
    assert!(error.is_cancelled(), "{error}");
    // The reply never comes (or the wait is 30 s): only the cancellation can end this early.
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn not_found_reads_as_absent_and_delete_reports_it() {
    let missing = Reply::json(
        404,
        &envelope("Request_ResourceNotFound", "Not found", "r-404"),
    );
    let server = TestServer::start(vec![missing.clone(), missing, Reply::empty(204)]).await;
    let client = client_for(&server);
    assert_eq!(client.get_partner(TENANT, &ctx(60)).await.ok(), Some(None));
    assert_eq!(
        client.delete_partner(TENANT, &ctx(60)).await.ok(),
        Some(false)
    );
    assert_eq!(
        client.delete_partner(TENANT, &ctx(60)).await.ok(),
        Some(true)
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[2].method, "DELETE");
    assert_eq!(requests[2].path, PARTNER_PATH);
}

#[tokio::test]
async fn conflict_envelope_becomes_a_readable_error_without_retry() {
    let conflict = Reply::json(
        409,
        &envelope(
            "Request_MultipleObjectsWithSameKeyValue",
            "Another object with the same value for property tenantId already exists.",
            "req-409",
        ),
    );
    let server = TestServer::start(vec![conflict]).await;
    let client = client_for(&server);
    let error = client
        .create_partner(&json!({"tenantId": TENANT}), &ctx(60))
        .await
        .expect_err("conflict");
    assert!(error.is_conflict());
    assert_eq!(
        error.code(),
        Some("Request_MultipleObjectsWithSameKeyValue")
    );
    let text = error.to_string();
    assert!(
        text.starts_with(
            "Graph returned 409 Conflict for POST /policies/crossTenantAccessPolicy/partners: \
             Request_MultipleObjectsWithSameKeyValue: Another object with the same value"
        ),
        "{text}"
    );
    assert!(text.contains("request-id: req-409"), "{text}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn create_returns_the_body_and_ignores_unknown_fields() {
    let created =
        json!({"tenantId": TENANT, "inboundTrust": null, "crossCloudMeetingConfiguration": {}});
    let server = TestServer::start(vec![Reply::json(201, &created.to_string())]).await;
    let client = client_for(&server);
    let body = client
        .create_partner(&json!({"tenantId": TENANT}), &ctx(60))
        .await
        .expect("created");
    assert_eq!(body, created);
}

#[tokio::test]
async fn a_dropped_post_is_not_retried_and_says_the_outcome_is_unknown() {
    let server = TestServer::start(vec![Reply::Drop]).await;
    let client = client_for(&server);
    let error = client
        .create_partner(&json!({"tenantId": TENANT}), &ctx(60))
        .await
        .expect_err("dropped");
    assert!(
        matches!(
            error,
            GraphError::Connection {
                outcome_unknown: true,
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("may or may not"), "{error}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_dropped_get_is_retried() {
    let partner = json!({"tenantId": TENANT}).to_string();
    let server = TestServer::start(vec![Reply::Drop, Reply::json(200, &partner)]).await;
    let client = client_for(&server);
    let found = client.get_partner(TENANT, &ctx(60)).await.expect("read");
    assert_eq!(
        found.and_then(|p| p.get("tenantId").cloned()),
        Some(json!(TENANT))
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_unreachable_endpoint_fails_after_a_few_retries() {
    // Bind then drop a listener so the port is (almost certainly) closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("port")
        .port();
    let config = GraphConfig {
        base_url: url::Url::parse(&format!("http://127.0.0.1:{port}")).expect("url"),
        user_agent: "test".into(),
    };
    let client = GraphClient::new(config, reqwest::Client::new(), Arc::new(StaticToken))
        .with_retry_policy(brisk_policy());
    let error = client
        .create_partner(&json!({}), &ctx(3600))
        .await
        .expect_err("refused");
    assert!(
        matches!(
            error,
            GraphError::Connection {
                outcome_unknown: false,
                ..
            }
        ),
        "{error}"
    );
}

#[tokio::test]
async fn not_implemented_and_auth_failures_are_not_retried() {
    let server = TestServer::start(vec![Reply::empty(501)]).await;
    let client = client_for(&server);
    let error = client.get_partner(TENANT, &ctx(60)).await.expect_err("501");
    assert_eq!(error.status(), Some(501));
    assert_eq!(server.requests().len(), 1);

    let refused = client_with_tokens(&server, Arc::new(RefusedToken));
    let error = refused
        .get_partner(TENANT, &ctx(60))
        .await
        .expect_err("auth");
    assert_eq!(error.code(), Some("700016"));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn update_insists_on_no_content() {
    let server = TestServer::start(vec![Reply::json(201, "{}")]).await;
    let client = client_for(&server);
    let error = client
        .update_partner(TENANT, &json!({}), &ctx(60))
        .await
        .expect_err("201 is not a PATCH success");
    assert!(
        matches!(error, GraphError::InvalidResponse { status: 201, .. }),
        "{error}"
    );
}

#[tokio::test]
async fn waiting_for_a_partner_rides_out_replication_lag() {
    let missing = Reply::json(
        404,
        &envelope("Request_ResourceNotFound", "Not found", "lag"),
    );
    let partner = json!({"tenantId": TENANT}).to_string();
    let server =
        TestServer::start(vec![missing.clone(), missing, Reply::json(200, &partner)]).await;
    let client = client_for(&server);
    let found = client
        .wait_for_partner(TENANT, &ctx(120))
        .await
        .expect("replicated");
    assert_eq!(found.get("tenantId"), Some(&json!(TENANT)));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn waiting_for_a_partner_times_out_with_the_404() {
    let missing = Reply::json(
        404,
        &envelope("Request_ResourceNotFound", "Not found", "lag"),
    );
    let server = TestServer::start(vec![missing]).await;
    let client = client_for(&server);
    let error = client
        .wait_for_partner(TENANT, &ctx_ms(500))
        .await
        .expect_err("never replicated");
    assert!(error.is_timeout(), "{error}");
    assert_eq!(error.request_id(), Some("lag"));
    assert!(error.to_string().contains("waiting for partner"), "{error}");
    assert!(server.requests().len() >= 3);
}

#[tokio::test]
async fn server_errors_without_retry_after_back_off_exponentially() {
    let partner = json!({"tenantId": TENANT}).to_string();
    let failing = Reply::json(500, &envelope("InternalServerError", "oops", "r-500"));
    let server =
        TestServer::start(vec![failing.clone(), failing, Reply::json(200, &partner)]).await;
    let policy = RetryPolicy {
        base_delay: Duration::from_millis(200),
        max_delay: Duration::from_secs(1),
        ..brisk_policy()
    };
    let client = client_for(&server).with_retry_policy(policy);
    let started = Instant::now();
    let found = client.get_partner(TENANT, &ctx(60)).await.expect("read");
    assert!(found.is_some());
    // 0.2 s then 0.4 s, each with equal jitter (at least half of it): 0.3 s at the very least.
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    assert_eq!(server.requests().len(), 3);
}

/// Hands out "token-1", then "token-2" once "token-1" was rejected.
#[derive(Default)]
struct RotatingToken {
    rejected: std::sync::Mutex<Vec<String>>,
}

#[async_trait]
impl TokenSource for RotatingToken {
    async fn bearer(&self, _ctx: &OpContext) -> Result<String, GraphError> {
        let rejected = self.rejected.lock().map(|r| r.len()).unwrap_or(0);
        Ok(format!("token-{}", rejected + 1))
    }

    async fn reject(&self, token: &str) {
        if let Ok(mut r) = self.rejected.lock() {
            r.push(token.to_owned());
        }
    }
}

#[tokio::test]
async fn a_refused_token_is_dropped_and_the_request_retried_once() {
    let refused = Reply::json(
        401,
        &envelope("InvalidAuthenticationToken", "Token expired", "r-401"),
    );
    let server = TestServer::start(vec![
        refused,
        Reply::json(200, &json!({"tenantId": TENANT}).to_string()),
    ])
    .await;
    let tokens = Arc::new(RotatingToken::default());
    let client = client_with_tokens(&server, tokens.clone());
    let partner = client
        .get_partner(TENANT, &ctx(60))
        .await
        .expect("second attempt succeeds");
    assert!(partner.is_some());
    assert_eq!(
        tokens
            .rejected
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default(),
        ["token-1"]
    );
    assert_eq!(server.requests().len(), 2);

    // A second 401 in a row is reported, not retried forever.
    let server = TestServer::start(vec![
        Reply::json(401, &envelope("InvalidAuthenticationToken", "no", "a")),
        Reply::json(401, &envelope("InvalidAuthenticationToken", "no", "b")),
    ])
    .await;
    let client = client_with_tokens(&server, Arc::new(RotatingToken::default()));
    let error = client
        .get_partner(TENANT, &ctx(60))
        .await
        .expect_err("401 twice");
    assert_eq!(error.status(), Some(401));
    assert_eq!(server.requests().len(), 2);
}

/// Cancels `context` after 50 ms, as StopProvider would.
pub(super) fn cancel_soon(context: &OpContext) {
    let cancel = context.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        cancel.cancel();
    });
}

#[tokio::test]
async fn a_write_in_flight_when_stopped_gets_its_answer_within_the_grace() {
    let created = Reply::json(201, &json!({"tenantId": TENANT}).to_string());
    let server = TestServer::start(vec![Reply::After(
        Duration::from_millis(300),
        Box::new(created),
    )])
    .await;
    let client = client_for(&server).with_retry_policy(RetryPolicy {
        write_grace: Duration::from_secs(20),
        ..brisk_policy()
    });
    let context = ctx(600);
    cancel_soon(&context);
    let started = Instant::now();
    let partner = client
        .create_partner(&json!({"tenantId": TENANT}), &context)
        .await
        .expect("the POST's answer is waited for");
    assert_eq!(partner["tenantId"], TENANT);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_write_that_does_not_answer_within_the_grace_is_reported_as_maybe_done() {
    let server = TestServer::start(vec![Reply::Hang]).await;
    let client = client_for(&server).with_retry_policy(RetryPolicy {
        write_grace: Duration::from_millis(300),
        ..brisk_policy()
    });
    let context = ctx(600);
    cancel_soon(&context);
    let started = Instant::now();
    let error = client
        .create_partner(&json!({"tenantId": TENANT}), &context)
        .await
        .expect_err("no answer");
    assert!(error.is_cancelled(), "{error}");
    assert!(error.create_may_have_happened(), "{error}");
    assert!(
        error
            .to_string()
            .contains("may or may not have taken effect"),
        "{error}"
    );
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(350), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[tokio::test]
async fn a_read_in_flight_when_stopped_is_abandoned_at_once() {
    let server = TestServer::start(vec![Reply::Hang]).await;
    let client = client_for(&server).with_retry_policy(RetryPolicy {
        write_grace: Duration::from_secs(60),
        ..brisk_policy()
    });
    let context = ctx(600);
    cancel_soon(&context);
    let started = Instant::now();
    let error = client
        .get_partner(TENANT, &context)
        .await
        .expect_err("cancelled");
    assert!(
        error.is_cancelled() && !error.create_may_have_happened(),
        "{error}"
    );
    // Far below the 60 s grace a write would get.
    assert!(started.elapsed() < Duration::from_secs(10));
}
