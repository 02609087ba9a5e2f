//! Codec tests: round trips, go-cty wire facts, hostile-input handling and fuzzing.

use std::collections::BTreeMap;

use super::*;
use crate::plugin::value::{Number, Refinements};

fn s(x: &str) -> Value {
    Value::from(x)
}

fn n(i: i64) -> Value {
    Value::from(i)
}

/// A schema-like type with nested objects, sets of objects, maps, lists and tuples.
fn big_type() -> Type {
    let target = Type::object([("target", Type::String), ("target_type", Type::String)]);
    Type::object([
        ("id", Type::String),
        ("enabled", Type::Bool),
        ("count", Type::Number),
        ("tags", Type::map(Type::String)),
        ("names", Type::list(Type::String)),
        ("pair", Type::Tuple(vec![Type::String, Type::Number])),
        ("extra", Type::Dynamic),
        (
            "b2b_collaboration_inbound",
            Type::object([
                (
                    "users_and_groups",
                    Type::object([
                        ("access_type", Type::String),
                        ("targets", Type::set(target.clone())),
                    ]),
                ),
                ("applications", Type::list(target)),
            ]),
        ),
    ])
}

fn target(t: &str, tt: &str) -> Value {
    Value::object([("target", s(t)), ("target_type", s(tt))])
}

fn big_value() -> Value {
    Value::object([
        ("id", s("tenant-1")),
        ("enabled", Value::Bool(true)),
        ("count", Value::Number(Number::from(1.5))),
        (
            "tags",
            Value::Map(BTreeMap::from([
                ("a".to_string(), s("1")),
                ("b".to_string(), Value::Null),
            ])),
        ),
        (
            "names",
            Value::List(vec![s("x"), Value::unknown(), Value::Null]),
        ),
        ("pair", Value::Tuple(vec![s("p"), n(-7)])),
        (
            "extra",
            Value::Dynamic(
                Type::list(Type::Number),
                Box::new(Value::List(vec![n(1), n(2)])),
            ),
        ),
        (
            "b2b_collaboration_inbound",
            Value::object([
                (
                    "users_and_groups",
                    Value::object([
                        ("access_type", s("allowed")),
                        (
                            "targets",
                            Value::Set(vec![
                                target("AllUsers", "user"),
                                target("g1", "group"),
                                Value::object([
                                    ("target", Value::unknown()),
                                    ("target_type", s("user")),
                                ]),
                            ]),
                        ),
                    ]),
                ),
                ("applications", Value::Null),
            ]),
        ),
    ])
}

fn mp_round_trip(v: &Value, ty: &Type) -> Vec<u8> {
    let bytes = encode_msgpack(v, ty).unwrap();
    let back = decode_msgpack(&bytes, ty).unwrap();
    assert_eq!(&back, v, "msgpack round trip of {v:?}");
    assert_eq!(encode_msgpack(&back, ty).unwrap(), bytes);
    bytes
}

fn json_round_trip(v: &Value, ty: &Type) -> Vec<u8> {
    let bytes = encode_json(v, ty).unwrap();
    let back = decode_json(&bytes, ty).unwrap();
    assert_eq!(
        &back,
        v,
        "json round trip of {}",
        String::from_utf8_lossy(&bytes)
    );
    bytes
}

#[test]
fn primitives_round_trip() {
    for (v, ty) in [
        (Value::Bool(true), Type::Bool),
        (Value::Bool(false), Type::Bool),
        (s(""), Type::String),
        (s("héllo \"\n\u{1f600}<&>"), Type::String),
        (n(0), Type::Number),
        (n(-1), Type::Number),
        (n(i64::MIN), Type::Number),
        (n(i64::MAX), Type::Number),
        (Value::Number(Number::from(u64::MAX)), Type::Number),
        (Value::Number(Number::from(-2.25)), Type::Number),
        (
            Value::Number(Number::parse("3.14159265358979323846264338327950288").unwrap()),
            Type::Number,
        ),
        (
            Value::Number(Number::parse("-1e400").unwrap()),
            Type::Number,
        ),
    ] {
        mp_round_trip(&v, &ty);
        json_round_trip(&v, &ty);
        mp_round_trip(&Value::Null, &ty);
        json_round_trip(&Value::Null, &ty);
        mp_round_trip(&Value::unknown(), &ty);
    }
}

#[test]
fn number_wire_forms() {
    // ints compact, floats as float64, big decimals as strings
    assert_eq!(encode_msgpack(&n(5), &Type::Number).unwrap(), vec![0x05]);
    assert_eq!(encode_msgpack(&n(-1), &Type::Number).unwrap(), vec![0xff]);
    assert_eq!(
        encode_msgpack(&n(300), &Type::Number).unwrap(),
        vec![0xcd, 0x01, 0x2c]
    );
    let f = encode_msgpack(&Value::Number(Number::from(1.5)), &Type::Number).unwrap();
    assert_eq!(f[0], 0xcb);
    assert_eq!(f.len(), 9);
    assert_eq!(
        encode_msgpack(&Value::Number(Number::from(2.0)), &Type::Number).unwrap(),
        vec![0x02]
    );
    let big = Value::Number(Number::parse("12345678901234567890123").unwrap());
    let b = encode_msgpack(&big, &Type::Number).unwrap();
    assert_eq!(b[0], 0xb7);
    assert_eq!(&b[1..], b"12345678901234567890123");
    // accept ints, floats and strings on decode
    let dec = |bytes: &[u8]| decode_msgpack(bytes, &Type::Number).unwrap();
    assert_eq!(dec(&[0xd0, 0x80]), n(-128));
    assert_eq!(
        dec(&[0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        Value::Number(Number::from(u64::MAX))
    );
    assert_eq!(
        dec(&[0xca, 0x3f, 0xc0, 0, 0]),
        Value::Number(Number::from(1.5))
    );
    assert_eq!(dec(&[0xa2, b'4', b'2']), n(42));
    assert_eq!(
        dec(&[0xa3, b'0', b'.', b'5']),
        Value::Number(Number::from(0.5))
    );
    assert!(decode_msgpack(&[0xa2, b'4', b'x'], &Type::Number).is_err());
    assert!(decode_msgpack(&[0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0], &Type::Number).is_err()); // NaN
                                                                                            // JSON: numbers as JSON numbers, strings accepted
    assert_eq!(
        encode_json(&big, &Type::Number).unwrap(),
        b"12345678901234567890123"
    );
    assert_eq!(decode_json(b"\"17\"", &Type::Number).unwrap(), n(17));
    assert_eq!(decode_json(b"1.0e2", &Type::Number).unwrap(), n(100));
    assert!(encode_json(&Value::Number(Number::from(f64::INFINITY)), &Type::Number).is_err());
}

#[test]
fn object_wire_form_matches_go_cty() {
    let ty = Type::object([("b", Type::Number), ("a", Type::String)]);
    // attributes sorted, absent ones written as nil
    let bytes = encode_msgpack(&Value::object([("a", s("x"))]), &ty).unwrap();
    assert_eq!(bytes, vec![0x82, 0xa1, b'a', 0xa1, b'x', 0xa1, b'b', 0xc0]);
    assert_eq!(
        decode_msgpack(&bytes, &ty).unwrap(),
        Value::object([("a", s("x")), ("b", Value::Null)])
    );
    // unknown is fixext1 type 0
    let u = encode_msgpack(&Value::object([("a", Value::unknown())]), &ty).unwrap();
    assert_eq!(u, vec![0x82, 0xa1, b'a', 0xd4, 0, 0, 0xa1, b'b', 0xc0]);
    // attributes missing from the map decode as null
    assert_eq!(
        decode_msgpack(&[0x81, 0xa1, b'a', 0xa1, b'x'], &ty).unwrap(),
        Value::object([("a", s("x")), ("b", Value::Null)])
    );
    assert_eq!(
        encode_json(&Value::object([("a", s("x"))]), &ty).unwrap(),
        br#"{"a":"x","b":null}"#
    );
}

#[test]
fn nested_round_trip_with_sets_of_objects() {
    let ty = big_type();
    let v = big_value();
    mp_round_trip(&v, &ty);
    // JSON cannot carry unknowns
    let err = encode_json(&v, &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot encode value at b2b_collaboration_inbound.users_and_groups.targets[2].target: \
         unknown values cannot be represented in JSON"
    );
    let known = Value::object([
        ("id", s("x")),
        (
            "b2b_collaboration_inbound",
            Value::object([(
                "users_and_groups",
                Value::object([(
                    "targets",
                    Value::Set(vec![target("a", "user"), target("b", "group")]),
                )]),
            )]),
        ),
        ("extra", Value::Dynamic(Type::String, Box::new(s("dyn")))),
    ]);
    let known = decode_json(&encode_json(&known, &ty).unwrap(), &ty).unwrap();
    json_round_trip(&known, &ty);
    mp_round_trip(&known, &ty);
}

#[test]
fn null_and_unknown_at_every_level() {
    let ty = big_type();
    // Replace each position reachable in big_value with Null and Unknown in turn.
    fn positions(v: &Value, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(path.clone());
        if let Value::Object(m) = v {
            for (k, c) in m {
                let mut p = path.clone();
                p.push(k.clone());
                positions(c, p, out);
            }
        }
    }
    fn replace(v: &Value, path: &[String], with: &Value) -> Value {
        match (path.split_first(), v) {
            (None, _) => with.clone(),
            (Some((k, rest)), Value::Object(m)) => {
                let mut m = m.clone();
                if let Some(c) = m.get(k).cloned() {
                    m.insert(k.clone(), replace(&c, rest, with));
                }
                Value::Object(m)
            }
            _ => v.clone(),
        }
    }
    let base = big_value();
    let mut ps = Vec::new();
    positions(&base, Vec::new(), &mut ps);
    assert!(ps.len() > 10);
    for p in &ps {
        for with in [Value::Null, Value::unknown()] {
            let v = replace(&base, p, &with);
            mp_round_trip(&v, &ty);
        }
    }
    // collection elements
    for with in [Value::Null, Value::unknown()] {
        let ty = Type::set(Type::object([("a", Type::list(Type::Number))]));
        let v = Value::Set(vec![
            with.clone(),
            Value::object([("a", with.clone())]),
            Value::object([("a", Value::List(vec![with.clone(), n(1)]))]),
        ]);
        mp_round_trip(&v, &ty);
    }
}

#[test]
fn refined_unknowns_round_trip_byte_exact() {
    // string: not null + prefix "abc"  => fixext8 type 12, {1:false, 2:"abc"}
    let s_bytes = vec![0xd7, 0x0c, 0x82, 0x01, 0xc2, 0x02, 0xa3, b'a', b'b', b'c'];
    let v = decode_msgpack(&s_bytes, &Type::String).unwrap();
    assert_eq!(
        v,
        Value::Unknown(Box::new(Refinements {
            not_null: true,
            string_prefix: Some("abc".into()),
            ..Default::default()
        }))
    );
    assert_eq!(encode_msgpack(&v, &Type::String).unwrap(), s_bytes);

    // number: not null, lower [0, true], upper [10.5, false]
    let mut payload = vec![0x83, 0x01, 0xc2, 0x03, 0x92, 0x00, 0xc3, 0x04, 0x92, 0xcb];
    payload.extend_from_slice(&10.5f64.to_be_bytes());
    payload.push(0xc2);
    let mut n_bytes = vec![0xc7, u8::try_from(payload.len()).unwrap(), 0x0c];
    n_bytes.extend_from_slice(&payload);
    let v = decode_msgpack(&n_bytes, &Type::Number).unwrap();
    assert_eq!(
        v,
        Value::Unknown(Box::new(Refinements {
            not_null: true,
            number_lower: Some((Number::from(0), true)),
            number_upper: Some((Number::from(10.5), false)),
            ..Default::default()
        }))
    );
    assert_eq!(encode_msgpack(&v, &Type::Number).unwrap(), n_bytes);

    // list: length bounds [1, 5] => fixext4? payload {5:1, 6:5} is 5 bytes => ext8
    let l_bytes = vec![0xc7, 0x05, 0x0c, 0x82, 0x05, 0x01, 0x06, 0x05];
    let lt = Type::list(Type::String);
    let v = decode_msgpack(&l_bytes, &lt).unwrap();
    assert_eq!(
        v,
        Value::Unknown(Box::new(Refinements {
            length_lower: Some(1),
            length_upper: Some(5),
            ..Default::default()
        }))
    );
    assert_eq!(encode_msgpack(&v, &lt).unwrap(), l_bytes);

    // not-null only: {1:false} = 3 bytes => ext8 len 3
    let nn = vec![0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc2];
    let v = decode_msgpack(&nn, &Type::Bool).unwrap();
    assert_eq!(encode_msgpack(&v, &Type::Bool).unwrap(), nn);

    // inside an object
    let ot = Type::object([("s", Type::String)]);
    let mut ob = vec![0x81, 0xa1, b's'];
    ob.extend_from_slice(&s_bytes);
    let v = decode_msgpack(&ob, &ot).unwrap();
    assert_eq!(encode_msgpack(&v, &ot).unwrap(), ob);
}

#[test]
fn refinements_never_break_decoding() {
    // unknown keys are skipped (key 9 with a nested value), key 2 still applies
    let b = [
        0xc7, 0x09, 0x0c, 0x82, 0x09, 0x92, 0x01, 0x80, 0x02, 0xa2, b'h', b'i',
    ];
    assert_eq!(
        decode_msgpack(&b, &Type::String).unwrap(),
        Value::Unknown(Box::new(Refinements {
            string_prefix: Some("hi".into()),
            ..Default::default()
        }))
    );
    // garbage payloads degrade to plain unknown
    for b in [
        vec![0xd5, 0x0c, 0xff, 0xff],
        vec![0xd6, 0x0c, 0x85, 0x01, 0x02, 0x03],
        vec![0xd5, 0x0c, 0x81, 0xa1],
        vec![0xd4, 0x05, 0x00],
        vec![0xc7, 0x00, 0x00],
        vec![0xd5, 0x07, 0x81, 0x01],
    ] {
        assert_eq!(
            decode_msgpack(&b, &Type::String).unwrap(),
            Value::unknown(),
            "{b:x?}"
        );
    }
    // inapplicable refinements are dropped
    let b = [0xd7, 0x0c, 0x82, 0x01, 0xc2, 0x02, 0xa3, b'a', b'b', b'c'];
    assert_eq!(
        decode_msgpack(&b, &Type::Number).unwrap(),
        Value::Unknown(Box::new(Refinements {
            not_null: true,
            ..Default::default()
        }))
    );
    assert_eq!(
        decode_msgpack(&b, &Type::Dynamic).unwrap(),
        Value::unknown()
    );
    // truncated ext is an error, not a panic
    assert!(decode_msgpack(&[0xc7, 0x20, 0x0c, 0x81], &Type::String).is_err());
}

#[test]
fn dynamic_values() {
    let ty = Type::object([("d", Type::Dynamic)]);
    let inner_ty = Type::object([("k", Type::set(Type::String))]);
    let inner = Value::object([("k", Value::Set(vec![s("a"), s("b")]))]);
    let v = Value::object([(
        "d",
        Value::Dynamic(inner_ty.clone(), Box::new(inner.clone())),
    )]);
    let bytes = mp_round_trip(&v, &ty);
    // [bin(type json), value]
    let tj = inner_ty.to_json();
    assert_eq!(tj, br#"["object",{"k":["set","string"]}]"#);
    let mut expect = vec![
        0x81,
        0xa1,
        b'd',
        0x92,
        0xc4,
        u8::try_from(tj.len()).unwrap(),
    ];
    expect.extend_from_slice(&tj);
    expect.extend_from_slice(&[0x81, 0xa1, b'k', 0x92, 0xa1, b'a', 0xa1, b'b']);
    assert_eq!(bytes, expect);
    // str-typed type JSON is accepted too
    let mut as_str = expect.clone();
    as_str[4] = 0xd9;
    assert_eq!(decode_msgpack(&as_str, &ty).unwrap(), v);
    // JSON form
    let j = json_round_trip(&v, &ty);
    assert_eq!(
        j,
        br#"{"d":{"value":{"k":["a","b"]},"type":["object",{"k":["set","string"]}]}}"#
    );
    // bare values in dynamic positions get an implied type
    let bare = Value::object([("d", Value::List(vec![n(1), n(2)]))]);
    let back = decode_msgpack(&encode_msgpack(&bare, &ty).unwrap(), &ty).unwrap();
    assert!(back.semantically_equal(&bare));
    assert_eq!(
        back.get("d"),
        Some(&Value::Dynamic(
            Type::list(Type::Number),
            Box::new(Value::List(vec![n(1), n(2)]))
        ))
    );
    // null / unknown / typed null / typed unknown in dynamic position
    for d in [
        Value::Null,
        Value::unknown(),
        Value::Dynamic(Type::String, Box::new(Value::Null)),
        Value::Dynamic(
            Type::String,
            Box::new(Value::Unknown(Box::new(Refinements {
                not_null: true,
                ..Default::default()
            }))),
        ),
        Value::Dynamic(
            Type::Dynamic,
            Box::new(Value::Dynamic(Type::Bool, Box::new(Value::Bool(true)))),
        ),
    ] {
        mp_round_trip(&Value::object([("d", d)]), &ty);
    }
    assert_eq!(
        encode_msgpack(&Value::Null, &Type::Dynamic).unwrap(),
        vec![0xc0]
    );
    assert_eq!(
        encode_msgpack(&Value::unknown(), &Type::Dynamic).unwrap(),
        vec![0xd4, 0, 0]
    );
    // malformed dynamic wrappers
    assert!(decode_msgpack(&[0x91, 0xa0], &Type::Dynamic).is_err());
    assert!(decode_msgpack(&[0x92, 0xa3, b'f', b'o', b'o', 0xc0], &Type::Dynamic).is_err());
    assert!(decode_json(br#"{"value":1}"#, &Type::Dynamic).is_err());
    assert!(decode_json(br#"{"value":1,"type":"number","x":1}"#, &Type::Dynamic).is_err());
}

#[test]
fn type_json_round_trip() {
    for ty in [
        Type::Bool,
        Type::Number,
        Type::String,
        Type::Dynamic,
        big_type(),
        Type::Tuple(vec![]),
        Type::object([]),
        Type::map(Type::set(Type::list(Type::Tuple(vec![
            Type::Dynamic,
            Type::Bool,
        ])))),
    ] {
        let j = ty.to_json();
        assert_eq!(
            Type::from_json(&j).unwrap(),
            ty,
            "{}",
            String::from_utf8_lossy(&j)
        );
    }
    assert_eq!(
        Type::from_json(br#"["object",{"a":"string"},["a"]]"#).unwrap(),
        Type::object([("a", Type::String)])
    );
    for bad in [
        &b"\"str\""[..],
        b"[\"list\"]",
        b"[\"list\",\"string\",1]",
        b"[\"object\",[]]",
        b"5",
        b"",
    ] {
        assert!(
            Type::from_json(bad).is_err(),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn json_state_with_extra_and_missing_attributes() {
    let ty = Type::object([
        ("id", Type::String),
        ("enabled", Type::Bool),
        (
            "nested",
            Type::list(Type::object([("a", Type::String), ("b", Type::Number)])),
        ),
    ]);
    let state = br#"{ "id": "x", "removed_attr": {"deep": [1,2]},
        "nested": [ {"a": "y", "gone": true}, {"b": 3} ] }"#;
    let v = decode_json(state, &ty).unwrap();
    assert_eq!(
        v,
        Value::object([
            ("id", s("x")),
            ("enabled", Value::Null),
            (
                "nested",
                Value::List(vec![
                    Value::object([("a", s("y")), ("b", Value::Null)]),
                    Value::object([("a", Value::Null), ("b", n(3))]),
                ])
            ),
        ])
    );
    // lenient primitive conversions as in go-cty
    assert_eq!(
        decode_json(b"\"true\"", &Type::Bool).unwrap(),
        Value::Bool(true)
    );
    assert_eq!(decode_json(b"12", &Type::String).unwrap(), s("12"));
    assert_eq!(decode_json(b"false", &Type::String).unwrap(), s("false"));
    // strict JSON
    for bad in [
        &b"{\"id\":\"x\",}"[..],
        b"{\"id\":\"x\"} x",
        b"{\"id\":\"x\",\"id\":\"y\"}",
        b"{'id':1}",
        b"\"\\ud800\"",
    ] {
        assert!(
            decode_json(bad, &ty).is_err(),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
    assert_eq!(
        decode_json(b" \"\\ud83d\\ude00\\u00e9\" ", &Type::String).unwrap(),
        s("\u{1f600}é")
    );
}

#[test]
fn errors_name_the_path() {
    let ty = Type::object([(
        "b2b_collaboration_inbound",
        Type::object([("targets", Type::list(Type::String))]),
    )]);
    // {"b2b_collaboration_inbound": {"targets": "oops"}}
    let mut b = vec![0x81, 0xb9];
    b.extend_from_slice(b"b2b_collaboration_inbound");
    b.extend_from_slice(&[0x81, 0xa7]);
    b.extend_from_slice(b"targets");
    b.extend_from_slice(&[0xa4]);
    b.extend_from_slice(b"oops");
    let err = decode_msgpack(&b, &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid msgpack at b2b_collaboration_inbound.targets: expected array, found string"
    );
    assert_eq!(
        err.path(),
        &AttributePath::attr("b2b_collaboration_inbound").push_attr("targets")
    );
    let err = decode_json(
        br#"{"b2b_collaboration_inbound":{"targets":["a",7,{}]}}"#,
        &ty,
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid JSON at b2b_collaboration_inbound.targets[2]: expected string, found object"
    );
    let err = decode_msgpack(&[0xc0, 0xc0], &ty).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid msgpack at (root): 1 trailing bytes"),
        "{err}"
    );
    let err = encode_msgpack(&Value::object([("nope", Value::Null)]), &ty).unwrap_err();
    assert!(err.to_string().contains("\"nope\""), "{err}");
    let err =
        encode_msgpack(&Value::object([("b2b_collaboration_inbound", s("x"))]), &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot encode value at b2b_collaboration_inbound: value string does not match type object({targets=list(string)})"
    );
}

#[test]
fn hostile_structures_rejected() {
    let ot = Type::object([("a", Type::String)]);
    let mt = Type::map(Type::String);
    // duplicate keys
    let dup = [0x82, 0xa1, b'a', 0xa0, 0xa1, b'a', 0xa0];
    assert!(decode_msgpack(&dup, &ot)
        .unwrap_err()
        .to_string()
        .contains("duplicate"));
    assert!(decode_msgpack(&dup, &mt)
        .unwrap_err()
        .to_string()
        .contains("duplicate"));
    // non-string keys
    assert!(decode_msgpack(&[0x81, 0x01, 0xa0], &mt).is_err());
    assert!(decode_msgpack(&[0x81, 0xc4, 0x01, b'a', 0xa0], &ot).is_err());
    // attribute not in the type is named
    let err = decode_msgpack(&[0x81, 0xa1, b'z', 0xa0], &ot).unwrap_err();
    assert!(
        err.to_string().contains("unsupported attribute \"z\""),
        "{err}"
    );
    // wrong tuple length
    assert!(decode_msgpack(
        &[0x91, 0x01],
        &Type::Tuple(vec![Type::Number, Type::Number])
    )
    .is_err());
    // invalid UTF-8
    assert!(decode_msgpack(&[0xa1, 0xff], &Type::String).is_err());
    // reserved marker
    assert!(decode_msgpack(&[0xc1], &Type::String).is_err());
    // empty input
    assert!(decode_msgpack(&[], &Type::String).is_err());
    let none = crate::proto::tfplugin6::DynamicValue::default();
    assert!(decode_dynamic(&none, &Type::String)
        .unwrap_err()
        .to_string()
        .starts_with("no value at (root)"));
}

#[test]
fn huge_declared_lengths_do_not_allocate() {
    let lt = Type::list(Type::String);
    for b in [
        vec![0xdd, 0xff, 0xff, 0xff, 0xff],
        vec![0xdf, 0xff, 0xff, 0xff, 0xff],
        vec![0xdb, 0xff, 0xff, 0xff, 0xff],
        vec![0xc6, 0xff, 0xff, 0xff, 0xff],
        vec![0xc9, 0xff, 0xff, 0xff, 0xff, 0x0c],
        vec![0xdd, 0xff, 0xff, 0xff, 0xff, 0xa0, 0xa0],
    ] {
        for ty in [
            &lt,
            &Type::map(Type::String),
            &Type::String,
            &Type::Dynamic,
            &Type::set(Type::Dynamic),
        ] {
            assert!(decode_msgpack(&b, ty).is_err());
        }
    }
    // a refinement payload declaring 2^32-1 entries
    let r = [0xd6, 0x0c, 0xdf, 0xff, 0xff, 0xff];
    assert_eq!(decode_msgpack(&r, &Type::String).unwrap(), Value::unknown());
}

#[test]
fn deep_nesting_is_rejected_cleanly() {
    // type-directed nesting
    let mut ty = Type::String;
    for _ in 0..300 {
        ty = Type::list(ty);
    }
    let mut b = vec![0x91; 300];
    b.push(0xa0);
    let err = decode_msgpack(&b, &ty).unwrap_err();
    assert!(err.to_string().contains("nesting deeper than 128"), "{err}");
    // within the limit works
    let mut ty = Type::String;
    for _ in 0..100 {
        ty = Type::list(ty);
    }
    let mut b = vec![0x91; 100];
    b.push(0xa0);
    let v = decode_msgpack(&b, &ty).unwrap();
    assert_eq!(encode_msgpack(&v, &ty).unwrap(), b);
    // dynamic recursion: [ "dynamic", [ "dynamic", ... ] ]
    let mut b = Vec::new();
    for _ in 0..10_000 {
        b.extend_from_slice(&[0x92, 0xa9]);
        b.extend_from_slice(b"\"dynamic\"");
    }
    b.push(0xc0);
    assert!(decode_msgpack(&b, &Type::Dynamic).is_err());
    // JSON
    let deep = "[".repeat(100_000);
    assert!(decode_json(deep.as_bytes(), &Type::Dynamic).is_err());
    assert!(Type::from_json(deep.as_bytes()).is_err());
    let deep_type = format!("{}\"string\"{}", "[\"list\",".repeat(500), "]".repeat(500));
    assert!(Type::from_json(deep_type.as_bytes()).is_err());
    // encoder refuses to recurse without bound
    let mut v = Value::Null;
    for _ in 0..300 {
        v = Value::List(vec![v]);
    }
    let mut ty = Type::String;
    for _ in 0..300 {
        ty = Type::list(ty);
    }
    assert!(encode_msgpack(&v, &ty).is_err());
    assert!(encode_json(&v, &ty).is_err());
}

#[test]
fn dynamic_value_wrapper() {
    let ty = big_type();
    let v = big_value();
    let dv = encode_dynamic(&v, &ty).unwrap();
    assert!(dv.json.is_empty());
    assert_eq!(decode_dynamic(&dv, &ty).unwrap(), v);
    let jv = crate::proto::tfplugin6::DynamicValue {
        msgpack: Vec::new(),
        json: br#"{"id":"j"}"#.to_vec(),
    };
    assert_eq!(decode_dynamic(&jv, &ty).unwrap().get("id"), Some(&s("j")));
}

/// xorshift64* — small deterministic PRNG for fuzzing.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap()).unwrap()
    }
    fn byte(&mut self) -> u8 {
        self.next().to_le_bytes()[0]
    }
}

fn fuzz_types() -> Vec<Type> {
    vec![
        Type::Dynamic,
        Type::String,
        Type::Number,
        big_type(),
        Type::list(Type::Dynamic),
        Type::map(Type::set(Type::Number)),
        Type::Tuple(vec![Type::Bool, Type::Dynamic]),
    ]
}

#[test]
fn fuzz_random_bytes_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let types = fuzz_types();
    // bias towards structural markers so the decoder gets deep
    let interesting = [
        0x90u8, 0x91, 0x92, 0x93, 0x80, 0x81, 0x82, 0xa0, 0xa1, 0xc0, 0xc3, 0xd4, 0xd7, 0x0c, 0xc7,
        0xdd, 0xdf, 0xdb, 0xff, 0xcb, 0xc4, b'"', b'[', b'{',
    ];
    let mut ok = 0usize;
    for i in 0..120_000 {
        let len = rng.below(48);
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                if rng.below(2) == 0 {
                    interesting[rng.below(interesting.len())]
                } else {
                    rng.byte()
                }
            })
            .collect();
        let ty = &types[i % types.len()];
        if let Ok(v) = decode_msgpack(&bytes, ty) {
            ok += 1;
            // anything we accept we can re-encode and re-read
            let again = encode_msgpack(&v, ty).unwrap();
            assert_eq!(decode_msgpack(&again, ty).unwrap(), v);
        }
        let _ = decode_json(&bytes, ty);
        let _ = Type::from_json(&bytes);
    }
    assert!(ok > 0);
}

#[test]
fn fuzz_truncations_and_mutations_never_panic() {
    let ty = big_type();
    let v = big_value();
    let valid = encode_msgpack(&v, &ty).unwrap();
    let refined = [0xd7u8, 0x0c, 0x82, 0x01, 0xc2, 0x02, 0xa3, b'a', b'b', b'c'];
    let known = Value::object([
        ("id", s("x")),
        ("extra", Value::Dynamic(Type::Number, Box::new(n(3)))),
    ]);
    let json = encode_json(&known, &ty).unwrap();
    for cut in 0..valid.len() {
        assert!(decode_msgpack(&valid[..cut], &ty).is_err(), "cut at {cut}");
    }
    for cut in 0..refined.len() {
        let _ = decode_msgpack(&refined[..cut], &Type::String);
    }
    for cut in 0..json.len() {
        let _ = decode_json(&json[..cut], &ty);
    }
    let mut rng = Rng(42);
    for _ in 0..100_000 {
        let mut m = valid.clone();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(m.len());
            match rng.below(3) {
                0 => m[at] = rng.byte(),
                1 => m[at] ^= 1 << rng.below(8),
                _ => {
                    m.insert(at, rng.byte());
                }
            }
        }
        if let Ok(d) = decode_msgpack(&m, &ty) {
            let again = encode_msgpack(&d, &ty).unwrap();
            assert_eq!(decode_msgpack(&again, &ty).unwrap(), d);
        }
        let mut j = json.clone();
        let at = rng.below(j.len());
        j[at] = rng.byte();
        if let Ok(d) = decode_json(&j, &ty) {
            let _ = encode_json(&d, &ty);
        }
    }
}

#[test]
fn object_attributes_in_any_order_decode_and_repeats_are_named() {
    let ot = Type::object([
        ("a", Type::String),
        ("b", Type::String),
        ("c", Type::String),
    ]);
    // {"c": "3", "a": "1"}: out of order, "b" left out.
    let bytes = [0x82, 0xa1, b'c', 0xa1, b'3', 0xa1, b'a', 0xa1, b'1'];
    let value = decode_msgpack(&bytes, &ot).expect("decodes");
    assert_eq!(
        value,
        Value::object([("a", s("1")), ("b", Value::Null), ("c", s("3"))])
    );
    // {"b": "", "a": "", "b": ""}: the repeat is named although the keys are out of order.
    let bytes = [0x83, 0xa1, b'b', 0xa0, 0xa1, b'a', 0xa0, 0xa1, b'b', 0xa0];
    let err = decode_msgpack(&bytes, &ot).unwrap_err().to_string();
    assert!(err.contains("duplicate attribute \"b\""), "{err}");
    // A map that declares more attributes than the type has stops at the first one too many.
    let mut bytes = vec![0xde, 0xff, 0xff];
    for _ in 0..4 {
        bytes.extend([0xa1, b'a', 0xa0]);
    }
    let err = decode_msgpack(&bytes, &ot).unwrap_err().to_string();
    assert!(err.contains("duplicate attribute \"a\""), "{err}");
}

#[test]
fn json_errors_inside_a_dynamic_value_name_the_whole_path() {
    let ty = Type::object([("d", Type::Dynamic)]);
    let json = br#"{"d": {"type": ["object", {"x": "number"}], "value": {"x": "abc"}}}"#;
    let err = decode_json(json, &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid JSON at d.x: string \"abc\" is not a number"
    );
    // Members the type lacks are dropped, those it has but the JSON lacks are null.
    let ty = Type::object([("a", Type::String), ("c", Type::String)]);
    let value = decode_json(br#"{"b": "gone", "c": "kept"}"#, &ty).expect("decodes");
    assert_eq!(value, Value::object([("a", Value::Null), ("c", s("kept"))]));
}

#[test]
fn encode_errors_name_the_path_and_every_surplus_attribute_is_refused() {
    let ty = Type::object([("b", Type::String), ("d", Type::String)]);
    // Before, between and after the type's attributes.
    for extra in ["a", "c", "e"] {
        let value = Value::object([("b", s("1")), ("d", s("2")), (extra, s("3"))]);
        let err = encode_msgpack(&value, &ty).unwrap_err();
        assert!(err.to_string().contains(&format!("{extra:?}")), "{err}");
    }
    // Attributes the value leaves out are written as null, in the type's order.
    let partial = encode_msgpack(&Value::object([("d", s("x"))]), &ty).expect("encodes");
    assert_eq!(partial, [0x82, 0xa1, b'b', 0xc0, 0xa1, b'd', 0xa1, b'x']);
    // Inside a dynamic value the path goes on through the inferred type.
    let ty = Type::object([("dyn", Type::Dynamic)]);
    let nan = Value::Number(Number::from(f64::NAN));
    let value = Value::object([("dyn", Value::object([("inner", Value::List(vec![nan]))]))]);
    let err = encode_msgpack(&value, &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot encode value at dyn.inner[0]: NaN is not a valid number"
    );
}
