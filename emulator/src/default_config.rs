//! Graph routes of the default configuration singleton: GET, PATCH (the read-only
//! `automaticUserConsentSettings` and `isServiceDefault` are ignored) and resetToSystemDefault.

use serde_json::Value;

use crate::errors::bad_request;
use crate::reply::Reply;
use crate::schema::{self, check_object, render_object};
use crate::server::Ctx;
use crate::state::lock;
use crate::token::authorize;
use crate::wire::{context, read_object, with_context, without_annotations};

/// Members of the default configuration that Microsoft calls read-only: consent settings are
/// "always false and can't be updated" [D]; isServiceDefault is computed.
const READ_ONLY: &[&str] = &["automaticUserConsentSettings", "isServiceDefault"];

/// `GET .../default`.
pub(crate) fn get(ctx: &Ctx<'_>) -> Result<Reply, Reply> {
    authorize(ctx, false)?;
    let nested_nulls = ctx.shared.switches().nested_nulls;
    let value = Value::Object(render_object(
        &lock(&ctx.shared.store).default_config,
        schema::DEFAULT_CONFIG,
        nested_nulls,
    ));
    Ok(Reply::json(
        200,
        with_context(
            value,
            context(ctx, "policies/crossTenantAccessPolicy/default/$entity"),
        ),
    ))
}

/// `PATCH .../default`.
pub(crate) fn patch(ctx: &Ctx<'_>) -> Result<Reply, Reply> {
    authorize(ctx, true)?;
    let body = read_object(ctx)?;
    check_object(&body, schema::DEFAULT_CONFIG).map_err(bad_request)?;
    let mut store = lock(&ctx.shared.store);
    for (k, v) in without_annotations(body) {
        if !READ_ONLY.contains(&k.as_str()) {
            store.default_config.insert(k, v);
        }
    }
    store
        .default_config
        .insert("isServiceDefault".into(), Value::Bool(false));
    Ok(Reply::empty(204))
}

/// `POST .../default/resetToSystemDefault`.
pub(crate) fn reset(ctx: &Ctx<'_>) -> Result<Reply, Reply> {
    authorize(ctx, true)?;
    lock(&ctx.shared.store).default_config = schema::system_default();
    Ok(Reply::empty(204))
}
