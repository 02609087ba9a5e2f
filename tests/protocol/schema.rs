//! GetProviderSchema, GetMetadata and the health service.

use crate::harness::Plugin;
use crate::values::PARTNER;
use terraform_provider_azuread::proto::tfplugin6 as pb;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

fn attribute<'a>(attrs: &'a [pb::schema::Attribute], name: &str) -> &'a pb::schema::Attribute {
    attrs
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("attribute {name} missing from the schema"))
}

fn nested(attr: &pb::schema::Attribute) -> &pb::schema::Object {
    attr.nested_type
        .as_ref()
        .unwrap_or_else(|| panic!("{} should be a nested attribute", attr.name))
}

/// Every attribute named `targets`, anywhere in the tree.
fn all_targets<'a>(attrs: &'a [pb::schema::Attribute], out: &mut Vec<&'a pb::schema::Attribute>) {
    for a in attrs {
        if a.name == "targets" {
            out.push(a);
        }
        if let Some(obj) = &a.nested_type {
            all_targets(&obj.attributes, out);
        }
    }
}

#[tokio::test]
async fn handshake_line_has_go_plugin_shape() {
    let plugin = Plugin::start().await;
    let h = &plugin.handshake;
    assert_eq!(h.core_version, 1, "{}", plugin.handshake_line);
    assert_eq!(h.protocol_version, 6, "{}", plugin.handshake_line);
    assert_eq!(h.network, "unix");
    assert_eq!(h.protocol, "grpc");
    assert!(plugin.handshake_line.ends_with('\n'));
    assert!(
        plugin
            .socket_path()
            .starts_with(plugin.socket_parent.path()),
        "socket {} should be under PLUGIN_UNIX_SOCKET_DIR {}",
        h.address,
        plugin.socket_parent.path().display()
    );
    assert!(
        !plugin.handshake_line.trim_end().ends_with('='),
        "raw (unpadded) base64"
    );
}

#[tokio::test]
async fn schema_metadata_and_health() {
    let plugin = Plugin::start().await;
    let mut client = plugin.provider().await;

    let schema = client
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .expect("GetProviderSchema")
        .into_inner();
    assert!(schema.diagnostics.is_empty(), "{:#?}", schema.diagnostics);

    let provider = schema.provider.expect("provider schema");
    let block = provider.block.expect("provider block");
    let secret = attribute(&block.attributes, "client_secret");
    assert!(secret.sensitive, "client_secret must be sensitive");
    assert!(secret.optional && !secret.required);
    assert!(!attribute(&block.attributes, "tenant_id").sensitive);

    let partner = schema
        .resource_schemas
        .get(PARTNER)
        .unwrap_or_else(|| panic!("no {PARTNER} in {:?}", schema.resource_schemas.keys()));
    let block = partner.block.as_ref().expect("resource block");
    let tenant = attribute(&block.attributes, "tenant_id");
    assert!(tenant.required && !tenant.optional && !tenant.computed);
    let id = attribute(&block.attributes, "id");
    assert!(id.computed && !id.required);

    let b2b = nested(attribute(&block.attributes, "b2b_collaboration_inbound"));
    assert_eq!(b2b.nesting, pb::schema::object::NestingMode::Single as i32);
    let users = nested(attribute(&b2b.attributes, "users_and_groups"));
    let targets = attribute(&users.attributes, "targets");
    assert_eq!(
        nested(targets).nesting,
        pb::schema::object::NestingMode::Set as i32,
        "targets must use Set nesting"
    );
    let mut every = Vec::new();
    all_targets(&block.attributes, &mut every);
    assert!(
        every.len() >= 10,
        "expected targets in every target section"
    );
    for t in every {
        assert_eq!(
            nested(t).nesting,
            pb::schema::object::NestingMode::Set as i32
        );
    }

    let caps = schema.server_capabilities.expect("server capabilities");
    assert!(caps.get_provider_schema_optional);

    let metadata = client
        .get_metadata(pb::get_metadata::Request {})
        .await
        .expect("GetMetadata")
        .into_inner();
    assert!(
        metadata.diagnostics.is_empty(),
        "{:#?}",
        metadata.diagnostics
    );
    let names: Vec<&str> = metadata
        .resources
        .iter()
        .map(|r| r.type_name.as_str())
        .collect();
    assert!(names.contains(&PARTNER), "{names:?}");
    assert!(
        names.contains(&"azuread_cross_tenant_partner_identity_sync"),
        "{names:?}"
    );

    let mut health = HealthClient::new(plugin.channel().await);
    let status = health
        .check(HealthCheckRequest {
            service: "plugin".to_string(),
        })
        .await
        .expect("health check")
        .into_inner()
        .status;
    assert_eq!(status, ServingStatus::Serving as i32);
}
