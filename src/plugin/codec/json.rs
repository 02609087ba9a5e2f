//! Terraform's JSON value encoding (as in state): the type-directed decoder and encoder. The
//! strict parser they read with lives in `json_parser`, cty type JSON in `json_type`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::json_parser::{parse_document, J};
use super::json_type::{type_from_j, write_str, write_type};
use super::msgpack::kind;
use super::{CodecError, MAX_DEPTH};
use crate::plugin::path::{AttributePath, PathStep};
use crate::plugin::value::{Number, Type, Value};

/// Where the decoder is; attribute names borrow from the type, and a path is only built for
/// an error.
enum Step<'t> {
    Attribute(&'t str),
    Key(String),
    Index(usize),
}

struct Decoder<'t> {
    path: Vec<Step<'t>>,
}

impl<'t> Decoder<'t> {
    fn path(&self) -> AttributePath {
        let steps = self.path.iter().map(|step| match step {
            Step::Attribute(name) => PathStep::Attribute(name.to_string()),
            Step::Key(key) => PathStep::ElementKeyString(key.clone()),
            Step::Index(i) => PathStep::ElementKeyInt(i64::try_from(*i).unwrap_or(i64::MAX)),
        });
        AttributePath(steps.collect())
    }

    fn err(&self, message: impl Into<String>) -> CodecError {
        CodecError::Json {
            path: self.path(),
            message: message.into(),
        }
    }

    fn within<T>(
        &mut self,
        step: Step<'t>,
        f: impl FnOnce(&mut Self) -> Result<T, CodecError>,
    ) -> Result<T, CodecError> {
        self.path.push(step);
        let r = f(self)?;
        self.path.pop();
        Ok(r)
    }

    /// `j` as a value of `ty`; the parsed JSON is consumed, so strings move into the value.
    fn value(&mut self, j: J<'_>, ty: &'t Type, depth: usize) -> Result<Value, CodecError> {
        if depth > MAX_DEPTH {
            return Err(self.err(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        if let J::Null = j {
            return Ok(Value::Null);
        }
        let found = j.kind();
        let wrong = |d: &Self, want: &str| d.err(format!("expected {want}, found {found}"));
        match (ty, j) {
            (Type::Dynamic, J::Obj(mut m)) => {
                if let Some(k) = m.keys().find(|k| *k != "type" && *k != "value") {
                    return Err(self.err(format!("invalid key {k:?} in dynamically-typed value")));
                }
                let (Some(tj), Some(vj)) = (m.remove("type"), m.remove("value")) else {
                    return Err(
                        self.err("dynamically-typed value needs both \"type\" and \"value\"")
                    );
                };
                let t = type_from_j(&tj, 0).map_err(|e| self.err(format!("invalid type: {e}")))?;
                // The inner type lives in the value, not in the schema: its path steps are
                // owned, so decode it with a decoder of its own and re-root its errors.
                let v = Decoder { path: Vec::new() }
                    .value(vj, &t, depth + 1)
                    .map_err(|e| e.under(self.path()))?;
                Ok(Value::Dynamic(t, Box::new(v)))
            }
            (Type::Dynamic, _) => Err(wrong(
                self,
                "{\"value\", \"type\"} object for dynamic value",
            )),
            (Type::Bool, J::Bool(b)) => Ok(Value::Bool(b)),
            (Type::Bool, J::Str(s)) if s == "true" || s == "false" => Ok(Value::Bool(s == "true")),
            (Type::Bool, _) => Err(wrong(self, "bool")),
            (Type::Number, J::Num(text)) => Number::parse(text)
                .map(Value::Number)
                .ok_or_else(|| self.err("invalid number")),
            (Type::Number, J::Str(text)) => Number::parse(&text)
                .map(Value::Number)
                .ok_or_else(|| self.err(format!("string {text:?} is not a number"))),
            (Type::Number, _) => Err(wrong(self, "number")),
            (Type::String, J::Str(s)) => Ok(Value::String(s)),
            (Type::String, J::Num(n)) => Ok(Value::String(n.to_string())),
            (Type::String, J::Bool(b)) => Ok(Value::String(b.to_string())),
            (Type::String, _) => Err(wrong(self, "string")),
            (Type::List(ety) | Type::Set(ety), J::Arr(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    out.push(self.within(Step::Index(i), |d| d.value(item, ety, depth + 1))?);
                }
                Ok(if matches!(ty, Type::Set(_)) {
                    Value::Set(out)
                } else {
                    Value::List(out)
                })
            }
            (Type::Tuple(etys), J::Arr(items)) => {
                if items.len() != etys.len() {
                    return Err(self.err(format!(
                        "expected tuple of {} elements, found {}",
                        etys.len(),
                        items.len()
                    )));
                }
                let mut out = Vec::with_capacity(items.len());
                for (i, (item, ety)) in items.into_iter().zip(etys).enumerate() {
                    out.push(self.within(Step::Index(i), |d| d.value(item, ety, depth + 1))?);
                }
                Ok(Value::Tuple(out))
            }
            (Type::List(_) | Type::Set(_) | Type::Tuple(_), _) => Err(wrong(self, "array")),
            (Type::Map(ety), J::Obj(m)) => {
                let mut out = BTreeMap::new();
                for (k, item) in m {
                    let v = self.within(Step::Key(k.clone()), |d| d.value(item, ety, depth + 1))?;
                    out.insert(k, v);
                }
                Ok(Value::Map(out))
            }
            (Type::Object(atys), J::Obj(m)) => {
                // Both in name order: one merge. Members the type lacks are dropped, as
                // go-cty does when a state is upgraded to a schema without them.
                let mut given = m.into_iter().peekable();
                let mut out = Vec::with_capacity(atys.len());
                for (name, aty) in atys {
                    while given.next_if(|(key, _)| key < name).is_some() {}
                    // The parsed key is the name: keep it rather than copy the type's.
                    let member = match given.next_if(|(key, _)| key == name) {
                        Some((key, item)) => (
                            key,
                            self.within(Step::Attribute(name), |d| d.value(item, aty, depth + 1))?,
                        ),
                        None => (name.clone(), Value::Null),
                    };
                    out.push(member);
                }
                Ok(Value::Object(out.into_iter().collect()))
            }
            (Type::Map(_) | Type::Object(_), _) => Err(wrong(self, "object")),
        }
    }
}

pub(super) fn decode(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let j = parse_document(bytes).map_err(|message| CodecError::Json {
        path: AttributePath::root(),
        message,
    })?;
    Decoder { path: Vec::new() }.value(j, ty, 0)
}

struct Encoder {
    out: String,
    path: Vec<PathStep>,
}

impl Encoder {
    fn err(&self, message: impl Into<String>) -> CodecError {
        CodecError::Encode {
            path: AttributePath(self.path.clone()),
            message: message.into(),
        }
    }

    fn within(
        &mut self,
        step: PathStep,
        v: &Value,
        ty: &Type,
        depth: usize,
    ) -> Result<(), CodecError> {
        self.path.push(step);
        self.value(v, ty, depth + 1)?;
        self.path.pop();
        Ok(())
    }

    fn elems<'t>(
        &mut self,
        vals: &[Value],
        mut tys: impl Iterator<Item = &'t Type>,
        depth: usize,
    ) -> Result<(), CodecError> {
        self.out.push('[');
        for (i, v) in vals.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            let ty = tys
                .next()
                .ok_or_else(|| self.err("more tuple elements than the type has"))?;
            let step = PathStep::ElementKeyInt(i64::try_from(i).unwrap_or(i64::MAX));
            self.within(step, v, ty, depth)?;
        }
        self.out.push(']');
        Ok(())
    }

    fn value(&mut self, v: &Value, ty: &Type, depth: usize) -> Result<(), CodecError> {
        if depth > MAX_DEPTH {
            return Err(self.err(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        if let Value::Unknown(_) = v {
            return Err(self.err("unknown values cannot be represented in JSON"));
        }
        if *ty == Type::Dynamic {
            let (inner_ty, inner) = match v {
                Value::Null => {
                    self.out.push_str("null");
                    return Ok(());
                }
                Value::Dynamic(t, inner) => (t.clone(), inner.as_ref()),
                bare => (bare.implied_type(), bare),
            };
            self.out.push_str("{\"value\":");
            self.value(inner, &inner_ty, depth + 1)?;
            self.out.push_str(",\"type\":");
            write_type(&mut self.out, &inner_ty);
            self.out.push('}');
            return Ok(());
        }
        match (ty, v) {
            (_, Value::Dynamic(_, inner)) => self.value(inner, ty, depth + 1),
            (_, Value::Null) => {
                self.out.push_str("null");
                Ok(())
            }
            (Type::Bool, Value::Bool(b)) => {
                self.out.push_str(if *b { "true" } else { "false" });
                Ok(())
            }
            (Type::Number, Value::Number(n)) => {
                if n.is_nan() || n.is_infinite() {
                    return Err(self.err(format!("{n} cannot be represented in JSON")));
                }
                let _ = write!(self.out, "{n}");
                Ok(())
            }
            (Type::String, Value::String(s)) => {
                write_str(&mut self.out, s);
                Ok(())
            }
            (
                Type::List(ety) | Type::Set(ety),
                Value::List(vals) | Value::Set(vals) | Value::Tuple(vals),
            ) => self.elems(vals, std::iter::repeat(ety.as_ref()), depth),
            (Type::Tuple(etys), Value::Tuple(vals) | Value::List(vals)) => {
                if vals.len() != etys.len() {
                    return Err(self.err(format!(
                        "tuple type has {} elements, value has {}",
                        etys.len(),
                        vals.len()
                    )));
                }
                self.elems(vals, etys.iter(), depth)
            }
            (Type::Map(ety), Value::Map(m) | Value::Object(m)) => {
                self.out.push('{');
                for (i, (k, val)) in m.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    write_str(&mut self.out, k);
                    self.out.push(':');
                    self.within(PathStep::ElementKeyString(k.clone()), val, ety, depth)?;
                }
                self.out.push('}');
                Ok(())
            }
            (Type::Object(atys), Value::Object(m) | Value::Map(m)) => {
                if let Some(extra) = m.keys().find(|k| !atys.contains_key(*k)) {
                    return Err(self.err(format!("attribute {extra:?} is not in the object type")));
                }
                self.out.push('{');
                for (i, (name, aty)) in atys.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    write_str(&mut self.out, name);
                    self.out.push(':');
                    let val = m.get(name).unwrap_or(&Value::Null);
                    self.within(PathStep::Attribute(name.clone()), val, aty, depth)?;
                }
                self.out.push('}');
                Ok(())
            }
            _ => Err(self.err(format!("value {} does not match type {ty}", kind(v)))),
        }
    }
}

pub(super) fn encode(value: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let mut e = Encoder {
        out: String::new(),
        path: Vec::new(),
    };
    e.value(value, ty, 0)?;
    Ok(e.out.into_bytes())
}
