//! Shaping a raw serialized model to the schema's [`Type`]: walks the type and the value
//! together, turning lists into sets or tuples where the type says so, structs into objects
//! with exactly the type's attributes (absent ones null) or into maps, and rejecting values
//! whose kind the type does not allow. Null and unknown fit every type.

use std::collections::BTreeMap;

use super::{kind, ModelError};
use crate::plugin::codec::MAX_DEPTH;
use crate::plugin::value::{Type, Value};

/// `value` (as produced by `ser`) reshaped to `ty`; `depth` counts containers above it.
pub(super) fn conform(value: Value, ty: &Type, depth: usize) -> Result<Value, ModelError> {
    if depth > MAX_DEPTH {
        return Err(ModelError::too_deep());
    }
    match (value, ty) {
        (v @ (Value::Null | Value::Unknown(_)), _) => Ok(v),
        // A bare value in a dynamic position: the codec infers its type.
        (v, Type::Dynamic) => Ok(v),
        (Value::Dynamic(_, inner), ty) => conform(*inner, ty, depth + 1),
        (v @ Value::Bool(_), Type::Bool)
        | (v @ Value::Number(_), Type::Number)
        | (v @ Value::String(_), Type::String) => Ok(v),
        (Value::List(items) | Value::Set(items) | Value::Tuple(items), Type::List(elem)) => {
            elements(items, elem, depth).map(Value::List)
        }
        (Value::List(items) | Value::Set(items) | Value::Tuple(items), Type::Set(elem)) => {
            elements(items, elem, depth).map(Value::Set)
        }
        (Value::List(items) | Value::Set(items) | Value::Tuple(items), Type::Tuple(types)) => {
            tuple(items, types, depth)
        }
        (Value::Map(entries) | Value::Object(entries), Type::Map(elem)) => {
            map(entries, elem, depth)
        }
        (Value::Map(entries) | Value::Object(entries), Type::Object(attrs)) => {
            object(entries, attrs, depth)
        }
        (v, ty) => Err(ModelError::new(format!(
            "the model gives {} where the schema expects {ty}",
            kind(&v)
        ))),
    }
}

fn elements(items: Vec<Value>, elem: &Type, depth: usize) -> Result<Vec<Value>, ModelError> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| conform(v, elem, depth + 1).map_err(|e| e.within_index(i)))
        .collect()
}

fn tuple(items: Vec<Value>, types: &[Type], depth: usize) -> Result<Value, ModelError> {
    if items.len() != types.len() {
        return Err(ModelError::new(format!(
            "the model gives {} elements where the schema's tuple has {}",
            items.len(),
            types.len()
        )));
    }
    items
        .into_iter()
        .zip(types)
        .enumerate()
        .map(|(i, (v, t))| conform(v, t, depth + 1).map_err(|e| e.within_index(i)))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Tuple)
}

fn map(entries: BTreeMap<String, Value>, elem: &Type, depth: usize) -> Result<Value, ModelError> {
    let mut out = BTreeMap::new();
    for (k, v) in entries {
        let v = conform(v, elem, depth + 1).map_err(|e| e.within_key(&k))?;
        out.insert(k, v);
    }
    Ok(Value::Map(out))
}

/// Exactly the attributes of `attrs`: a model field the schema lacks is an error, a schema
/// attribute the model lacks is null.
fn object(
    entries: BTreeMap<String, Value>,
    attrs: &BTreeMap<String, Type>,
    depth: usize,
) -> Result<Value, ModelError> {
    if let Some(extra) = entries.keys().find(|k| !attrs.contains_key(*k)) {
        return Err(ModelError::new(format!(
            "the model has attribute `{extra}`, which the schema lacks"
        ))
        .within_attr(extra));
    }
    // Both are in name order: one merge, keeping the model's own key strings.
    let mut given = entries.into_iter().peekable();
    let mut out = Vec::with_capacity(attrs.len());
    for (name, ty) in attrs {
        let (key, v) = given
            .next_if(|(key, _)| key == name)
            .unwrap_or_else(|| (name.clone(), Value::Null));
        let v = conform(v, ty, depth + 1).map_err(|e| e.within_attr(name))?;
        out.push((key, v));
    }
    let out: BTreeMap<String, Value> = out.into_iter().collect();
    Ok(Value::Object(out))
}
