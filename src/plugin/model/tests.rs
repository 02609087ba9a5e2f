//! Round trips of typed models through `Value`: the realistic partner-like model, null and
//! unknown at every level, Type-directed writing, and `Tf` with serde_json. Error cases live
//! in `tests_errors.rs`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{from_value, to_value, Tf};
use crate::plugin::value::{Number, Refinements, Type, Value};

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
pub(super) struct Target {
    pub target: Tf<String>,
    pub target_type: Tf<String>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
pub(super) struct TargetConfiguration {
    pub access_type: Tf<String>,
    pub targets: Tf<Vec<Target>>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
pub(super) struct Model {
    pub id: Tf<String>,
    pub tenant_id: Tf<String>,
    pub users: Tf<TargetConfiguration>,
    pub flag: Tf<bool>,
    pub count: Tf<i64>,
    pub labels: Tf<BTreeMap<String, String>>,
}

pub(super) fn model_type() -> Type {
    let target = Type::object([("target", Type::String), ("target_type", Type::String)]);
    Type::object([
        ("id", Type::String),
        ("tenant_id", Type::String),
        (
            "users",
            Type::object([
                ("access_type", Type::String),
                ("targets", Type::set(target)),
            ]),
        ),
        ("flag", Type::Bool),
        ("count", Type::Number),
        ("labels", Type::map(Type::String)),
    ])
}

fn target(t: &str, ty: &str) -> Target {
    Target {
        target: Tf::Known(t.to_string()),
        target_type: Tf::Known(ty.to_string()),
    }
}

pub(super) fn full_model() -> Model {
    Model {
        id: Tf::Known("p-1".into()),
        tenant_id: Tf::Known("t-1".into()),
        users: Tf::Known(TargetConfiguration {
            access_type: Tf::Known("allowed".into()),
            targets: Tf::Known(vec![target("AllUsers", "user"), target("g-1", "group")]),
        }),
        flag: Tf::Known(true),
        count: Tf::Known(3),
        labels: Tf::Known(BTreeMap::from([("env".to_string(), "prod".to_string())])),
    }
}

fn target_value(t: &str, ty: &str) -> Value {
    Value::object([("target", Value::from(t)), ("target_type", Value::from(ty))])
}

pub(super) fn full_value() -> Value {
    Value::object([
        ("id", Value::from("p-1")),
        ("tenant_id", Value::from("t-1")),
        (
            "users",
            Value::object([
                ("access_type", Value::from("allowed")),
                (
                    "targets",
                    Value::Set(vec![
                        target_value("AllUsers", "user"),
                        target_value("g-1", "group"),
                    ]),
                ),
            ]),
        ),
        ("flag", Value::from(true)),
        ("count", Value::from(3)),
        (
            "labels",
            Value::Map(BTreeMap::from([("env".to_string(), Value::from("prod"))])),
        ),
    ])
}

/// Replaces the value at a dotted path (`users.targets.0.target`; numbers index elements).
pub(super) fn replace(v: &mut Value, path: &str, new: Value) {
    let mut cur = v;
    for step in path.split('.') {
        cur = match cur {
            Value::Object(m) | Value::Map(m) => m.get_mut(step).expect("attribute"),
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                &mut items[step.parse::<usize>().expect("index")]
            }
            other => panic!("cannot step into {other:?}"),
        };
    }
    *cur = new;
}

#[test]
fn realistic_model_round_trips_with_sets_per_type() {
    let v = to_value(&full_model(), &model_type()).unwrap();
    assert_eq!(v, full_value());
    assert!(
        matches!(v.get("users").and_then(|u| u.get("targets")), Some(Value::Set(s)) if s.len() == 2)
    );
    let back: Model = from_value(&v).unwrap();
    assert_eq!(back, full_model());
}

fn state<T>(unknown: bool) -> Tf<T> {
    if unknown {
        Tf::Unknown
    } else {
        Tf::Null
    }
}

fn users(m: &mut Model) -> &mut TargetConfiguration {
    match &mut m.users {
        Tf::Known(u) => u,
        _ => panic!("users"),
    }
}

fn targets(m: &mut Model) -> &mut Vec<Target> {
    match &mut users(m).targets {
        Tf::Known(t) => t,
        _ => panic!("targets"),
    }
}

#[test]
fn null_and_unknown_round_trip_at_every_level() {
    type Edit = fn(&mut Model, bool);
    let cases: [(&str, Edit); 10] = [
        ("id", |m, u| m.id = state(u)),
        ("tenant_id", |m, u| m.tenant_id = state(u)),
        ("users", |m, u| m.users = state(u)),
        ("users.access_type", |m, u| users(m).access_type = state(u)),
        ("users.targets", |m, u| users(m).targets = state(u)),
        ("users.targets.0.target", |m, u| {
            targets(m)[0].target = state(u)
        }),
        ("users.targets.1.target_type", |m, u| {
            targets(m)[1].target_type = state(u)
        }),
        ("flag", |m, u| m.flag = state(u)),
        ("count", |m, u| m.count = state(u)),
        ("labels", |m, u| m.labels = state(u)),
    ];
    for (path, edit) in cases {
        for unknown in [false, true] {
            let mut v = full_value();
            let new = if unknown {
                Value::unknown()
            } else {
                Value::Null
            };
            replace(&mut v, path, new);
            let got: Model = from_value(&v).unwrap_or_else(|e| panic!("{path}: {e}"));
            let mut want = full_model();
            edit(&mut want, unknown);
            assert_eq!(got, want, "{path} unknown={unknown}");
            assert_eq!(to_value(&got, &model_type()).unwrap(), v, "{path}");
        }
    }
}

#[test]
fn refined_unknowns_and_dynamic_wrappers_are_looked_through() {
    let mut v = full_value();
    let refined = Refinements {
        not_null: true,
        string_prefix: Some("p-".into()),
        ..Default::default()
    };
    replace(&mut v, "id", Value::Unknown(Box::new(refined)));
    replace(
        &mut v,
        "tenant_id",
        Value::Dynamic(Type::String, Box::new(Value::from("t-1"))),
    );
    replace(
        &mut v,
        "flag",
        Value::Dynamic(Type::Bool, Box::new(Value::Null)),
    );
    let wrapped = Value::Dynamic(model_type(), Box::new(v));
    let got: Model = from_value(&wrapped).unwrap();
    let mut want = full_model();
    want.id = Tf::Unknown;
    want.flag = Tf::Null;
    assert_eq!(got, want);
    // Written back, the unknown carries no refinements.
    assert_eq!(
        to_value(&got, &model_type()).unwrap().get("id"),
        Some(&Value::unknown())
    );
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Partial {
    id: Tf<String>,
    users: Tf<TargetConfiguration>,
    #[serde(skip_serializing_if = "Tf::is_null")]
    flag: Tf<bool>,
}

#[test]
fn to_value_fills_missing_attributes_with_null_and_makes_sets() {
    let m = Partial {
        id: Tf::Known("p".into()),
        users: Tf::Known(TargetConfiguration {
            access_type: Tf::Unknown,
            targets: Tf::Known(vec![target("a", "user")]),
        }),
        flag: Tf::Null,
    };
    let v = to_value(&m, &model_type()).unwrap();
    let users = Value::object([
        ("access_type", Value::unknown()),
        ("targets", Value::Set(vec![target_value("a", "user")])),
    ]);
    let want = Value::object([
        ("id", Value::from("p")),
        ("tenant_id", Value::Null),
        ("users", users),
        ("flag", Value::Null),
        ("count", Value::Null),
        ("labels", Value::Null),
    ]);
    assert_eq!(v, want);
    let empty = TargetConfiguration {
        access_type: Tf::Null,
        targets: Tf::Known(vec![]),
    };
    let ty = Type::object([
        ("access_type", Type::String),
        (
            "targets",
            Type::list(Type::object([("target", Type::String)])),
        ),
    ]);
    let v = to_value(&empty, &ty).unwrap();
    assert_eq!(v.get("targets"), Some(&Value::List(vec![])));
}

#[test]
fn plain_option_vectors_maps_and_numbers() {
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Misc {
        opt: Option<String>,
        tags: Vec<String>,
        pair: (String, u8),
        ratio: f64,
        small: f32,
        big: u64,
        env: std::collections::HashMap<String, Tf<i32>>,
    }
    let ty = Type::object([
        ("opt", Type::String),
        ("tags", Type::set(Type::String)),
        ("pair", Type::Tuple(vec![Type::String, Type::Number])),
        ("ratio", Type::Number),
        ("small", Type::Number),
        ("big", Type::Number),
        ("env", Type::map(Type::Number)),
    ]);
    let m = Misc {
        opt: None,
        tags: vec!["b".into(), "a".into(), "b".into()],
        pair: ("x".into(), 7),
        ratio: 0.25,
        small: 0.1,
        big: u64::MAX,
        env: [
            ("a".to_string(), Tf::Known(-1)),
            ("b".to_string(), Tf::Unknown),
        ]
        .into(),
    };
    let v = to_value(&m, &ty).unwrap();
    // Sets keep the model's order and duplicates.
    let tags = ["b", "a", "b"].map(Value::from).to_vec();
    assert_eq!(v.get("tags"), Some(&Value::Set(tags)));
    assert_eq!(
        v.get("small"),
        Some(&Value::Number(Number::parse("0.1").unwrap()))
    );
    assert!(matches!(v.get("pair"), Some(Value::Tuple(t)) if t.len() == 2));
    assert_eq!(from_value::<Misc>(&v).unwrap(), m);
    // Integral decimals read as integers, decimals as floats.
    let mut v = v;
    replace(
        &mut v,
        "pair.1",
        Value::Number(Number::parse("7.0e0").unwrap()),
    );
    replace(
        &mut v,
        "ratio",
        Value::Number(Number::parse("2.5e-1").unwrap()),
    );
    assert_eq!(from_value::<Misc>(&v).unwrap(), m);
}

#[test]
fn fieldless_enums_are_strings() {
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    #[serde(rename_all = "camelCase")]
    enum Access {
        Allowed,
        Blocked,
    }
    let v = to_value(&Tf::Known(Access::Blocked), &Type::String).unwrap();
    assert_eq!(v, Value::from("blocked"));
    assert_eq!(
        from_value::<Access>(&Value::from("allowed")).unwrap(),
        Access::Allowed
    );
    let e = from_value::<Access>(&Value::from("maybe")).unwrap_err();
    assert!(e.message.contains("maybe"), "{e}");
}

#[test]
fn models_with_serde_json_lose_only_unknown() {
    let json = serde_json::to_string(&full_model()).unwrap();
    assert!(
        json.contains(r#""targets":[{"target":"AllUsers""#),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<Model>(&json).unwrap(), full_model());
    let mut m = full_model();
    m.users = Tf::Unknown;
    m.count = Tf::Null;
    let back: Model = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
    assert_eq!((back.users, back.count), (Tf::Null, Tf::Null));
    let via_value: Model =
        serde_json::from_value(serde_json::to_value(full_model()).unwrap()).unwrap();
    assert_eq!(via_value, full_model());
}
