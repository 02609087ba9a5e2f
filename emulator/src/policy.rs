//! Graph routes of the cross-tenant access policy singleton (`/policies/crossTenantAccessPolicy`):
//! GET and PATCH of `allowedCloudEndpoints` (and the inherited `displayName`, `description`).
//! With the `no_allowed_cloud_endpoints` switch the policy is the one of Graph in the US
//! Government and China clouds, whose metadata lacks the property.

use serde_json::{json, Map, Value};

use crate::errors::bad_request;
use crate::reply::Reply;
use crate::schema::{check_object, Ty};
use crate::server::Ctx;
use crate::state::lock;
use crate::token::authorize;
use crate::wire::{context, read_object, with_context, without_annotations};

/// The property the national clouds' Graph lacks.
const ENDPOINTS: &str = "allowedCloudEndpoints";
/// The values Graph documents ("Supported values") [D].
const CLOUD_ENDPOINTS: &[&str] = &[
    "microsoftonline.com",
    "microsoftonline.us",
    "partner.microsoftonline.cn",
];
const POLICY: &[(&str, Ty)] = &[
    (ENDPOINTS, Ty::Arr(&Ty::Enum(CLOUD_ENDPOINTS))),
    ("displayName", Ty::Str),
    ("description", Ty::Str),
];
const NATIONAL_POLICY: &[(&str, Ty)] = &[("displayName", Ty::Str), ("description", Ty::Str)];

/// The policy of a new tenant: no other cloud allowed ("By default, this value is empty") [D].
pub(crate) fn service_default() -> Map<String, Value> {
    let value = json!({"displayName": "CrossTenantAccessPolicy", "description": null, "allowedCloudEndpoints": []});
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The stored policy as Graph returns it (without `@odata.context`).
pub(crate) fn render(stored: &Map<String, Value>, national: bool) -> Value {
    let mut out = stored.clone();
    if national {
        out.remove(ENDPOINTS);
    }
    Value::Object(out)
}

/// `GET /policies/crossTenantAccessPolicy`.
pub(crate) fn get(ctx: &Ctx<'_>) -> Result<Reply, Reply> {
    authorize(ctx, false)?;
    let national = ctx.shared.switches().no_allowed_cloud_endpoints;
    let value = render(&lock(&ctx.shared.store).policy, national);
    Ok(Reply::json(
        200,
        with_context(
            value,
            context(ctx, "policies/crossTenantAccessPolicy/$entity"),
        ),
    ))
}

/// `PATCH /policies/crossTenantAccessPolicy`: 204 [D]; the values are stored once each, in the
/// order sent [U]; `null` is refused (the collection is not nullable) [M].
pub(crate) fn patch(ctx: &Ctx<'_>) -> Result<Reply, Reply> {
    authorize(ctx, true)?;
    let body = read_object(ctx)?;
    let national = ctx.shared.switches().no_allowed_cloud_endpoints;
    let fields = if national { NATIONAL_POLICY } else { POLICY };
    check_object(&body, fields).map_err(bad_request)?;
    if body.get(ENDPOINTS).is_some_and(Value::is_null) {
        return Err(bad_request(format!(
            "Cannot set property '{ENDPOINTS}' to null: the collection is not nullable; send [] to allow no other cloud."
        )));
    }
    let mut store = lock(&ctx.shared.store);
    for (k, mut v) in without_annotations(body) {
        if let Value::Array(items) = &mut v {
            let mut seen = Vec::new();
            items.retain(|item| {
                let first = !seen.contains(item);
                seen.push(item.clone());
                first
            });
        }
        store.policy.insert(k, v);
    }
    Ok(Reply::empty(204))
}
