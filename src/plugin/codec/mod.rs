//! DynamicValue codec: go-cty-compatible msgpack and JSON encodings of [`Value`]s,
//! type-directed by a [`Type`], hardened for hostile input (no panics, bounded
//! allocation, bounded nesting), and cty's type JSON ([`Type::to_json`],
//! [`Type::from_json`]). The codec depends on `value`; `value` knows no encoding.

mod json;
mod json_parser;
mod json_type;
mod msgpack;
mod msgpack_encode;
mod msgpack_reader;
#[cfg(test)]
mod tests;

use crate::proto::tfplugin6::DynamicValue;

use super::path::AttributePath;
use super::value::{Type, Value};

/// Maximum nesting depth (containers and dynamic wrappers) accepted or produced.
pub const MAX_DEPTH: usize = 128;

/// A decoding or encoding failure, with the path of the offending value.
#[derive(thiserror::Error, Debug, Clone, PartialEq)]
pub enum CodecError {
    #[error("invalid msgpack at {}: {}", show(.path), .message)]
    Msgpack {
        path: AttributePath,
        message: String,
    },
    #[error("invalid JSON at {}: {}", show(.path), .message)]
    Json {
        path: AttributePath,
        message: String,
    },
    #[error("invalid type JSON at {}: {}", show(.path), .message)]
    TypeJson {
        path: AttributePath,
        message: String,
    },
    #[error("cannot encode value at {}: {}", show(.path), .message)]
    Encode {
        path: AttributePath,
        message: String,
    },
    #[error("no value at {}: {}", show(.path), .message)]
    NoValue {
        path: AttributePath,
        message: String,
    },
}

impl CodecError {
    /// Where in the value the failure happened.
    pub fn path(&self) -> &AttributePath {
        match self {
            CodecError::Msgpack { path, .. }
            | CodecError::Json { path, .. }
            | CodecError::TypeJson { path, .. }
            | CodecError::Encode { path, .. }
            | CodecError::NoValue { path, .. } => path,
        }
    }

    /// The same failure seen from `outer`: its path in front of the error's own, as when a
    /// nested decoder or encoder reports from inside a dynamic value.
    pub fn under(mut self, mut outer: AttributePath) -> CodecError {
        let path = match &mut self {
            CodecError::Msgpack { path, .. }
            | CodecError::Json { path, .. }
            | CodecError::TypeJson { path, .. }
            | CodecError::Encode { path, .. }
            | CodecError::NoValue { path, .. } => path,
        };
        outer.0.append(&mut path.0);
        *path = outer;
        self
    }

    /// The human-readable reason, without the path.
    pub fn message(&self) -> &str {
        match self {
            CodecError::Msgpack { message, .. }
            | CodecError::Json { message, .. }
            | CodecError::TypeJson { message, .. }
            | CodecError::Encode { message, .. }
            | CodecError::NoValue { message, .. } => message,
        }
    }
}

fn show(path: &AttributePath) -> String {
    if path.is_root() {
        "(root)".to_string()
    } else {
        path.to_string()
    }
}

/// Decodes go-cty msgpack of type `ty`. Object attributes absent from the map are Null.
pub fn decode_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    msgpack::decode(bytes, ty)
}

/// Encodes `value` as go-cty msgpack of type `ty` (every object attribute is written).
pub fn encode_msgpack(value: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    msgpack::encode(value, ty)
}

/// Decodes Terraform's JSON value encoding (as in state). Missing object attributes
/// are Null; attributes not in the type are ignored.
pub fn decode_json(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    json::decode(bytes, ty)
}

/// Encodes `value` as Terraform JSON. Fails on unknown values.
pub fn encode_json(value: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    json::encode(value, ty)
}

/// Decodes a tfplugin6 DynamicValue: msgpack if present, else JSON.
pub fn decode_dynamic(dv: &DynamicValue, ty: &Type) -> Result<Value, CodecError> {
    if !dv.msgpack.is_empty() {
        decode_msgpack(&dv.msgpack, ty)
    } else if !dv.json.is_empty() {
        decode_json(&dv.json, ty)
    } else {
        Err(CodecError::NoValue {
            path: AttributePath::root(),
            message: "DynamicValue carries neither msgpack nor JSON".to_string(),
        })
    }
}

/// Encodes a tfplugin6 DynamicValue (msgpack).
pub fn encode_dynamic(value: &Value, ty: &Type) -> Result<DynamicValue, CodecError> {
    Ok(DynamicValue {
        msgpack: encode_msgpack(value, ty)?,
        json: Vec::new(),
    })
}
