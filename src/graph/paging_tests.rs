//! Paging as `terraform query` uses it: a page is asked for only when the caller wants it, a
//! cancelled context ends the wait for a page, and a link elsewhere is refused.

use super::client_tests::{client_for, ctx};
use super::endpoint_tests::page;
use super::test_server::{Reply, TestServer};

#[tokio::test]
async fn the_next_page_is_asked_for_only_when_wanted() {
    let server = TestServer::start_with(|base| {
        let next = format!("{base}v1.0/policies/crossTenantAccessPolicy/partners?$skiptoken=p2");
        vec![page(&["a", "b"], Some(next)), Reply::Hang]
    })
    .await;
    let client = client_for(&server);
    let context = ctx(600);
    let mut pages = client.partner_pages(&context);
    let first = pages.next_page().await.expect("page 1").expect("a page");
    assert_eq!(first.len(), 2);
    assert_eq!(
        server.requests().len(),
        1,
        "nothing more is asked for until the caller wants it"
    );

    // Graph never answers the second page: cancelling (Ctrl-C, or Terraform stopped
    // listening) ends the wait.
    let cancel = context.cancel.clone();
    let (ended, ()) = tokio::join!(pages.next_page(), async {
        while server.requests().len() < 2 {
            tokio::task::yield_now().await;
        }
        cancel.cancel();
    });
    assert!(ended.is_err_and(|e| e.is_cancelled()));
}

#[tokio::test]
async fn the_last_page_ends_the_paging() {
    let server = TestServer::start_with(|base| {
        let next = format!("{base}v1.0/policies/crossTenantAccessPolicy/partners?$skiptoken=p2");
        vec![page(&["a"], Some(next)), page(&["b"], None)]
    })
    .await;
    let client = client_for(&server);
    let context = ctx(60);
    let mut pages = client.partner_pages(&context);
    let mut seen = Vec::new();
    while let Some(page) = pages.next_page().await.expect("a page") {
        seen.extend(page);
    }
    assert_eq!(seen.len(), 2);
    assert!(pages.next_page().await.expect("done").is_none());
    assert_eq!(server.requests().len(), 2);
}
