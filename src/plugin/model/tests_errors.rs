//! Errors of typed models: required fields, schema/struct disagreements, wrong kinds, and
//! hostile values (every kind everywhere, deep nesting) that must fail without panicking.

use serde::{Deserialize, Serialize};

use super::tests::{full_model, full_value, model_type, replace, Model};
use super::{from_value, to_value, ModelError, Tf};
use crate::plugin::path::AttributePath;
use crate::plugin::value::{Number, Type, Value};

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct InboundTrust {
    is_mfa_accepted: bool,
    is_compliant_device_accepted: Tf<bool>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Partner {
    tenant_id: String,
    note: Option<String>,
    inbound_trust: Tf<InboundTrust>,
}

fn partner_value() -> Value {
    Value::object([
        ("tenant_id", Value::from("t")),
        ("note", Value::Null),
        (
            "inbound_trust",
            Value::object([
                ("is_mfa_accepted", Value::from(true)),
                ("is_compliant_device_accepted", Value::unknown()),
            ]),
        ),
    ])
}

fn err_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(v: &Value) -> ModelError {
    from_value::<T>(v).expect_err("should fail")
}

#[test]
fn required_fields_refuse_null_and_unknown_with_their_path() {
    let p: Partner = from_value(&partner_value()).unwrap();
    assert_eq!(p.note, None);
    assert_eq!(
        p.inbound_trust.known().map(|t| t.is_mfa_accepted),
        Some(true)
    );

    let mut v = partner_value();
    replace(&mut v, "inbound_trust.is_mfa_accepted", Value::Null);
    let e = err_of::<Partner>(&v);
    let want = AttributePath::attr("inbound_trust").push_attr("is_mfa_accepted");
    assert_eq!(e.path, want);
    assert!(
        e.to_string().starts_with("inbound_trust.is_mfa_accepted: "),
        "{e}"
    );
    assert!(e.message.contains("is null"), "{e}");

    replace(&mut v, "inbound_trust.is_mfa_accepted", Value::unknown());
    let e = err_of::<Partner>(&v);
    assert_eq!(e.path, want);
    assert!(e.message.contains("is not known yet"), "{e}");

    let mut v = partner_value();
    replace(&mut v, "tenant_id", Value::unknown());
    let e = err_of::<Partner>(&v);
    assert_eq!(e.to_string().split(':').next(), Some("tenant_id"));
    // Option holds null, but unknown needs Tf.
    let mut v = partner_value();
    replace(&mut v, "note", Value::unknown());
    assert_eq!(err_of::<Partner>(&v).path, AttributePath::attr("note"));
    // A null element of a map of required strings.
    let mut v = full_value();
    replace(&mut v, "labels.env", Value::Null);
    let e = err_of::<Model>(&v);
    assert_eq!(e.path, AttributePath::attr("labels").push_key("env"));
    assert!(e.to_string().starts_with("labels[\"env\"]: "), "{e}");
    // The root itself.
    let e = err_of::<Model>(&Value::Null);
    assert!(e.path.is_root() && e.to_string() == e.message, "{e}");
}

#[test]
fn attributes_the_struct_lacks_are_errors_naming_them() {
    let mut v = full_value();
    if let Value::Object(m) = &mut v {
        m.insert("surprise".into(), Value::Null);
    }
    let e = err_of::<Model>(&v);
    assert_eq!(e.path, AttributePath::attr("surprise"));
    assert!(e.message.contains("`surprise`"), "{e}");

    let mut v = full_value();
    replace(
        &mut v,
        "users.targets.1",
        Value::object([
            ("target", Value::from("g")),
            ("target_type", Value::from("group")),
            ("extra", Value::from(1)),
        ]),
    );
    let e = err_of::<Model>(&v);
    assert_eq!(
        e.to_string().split(':').next(),
        Some("users.targets[1].extra")
    );
}

#[test]
fn missing_attributes_need_serde_default() {
    let mut v = full_value();
    if let Value::Object(m) = &mut v {
        m.remove("flag");
    }
    let e = err_of::<Model>(&v);
    assert_eq!(e.path, AttributePath::attr("flag"));

    #[derive(Deserialize, Debug, PartialEq)]
    struct Lenient {
        id: Tf<String>,
        #[serde(default)]
        later: Tf<String>,
    }
    let got: Lenient = from_value(&Value::object([("id", Value::from("x"))])).unwrap();
    assert_eq!(got.later, Tf::Null);
}

#[test]
fn to_value_rejects_fields_the_schema_lacks_and_wrong_kinds() {
    #[derive(Serialize)]
    struct Extra {
        id: Tf<String>,
        bogus: Tf<String>,
    }
    let m = Extra {
        id: Tf::Null,
        bogus: Tf::Null,
    };
    let e = to_value(&m, &model_type()).unwrap_err();
    assert_eq!(e.path, AttributePath::attr("bogus"));
    assert!(e.message.contains("`bogus`"), "{e}");

    let m = std::collections::BTreeMap::from([("id", "x")]);
    let e = to_value(&m, &Type::object([("id", Type::Bool)])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "id: the model gives a string where the schema expects bool"
    );

    let e = to_value(&(1, 2, 3), &Type::Tuple(vec![Type::Number])).unwrap_err();
    assert!(e.message.contains("3 elements"), "{e}");
    assert!(to_value(&f64::NAN, &Type::Number).is_err());
    assert!(to_value(&i128::MAX, &Type::Number).is_err());
    assert!(to_value(&f64::INFINITY, &Type::Number).is_ok());
}

#[test]
fn wrong_kinds_and_numbers_out_of_range() {
    let mut v = full_value();
    replace(&mut v, "flag", Value::from("yes"));
    let e = err_of::<Model>(&v);
    assert_eq!(e.to_string(), "flag: expected a bool, found a string");

    let mut v = full_value();
    replace(&mut v, "count", Value::Number(Number::from(1.5)));
    assert_eq!(err_of::<Model>(&v).path, AttributePath::attr("count"));
    assert!(from_value::<u8>(&Value::from(300)).is_err());
    assert!(from_value::<u64>(&Value::from(-1)).is_err());
    assert_eq!(
        from_value::<f64>(&Value::Number(Number::parse("1e400").unwrap())).ok(),
        Some(f64::INFINITY)
    );
    let three = Value::Tuple(vec![Value::from("a"), Value::from(1), Value::from(2)]);
    assert!(from_value::<(String, i64)>(&three).is_err());
    assert_eq!(
        from_value::<(String, i64)>(&Value::List(vec![Value::from("a"), Value::from(1)])).ok(),
        Some(("a".to_string(), 1))
    );
}

fn every_kind() -> Vec<Value> {
    vec![
        Value::Null,
        Value::unknown(),
        Value::from(true),
        Value::from(1),
        Value::Number(Number::from(f64::NAN)),
        Value::from("s"),
        Value::List(vec![Value::Null, Value::from(1)]),
        Value::Set(vec![Value::object([("target", Value::from(1))])]),
        Value::Map(Default::default()),
        Value::object([("x", Value::unknown())]),
        Value::Tuple(vec![Value::from("a")]),
        Value::Dynamic(Type::Dynamic, Box::new(Value::from(false))),
    ]
}

#[test]
fn any_kind_anywhere_fails_cleanly() {
    let paths = [
        "id",
        "users",
        "users.access_type",
        "users.targets",
        "users.targets.0",
        "users.targets.1.target",
        "flag",
        "count",
        "labels",
        "labels.env",
    ];
    for hostile in every_kind() {
        let _ = from_value::<Model>(&hostile);
        let _ = to_value(&full_model(), &hostile.implied_type());
        for path in paths {
            let mut v = full_value();
            replace(&mut v, path, hostile.clone());
            if let Ok(m) = from_value::<Model>(&v) {
                assert!(to_value(&m, &model_type()).is_ok(), "{path}");
            }
            let _ = from_value::<serde_json::Value>(&v);
            let _ = from_value::<Partner>(&v);
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let mut v = Value::from(1);
    for _ in 0..1000 {
        v = Value::List(vec![v]);
    }
    let e = from_value::<serde_json::Value>(&v).unwrap_err();
    assert!(e.message.contains("nesting deeper"), "{e}");
    assert!(from_value::<serde::de::IgnoredAny>(&v).is_ok());

    let mut j = serde_json::json!(1);
    for _ in 0..1000 {
        j = serde_json::Value::Array(vec![j]);
    }
    let e = to_value(&j, &Type::Dynamic).unwrap_err();
    assert!(e.message.contains("nesting deeper"), "{e}");
    let mut ty = Type::Number;
    for _ in 0..1000 {
        ty = Type::list(ty);
    }
    assert!(to_value(&j, &ty).is_err());
}
