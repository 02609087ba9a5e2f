//! Typed models: resources declare their state/plan/config as serde structs with [`Tf`]
//! fields instead of string-keyed access to [`Value`] (in the spirit of
//! terraform-plugin-framework's `types.String` and `tfsdk` tags). This module owns the public
//! API ([`from_value`], [`to_value`], [`ModelError`]); `tf` owns the wrapper, `de` reading a
//! `Value`, `ser` writing one and `conform` shaping it to the schema's [`Type`].
//!
//! ```text
//! #[derive(Serialize, Deserialize)]
//! struct Model { id: Tf<String>, tenant_id: String, tags: Tf<BTreeMap<String, String>> }
//! let model: Model = from_value(&plan)?;        // `tenant_id` null or unknown: an error
//! let state = to_value(&model, &schema.value_type())?;
//! ```
//!
//! Struct fields map to object attributes (`#[serde(rename)]` renames), `Vec` to lists and
//! sets, `BTreeMap`/`HashMap` with string keys to maps, integers and floats to numbers,
//! fieldless enums to strings. Reading rejects object attributes the struct does not declare;
//! writing rejects model fields the type lacks and fills type attributes the model lacks with
//! null.

mod conform;
mod de;
mod ser;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_errors;
mod tf;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::path::{AttributePath, PathStep};
use super::value::{Type, Value};

pub use tf::Tf;

/// Converts a decoded Terraform value (the object of a resource's state, plan or config)
/// into the model `T`. `Value::Dynamic` wrappers are looked through.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, ModelError> {
    T::deserialize(de::De::new(value, 0))
}

/// Converts `model` into a `Value` that conforms exactly to `ty` (the schema's value type):
/// sequences become sets where `ty` says set, every object attribute of `ty` is present
/// (null when the model has no such field), `Tf::Unknown` becomes an unrefined unknown.
pub fn to_value<T: Serialize + ?Sized>(model: &T, ty: &Type) -> Result<Value, ModelError> {
    let raw = model.serialize(ser::Ser::new(0))?;
    conform::conform(raw, ty, 0)
}

/// Why a value and a model did not fit, and where in the value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{}", path_prefix(.path), .message)]
pub struct ModelError {
    /// Where the problem is, from the root of the value (empty: the value itself).
    pub path: AttributePath,
    pub message: String,
}

fn path_prefix(path: &AttributePath) -> String {
    if path.is_root() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

impl ModelError {
    /// An error at the root path.
    pub fn new(message: impl Into<String>) -> Self {
        ModelError {
            path: AttributePath::root(),
            message: message.into(),
        }
    }

    /// The same error seen from one level up: `step` is prepended to the path.
    fn within(mut self, step: PathStep) -> Self {
        self.path.0.insert(0, step);
        self
    }

    fn within_attr(self, name: &str) -> Self {
        self.within(PathStep::Attribute(name.to_string()))
    }

    fn within_key(self, key: &str) -> Self {
        self.within(PathStep::ElementKeyString(key.to_string()))
    }

    fn within_index(self, index: usize) -> Self {
        self.within(PathStep::ElementKeyInt(
            i64::try_from(index).unwrap_or(i64::MAX),
        ))
    }

    fn too_deep() -> Self {
        ModelError::new(format!(
            "nesting deeper than {} levels",
            super::codec::MAX_DEPTH
        ))
    }
}

impl serde::de::Error for ModelError {
    fn custom<M: std::fmt::Display>(msg: M) -> Self {
        ModelError::new(msg.to_string())
    }

    /// Names the field in the path rather than only in the message.
    fn missing_field(field: &'static str) -> Self {
        ModelError::new(
            "the value lacks this attribute (mark the field #[serde(default)] \
             if the schema may lack it)",
        )
        .within_attr(field)
    }
}

impl serde::ser::Error for ModelError {
    fn custom<M: std::fmt::Display>(msg: M) -> Self {
        ModelError::new(msg.to_string())
    }
}

/// What kind of value `v` is, for error messages.
fn kind(v: &Value) -> &'static str {
    match v.unwrap_dynamic() {
        Value::Null => "null",
        Value::Unknown(_) => "an unknown value",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::List(_) => "a list",
        Value::Set(_) => "a set",
        Value::Map(_) => "a map",
        Value::Object(_) => "an object",
        Value::Tuple(_) => "a tuple",
        Value::Dynamic(..) => "a dynamic value",
    }
}
