//! AutoMTLS: a client without Terraform's certificate is refused, and the right client is
//! still served afterwards.

use crate::harness::{ClientIdentity, Plugin};
use terraform_provider_azuread::proto::tfplugin6 as pb;
use terraform_provider_azuread::proto::tfplugin6::provider_client::ProviderClient;

const REFUSAL_LOG: &str = "refused a connection that failed mutual TLS";

/// The connection attempt must fail, at the TLS handshake or at the first RPC.
async fn assert_refused(plugin: &Plugin, identity: Option<&ClientIdentity>, who: &str) {
    match plugin.connect_as(identity).await {
        Err(e) => eprintln!("{who}: refused at connect: {e:?}"),
        Ok(channel) => {
            let result = ProviderClient::new(channel)
                .get_provider_schema(pb::get_provider_schema::Request {})
                .await;
            match result {
                Ok(_) => panic!("{who} was served GetProviderSchema"),
                Err(status) => eprintln!("{who}: refused at the first RPC: {status:?}"),
            }
        }
    }
}

async fn assert_served(plugin: &Plugin) {
    let mut client = plugin.provider().await;
    let schema = client
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .expect("the right client is served")
        .into_inner();
    assert!(schema.provider.is_some());
}

#[tokio::test]
async fn client_without_certificate_is_refused() {
    let plugin = Plugin::start().await;
    assert_refused(&plugin, None, "a client without a certificate").await;
    plugin
        .wait_for_stderr(REFUSAL_LOG)
        .await
        .expect("refusal logged");
    assert_served(&plugin).await;
}

#[tokio::test]
async fn client_with_another_p521_certificate_is_refused() {
    let plugin = Plugin::start().await;
    let stranger = ClientIdentity::generate();
    assert_ne!(stranger.cert_der, plugin.identity.cert_der);
    assert_refused(
        &plugin,
        Some(&stranger),
        "a client with another certificate",
    )
    .await;
    plugin
        .wait_for_stderr(REFUSAL_LOG)
        .await
        .expect("refusal logged");
    // Refusals do not disturb the server: the right client works, repeatedly.
    assert_served(&plugin).await;
    assert_refused(&plugin, None, "a client without a certificate").await;
    assert_served(&plugin).await;
}

#[tokio::test]
async fn server_certificate_is_the_announced_one() {
    // The harness verifier only accepts the exact announced certificate; a client expecting a
    // different certificate must fail to connect (guards against a verifier that accepts all).
    let plugin = Plugin::start().await;
    let other = ClientIdentity::generate();
    let config = crate::harness::client_tls_config(other.cert_der.clone(), Some(&plugin.identity));
    let result = crate::harness::connect_unix(plugin.socket_path(), config).await;
    match result {
        Err(_) => {}
        Ok(channel) => {
            let rpc = ProviderClient::new(channel)
                .get_metadata(pb::get_metadata::Request {})
                .await;
            assert!(
                rpc.is_err(),
                "a mismatching server certificate was accepted"
            );
        }
    }
    assert_served(&plugin).await;
}
