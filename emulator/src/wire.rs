//! OData wire helpers shared by the Graph handlers: reading a JSON write body, dropping
//! `@odata.*` annotations, `@odata.context`, and the `$select` / `$expand` / `$top` query options.

use serde_json::{Map, Value};

use crate::errors::{bad_request, graph_error};
use crate::reply::Reply;
use crate::schema::Ty;
use crate::server::Ctx;

/// The request body as a JSON object (400 `Request_BadRequest` otherwise).
pub(crate) fn read_object(ctx: &Ctx<'_>) -> Result<Map<String, Value>, Reply> {
    match serde_json::from_slice::<Value>(ctx.body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(bad_request(
            "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
        )),
    }
}

/// The object without its `@odata.*` annotations (`@odata.type` is accepted and not stored).
pub(crate) fn without_annotations(map: Map<String, Value>) -> Map<String, Value> {
    map.into_iter()
        .filter(|(k, _)| !k.starts_with("@odata."))
        .collect()
}

/// 400 for a property Graph does not let this request set.
pub(crate) fn read_only(name: &str) -> Reply {
    bad_request(format!("Property '{name}' is read-only and cannot be set."))
}

/// `{base}/v1.0/$metadata#{fragment}`.
pub(crate) fn context(ctx: &Ctx<'_>, fragment: &str) -> Value {
    Value::String(format!("{}/v1.0/$metadata#{fragment}", ctx.shared.base_url))
}

/// Adds `@odata.context` to an object.
pub(crate) fn with_context(mut value: Value, context: Value) -> Value {
    if let Value::Object(map) = &mut value {
        map.insert("@odata.context".into(), context);
    }
    value
}

/// True when `$expand` names `identitySynchronization`.
pub(crate) fn expand_sync(ctx: &Ctx<'_>) -> bool {
    ctx.query_param("$expand").is_some_and(|e| {
        e.split(',')
            .any(|p| p.trim().eq_ignore_ascii_case("identitySynchronization"))
    })
}

/// A non-negative integer query option (`$top`, `$skiptoken`); 400 when it does not parse.
pub(crate) fn parse_count(ctx: &Ctx<'_>, name: &str) -> Result<Option<usize>, Reply> {
    match ctx.query_param(name) {
        None => Ok(None),
        Some(v) => v
            .parse::<usize>()
            .map(Some)
            .map_err(|_| bad_request(format!("Invalid value '{v}' for query option '{name}'."))),
    }
}

/// The `$select` list, each name matched case-insensitively against `fields` and `extra` and
/// returned in its schema spelling; None without `$select`. An unknown name is 400 `BadRequest`.
pub(crate) fn parse_select(
    ctx: &Ctx<'_>,
    type_name: &str,
    fields: &[(&str, Ty)],
    extra: &[&str],
) -> Result<Option<Vec<String>>, Reply> {
    let Some(list) = ctx.query_param("$select") else {
        return Ok(None);
    };
    let known = fields
        .iter()
        .map(|(name, _)| *name)
        .chain(extra.iter().copied());
    let known: Vec<&str> = known.collect();
    let mut names = Vec::new();
    for sent in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match known.iter().find(|k| k.eq_ignore_ascii_case(sent)) {
            Some(name) => names.push((*name).to_string()),
            None => {
                return Err(graph_error(
                    400,
                    "BadRequest",
                    format!("Could not find a property named '{sent}' on type 'microsoft.graph.{type_name}'."),
                ))
            }
        }
    }
    Ok(Some(names))
}

/// Keeps only the selected members (and `@odata.*` and any `keep` member, e.g. an expanded
/// navigation) when `select` is set.
pub(crate) fn apply_select(value: Value, select: Option<&[String]>, keep: &[&str]) -> Value {
    match (select, value) {
        (Some(names), Value::Object(map)) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| {
                    k.starts_with("@odata.")
                        || keep.contains(&k.as_str())
                        || names.iter().any(|n| n == k)
                })
                .collect(),
        ),
        (_, value) => value,
    }
}
