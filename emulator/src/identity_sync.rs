//! Graph routes of a partner's identitySynchronization child (cross-tenant sync policy): PUT
//! (create only, 409 when it exists), GET, PATCH and DELETE.

use serde_json::{json, Map, Value};

use crate::errors::{bad_request, graph_error, graph_error_with_details, not_found};
use crate::reply::Reply;
use crate::schema::{self, check_object, render_object};
use crate::server::Ctx;
use crate::state::lock;
use crate::token::authorize;
use crate::wire::{
    apply_select, context, parse_select, read_object, with_context, without_annotations,
};

const CONFLICT: &str =
    "A conflicting object with one or more of the specified property values is present in the directory.";

fn sync_body(ctx: &Ctx<'_>, id: &str) -> Result<Map<String, Value>, Reply> {
    let body = read_object(ctx)?;
    check_object(&body, schema::IDENTITY_SYNC).map_err(bad_request)?;
    if let Some(sent) = body.get("tenantId") {
        if !sent.as_str().is_some_and(|s| s.eq_ignore_ascii_case(id)) {
            return Err(bad_request(
                "The key property 'tenantId' cannot be changed.",
            ));
        }
    }
    Ok(without_annotations(body))
}

/// `PUT .../partners/{id}/identitySynchronization` (create only; 409 when it exists).
pub(crate) fn put(ctx: &Ctx<'_>, id: &str) -> Result<Reply, Reply> {
    authorize(ctx, true)?;
    let mut body = sync_body(ctx, id)?;
    let key = id.to_ascii_lowercase();
    let mut store = lock(&ctx.shared.store);
    let partner = store.partners.get_mut(&key).ok_or_else(|| not_found(id))?;
    if partner.identity_sync.is_some() {
        return Err(graph_error_with_details(
            409,
            "Request_MultipleObjectsWithSameKeyValue",
            CONFLICT,
            json!([{"code": "ConflictingObjects", "message": CONFLICT, "target": "identitySynchronization"}]),
        ));
    }
    body.insert("tenantId".into(), Value::String(key));
    partner.identity_sync = Some(body);
    Ok(Reply::empty(204))
}

/// `GET .../partners/{id}/identitySynchronization`.
pub(crate) fn get(ctx: &Ctx<'_>, id: &str) -> Result<Reply, Reply> {
    authorize(ctx, false)?;
    let select = parse_select(
        ctx,
        "crossTenantIdentitySyncPolicyPartner",
        schema::IDENTITY_SYNC,
        &[],
    )?;
    let nested_nulls = ctx.shared.switches().nested_nulls;
    let key = id.to_ascii_lowercase();
    let store = lock(&ctx.shared.store);
    let sync = store
        .partners
        .get(&key)
        .and_then(|p| p.identity_sync.as_ref())
        .ok_or_else(|| not_found(id))?;
    let value = Value::Object(render_object(sync, schema::IDENTITY_SYNC, nested_nulls));
    drop(store);
    let value = apply_select(value, select.as_deref(), &[]);
    let fragment = format!(
        "policies/crossTenantAccessPolicy/partners('{key}')/identitySynchronization/$entity"
    );
    Ok(Reply::json(
        200,
        with_context(value, context(ctx, &fragment)),
    ))
}

/// `PATCH .../partners/{id}/identitySynchronization`.
pub(crate) fn patch(ctx: &Ctx<'_>, id: &str) -> Result<Reply, Reply> {
    authorize(ctx, true)?;
    let body = sync_body(ctx, id)?;
    let mut store = lock(&ctx.shared.store);
    let partner = store
        .partners
        .get_mut(&id.to_ascii_lowercase())
        .ok_or_else(|| not_found(id))?;
    let Some(sync) = partner.identity_sync.as_mut() else {
        return Err(graph_error(
            404,
            "Directory_ObjectNotFound",
            "Unable to read the company information from the directory.",
        ));
    };
    for (k, v) in body {
        if k != "tenantId" {
            sync.insert(k, v);
        }
    }
    Ok(Reply::empty(204))
}

/// `DELETE .../partners/{id}/identitySynchronization`.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Result<Reply, Reply> {
    authorize(ctx, true)?;
    let mut store = lock(&ctx.shared.store);
    let partner = store
        .partners
        .get_mut(&id.to_ascii_lowercase())
        .ok_or_else(|| not_found(id))?;
    partner.identity_sync.take().ok_or_else(|| not_found(id))?;
    Ok(Reply::empty(204))
}
