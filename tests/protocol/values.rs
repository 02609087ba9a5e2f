//! Building and reading msgpack `DynamicValue`s for the provider and the partner resource, and
//! small assertions on diagnostics.

use std::collections::BTreeMap;

use terraform_provider_azuread::plugin::codec::{decode_msgpack, encode_msgpack};
use terraform_provider_azuread::plugin::value::{Type, Value};
use terraform_provider_azuread::proto::tfplugin6 as pb;

pub const PARTNER: &str = "azuread_cross_tenant_partner";

pub fn partner_type() -> Type {
    terraform_provider_azuread::resources::cross_tenant_partner::schema::schema()
        .value_type()
        .clone()
}

pub fn provider_type() -> Type {
    terraform_provider_azuread::provider::schema::schema()
        .value_type()
        .clone()
}

/// An object of type `ty` whose attributes are all null.
pub fn nulls(ty: &Type) -> BTreeMap<String, Value> {
    match ty {
        Type::Object(attrs) => attrs.keys().map(|k| (k.clone(), Value::Null)).collect(),
        other => panic!("expected an object type, got {other}"),
    }
}

/// The attribute type at `path` inside an object type.
pub fn attr_type(ty: &Type, path: &[&str]) -> Type {
    let mut ty = ty.clone();
    for step in path {
        ty = match ty {
            Type::Object(attrs) => attrs
                .get(*step)
                .unwrap_or_else(|| panic!("no attribute {step}"))
                .clone(),
            Type::Set(elem) | Type::List(elem) => attr_type(&elem, &[step]),
            other => panic!("{other} has no attribute {step}"),
        };
    }
    ty
}

/// An object of type `ty` (nulls everywhere) with `set` applied.
pub fn object(ty: &Type, set: Vec<(&str, Value)>) -> Value {
    let mut m = nulls(ty);
    for (k, v) in set {
        assert!(m.contains_key(k), "{k} is not an attribute of {ty}");
        m.insert(k.to_string(), v);
    }
    Value::Object(m)
}

pub fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

/// A provider configuration with every argument null (credentials come from ARM_*).
pub fn provider_config() -> Value {
    Value::Object(nulls(&provider_type()))
}

fn target_config(ty: &Type, access: &str, targets: &[(&str, &str)]) -> Value {
    let target_ty = attr_type(ty, &["targets"]);
    let elem = match &target_ty {
        Type::Set(e) => (**e).clone(),
        other => panic!("targets should be a set, got {other}"),
    };
    Value::Object(BTreeMap::from([
        ("access_type".to_string(), s(access)),
        (
            "targets".to_string(),
            Value::Set(
                targets
                    .iter()
                    .map(|(t, tt)| object(&elem, vec![("target", s(t)), ("target_type", s(tt))]))
                    .collect(),
            ),
        ),
    ]))
}

/// The configuration from the design document's example (inbound trust flags, inbound B2B
/// collaboration allowed for all users and applications).
pub fn partner_config(tenant: &str) -> Value {
    let ty = partner_type();
    let trust_ty = attr_type(&ty, &["inbound_trust"]);
    let b2b_ty = attr_type(&ty, &["b2b_collaboration_inbound"]);
    let ug_ty = attr_type(&b2b_ty, &["users_and_groups"]);
    let apps_ty = attr_type(&b2b_ty, &["applications"]);
    object(
        &ty,
        vec![
            ("tenant_id", s(tenant)),
            (
                "inbound_trust",
                object(
                    &trust_ty,
                    vec![
                        ("is_mfa_accepted", Value::Bool(true)),
                        ("is_compliant_device_accepted", Value::Bool(true)),
                    ],
                ),
            ),
            (
                "b2b_collaboration_inbound",
                object(
                    &b2b_ty,
                    vec![
                        (
                            "users_and_groups",
                            target_config(&ug_ty, "allowed", &[("AllUsers", "user")]),
                        ),
                        (
                            "applications",
                            target_config(
                                &apps_ty,
                                "allowed",
                                &[("AllApplications", "application")],
                            ),
                        ),
                    ],
                ),
            ),
        ],
    )
}

pub fn dv(value: &Value, ty: &Type) -> pb::DynamicValue {
    pb::DynamicValue {
        msgpack: encode_msgpack(value, ty).expect("encode msgpack"),
        json: Vec::new(),
    }
}

pub fn raw(bytes: &[u8]) -> pb::DynamicValue {
    pb::DynamicValue {
        msgpack: bytes.to_vec(),
        json: Vec::new(),
    }
}

pub fn decode(dv: Option<&pb::DynamicValue>, ty: &Type) -> Value {
    let dv = dv.expect("a DynamicValue in the response");
    assert!(
        dv.json.is_empty(),
        "the provider should answer with msgpack"
    );
    decode_msgpack(&dv.msgpack, ty).expect("decode msgpack")
}

pub fn get<'a>(v: &'a Value, path: &[&str]) -> &'a Value {
    let mut v = v;
    for step in path {
        v = v
            .get(step)
            .unwrap_or_else(|| panic!("no attribute {step} in {v:?}"));
    }
    v
}

pub fn is_error(d: &pb::Diagnostic) -> bool {
    d.severity == pb::diagnostic::Severity::Error as i32
}

pub fn errors(diags: &[pb::Diagnostic]) -> Vec<&pb::Diagnostic> {
    diags.iter().filter(|d| is_error(d)).collect()
}

#[track_caller]
pub fn assert_no_errors(diags: &[pb::Diagnostic], what: &str) {
    let errs = errors(diags);
    assert!(
        errs.is_empty(),
        "{what}: unexpected error diagnostics: {errs:#?}"
    );
}

#[track_caller]
pub fn assert_has_error(diags: &[pb::Diagnostic], what: &str) {
    assert!(
        !errors(diags).is_empty(),
        "{what}: expected an error diagnostic, got {diags:#?}"
    );
}
