//! Resource identity over the wire: the identity schema, identity in import responses, import
//! by identity, and identity upgrades, including malformed stored identities.

use crate::harness::Plugin;
use crate::values::{decode, dv, errors, get, partner_type, s, PARTNER};
use terraform_provider_azuread::plugin::value::{Type, Value};
use terraform_provider_azuread::proto::tfplugin6 as pb;

const TENANT: &str = "90e29127-71ad-49c7-9ce8-db3f41ea06f1";

fn identity_type() -> Type {
    Type::object([("tenant_id", Type::String)])
}

fn identity(tenant: &str) -> pb::ResourceIdentityData {
    pb::ResourceIdentityData {
        identity_data: Some(dv(
            &Value::object([("tenant_id", s(tenant))]),
            &identity_type(),
        )),
    }
}

#[tokio::test]
async fn the_partner_is_identified_by_its_tenant_id() {
    let plugin = Plugin::start().await;
    let mut client = plugin.provider().await;
    let schemas = client
        .get_resource_identity_schemas(pb::get_resource_identity_schemas::Request {})
        .await
        .expect("GetResourceIdentitySchemas")
        .into_inner();
    assert!(schemas.diagnostics.is_empty(), "{:?}", schemas.diagnostics);
    let partner = &schemas.identity_schemas[PARTNER];
    assert_eq!(partner.version, 0);
    let [attr] = partner.identity_attributes.as_slice() else {
        panic!("one identity attribute expected: {partner:?}");
    };
    assert_eq!(attr.name, "tenant_id");
    assert_eq!(attr.r#type, b"\"string\"");
    assert!(attr.required_for_import);
    assert!(!attr.description.is_empty());
}

#[tokio::test]
async fn import_by_id_or_identity_names_the_partner() {
    let plugin = Plugin::start().await;
    let mut client = plugin.provider().await;
    let upper = TENANT.to_ascii_uppercase();
    for (id, identity) in [
        (
            format!("/policies/crossTenantAccessPolicy/partners/{TENANT}"),
            None,
        ),
        (String::new(), Some(identity(&upper))),
    ] {
        let resp = client
            .import_resource_state(pb::import_resource_state::Request {
                type_name: PARTNER.to_string(),
                id: id.clone(),
                identity,
                ..Default::default()
            })
            .await
            .expect("ImportResourceState")
            .into_inner();
        assert!(
            errors(&resp.diagnostics).is_empty(),
            "{id:?}: {:?}",
            resp.diagnostics
        );
        let imported = &resp.imported_resources[0];
        let state = decode(imported.state.as_ref(), &partner_type());
        let expected_id = if id.is_empty() {
            upper.clone()
        } else {
            TENANT.to_string()
        };
        assert_eq!(get(&state, &["id"]), &s(&expected_id), "{id:?}");
        let identity = imported
            .identity
            .as_ref()
            .and_then(|i| i.identity_data.as_ref());
        let identity = decode(identity, &identity_type());
        assert_eq!(
            identity,
            Value::object([("tenant_id", s(TENANT))]),
            "{id:?}"
        );
    }
}

#[tokio::test]
async fn a_bad_identity_is_refused_with_the_attribute() {
    let plugin = Plugin::start().await;
    let mut client = plugin.provider().await;
    for identity in [
        identity("not-a-guid"),
        pb::ResourceIdentityData {
            identity_data: Some(dv(
                &Value::object([("tenant_id", Value::Null)]),
                &identity_type(),
            )),
        },
        pb::ResourceIdentityData {
            identity_data: Some(pb::DynamicValue {
                msgpack: vec![0xc1, 0xff],
                json: Vec::new(),
            }),
        },
    ] {
        let resp = client
            .import_resource_state(pb::import_resource_state::Request {
                type_name: PARTNER.to_string(),
                identity: Some(identity),
                ..Default::default()
            })
            .await
            .expect("ImportResourceState answers")
            .into_inner();
        let errs = errors(&resp.diagnostics);
        assert_eq!(errs.len(), 1, "{:?}", resp.diagnostics);
        assert!(resp.imported_resources.is_empty());
    }
}

#[tokio::test]
async fn stored_identities_upgrade_or_explain() {
    let plugin = Plugin::start().await;
    let mut client = plugin.provider().await;
    let upgrade = |version: i64, json: &[u8]| pb::upgrade_resource_identity::Request {
        type_name: PARTNER.to_string(),
        version,
        raw_identity: Some(pb::RawState {
            json: json.to_vec(),
            flatmap: Default::default(),
        }),
    };
    let ok = client
        .upgrade_resource_identity(upgrade(
            0,
            format!(r#"{{"tenant_id":"{TENANT}"}}"#).as_bytes(),
        ))
        .await
        .expect("UpgradeResourceIdentity")
        .into_inner();
    assert!(ok.diagnostics.is_empty(), "{:?}", ok.diagnostics);
    let upgraded = ok.upgraded_identity.and_then(|i| i.identity_data);
    assert_eq!(
        decode(upgraded.as_ref(), &identity_type()),
        Value::object([("tenant_id", s(TENANT))])
    );
    for (version, json, says) in [
        (1, &br#"{"tenant_id":"x"}"#[..], "newer provider"),
        (0, &b"{not json"[..], "not valid"),
        (0, &br#"["tenant_id"]"#[..], "not valid"),
    ] {
        let resp = client
            .upgrade_resource_identity(upgrade(version, json))
            .await
            .expect("UpgradeResourceIdentity answers")
            .into_inner();
        let errs = errors(&resp.diagnostics);
        assert_eq!(errs.len(), 1, "{:?}", resp.diagnostics);
        let text = format!("{} {}", errs[0].summary, errs[0].detail);
        assert!(text.contains(says), "{text}");
        assert!(resp.upgraded_identity.is_none());
    }
}
