//! The type-directed go-cty msgpack encoder, including unknown values (ext 0) and refined
//! unknowns (ext 12).

use std::collections::BTreeMap;

use rmp::encode as enc;

use super::msgpack::{
    path_of, Step, EXT_REFINED, KEY_LENGTH_MAX, KEY_LENGTH_MIN, KEY_NULLNESS, KEY_NUMBER_MAX,
    KEY_NUMBER_MIN, KEY_STRING_PREFIX,
};
use super::{CodecError, MAX_DEPTH};
use crate::plugin::value::{Number, Refinements, Type, Value};

struct Encoder<'v> {
    out: Vec<u8>,
    path: Vec<Step<'v>>,
}

impl<'v> Encoder<'v> {
    fn err(&self, message: impl Into<String>) -> CodecError {
        CodecError::Encode {
            path: path_of(&self.path),
            message: message.into(),
        }
    }

    fn io<T, E: std::fmt::Display>(&self, r: Result<T, E>) -> Result<(), CodecError> {
        r.map(|_| ())
            .map_err(|e| self.err(format!("msgpack write failed: {e}")))
    }

    fn len32(&self, n: usize) -> Result<u32, CodecError> {
        u32::try_from(n).map_err(|_| self.err("too many elements for msgpack"))
    }

    fn number(&mut self, n: &Number) -> Result<(), CodecError> {
        if let Some(i) = n.as_int() {
            let r = enc::write_sint(&mut self.out, i);
            self.io(r)
        } else if let Some(u) = n.as_uint() {
            let r = enc::write_uint(&mut self.out, u);
            self.io(r)
        } else if let Some(f) = n.as_float() {
            if f.is_nan() {
                return Err(self.err("NaN is not a valid number"));
            }
            let r = enc::write_f64(&mut self.out, f);
            self.io(r)
        } else {
            let text = n.as_decimal_text().unwrap_or("0").to_string();
            self.str(&text)
        }
    }

    fn str(&mut self, s: &str) -> Result<(), CodecError> {
        self.len32(s.len())?;
        let r = enc::write_str(&mut self.out, s);
        self.io(r)
    }

    fn unknown(&mut self, r: &Refinements, ty: &Type) -> Result<(), CodecError> {
        let r = r.for_type(ty);
        if r.is_empty() {
            self.out.extend_from_slice(&[0xd4, 0, 0]);
            return Ok(());
        }
        let mut body = Encoder {
            out: Vec::new(),
            path: self.path.clone(),
        };
        let mut count = 0u32;
        if r.not_null {
            count += 1;
            body.out.push(KEY_NULLNESS as u8);
            body.out.push(0xc2);
        }
        if let Some(p) = &r.string_prefix {
            count += 1;
            body.out.push(KEY_STRING_PREFIX as u8);
            body.str(p)?;
        }
        for (key, bound) in [
            (KEY_NUMBER_MIN, &r.number_lower),
            (KEY_NUMBER_MAX, &r.number_upper),
        ] {
            if let Some((n, inclusive)) = bound {
                count += 1;
                body.out.extend_from_slice(&[key as u8, 0x92]);
                body.number(n)?;
                body.out.push(if *inclusive { 0xc3 } else { 0xc2 });
            }
        }
        for (key, bound) in [
            (KEY_LENGTH_MIN, r.length_lower),
            (KEY_LENGTH_MAX, r.length_upper),
        ] {
            if let Some(n) = bound {
                count += 1;
                body.out.push(key as u8);
                let w = enc::write_sint(&mut body.out, n);
                body.io(w)?;
            }
        }
        let mut payload = Vec::new();
        let w = enc::write_map_len(&mut payload, count);
        self.io(w)?;
        payload.extend_from_slice(&body.out);
        let len = self.len32(payload.len())?;
        let w = enc::write_ext_meta(&mut self.out, len, EXT_REFINED);
        self.io(w)?;
        self.out.extend_from_slice(&payload);
        Ok(())
    }

    fn elems(
        &mut self,
        vals: &'v [Value],
        tys: &mut dyn Iterator<Item = &'v Type>,
        depth: usize,
    ) -> Result<(), CodecError> {
        let len = self.len32(vals.len())?;
        let w = enc::write_array_len(&mut self.out, len);
        self.io(w)?;
        for (i, v) in vals.iter().enumerate() {
            self.path.push(Step::Index(i));
            let ty = tys
                .next()
                .ok_or_else(|| self.err("more tuple elements than the type has"))?;
            self.value(v, ty, depth + 1)?;
            self.path.pop();
        }
        Ok(())
    }

    fn value(&mut self, v: &'v Value, ty: &'v Type, depth: usize) -> Result<(), CodecError> {
        if depth > MAX_DEPTH {
            return Err(self.err(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        if matches!(ty, Type::Dynamic) {
            return self.dynamic(v, depth);
        }
        let mismatch =
            |e: &Self, v: &Value| e.err(format!("value {} does not match type {ty}", kind(v)));
        match (ty, v) {
            (_, Value::Dynamic(_, inner)) => self.value(inner, ty, depth + 1),
            (_, Value::Null) => {
                let r = enc::write_nil(&mut self.out);
                self.io(r)
            }
            (_, Value::Unknown(r)) => self.unknown(r, ty),
            (Type::Bool, Value::Bool(b)) => {
                let r = enc::write_bool(&mut self.out, *b);
                self.io(r)
            }
            (Type::Number, Value::Number(n)) => self.number(n),
            (Type::String, Value::String(s)) => self.str(s),
            (
                Type::List(ety) | Type::Set(ety),
                Value::List(vals) | Value::Set(vals) | Value::Tuple(vals),
            ) => self.elems(vals, &mut std::iter::repeat(ety.as_ref()), depth),
            (Type::Tuple(etys), Value::Tuple(vals) | Value::List(vals)) => {
                if vals.len() != etys.len() {
                    return Err(self.err(format!(
                        "tuple type has {} elements, value has {}",
                        etys.len(),
                        vals.len()
                    )));
                }
                self.elems(vals, &mut etys.iter(), depth)
            }
            (Type::Map(ety), Value::Map(m) | Value::Object(m)) => {
                let len = self.len32(m.len())?;
                let w = enc::write_map_len(&mut self.out, len);
                self.io(w)?;
                for (k, val) in m {
                    self.str(k)?;
                    self.path.push(Step::Key(k));
                    self.value(val, ety, depth + 1)?;
                    self.path.pop();
                }
                Ok(())
            }
            (Type::Object(atys), Value::Object(m) | Value::Map(m)) => self.object(atys, m, depth),
            _ => Err(mismatch(self, v)),
        }
    }

    /// A value in a `dynamic` position: `[type JSON, value]`.
    fn dynamic(&mut self, v: &'v Value, depth: usize) -> Result<(), CodecError> {
        let (inner_ty, inner) = match v {
            Value::Null => {
                let r = enc::write_nil(&mut self.out);
                return self.io(r);
            }
            Value::Unknown(_) => return self.unknown(&Refinements::default(), &Type::Dynamic),
            Value::Dynamic(t, inner) => (std::borrow::Cow::Borrowed(t), inner.as_ref()),
            bare => (std::borrow::Cow::Owned(bare.implied_type()), bare),
        };
        self.out.push(0x92);
        let tj = inner_ty.to_json();
        let len = self.len32(tj.len())?;
        let w = enc::write_bin_len(&mut self.out, len);
        self.io(w)?;
        self.out.extend_from_slice(&tj);
        // The inferred type lives only here, so its names cannot be borrowed by the path.
        let mut nested = Encoder {
            out: std::mem::take(&mut self.out),
            path: Vec::new(),
        };
        let encoded = nested.value(inner, &inner_ty, depth + 1);
        self.out = nested.out;
        encoded.map_err(|error| error.under(path_of(&self.path)))
    }

    /// Every attribute of the type, in its (name) order, null where the value has none. The
    /// value's attributes are in the same order, so one walk over both pairs them up.
    fn object(
        &mut self,
        atys: &'v BTreeMap<String, Type>,
        m: &'v BTreeMap<String, Value>,
        depth: usize,
    ) -> Result<(), CodecError> {
        let len = self.len32(atys.len())?;
        let w = enc::write_map_len(&mut self.out, len);
        self.io(w)?;
        let mut given = m.iter().peekable();
        for (name, aty) in atys {
            if let Some((extra, _)) = given.next_if(|(key, _)| key.as_str() < name.as_str()) {
                return Err(self.err(format!("attribute {extra:?} is not in the object type")));
            }
            let v = given
                .next_if(|(key, _)| *key == name)
                .map_or(&Value::Null, |(_, v)| v);
            self.str(name)?;
            self.path.push(Step::Attribute(name));
            self.value(v, aty, depth + 1)?;
            self.path.pop();
        }
        match given.next() {
            Some((extra, _)) => {
                Err(self.err(format!("attribute {extra:?} is not in the object type")))
            }
            None => Ok(()),
        }
    }
}

/// Short name of a value's variant, for error messages.
pub(super) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Unknown(_) => "unknown",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "list",
        Value::Set(_) => "set",
        Value::Map(_) => "map",
        Value::Object(_) => "object",
        Value::Tuple(_) => "tuple",
        Value::Dynamic(..) => "dynamic",
    }
}

pub(super) fn encode(value: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let mut e = Encoder {
        // Most values Terraform exchanges are a few hundred bytes: start past the small sizes.
        out: Vec::with_capacity(256),
        path: Vec::new(),
    };
    e.value(value, ty, 0)?;
    Ok(e.out)
}
