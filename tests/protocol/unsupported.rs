//! RPCs this provider does not implement answer with an error diagnostic, not a gRPC error.

use crate::harness::Plugin;
use crate::values::errors;
use terraform_provider_azuread::proto::tfplugin6 as pb;

#[track_caller]
fn assert_not_supported(diags: &[pb::Diagnostic], rpc: &str) {
    let errs = errors(diags);
    assert_eq!(errs.len(), 1, "{rpc}: {diags:#?}");
    let text = format!("{} {}", errs[0].summary, errs[0].detail).to_ascii_lowercase();
    assert!(
        text.contains("not supported") || text.contains("does not implement"),
        "{rpc}: the diagnostic should say it is not supported: {text}"
    );
}

#[tokio::test]
async fn unsupported_rpcs_answer_with_a_diagnostic() {
    let plugin = Plugin::start().await;
    let mut client = plugin.provider().await;

    let ephemeral = client
        .validate_ephemeral_resource_config(pb::validate_ephemeral_resource_config::Request {
            type_name: "azuread_something".to_string(),
            config: None,
        })
        .await
        .expect("ValidateEphemeralResourceConfig answers")
        .into_inner();
    assert_not_supported(&ephemeral.diagnostics, "ValidateEphemeralResourceConfig");

    // And the server still answers normally.
    client
        .get_metadata(pb::get_metadata::Request {})
        .await
        .expect("GetMetadata");
}
