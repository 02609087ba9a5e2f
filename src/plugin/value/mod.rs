//! The Terraform (cty) value model: [`Value`] (here), [`Type`] (`types`), unknown-value
//! [`Refinements`] (`refinements`) and lossless [`Number`]s (`plugin::number`). Wire
//! encodings live in `codec`, which depends on this module and not the reverse: even cty's
//! type JSON ([`Type::to_json`]) is defined there.
//!
//! Dynamically-typed positions (`Type::Dynamic`): decoding a concrete value there
//! yields [`Value::Dynamic`]`(concrete_type, value)`, so re-encoding reproduces the
//! exact type the peer sent. A null or wholly unknown value of type `dynamic` itself
//! is plain `Value::Null` / `Value::Unknown`. When encoding, a bare (unwrapped)
//! value in a dynamic position is accepted too; its type is then inferred from the
//! value (see `Value::implied_type`). The accessors (`is_null`, `get`, `as_str`,
//! `elements`, ...) look through the `Dynamic` wrapper.

mod refinements;
mod types;

use std::collections::BTreeMap;

pub use super::number::Number;
pub use refinements::Refinements;
pub use types::Type;

/// A cty value. See the module docs for how `Dynamic` is used.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    /// Boxed: refinements are rare and large (128 bytes), and inline they made every value,
    /// so every map node and list slot, three times the size it is now (40 bytes).
    Unknown(Box<Refinements>),
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    Set(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Object(BTreeMap<String, Value>),
    Tuple(Vec<Value>),
    /// A value in a `dynamic` position together with its concrete type.
    Dynamic(Type, Box<Value>),
}

impl Value {
    /// A wholly unknown value without refinements.
    pub fn unknown() -> Value {
        Value::Unknown(Box::default())
    }

    /// True for null (also through a `Dynamic` wrapper).
    pub fn is_null(&self) -> bool {
        matches!(self.unwrap_dynamic(), Value::Null)
    }

    /// True for unknown (also through a `Dynamic` wrapper).
    pub fn is_unknown(&self) -> bool {
        matches!(self.unwrap_dynamic(), Value::Unknown(_))
    }

    /// True when no `Unknown` appears anywhere inside.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => true,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => {
                v.iter().all(Value::is_wholly_known)
            }
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            Value::Dynamic(_, v) => v.is_wholly_known(),
        }
    }

    /// The value inside a `Dynamic` wrapper (recursively), or `self`.
    pub fn unwrap_dynamic(&self) -> &Value {
        let mut v = self;
        while let Value::Dynamic(_, inner) = v {
            v = inner;
        }
        v
    }

    /// An object attribute; None if not an object or absent.
    pub fn get(&self, attr: &str) -> Option<&Value> {
        match self.unwrap_dynamic() {
            Value::Object(m) => m.get(attr),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self.unwrap_dynamic() {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.unwrap_dynamic() {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match self.unwrap_dynamic() {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// Elements of a list, set or tuple.
    pub fn elements(&self) -> Option<&[Value]> {
        match self.unwrap_dynamic() {
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => Some(v),
            _ => None,
        }
    }

    /// Entries of a map or the attributes of an object.
    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self.unwrap_dynamic() {
            Value::Map(m) | Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Convenience constructor for object values.
    pub fn object<I: IntoIterator<Item = (S, Value)>, S: Into<String>>(attrs: I) -> Value {
        Value::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A null of the given type (values are untyped, so this is just `Null`).
    pub fn null_of(_ty: &Type) -> Value {
        Value::Null
    }

    /// The type a bare value implies when it sits in a `dynamic` position: element
    /// types come from the first element that is neither null nor unknown (else
    /// `dynamic`), null/unknown object attributes get `dynamic`.
    pub fn implied_type(&self) -> Type {
        fn elem_type<'a>(mut it: impl Iterator<Item = &'a Value>) -> Type {
            it.find(|v| !v.is_null() && !v.is_unknown())
                .map_or(Type::Dynamic, Value::implied_type)
        }
        match self {
            Value::Null | Value::Unknown(_) => Type::Dynamic,
            Value::Bool(_) => Type::Bool,
            Value::Number(_) => Type::Number,
            Value::String(_) => Type::String,
            Value::List(v) => Type::List(Box::new(elem_type(v.iter()))),
            Value::Set(v) => Type::Set(Box::new(elem_type(v.iter()))),
            Value::Map(m) => Type::Map(Box::new(elem_type(m.values()))),
            Value::Object(m) => Type::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), v.implied_type()))
                    .collect(),
            ),
            Value::Tuple(v) => Type::Tuple(v.iter().map(Value::implied_type).collect()),
            Value::Dynamic(t, _) => t.clone(),
        }
    }

    /// Equality that compares set elements as multisets (order-insensitive),
    /// recursively, and looks through `Dynamic` wrappers. Numbers compare numerically;
    /// unknowns compare their refinements.
    pub fn semantically_equal(&self, other: &Value) -> bool {
        match (self.unwrap_dynamic(), other.unwrap_dynamic()) {
            (Value::Null, Value::Null) => true,
            (Value::Unknown(a), Value::Unknown(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.semantically_equal(y))
            }
            (Value::Set(a), Value::Set(b)) => {
                if a.len() != b.len() {
                    return false;
                }
                let mut used = vec![false; b.len()];
                a.iter().all(|x| {
                    let found = b
                        .iter()
                        .enumerate()
                        .find(|(i, y)| !used[*i] && x.semantically_equal(y))
                        .map(|(i, _)| i);
                    match found {
                        Some(i) => {
                            used[i] = true;
                            true
                        }
                        None => false,
                    }
                })
            }
            (Value::Map(a), Value::Map(b)) | (Value::Object(a), Value::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((ka, va), (kb, vb))| ka == kb && va.semantically_equal(vb))
            }
            _ => false,
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Number(Number::from(i))
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Self {
        Value::Number(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Maps and lists hold values inline: a larger value makes every map node and list bigger.
    #[test]
    fn a_value_stays_small() {
        assert!(std::mem::size_of::<Value>() <= 40);
    }

    #[test]
    fn number_parse_and_equality() {
        assert_eq!(Number::parse("42").and_then(|n| n.as_i64()), Some(42));
        assert_eq!(Number::parse("+007"), Some(Number::from(7)));
        assert_eq!(Number::parse("1e3").and_then(|n| n.as_i64()), Some(1000));
        assert_eq!(Number::parse("1.000e3").unwrap().as_int(), Some(1000));
        assert_eq!(Number::parse("-5.0").unwrap().as_int(), Some(-5));
        assert_eq!(
            Number::parse("1e40").unwrap().as_decimal_text(),
            Some("1e40")
        );
        assert_eq!(Number::parse("0.1").unwrap().as_decimal_text(), Some("0.1"));
        assert_eq!(Number::parse("1.50"), Some(Number::from(1.5)));
        assert_eq!(Number::parse("-0"), Some(Number::from(0)));
        assert_eq!(Number::from(2.0), Number::from(2));
        assert_ne!(Number::from(0.1), Number::from(0.2));
        let big = Number::parse("123456789012345678901234567890.5").unwrap();
        assert_eq!(big.to_string(), "123456789012345678901234567890.5");
        assert_eq!(big.as_i64(), None);
        assert!(big.as_f64() > 1e29);
        assert_eq!(
            Number::parse("18446744073709551615").and_then(|n| n.as_u64()),
            Some(u64::MAX)
        );
        for bad in [
            "",
            "-",
            ".",
            "1e",
            "1x",
            "e5",
            "--1",
            "1e1234567890123",
            "NaN",
        ] {
            assert!(Number::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(Number::parse(".5").unwrap().to_string(), "0.5");
        assert!(!Number::from(f64::NAN).eq(&Number::from(f64::NAN)));
    }

    #[test]
    fn accessors_look_through_dynamic() {
        let v = Value::Dynamic(Type::String, Box::new(Value::from("x")));
        assert_eq!(v.as_str(), Some("x"));
        let n = Value::Dynamic(Type::String, Box::new(Value::Null));
        assert!(n.is_null());
        let o = Value::object([("a", Value::from(true))]);
        assert_eq!(o.get("a").and_then(Value::as_bool), Some(true));
        assert_eq!(o.get("b"), None);
        assert!(o.is_wholly_known());
        let u = Value::List(vec![Value::object([("a", Value::unknown())])]);
        assert!(!u.is_wholly_known());
        assert!(Value::unknown().is_unknown());
    }

    #[test]
    fn semantic_equality_ignores_set_order() {
        let a = Value::Set(vec![Value::from("x"), Value::from("y"), Value::from("x")]);
        let b = Value::Set(vec![Value::from("y"), Value::from("x"), Value::from("x")]);
        let c = Value::Set(vec![Value::from("y"), Value::from("y"), Value::from("x")]);
        assert_ne!(a, b);
        assert!(a.semantically_equal(&b));
        assert!(!a.semantically_equal(&c));
        let wrap = |v: Value| Value::object([("s", v)]);
        assert!(wrap(a.clone()).semantically_equal(&wrap(b)));
        assert!(!wrap(a).semantically_equal(&wrap(c)));
    }

    #[test]
    fn implied_types() {
        let v = Value::object([
            ("l", Value::List(vec![Value::Null, Value::from(1)])),
            ("n", Value::Null),
        ]);
        assert_eq!(
            v.implied_type(),
            Type::object([("l", Type::list(Type::Number)), ("n", Type::Dynamic)])
        );
    }
}
