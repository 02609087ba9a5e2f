//! Writing a model as a raw [`Value`]: a serde `Serializer` producing objects for structs,
//! lists for sequences, maps for maps, numbers for integers and floats, and unknown for
//! `Tf::Unknown`. The result is not yet typed; `conform` shapes it to the schema.

use std::collections::BTreeMap;

use serde::ser::{
    Impossible, Serialize, SerializeMap, SerializeSeq, SerializeStruct, SerializeTuple,
    SerializeTupleStruct, Serializer,
};

use super::tf::UNKNOWN_TOKEN;
use super::{kind, ModelError};
use crate::plugin::codec::MAX_DEPTH;
use crate::plugin::value::{Number, Value};

/// A serializer for one value `depth` containers below the root.
pub(super) struct Ser {
    depth: usize,
}

impl Ser {
    pub(super) fn new(depth: usize) -> Self {
        Ser { depth }
    }

    fn child_depth(&self) -> Result<usize, ModelError> {
        if self.depth >= MAX_DEPTH {
            return Err(ModelError::too_deep());
        }
        Ok(self.depth + 1)
    }
}

fn unsupported(what: &str) -> ModelError {
    ModelError::new(format!("{what} cannot be a Terraform value"))
}

fn float(f: f64) -> Result<Value, ModelError> {
    if f.is_nan() {
        return Err(unsupported("NaN"));
    }
    Ok(Value::Number(Number::from(f)))
}

/// Small integers go through their 64-bit counterpart.
macro_rules! widen {
    ($($method:ident($t:ty) => $wide:ident($w:ty);)*) => {$(
        fn $method(self, v: $t) -> Result<Value, ModelError> {
            self.$wide(<$w>::from(v))
        }
    )*};
}

impl Serializer for Ser {
    type Ok = Value;
    type Error = ModelError;
    type SerializeSeq = Elements;
    type SerializeTuple = Elements;
    type SerializeTupleStruct = Elements;
    type SerializeTupleVariant = Impossible<Value, ModelError>;
    type SerializeMap = Entries;
    type SerializeStruct = Attributes;
    type SerializeStructVariant = Impossible<Value, ModelError>;

    fn serialize_bool(self, v: bool) -> Result<Value, ModelError> {
        Ok(Value::Bool(v))
    }

    widen! {
        serialize_i8(i8) => serialize_i64(i64);
        serialize_i16(i16) => serialize_i64(i64);
        serialize_i32(i32) => serialize_i64(i64);
        serialize_u8(u8) => serialize_u64(u64);
        serialize_u16(u16) => serialize_u64(u64);
        serialize_u32(u32) => serialize_u64(u64);
    }

    fn serialize_i64(self, v: i64) -> Result<Value, ModelError> {
        Ok(Value::Number(Number::from(v)))
    }

    fn serialize_i128(self, v: i128) -> Result<Value, ModelError> {
        match (i64::try_from(v), u64::try_from(v)) {
            (Ok(i), _) => self.serialize_i64(i),
            (_, Ok(u)) => self.serialize_u64(u),
            _ => Err(unsupported("an integer outside the 64-bit range")),
        }
    }

    fn serialize_u64(self, v: u64) -> Result<Value, ModelError> {
        Ok(Value::Number(Number::from(v)))
    }

    fn serialize_u128(self, v: u128) -> Result<Value, ModelError> {
        match u64::try_from(v) {
            Ok(u) => self.serialize_u64(u),
            Err(_) => Err(unsupported("an integer outside the 64-bit range")),
        }
    }

    /// Through the shortest decimal text, so `0.1f32` stays 0.1 rather than 0.100000001….
    fn serialize_f32(self, v: f32) -> Result<Value, ModelError> {
        match Number::parse(&v.to_string()) {
            Some(n) if v.is_finite() => Ok(Value::Number(n)),
            _ => float(f64::from(v)),
        }
    }

    fn serialize_f64(self, v: f64) -> Result<Value, ModelError> {
        float(v)
    }

    fn serialize_char(self, v: char) -> Result<Value, ModelError> {
        Ok(Value::String(v.to_string()))
    }

    fn serialize_str(self, v: &str) -> Result<Value, ModelError> {
        Ok(Value::String(v.to_string()))
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<Value, ModelError> {
        Err(unsupported("a byte string"))
    }

    fn serialize_none(self) -> Result<Value, ModelError> {
        Ok(Value::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, ModelError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Value, ModelError> {
        Ok(Value::Null)
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, ModelError> {
        Ok(Value::Null)
    }

    /// Fieldless enum variants are their names.
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, ModelError> {
        Ok(Value::String(variant.to_string()))
    }

    /// Transparent, except for `Tf::Unknown` (by its private name).
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Value, ModelError> {
        if name == UNKNOWN_TOKEN {
            return Ok(Value::unknown());
        }
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _value: &T,
    ) -> Result<Value, ModelError> {
        Err(unsupported(&format!(
            "enum variant {name}::{variant} with data"
        )))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Elements, ModelError> {
        Ok(Elements {
            items: Vec::with_capacity(len.unwrap_or(0).min(1024)),
            depth: self.child_depth()?,
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<Elements, ModelError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Elements, ModelError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, ModelError> {
        Err(unsupported(&format!(
            "enum variant {name}::{variant} with data"
        )))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Entries, ModelError> {
        Ok(Entries {
            map: BTreeMap::new(),
            key: None,
            depth: self.child_depth()?,
        })
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Attributes, ModelError> {
        Ok(Attributes {
            attrs: BTreeMap::new(),
            depth: self.child_depth()?,
        })
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, ModelError> {
        Err(unsupported(&format!(
            "enum variant {name}::{variant} with data"
        )))
    }
}

/// A sequence or tuple, as a list.
pub(super) struct Elements {
    items: Vec<Value>,
    depth: usize,
}

impl SerializeSeq for Elements {
    type Ok = Value;
    type Error = ModelError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ModelError> {
        let index = self.items.len();
        let v = value
            .serialize(Ser::new(self.depth))
            .map_err(|e| e.within_index(index))?;
        self.items.push(v);
        Ok(())
    }

    fn end(self) -> Result<Value, ModelError> {
        Ok(Value::List(self.items))
    }
}

impl SerializeTuple for Elements {
    type Ok = Value;
    type Error = ModelError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ModelError> {
        SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<Value, ModelError> {
        SerializeSeq::end(self)
    }
}

impl SerializeTupleStruct for Elements {
    type Ok = Value;
    type Error = ModelError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ModelError> {
        SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<Value, ModelError> {
        SerializeSeq::end(self)
    }
}

/// A map with string keys (numbers and bools as keys are written as their text).
pub(super) struct Entries {
    map: BTreeMap<String, Value>,
    key: Option<String>,
    depth: usize,
}

impl SerializeMap for Entries {
    type Ok = Value;
    type Error = ModelError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ModelError> {
        let key = match key.serialize(Ser::new(self.depth))? {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            other => {
                return Err(ModelError::new(format!(
                    "a map key must be a string, not {}",
                    kind(&other)
                )))
            }
        };
        self.key = Some(key);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), ModelError> {
        let Some(key) = self.key.take() else {
            return Err(ModelError::new("a map value was given before its key"));
        };
        let v = value
            .serialize(Ser::new(self.depth))
            .map_err(|e| e.within_key(&key))?;
        self.map.insert(key, v);
        Ok(())
    }

    fn end(self) -> Result<Value, ModelError> {
        Ok(Value::Map(self.map))
    }
}

/// A struct, as an object (skipped fields are simply absent).
pub(super) struct Attributes {
    attrs: BTreeMap<String, Value>,
    depth: usize,
}

impl SerializeStruct for Attributes {
    type Ok = Value;
    type Error = ModelError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), ModelError> {
        let v = value
            .serialize(Ser::new(self.depth))
            .map_err(|e| e.within_attr(key))?;
        self.attrs.insert(key.to_string(), v);
        Ok(())
    }

    fn end(self) -> Result<Value, ModelError> {
        Ok(Value::Object(self.attrs))
    }
}
