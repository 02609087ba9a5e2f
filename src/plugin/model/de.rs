//! Reading a model out of a [`Value`]: a serde `Deserializer` over `&Value` that looks
//! through `Dynamic` wrappers, hands `Tf` its null/unknown/known state, refuses null and
//! unknown everywhere else, rejects object attributes a struct does not declare, and records
//! the path of every error.

use std::collections::btree_map;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{
    DeserializeSeed, Deserializer, Error as _, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

use super::tf::TF_TOKEN;
use super::{kind, ModelError};
use crate::plugin::codec::MAX_DEPTH;
use crate::plugin::value::{Number, Value};

/// A deserializer for one value `depth` containers below the root.
pub(super) struct De<'v> {
    value: &'v Value,
    depth: usize,
}

impl<'v> De<'v> {
    pub(super) fn new(value: &'v Value, depth: usize) -> Self {
        De {
            value: value.unwrap_dynamic(),
            depth,
        }
    }

    /// The error for a value that is not what the model asks for.
    fn unexpected(&self, expected: &str) -> ModelError {
        match self.value {
            Value::Null => ModelError::new(
                "the value is null, but the model requires one (use Tf<T> to accept null)",
            ),
            Value::Unknown(_) => ModelError::new(
                "the value is not known yet, but the model requires it \
                 (use Tf<T> to accept unknown)",
            ),
            v => ModelError::new(format!("expected {expected}, found {}", kind(v))),
        }
    }

    /// The depth of this value's children, or an error if that is too deep.
    fn child_depth(&self) -> Result<usize, ModelError> {
        if self.depth >= MAX_DEPTH {
            return Err(ModelError::too_deep());
        }
        Ok(self.depth + 1)
    }

    fn number(&self) -> Result<&'v Number, ModelError> {
        match self.value {
            Value::Number(n) => Ok(n),
            _ => Err(self.unexpected("a number")),
        }
    }

    fn seq<V: Visitor<'v>>(self, visitor: V) -> Result<V::Value, ModelError> {
        let items = match self.value {
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => v,
            _ => return Err(self.unexpected("a list or set")),
        };
        let mut seq = Elements {
            iter: items.iter().enumerate(),
            depth: self.child_depth()?,
        };
        let out = visitor.visit_seq(&mut seq)?;
        match seq.iter.len() {
            0 => Ok(out),
            left => Err(ModelError::invalid_length(
                items.len(),
                &format!("{} elements", items.len() - left).as_str(),
            )),
        }
    }

    fn entries<V: Visitor<'v>>(self, visitor: V) -> Result<V::Value, ModelError> {
        let (map, attrs) = match self.value {
            Value::Map(m) => (m, false),
            Value::Object(m) => (m, true),
            _ => return Err(self.unexpected("a map or object")),
        };
        visitor.visit_map(Entries {
            iter: map.iter(),
            pending: None,
            depth: self.child_depth()?,
            attrs,
        })
    }
}

macro_rules! integer {
    ($($method:ident => $as:ident, $visit:ident, $what:literal;)*) => {$(
        fn $method<V: Visitor<'v>>(self, visitor: V) -> Result<V::Value, ModelError> {
            let n = self.number()?;
            match n.$as() {
                Some(i) => visitor.$visit(i),
                None => Err(ModelError::new(format!("the number {n} is not {}", $what))),
            }
        }
    )*};
}

/// Methods that read their value exactly like another one.
macro_rules! same_as {
    ($($method:ident => $other:ident;)*) => {$(
        fn $method<V: Visitor<'v>>(self, visitor: V) -> Result<V::Value, ModelError> {
            self.$other(visitor)
        }
    )*};
}

impl<'v> Deserializer<'v> for De<'v> {
    type Error = ModelError;

    fn deserialize_any<V: Visitor<'v>>(self, visitor: V) -> Result<V::Value, ModelError> {
        match self.value {
            Value::Null => visitor.visit_none(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => visitor.visit_i64(i),
                (None, Some(u)) => visitor.visit_u64(u),
                (None, None) => visitor.visit_f64(n.as_f64()),
            },
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::List(_) | Value::Set(_) | Value::Tuple(_) => self.seq(visitor),
            Value::Map(_) | Value::Object(_) => self.entries(visitor),
            Value::Unknown(_) | Value::Dynamic(..) => Err(self.unexpected("a value")),
        }
    }

    fn deserialize_bool<V: Visitor<'v>>(self, visitor: V) -> Result<V::Value, ModelError> {
        match self.value {
            Value::Bool(b) => visitor.visit_bool(*b),
            _ => Err(self.unexpected("a bool")),
        }
    }

    integer! {
        deserialize_i8 => as_i64, visit_i64, "an integer";
        deserialize_i16 => as_i64, visit_i64, "an integer";
        deserialize_i32 => as_i64, visit_i64, "an integer";
        deserialize_i64 => as_i64, visit_i64, "an integer in the range of i64";
        deserialize_u8 => as_u64, visit_u64, "a non-negative integer";
        deserialize_u16 => as_u64, visit_u64, "a non-negative integer";
        deserialize_u32 => as_u64, visit_u64, "a non-negative integer";
        deserialize_u64 => as_u64, visit_u64, "a non-negative integer in the range of u64";
    }

    same_as! {
        deserialize_f32 => deserialize_f64;
        deserialize_char => deserialize_str;
        deserialize_string => deserialize_str;
        deserialize_byte_buf => deserialize_bytes;
        deserialize_identifier => deserialize_str;
    }

    fn deserialize_f64<V: Visitor<'v>>(self, visitor: V) -> Result<V::Value, ModelError> {
        visitor.visit_f64(self.number()?.as_f64())
    }

    fn deserialize_str<V: Visitor<'v>>(self, visitor: V) -> Result<V::Value, ModelError> {
        match self.value {
            Value::String(s) => visitor.visit_borrowed_str(s),
            _ => Err(self.unexpected("a string")),
        }
    }

    fn deserialize_bytes<V: Visitor<'v>>(self, visitor: V) -> Result<V::Value, ModelError> {
        match self.value {
            Value::String(s) => visitor.visit_borrowed_bytes(s.as_bytes()),
            _ => Err(self.unexpected("a string")),
        }
    }

    /// `Option` holds null and known values; unknown needs `Tf`.
    fn deserialize_option<V: Visitor<'v>>(self, visitor: V) -> Result<V::Value, ModelError> {
        match self.value {
            Value::Null => visitor.visit_none(),
            Value::Unknown(_) => Err(self.unexpected("a value")),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'v>>(self, visitor: V) -> Result<V::Value, ModelError> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            _ => Err(self.unexpected("null")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'v>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ModelError> {
        self.deserialize_unit(visitor)
    }

    /// `Tf` (by its private name) learns null / unknown / known as none / unit / some.
    fn deserialize_newtype_struct<V: Visitor<'v>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ModelError> {
        if name != TF_TOKEN {
            return visitor.visit_newtype_struct(self);
        }
        match self.value {
            Value::Null => visitor.visit_none(),
            Value::Unknown(_) => visitor.visit_unit(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_seq<V: Visitor<'v>>(self, visitor: V) -> Result<V::Value, ModelError> {
        self.seq(visitor)
    }

    fn deserialize_tuple<V: Visitor<'v>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ModelError> {
        self.seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'v>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ModelError> {
        self.seq(visitor)
    }

    fn deserialize_map<V: Visitor<'v>>(self, visitor: V) -> Result<V::Value, ModelError> {
        self.entries(visitor)
    }

    /// Objects only, and every attribute must be one of the struct's fields.
    fn deserialize_struct<V: Visitor<'v>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ModelError> {
        let Value::Object(attrs) = self.value else {
            return Err(self.unexpected("an object"));
        };
        if let Some(extra) = attrs.keys().find(|k| !fields.contains(&k.as_str())) {
            return Err(ModelError::new(format!(
                "unknown attribute `{extra}`: the model has no field for it"
            ))
            .within_attr(extra));
        }
        self.entries(visitor)
    }

    /// Fieldless enums, from the variant name as a string.
    fn deserialize_enum<V: Visitor<'v>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ModelError> {
        match self.value {
            Value::String(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            _ => Err(self.unexpected("a string (an enum variant)")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'v>>(self, visitor: V) -> Result<V::Value, ModelError> {
        visitor.visit_unit()
    }
}

/// Elements of a list, set or tuple; a set element's path step is its position.
struct Elements<'v> {
    iter: std::iter::Enumerate<std::slice::Iter<'v, Value>>,
    depth: usize,
}

impl<'v> SeqAccess<'v> for Elements<'v> {
    type Error = ModelError;

    fn next_element_seed<S: DeserializeSeed<'v>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, ModelError> {
        match self.iter.next() {
            None => Ok(None),
            Some((i, v)) => seed
                .deserialize(De::new(v, self.depth))
                .map(Some)
                .map_err(|e| e.within_index(i)),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// Entries of a map (path steps are keys) or attributes of an object (steps are names).
struct Entries<'v> {
    iter: btree_map::Iter<'v, String, Value>,
    pending: Option<(&'v str, &'v Value)>,
    depth: usize,
    attrs: bool,
}

impl Entries<'_> {
    fn locate(&self, key: &str, e: ModelError) -> ModelError {
        if self.attrs {
            e.within_attr(key)
        } else {
            e.within_key(key)
        }
    }
}

impl<'v> MapAccess<'v> for Entries<'v> {
    type Error = ModelError;

    fn next_key_seed<K: DeserializeSeed<'v>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ModelError> {
        let Some((key, value)) = self.iter.next() else {
            return Ok(None);
        };
        self.pending = Some((key, value));
        seed.deserialize(BorrowedStrDeserializer::<ModelError>::new(key))
            .map(Some)
            .map_err(|e| self.locate(key, e))
    }

    fn next_value_seed<S: DeserializeSeed<'v>>(&mut self, seed: S) -> Result<S::Value, ModelError> {
        let Some((key, value)) = self.pending.take() else {
            return Err(ModelError::new("a map value was asked for before its key"));
        };
        seed.deserialize(De::new(value, self.depth))
            .map_err(|e| self.locate(key, e))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}
