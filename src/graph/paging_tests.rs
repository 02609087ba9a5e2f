//! Paging as `terraform query` uses it: each page is handed over before the next is answered,
//! a cancelled context ends the wait for a page, and `Break` asks for no further page.

use super::client_tests::{client_for, ctx};
use super::endpoint_tests::page;
use super::test_server::{Reply, TestServer};

#[tokio::test]
async fn list_pages_hands_over_a_page_before_the_next_is_answered() {
    let server = TestServer::start_with(|base| {
        let next = format!("{base}v1.0/policies/crossTenantAccessPolicy/partners?$skiptoken=p2");
        vec![page(&["a", "b"], Some(next)), Reply::Hang]
    })
    .await;
    let client = client_for(&server);
    let context = ctx(600);
    let (pages_in, mut pages) = tokio::sync::mpsc::unbounded_channel();
    let listing = {
        let context = context.clone();
        tokio::spawn(async move {
            client
                .list_partner_pages(&context, |page| {
                    let _ = pages_in.send(page);
                    std::ops::ControlFlow::Continue(())
                })
                .await
        })
    };
    // The first page arrives while Graph has not answered the second.
    let first = pages.recv().await.expect("the first page");
    assert_eq!(first.len(), 2);
    // Cancelling (Ctrl-C, or Terraform stopped listening) ends the wait for the second.
    context.cancel.cancel();
    let ended = listing.await.expect("the list task");
    assert!(ended.is_err_and(|e| e.is_cancelled()));
}

#[tokio::test]
async fn list_pages_stops_before_the_next_page_on_break() {
    let server = TestServer::start_with(|base| {
        let next = format!("{base}v1.0/policies/crossTenantAccessPolicy/partners?$skiptoken=p2");
        vec![page(&["a"], Some(next)), page(&["b"], None)]
    })
    .await;
    let client = client_for(&server);
    let mut seen = 0;
    client
        .list_partner_pages(&ctx(60), |page| {
            seen += page.len();
            std::ops::ControlFlow::Break(())
        })
        .await
        .expect("listed");
    assert_eq!(seen, 1);
    assert_eq!(server.requests().len(), 1, "no second page was asked for");
}
