//! go-cty msgpack: the type-directed decoder, including unknown values (ext 0) and refined
//! unknowns (ext 12). The token reader and the encoder live beside it.

use std::collections::BTreeMap;

pub(super) use super::msgpack_encode::{encode, kind};
use super::msgpack_reader::{Reader, Tok};
use super::{CodecError, MAX_DEPTH};
use crate::plugin::path::{AttributePath, PathStep};
use crate::plugin::value::{Number, Refinements, Type, Value};

/// Extension type of a refined unknown (go-cty `unknownWithRefinementsExt`).
pub(super) const EXT_REFINED: i8 = 12;
/// Refinement payloads above this size are ignored (go-cty rejects them).
const MAX_REFINEMENT_LEN: usize = 1024;
pub(super) const KEY_NULLNESS: i64 = 1;
pub(super) const KEY_STRING_PREFIX: i64 = 2;
pub(super) const KEY_NUMBER_MIN: i64 = 3;
pub(super) const KEY_NUMBER_MAX: i64 = 4;
pub(super) const KEY_LENGTH_MIN: i64 = 5;
pub(super) const KEY_LENGTH_MAX: i64 = 6;

fn number_from_tok(tok: &Tok<'_>) -> Result<Number, String> {
    match *tok {
        Tok::Int(i) => Ok(Number::from(i)),
        Tok::UInt(u) => Ok(Number::from(u)),
        Tok::Float(f) if f.is_nan() => Err("NaN is not a valid number".to_string()),
        Tok::Float(f) => Ok(Number::from(f)),
        Tok::Str(s) => std::str::from_utf8(s)
            .ok()
            .and_then(Number::parse)
            .ok_or_else(|| "string is not a valid decimal number".to_string()),
        ref other => Err(format!("expected number, found {}", other.kind())),
    }
}

/// Interprets an extension as an unknown value; refinements are best-effort
/// (anything malformed degrades to a plain unknown, never an error).
fn unknown_from_ext(code: i8, payload: &[u8], ty: &Type) -> Value {
    if code != EXT_REFINED
        || payload.len() <= 1
        || payload.len() > MAX_REFINEMENT_LEN
        || *ty == Type::Dynamic
    {
        return Value::unknown();
    }
    match parse_refinements(payload) {
        Ok((true, _)) => Value::Null,
        Ok((false, r)) => Value::Unknown(Box::new(r.for_type(ty))),
        Err(_) => Value::unknown(),
    }
}

/// Returns (definitely null, refinements).
fn parse_refinements(payload: &[u8]) -> Result<(bool, Refinements), String> {
    let mut r = Reader::new(payload);
    let Tok::Map(n) = r.next()? else {
        return Err("refinements are not a map".to_string());
    };
    let mut out = Refinements::default();
    let mut is_null = false;
    for _ in 0..n {
        let key = match r.next()? {
            Tok::Int(i) => i,
            Tok::UInt(_) => i64::MAX,
            _ => return Err("non-integer refinement key".to_string()),
        };
        match key {
            KEY_NULLNESS => match r.next()? {
                Tok::Bool(true) => is_null = true,
                Tok::Bool(false) => out.not_null = true,
                _ => return Err("nullness refinement is not a bool".to_string()),
            },
            KEY_STRING_PREFIX => match r.next()? {
                Tok::Str(s) => {
                    let s = std::str::from_utf8(s).map_err(|_| "prefix is not UTF-8")?;
                    out.string_prefix = Some(s.to_string()).filter(|p| !p.is_empty());
                }
                _ => return Err("string prefix refinement is not a string".to_string()),
            },
            KEY_NUMBER_MIN | KEY_NUMBER_MAX => {
                let (Tok::Array(2), num) = (r.next()?, r.next()?) else {
                    return Err("number bound is not a [number, bool] array".to_string());
                };
                let num = number_from_tok(&num)?;
                let Tok::Bool(inclusive) = r.next()? else {
                    return Err("number bound inclusivity is not a bool".to_string());
                };
                let bound = Some((num, inclusive));
                if key == KEY_NUMBER_MIN {
                    out.number_lower = bound;
                } else {
                    out.number_upper = bound;
                }
            }
            KEY_LENGTH_MIN | KEY_LENGTH_MAX => {
                let n = match r.next()? {
                    Tok::Int(i) => i,
                    Tok::UInt(_) => i64::MAX,
                    _ => return Err("length bound is not an integer".to_string()),
                };
                if key == KEY_LENGTH_MIN {
                    out.length_lower = Some(n);
                } else {
                    out.length_upper = Some(n);
                }
            }
            _ => r.skip(0)?,
        }
    }
    Ok((is_null, out))
}

/// Where the decoder or the encoder is, borrowing names: a path is only built for an error
/// ([`path_of`]), so neither copies a name per attribute.
#[derive(Clone, Copy)]
pub(super) enum Step<'a> {
    Attribute(&'a str),
    Key(&'a str),
    Index(usize),
}

/// The attribute path the steps lead to.
pub(super) fn path_of(steps: &[Step<'_>]) -> AttributePath {
    let steps = steps.iter().map(|step| match *step {
        Step::Attribute(name) => PathStep::Attribute(name.to_string()),
        Step::Key(key) => PathStep::ElementKeyString(key.to_string()),
        Step::Index(i) => PathStep::ElementKeyInt(index(i)),
    });
    AttributePath(steps.collect())
}

struct Decoder<'a> {
    r: Reader<'a>,
    path: Vec<Step<'a>>,
}

impl<'a> Decoder<'a> {
    fn err(&self, message: impl Into<String>) -> CodecError {
        CodecError::Msgpack {
            path: path_of(&self.path),
            message: message.into(),
        }
    }

    fn next(&mut self) -> Result<Tok<'a>, CodecError> {
        self.r.next().map_err(|m| self.err(m))
    }

    fn utf8(&self, s: &'a [u8]) -> Result<&'a str, CodecError> {
        std::str::from_utf8(s).map_err(|_| self.err("string is not valid UTF-8"))
    }

    /// Capacity for `n` declared elements: never more than the bytes left.
    fn cap(&self, n: usize) -> usize {
        n.min(self.r.remaining())
    }

    fn value(&mut self, ty: &Type, depth: usize) -> Result<Value, CodecError> {
        if depth > MAX_DEPTH {
            return Err(self.err(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        let tok = self.next()?;
        if let Tok::Ext(code, payload) = tok {
            return Ok(unknown_from_ext(code, payload, ty));
        }
        if let Tok::Nil = tok {
            return Ok(Value::Null);
        }
        let wrong = |d: &Self, want: &str, tok: &Tok<'_>| {
            d.err(format!("expected {want}, found {}", tok.kind()))
        };
        match ty {
            Type::Dynamic => {
                let Tok::Array(2) = tok else {
                    return Err(wrong(self, "[type, value] array for dynamic value", &tok));
                };
                let ty_json = match self.next()? {
                    Tok::Str(b) | Tok::Bin(b) => b,
                    other => return Err(wrong(self, "type JSON for dynamic value", &other)),
                };
                let inner_ty = Type::from_json(ty_json).map_err(|e| {
                    self.err(format!("invalid type for dynamic value: {}", e.message()))
                })?;
                let inner = self.value(&inner_ty, depth + 1)?;
                Ok(Value::Dynamic(inner_ty, Box::new(inner)))
            }
            Type::Bool => match tok {
                Tok::Bool(b) => Ok(Value::Bool(b)),
                _ => Err(wrong(self, "bool", &tok)),
            },
            Type::Number => number_from_tok(&tok)
                .map(Value::Number)
                .map_err(|m| self.err(m)),
            Type::String => match tok {
                Tok::Str(s) | Tok::Bin(s) => Ok(Value::String(self.utf8(s)?.to_string())),
                _ => Err(wrong(self, "string", &tok)),
            },
            Type::List(ety) | Type::Set(ety) => {
                let Tok::Array(n) = tok else {
                    return Err(wrong(self, "array", &tok));
                };
                let mut elems = Vec::with_capacity(self.cap(n));
                for i in 0..n {
                    self.path.push(Step::Index(i));
                    elems.push(self.value(ety, depth + 1)?);
                    self.path.pop();
                }
                Ok(if matches!(ty, Type::Set(_)) {
                    Value::Set(elems)
                } else {
                    Value::List(elems)
                })
            }
            Type::Tuple(etys) => {
                let Tok::Array(n) = tok else {
                    return Err(wrong(self, "array", &tok));
                };
                if n != etys.len() {
                    return Err(self.err(format!(
                        "expected tuple of {} elements, found {n}",
                        etys.len()
                    )));
                }
                let mut elems = Vec::with_capacity(self.cap(n));
                for (i, ety) in etys.iter().enumerate() {
                    self.path.push(Step::Index(i));
                    elems.push(self.value(ety, depth + 1)?);
                    self.path.pop();
                }
                Ok(Value::Tuple(elems))
            }
            Type::Map(ety) => {
                let Tok::Map(n) = tok else {
                    return Err(wrong(self, "map", &tok));
                };
                let mut out = BTreeMap::new();
                for _ in 0..n {
                    let key = self.key()?;
                    if out.contains_key(key) {
                        return Err(self.err(format!("duplicate map key {key:?}")));
                    }
                    self.path.push(Step::Key(key));
                    let v = self.value(ety, depth + 1)?;
                    self.path.pop();
                    out.insert(key.to_string(), v);
                }
                Ok(Value::Map(out))
            }
            Type::Object(atys) => {
                let Tok::Map(n) = tok else {
                    return Err(wrong(self, "map", &tok));
                };
                self.object(atys, n, depth)
            }
        }
    }

    /// An object's attributes, then null for each one the input leaves out. go-cty writes
    /// attributes in name order, as the type holds them, so the object is built in one pass
    /// from a sorted list instead of by a search per attribute.
    fn object(
        &mut self,
        atys: &BTreeMap<String, Type>,
        n: usize,
        depth: usize,
    ) -> Result<Value, CodecError> {
        let mut given: Vec<(&'a str, Value)> = Vec::with_capacity(self.cap(n).min(atys.len()));
        // In name order the next attribute of the type is found by stepping on, not a search.
        let mut ahead = atys.iter().peekable();
        for _ in 0..n {
            let key = self.key()?;
            while ahead.next_if(|(name, _)| name.as_str() < key).is_some() {}
            let aty = match ahead.next_if(|(name, _)| name.as_str() == key) {
                Some((_, aty)) => Some(aty),
                None => atys.get(key),
            };
            let Some(aty) = aty else {
                return Err(self.err(format!("unsupported attribute {key:?}")));
            };
            // More attributes than the type has means one repeats: stop before decoding on.
            if given.len() == atys.len() {
                let keys = given.iter().map(|(k, _)| *k).chain([key]).collect();
                return Err(self.duplicate(keys));
            }
            self.path.push(Step::Attribute(key));
            let v = self.value(aty, depth + 1)?;
            self.path.pop();
            given.push((key, v));
        }
        if !given.is_sorted_by(|a, b| a.0 < b.0) {
            given.sort_by(|a, b| a.0.cmp(b.0));
            if given.windows(2).any(|pair| pair[0].0 == pair[1].0) {
                return Err(self.duplicate(given.iter().map(|(k, _)| *k).collect()));
            }
        }
        let mut given = given.into_iter().peekable();
        let attributes: Vec<(String, Value)> = atys
            .keys()
            .map(
                |name| match given.next_if(|(key, _)| *key == name.as_str()) {
                    Some((_, v)) => (name.clone(), v),
                    None => (name.clone(), Value::Null),
                },
            )
            .collect();
        Ok(Value::Object(attributes.into_iter().collect()))
    }

    /// The error for attribute names of which at least one repeats.
    fn duplicate(&self, mut keys: Vec<&str>) -> CodecError {
        keys.sort_unstable();
        let repeated = keys.windows(2).find(|pair| pair[0] == pair[1]);
        let name = repeated.map_or("", |pair| pair[0]);
        self.err(format!("duplicate attribute {name:?}"))
    }

    fn key(&mut self) -> Result<&'a str, CodecError> {
        match self.next()? {
            Tok::Str(s) => self.utf8(s),
            other => Err(self.err(format!("expected string map key, found {}", other.kind()))),
        }
    }
}

fn index(i: usize) -> i64 {
    i64::try_from(i).unwrap_or(i64::MAX)
}

pub(super) fn decode(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let mut d = Decoder {
        r: Reader::new(bytes),
        path: Vec::new(),
    };
    let v = d.value(ty, 0)?;
    if d.r.remaining() != 0 {
        return Err(d.err(format!(
            "{} trailing bytes after the value",
            d.r.remaining()
        )));
    }
    Ok(v)
}
