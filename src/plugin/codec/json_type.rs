//! cty's JSON type encoding: [`Type::to_json`] and [`Type::from_json`], and the pieces the
//! JSON value codec shares with it (a dynamically-typed value carries its type as type JSON).
//!
//! These methods of [`Type`] are defined here, in the codec, so that `value` knows no wire
//! format and the dependency runs one way: codec uses value, never the reverse.

use std::fmt::Write as _;

use super::json_parser::{parse_document, J};
use super::{CodecError, MAX_DEPTH};
use crate::plugin::path::AttributePath;
use crate::plugin::value::Type;

impl Type {
    /// cty's JSON type encoding, e.g. `"string"`, `["list","string"]`,
    /// `["object",{"a":"bool"}]`, `"dynamic"`.
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = String::new();
        write_type(&mut out, self);
        out.into_bytes()
    }

    /// Parses cty's JSON type encoding. The optional-attributes third element of
    /// `["object", {...}, [...]]` is accepted and ignored.
    pub fn from_json(bytes: &[u8]) -> Result<Type, CodecError> {
        let te = |message: String| CodecError::TypeJson {
            path: AttributePath::root(),
            message,
        };
        let j = parse_document(bytes).map_err(te)?;
        type_from_j(&j, 0).map_err(te)
    }
}

/// Reads a type from parsed JSON; also used for the `"type"` of a dynamically-typed value.
pub(super) fn type_from_j(j: &J<'_>, depth: usize) -> Result<Type, String> {
    if depth > MAX_DEPTH {
        return Err(format!("type nesting deeper than {MAX_DEPTH} levels"));
    }
    match j {
        J::Str(s) => match s.as_str() {
            "bool" => Ok(Type::Bool),
            "number" => Ok(Type::Number),
            "string" => Ok(Type::String),
            "dynamic" => Ok(Type::Dynamic),
            other => Err(format!("unknown primitive type {other:?}")),
        },
        J::Arr(items) => {
            let (Some(J::Str(kind)), Some(arg)) = (items.first(), items.get(1)) else {
                return Err("type array must be [kind, argument]".to_string());
            };
            let extra_ok =
                kind == "object" && items.len() == 3 && matches!(items.get(2), Some(J::Arr(_)));
            if items.len() != 2 && !extra_ok {
                return Err(format!("wrong number of elements for {kind:?} type"));
            }
            let sub = |j: &J<'_>| type_from_j(j, depth + 1).map(Box::new);
            match (kind.as_str(), arg) {
                ("list", t) => Ok(Type::List(sub(t)?)),
                ("set", t) => Ok(Type::Set(sub(t)?)),
                ("map", t) => Ok(Type::Map(sub(t)?)),
                ("object", J::Obj(attrs)) => attrs
                    .iter()
                    .map(|(k, t)| Ok((k.clone(), type_from_j(t, depth + 1)?)))
                    .collect::<Result<_, String>>()
                    .map(Type::Object),
                ("tuple", J::Arr(elems)) => elems
                    .iter()
                    .map(|t| type_from_j(t, depth + 1))
                    .collect::<Result<_, String>>()
                    .map(Type::Tuple),
                (other, _) => Err(format!("invalid {other:?} type")),
            }
        }
        other => Err(format!("expected string or array, found {}", other.kind())),
    }
}

/// Appends the type JSON of `ty`; also used for the `"type"` of a dynamically-typed value.
pub(super) fn write_type(out: &mut String, ty: &Type) {
    match ty {
        Type::Bool => out.push_str("\"bool\""),
        Type::Number => out.push_str("\"number\""),
        Type::String => out.push_str("\"string\""),
        Type::Dynamic => out.push_str("\"dynamic\""),
        Type::List(e) | Type::Set(e) | Type::Map(e) => {
            out.push_str(match ty {
                Type::List(_) => "[\"list\",",
                Type::Set(_) => "[\"set\",",
                _ => "[\"map\",",
            });
            write_type(out, e);
            out.push(']');
        }
        Type::Object(attrs) => {
            out.push_str("[\"object\",{");
            for (i, (k, t)) in attrs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, k);
                out.push(':');
                write_type(out, t);
            }
            out.push_str("}]");
        }
        Type::Tuple(elems) => {
            out.push_str("[\"tuple\",[");
            for (i, t) in elems.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_type(out, t);
            }
            out.push_str("]]");
        }
    }
}

/// Writes a JSON string literal, escaping like Go's encoding/json (object keys here, and
/// strings and keys in the value encoder).
pub(super) fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}') => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
