//! Unit tests of the default configuration: import IDs, the plan rule for unmanaged sections,
//! and state from Graph.

use super::model::{plan, DefaultModel};
use super::*;
use crate::plugin::model::{from_value, to_value, Tf};
use crate::plugin::value::Value;
use crate::resources::cross_tenant_sections::SectionModel;
use serde_json::json;

fn model(members: &[(&str, Value)]) -> DefaultModel {
    let Value::Object(mut full) =
        to_value(&DefaultModel::default(), schema::schema().value_type()).expect("fits")
    else {
        panic!("an object");
    };
    for (name, value) in members {
        full.insert(name.to_string(), value.clone());
    }
    from_value(&Value::Object(full)).expect("a model")
}

fn trust(mfa: bool) -> Value {
    Value::object([
        ("is_mfa_accepted", Value::Bool(mfa)),
        ("is_compliant_device_accepted", Value::Bool(false)),
        (
            "is_hybrid_azure_ad_joined_device_accepted",
            Value::Bool(false),
        ),
    ])
}

#[test]
fn import_ids() {
    for id in [
        "default",
        "Default",
        "/policies/crossTenantAccessPolicy/default",
        "/Policies/CrossTenantAccessPolicy/Default/",
    ] {
        assert_eq!(parse_import_id(id).as_deref(), Some("default"), "{id}");
    }
    for bad in [
        "",
        "/policies/crossTenantAccessPolicy",
        "partners",
        "/policies/crossTenantAccessPolicy/default/x",
    ] {
        assert_eq!(parse_import_id(bad), None, "{bad}");
    }
}

#[test]
fn a_section_left_out_keeps_the_state_and_is_not_sent() {
    let prior = model(&[
        ("inbound_trust", trust(true)),
        ("is_service_default", Value::Bool(false)),
    ]);
    let config = model(&[]);
    // The framework's defaults filled the flags of the unconfigured section with false.
    let proposed = model(&[
        ("inbound_trust", trust(false)),
        ("is_service_default", Value::Bool(false)),
    ]);
    let planned = plan(Plan {
        config,
        prior: Some(prior.clone()),
        planned: proposed,
    });
    assert_eq!(planned.inbound_trust, prior.inbound_trust);
    assert_eq!(
        planned.is_service_default,
        Tf::Known(false),
        "nothing to write"
    );
    assert!(changed_sections(&prior, &planned).is_none());
}

#[test]
fn on_create_unconfigured_sections_are_graphs() {
    let config = model(&[("inbound_trust", trust(true))]);
    let planned = plan(Plan {
        config: config.clone(),
        prior: None,
        planned: config,
    });
    assert!(planned.b2b_collaboration_inbound.is_unknown());
    assert!(planned.is_service_default.is_unknown());
    assert_eq!(planned.id, Tf::Known("default".into()));
    // The framework plans a computed attribute the configuration leaves out as unknown.
    let planned = DefaultModel {
        automatic_user_consent_settings: Tf::Unknown,
        ..planned
    };
    let held = json!({"isServiceDefault": true, "b2bCollaborationInbound": {"usersAndGroups": {"accessType": "allowed", "targets": [{"target": "AllUsers", "targetType": "user"}]}},
        "automaticUserConsentSettings": {"inboundAllowed": false, "outboundAllowed": false}});
    let state = DefaultModel::with_computed(&planned, Some(&held));
    assert!(state.b2b_collaboration_inbound.is_known());
    assert_eq!(state.tenant_restrictions, Tf::Null);
    assert_eq!(state.inbound_trust, planned.inbound_trust);
    assert_eq!(state.is_service_default, Tf::Known(true));
    assert!(state.automatic_user_consent_settings.is_known());
}

#[test]
fn the_invitation_order_round_trips() {
    let order = Value::object([
        (
            "primary_identity_provider_precedence_order",
            Value::List(vec![
                Value::from("externalFederation"),
                Value::from("azureActiveDirectory"),
            ]),
        ),
        (
            "fallback_identity_provider",
            Value::from("emailOneTimePasscode"),
        ),
    ]);
    let planned = model(&[(
        "invitation_redemption_identity_provider_configuration",
        order,
    )]);
    let prior = model(&[]);
    let patch = changed_sections(&prior, &planned).expect("a change");
    let sent = &patch.0["invitationRedemptionIdentityProviderConfiguration"];
    assert_eq!(
        sent,
        &json!({"primaryIdentityProviderPrecedenceOrder": ["externalFederation", "azureActiveDirectory"], "fallbackIdentityProvider": "emailOneTimePasscode"})
    );
    let read = DefaultModel::from_graph(
        &json!({"invitationRedemptionIdentityProviderConfiguration": sent}),
        &prior,
    );
    assert_eq!(
        read.section("invitation_redemption_identity_provider_configuration"),
        planned.section("invitation_redemption_identity_provider_configuration")
    );
}

#[test]
fn the_invitation_order_is_validated() {
    let config = |order: Vec<&str>, fallback: &str| {
        let section = Value::object([
            (
                "primary_identity_provider_precedence_order",
                Value::List(order.into_iter().map(Value::from).collect()),
            ),
            ("fallback_identity_provider", Value::from(fallback)),
        ]);
        let mut diags = crate::plugin::diagnostics::Diagnostics::new();
        let value = crate::plugin::model::to_value(
            &model(&[(
                "invitation_redemption_identity_provider_configuration",
                section,
            )]),
            schema::schema().value_type(),
        )
        .expect("fits");
        crate::plugin::validators::validate_block(&schema::schema().block, &value, &mut diags);
        diags
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d.summary,
                    d.path.as_ref().map(ToString::to_string).unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
    };
    assert!(config(
        vec!["azureActiveDirectory", "externalFederation"],
        "emailOneTimePasscode"
    )
    .is_empty());
    let twice = config(
        vec!["azureActiveDirectory", "azureActiveDirectory"],
        "microsoftAccount",
    );
    assert_eq!(twice.len(), 1, "{twice:?}");
    assert!(
        twice[0].starts_with("Identity provider listed twice"),
        "{twice:?}"
    );
    let wrong = config(vec!["emailOneTimePasscode"], "azureActiveDirectory");
    assert_eq!(wrong.len(), 2, "{wrong:?}");
}
