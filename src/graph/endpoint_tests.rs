//! Behaviour tests for the endpoint layer (collections, singletons, actions, paged lists,
//! read-back polling) and the partner create-after-delete rule, against the in-test server.
//!
//! Like `client_tests.rs`, these run on real time with a brisk policy: they assert lower bounds
//! on waits and only generous upper bounds.

use std::time::Duration;

use serde_json::{json, Value};
use tokio::time::Instant;

use super::client_tests::{brisk_policy, cancel_soon, client_for, ctx, ctx_ms, envelope, TENANT};
use super::test_server::{Reply, TestServer};
use super::OpContext;
use super::{
    GraphError, RetryPolicy, DEFAULT_POLICY, IDENTITY_SYNC, PARTNERS, POLICY,
    RESET_TO_SYSTEM_DEFAULT,
};

const PARTNERS_PATH: &str = "/v1.0/policies/crossTenantAccessPolicy/partners";
const DEFAULT_PATH: &str = "/v1.0/policies/crossTenantAccessPolicy/default";

fn not_found(request_id: &str) -> Reply {
    Reply::json(
        404,
        &envelope("Request_ResourceNotFound", "Not found", request_id),
    )
}

fn conflict() -> Reply {
    Reply::json(
        409,
        &envelope(
            "Request_MultipleObjectsWithSameKeyValue",
            "Another object with the same value for property tenantId already exists.",
            "r-409",
        ),
    )
}

/// Waits of 15 s or more between reads: only a cancellation (or the deadline) ends them early.
fn slow_policy() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_secs(30),
        max_delay: Duration::from_secs(30),
        max_poll_delay: Duration::from_secs(30),
        ..brisk_policy()
    }
}

/// Waits of 100 ms, then 200 ms, … each with equal jitter (so at least half of it).
fn stepped_policy() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_secs(1),
        max_poll_delay: Duration::from_secs(1),
        ..brisk_policy()
    }
}

/// Runs `call` with a context that Terraform stops after 50 ms, and checks that it returned
/// long before the 15 s wait of [`slow_policy`] could have ended.
async fn stopped_soon<T: std::fmt::Debug>(
    call: impl AsyncFnOnce(&OpContext) -> Result<T, GraphError>,
) -> GraphError {
    let context = ctx(600);
    cancel_soon(&context);
    let started = Instant::now();
    let error = call(&context).await.expect_err("stopped");
    assert!(started.elapsed() < Duration::from_secs(10));
    error
}

fn ok_json(body: &Value) -> Reply {
    Reply::json(200, &body.to_string())
}

/// One page of a list: `items`, and a next link when there is one.
pub(super) fn page(items: &[&str], next: Option<String>) -> Reply {
    let mut body =
        json!({ "value": items.iter().map(|t| json!({"tenantId": t})).collect::<Vec<_>>() });
    if let Some(link) = next {
        body["@odata.nextLink"] = json!(link);
    }
    ok_json(&body)
}

#[tokio::test]
async fn list_follows_next_links_across_three_pages() {
    let server = TestServer::start_with(|base| {
        let link = |token: &str| {
            format!("{base}v1.0/policies/crossTenantAccessPolicy/partners?$skiptoken={token}")
        };
        vec![
            page(&["a", "b"], Some(link("p2"))),
            page(&["c"], Some(link("p3"))),
            page(&["d"], None),
        ]
    })
    .await;
    let client = client_for(&server);
    let partners = client.list_partners(&ctx(60)).await.expect("listed");
    let tenants: Vec<&str> = partners
        .iter()
        .filter_map(|p| p["tenantId"].as_str())
        .collect();
    assert_eq!(tenants, ["a", "b", "c", "d"]);
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            PARTNERS_PATH.to_owned(),
            format!("{PARTNERS_PATH}?$skiptoken=p2"),
            format!("{PARTNERS_PATH}?$skiptoken=p3"),
        ]
    );
    // Every page carries the token: the link is Graph's own.
    assert!(server
        .requests()
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer test-token")));
}

#[tokio::test]
async fn list_refuses_a_next_link_to_another_host() {
    for foreign in [
        "https://graph.attacker.example/v1.0/policies/crossTenantAccessPolicy/partners?$skiptoken=x",
        "http://127.0.0.1:1/v1.0/policies/crossTenantAccessPolicy/partners?$skiptoken=x",
    ] {
        let server = TestServer::start(vec![page(&["a"], Some(foreign.to_owned()))]).await;
        let client = client_for(&server);
        let error = client
            .list(&PARTNERS, &ctx(60))
            .await
            .expect_err("foreign link");
        assert!(
            matches!(error, GraphError::InvalidResponse { status: 200, .. }),
            "{error}"
        );
        let text = error.to_string();
        assert!(text.contains("@odata.nextLink"), "{text}");
        assert!(text.contains(foreign), "{text}");
        assert!(text.contains("access token is sent to Graph only"), "{text}");
        assert_eq!(server.requests().len(), 1, "the foreign link was not followed");
    }
}

#[tokio::test]
async fn list_without_a_value_array_is_an_invalid_response() {
    let server = TestServer::start(vec![ok_json(&json!({"tenantId": TENANT}))]).await;
    let error = client_for(&server)
        .list(&PARTNERS, &ctx(60))
        .await
        .expect_err("not a collection");
    assert!(error.to_string().contains("\"value\" array"), "{error}");
}

#[tokio::test]
async fn the_default_singleton_reads_patches_and_resets() {
    let default = json!({"id": "default", "isServiceDefault": false});
    let server = TestServer::start(vec![
        ok_json(&default),
        Reply::empty(204).with_header("request-id", "patch-1"),
        Reply::empty(204),
    ])
    .await;
    let client = client_for(&server);
    let object = DEFAULT_POLICY.object();
    assert_eq!(
        client.get(&object, &ctx(60)).await.expect("get"),
        Some(default)
    );
    let patch = json!({"inboundTrust": {"isMfaAccepted": true}});
    let request_id = client
        .patch(&object, &patch, &ctx(60))
        .await
        .expect("patch");
    assert_eq!(request_id, "patch-1");
    let reset = client
        .action(&object, RESET_TO_SYSTEM_DEFAULT, &ctx(60))
        .await
        .expect("reset");
    assert_eq!(reset, None);

    let requests = server.requests();
    let seen: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    let reset_path = format!("{DEFAULT_PATH}/resetToSystemDefault");
    assert_eq!(
        seen,
        [
            ("GET", DEFAULT_PATH),
            ("PATCH", DEFAULT_PATH),
            ("POST", reset_path.as_str())
        ]
    );
    assert_eq!(requests[1].body, patch.to_string());
    assert_eq!(requests[2].body, "");
    assert_eq!(requests[2].header("content-type"), None);
}

#[tokio::test]
async fn the_top_level_policy_is_patched_at_its_own_path() {
    let server = TestServer::start(vec![Reply::empty(204)]).await;
    let body = json!({"allowedCloudEndpoints": ["microsoftonline.us"]});
    client_for(&server)
        .patch(&POLICY.object(), &body, &ctx(60))
        .await
        .expect("patch");
    let request = &server.requests()[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("PATCH", "/v1.0/policies/crossTenantAccessPolicy")
    );
}

#[tokio::test]
async fn identity_sync_is_a_child_put_with_no_content() {
    let server = TestServer::start(vec![
        Reply::empty(204),
        not_found("none"),
        Reply::empty(204),
        not_found("gone"),
    ])
    .await;
    let client = client_for(&server);
    let sync = IDENTITY_SYNC.below(&PARTNERS.item(TENANT));
    let body = json!({"displayName": "Fabrikam", "userSyncInbound": {"isSyncAllowed": true}});
    client.put(&sync, &body, &ctx(60)).await.expect("put");
    assert_eq!(
        client.get_identity_sync(TENANT, &ctx(60)).await.ok(),
        Some(None)
    );
    assert_eq!(client.delete(&sync, &ctx(60)).await.ok(), Some(true));
    assert_eq!(client.delete(&sync, &ctx(60)).await.ok(), Some(false));

    let path = format!("{PARTNERS_PATH}/{TENANT}/identitySynchronization");
    let requests = server.requests();
    assert!(requests.iter().all(|r| r.path == path), "{requests:?}");
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["PUT", "GET", "DELETE", "DELETE"]);
    assert_eq!(requests[0].body, body.to_string());
}

#[tokio::test]
async fn put_insists_on_no_content() {
    let server = TestServer::start(vec![Reply::json(201, "{}")]).await;
    let sync = IDENTITY_SYNC.below(&PARTNERS.item(TENANT));
    let error = client_for(&server)
        .put(&sync, &json!({}), &ctx(60))
        .await
        .expect_err("201 is not a PUT success here");
    assert!(
        matches!(error, GraphError::InvalidResponse { status: 201, .. }),
        "{error}"
    );
}

#[tokio::test]
async fn waiting_for_a_singleton_rides_out_lag_and_names_it_on_timeout() {
    let server =
        TestServer::start(vec![not_found("lag-1"), ok_json(&json!({"id": "default"}))]).await;
    let client = client_for(&server);
    let found = client
        .wait_until_exists(&DEFAULT_POLICY.object(), &ctx(60))
        .await
        .expect("readable");
    assert_eq!(found["id"], "default");
    assert_eq!(server.requests().len(), 2);

    let server = TestServer::start(vec![not_found("lag-2")]).await;
    let sync = IDENTITY_SYNC.below(&PARTNERS.item(TENANT));
    let error = client_for(&server)
        .wait_until_exists(&sync, &ctx_ms(300))
        .await
        .expect_err("never readable");
    assert!(error.is_timeout(), "{error}");
    assert_eq!(error.request_id(), Some("lag-2"));
    let text = error.to_string();
    assert!(
        text.contains(&format!(
            "waiting for identity synchronization policy of partner {TENANT}"
        )),
        "{text}"
    );
}

#[tokio::test]
async fn polling_reads_until_the_change_shows_and_backs_off_between_reads() {
    let old = json!({"tenantId": TENANT, "inboundTrust": null});
    let new = json!({"tenantId": TENANT, "inboundTrust": {"isMfaAccepted": true}});
    let server = TestServer::start(vec![not_found("lag"), ok_json(&old), ok_json(&new)]).await;
    // 100 ms, then 200 ms, each with equal jitter (at least half): 150 ms at the very least.
    let client = client_for(&server).with_retry_policy(stepped_policy());
    let started = Instant::now();
    let poll = client
        .poll_until(&PARTNERS.item(TENANT), &ctx(60), |p| {
            !p["inboundTrust"].is_null()
        })
        .await
        .expect("settled");
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(150), "{elapsed:?}");
    assert!(poll.settled);
    assert_eq!(poll.reads, 3);
    assert_eq!(poll.last, Some(new));
}

#[tokio::test]
async fn polling_that_never_settles_reports_the_last_read_at_the_deadline() {
    let old = json!({"tenantId": TENANT, "inboundTrust": null});
    let server = TestServer::start(vec![ok_json(&old)]).await;
    let started = Instant::now();
    let poll = client_for(&server)
        .poll_partner_until(TENANT, &ctx_ms(400), |_| false)
        .await
        .expect("not an error");
    assert!(!poll.settled);
    assert_eq!(poll.last, Some(old));
    assert!(poll.reads >= 2, "{} reads", poll.reads);
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test]
async fn polling_stops_at_once_when_cancelled() {
    let server = TestServer::start(vec![not_found("lag")]).await;
    let client = client_for(&server).with_retry_policy(slow_policy());
    let error = stopped_soon(async |op| client.wait_for_partner(TENANT, op).await).await;
    assert!(
        error.is_cancelled() && !error.create_may_have_happened(),
        "{error}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn create_after_delete_retries_a_conflict_while_graph_cannot_read_the_partner() {
    let created = json!({"tenantId": TENANT});
    let server = TestServer::start(vec![
        conflict(),
        not_found("deleting"),
        conflict(),
        not_found("deleting"),
        Reply::json(201, &created.to_string()),
    ])
    .await;
    let client = client_for(&server).with_retry_policy(stepped_policy());
    let started = Instant::now();
    let partner = client
        .create_partner_after_delete(&json!({"tenantId": TENANT}), TENANT, false, &ctx(60))
        .await
        .expect("created once the delete finished");
    assert_eq!(partner, created);
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(150), "{elapsed:?}");
    let methods: Vec<String> = server.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["POST", "GET", "POST", "GET", "POST"]);
}

#[tokio::test]
async fn create_after_own_delete_retries_without_reading() {
    let server = TestServer::start(vec![conflict(), Reply::json(201, "{}")]).await;
    let partner = client_for(&server)
        .create_partner_after_delete(&json!({}), TENANT, true, &ctx(60))
        .await
        .expect("created");
    assert_eq!(partner, json!({}));
    let methods: Vec<String> = server.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["POST", "POST"]);
}

#[tokio::test]
async fn a_conflict_with_a_readable_partner_is_returned_at_once() {
    let server = TestServer::start(vec![conflict(), ok_json(&json!({"tenantId": TENANT}))]).await;
    let error = client_for(&server)
        .create_partner_after_delete(&json!({}), TENANT, false, &ctx(60))
        .await
        .expect_err("already exists");
    assert!(error.is_conflict(), "{error}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn create_after_delete_stops_when_cancelled_and_gives_up_with_the_conflict_out_of_time() {
    let server = TestServer::start(vec![conflict()]).await;
    let client = client_for(&server).with_retry_policy(slow_policy());
    let body = json!({});
    let error = stopped_soon(async |op| {
        client
            .create_partner_after_delete(&body, TENANT, true, op)
            .await
    })
    .await;
    // The wait is cut short, and said to be: a stop is not an "already exists".
    assert!(error.is_cancelled() && !error.is_conflict(), "{error}");
    assert!(!error.create_may_have_happened(), "{error}");
    assert_eq!(server.requests().len(), 1);

    // A wait that would pass the deadline is not started.
    let server = TestServer::start(vec![conflict()]).await;
    let error = client_for(&server)
        .with_retry_policy(slow_policy())
        .create_partner_after_delete(&json!({}), TENANT, true, &ctx(5))
        .await
        .expect_err("out of time");
    assert!(error.is_conflict(), "{error}");
    assert_eq!(server.requests().len(), 1);
}
