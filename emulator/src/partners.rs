//! Graph routes of the cross-tenant access policy: partners (list, create, get, update, delete),
//! the identitySynchronization child, and the default configuration singleton.

use std::time::Instant;

use serde_json::{json, Map, Value};

use crate::errors::{bad_request, graph_error, graph_error_with_details, not_found};
use crate::reply::Reply;
use crate::schema::{self, check_object, is_guid, render_object, render_partner};
use crate::server::Ctx;
use crate::state::{lock, StoredPartner};
use crate::token::authorize;

const PARTNERS_PATH: &str = "/v1.0/policies/crossTenantAccessPolicy/partners";
const TENANT_ID_EXISTS: &str =
    "Another object with the same value for property tenantId already exists.";

fn read_object(ctx: &Ctx<'_>) -> Result<Map<String, Value>, Reply> {
    match serde_json::from_slice::<Value>(ctx.body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(bad_request(
            "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
        )),
    }
}

fn without_annotations(map: Map<String, Value>) -> Map<String, Value> {
    map.into_iter()
        .filter(|(k, _)| !k.starts_with("@odata."))
        .collect()
}

fn read_only(name: &str) -> Reply {
    bad_request(format!("Property '{name}' is read-only and cannot be set."))
}

fn context(ctx: &Ctx<'_>, fragment: &str) -> Value {
    Value::String(format!("{}/v1.0/$metadata#{fragment}", ctx.shared.base_url))
}

fn with_context(mut value: Value, context: Value) -> Value {
    if let Value::Object(map) = &mut value {
        map.insert("@odata.context".into(), context);
    }
    value
}

fn expand_sync(ctx: &Ctx<'_>) -> bool {
    ctx.query_param("$expand").is_some_and(|e| {
        e.split(',')
            .any(|p| p.trim().eq_ignore_ascii_case("identitySynchronization"))
    })
}

fn render_with_expand(p: &StoredPartner, expand: bool) -> Value {
    let mut value = render_partner(&p.object);
    if let (true, Value::Object(map)) = (expand, &mut value) {
        let sync = p
            .identity_sync
            .as_ref()
            .map(|s| Value::Object(render_object(s, schema::IDENTITY_SYNC)))
            .unwrap_or(Value::Null);
        map.insert("identitySynchronization".into(), sync);
    }
    value
}

fn parse_count(ctx: &Ctx<'_>, name: &str) -> Result<Option<usize>, Reply> {
    match ctx.query_param(name) {
        None => Ok(None),
        Some(v) => v
            .parse::<usize>()
            .map(Some)
            .map_err(|_| bad_request(format!("Invalid value '{v}' for query option '{name}'."))),
    }
}

/// `GET .../partners`.
pub(crate) fn list(ctx: &Ctx<'_>) -> Result<Reply, Reply> {
    authorize(ctx, false)?;
    let top = parse_count(ctx, "$top")?;
    let skip = parse_count(ctx, "$skiptoken")?.unwrap_or(0);
    let page = top
        .unwrap_or(ctx.shared.config.page_size)
        .min(ctx.shared.config.page_size)
        .max(1);
    let expand = expand_sync(ctx);
    let (items, total) = {
        let store = lock(&ctx.shared.store);
        let items: Vec<Value> = store
            .partners
            .values()
            .skip(skip)
            .take(page)
            .map(|p| render_with_expand(p, expand))
            .collect();
        (items, store.partners.len())
    };
    let mut body = json!({
        "@odata.context": context(ctx, "policies/crossTenantAccessPolicy/partners"),
        "value": items,
    });
    if skip + page < total {
        let mut link = format!("{}{PARTNERS_PATH}?", ctx.shared.base_url);
        if let Some(top) = top {
            link.push_str(&format!("$top={top}&"));
        }
        if expand {
            link.push_str("$expand=identitySynchronization&");
        }
        link.push_str(&format!("$skiptoken={}", skip + page));
        body["@odata.nextLink"] = Value::String(link);
    }
    Ok(Reply::json(200, body))
}

/// `POST .../partners`.
pub(crate) fn create(ctx: &Ctx<'_>) -> Result<Reply, Reply> {
    authorize(ctx, true)?;
    let body = read_object(ctx)?;
    check_object(&body, schema::PARTNER).map_err(bad_request)?;
    if body.contains_key("isInMultiTenantOrganization") {
        return Err(read_only("isInMultiTenantOrganization"));
    }
    let id = match body.get("tenantId") {
        None | Some(Value::Null) => {
            return Err(bad_request("Required property 'tenantId' is missing."))
        }
        Some(v) => v.as_str().unwrap_or_default().to_ascii_lowercase(),
    };
    if !is_guid(&id) {
        return Err(bad_request(
            "Invalid value specified for property 'tenantId' of resource 'CrossTenantAccessPolicyConfigurationPartner'.",
        ));
    }
    if body.contains_key("isServiceProvider") {
        return Err(crate::errors::forbidden());
    }
    let lag = lock(&ctx.shared.faults).delete_lag();
    let mut store = lock(&ctx.shared.store);
    let recently_deleted =
        lag.is_some_and(|w| store.deleted.get(&id).is_some_and(|t| t.elapsed() < w));
    if recently_deleted || store.partners.contains_key(&id) {
        return Err(graph_error(
            409,
            "Request_MultipleObjectsWithSameKeyValue",
            TENANT_ID_EXISTS,
        ));
    }
    let mut object = without_annotations(body);
    object.insert("tenantId".into(), Value::String(id.clone()));
    object.insert("isServiceProvider".into(), Value::Null);
    object.insert("isInMultiTenantOrganization".into(), Value::Bool(false));
    let stored = StoredPartner {
        object,
        identity_sync: None,
        created: Some(Instant::now()),
        before_update: None,
    };
    let rendered = render_partner(&stored.object);
    store.partners.insert(id.clone(), stored);
    store.deleted.remove(&id);
    drop(store);
    let body = with_context(
        rendered,
        context(ctx, "policies/crossTenantAccessPolicy/partners/$entity"),
    );
    let location = format!("{}{PARTNERS_PATH}/{id}", ctx.shared.base_url);
    Ok(Reply::json(201, body).with_header("location", location))
}

/// `GET .../partners/{id}`.
pub(crate) fn get(ctx: &Ctx<'_>, id: &str) -> Result<Reply, Reply> {
    authorize(ctx, false)?;
    let key = id.to_ascii_lowercase();
    let (lag, update_lag) = {
        let faults = lock(&ctx.shared.faults);
        (faults.replication_lag(), faults.update_lag())
    };
    let store = lock(&ctx.shared.store);
    let partner = store.partners.get(&key).ok_or_else(|| not_found(id))?;
    if lag.is_some_and(|w| partner.created.is_some_and(|c| c.elapsed() < w)) {
        return Err(not_found(id));
    }
    let stale = partner
        .before_update
        .as_ref()
        .filter(|(_, at)| update_lag.is_some_and(|w| at.elapsed() < w));
    let value = match stale {
        Some((object, _)) => render_with_expand(
            &StoredPartner {
                object: object.clone(),
                ..partner.clone()
            },
            expand_sync(ctx),
        ),
        None => render_with_expand(partner, expand_sync(ctx)),
    };
    drop(store);
    Ok(Reply::json(
        200,
        with_context(
            value,
            context(ctx, "policies/crossTenantAccessPolicy/partners/$entity"),
        ),
    ))
}

/// `PATCH .../partners/{id}`: merges the sent top-level properties (null resets to inherit).
pub(crate) fn update(ctx: &Ctx<'_>, id: &str) -> Result<Reply, Reply> {
    authorize(ctx, true)?;
    let body = read_object(ctx)?;
    check_object(&body, schema::PARTNER).map_err(bad_request)?;
    for name in ["isInMultiTenantOrganization", "isServiceProvider"] {
        if body.contains_key(name) {
            return Err(read_only(name));
        }
    }
    if let Some(sent) = body.get("tenantId") {
        if !sent.as_str().is_some_and(|s| s.eq_ignore_ascii_case(id)) {
            return Err(bad_request(
                "The key property 'tenantId' cannot be changed.",
            ));
        }
    }
    let mut store = lock(&ctx.shared.store);
    let partner = store
        .partners
        .get_mut(&id.to_ascii_lowercase())
        .ok_or_else(|| not_found(id))?;
    partner.before_update = Some((partner.object.clone(), Instant::now()));
    for (k, v) in without_annotations(body) {
        if k != "tenantId" {
            partner.object.insert(k, v);
        }
    }
    Ok(Reply::empty(204))
}

/// `DELETE .../partners/{id}`.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Result<Reply, Reply> {
    authorize(ctx, true)?;
    let key = id.to_ascii_lowercase();
    let mut store = lock(&ctx.shared.store);
    let partner = store.partners.get(&key).ok_or_else(|| not_found(id))?;
    if partner.identity_sync.is_some() {
        return Err(bad_request(format!(
            "The partner configuration for tenant '{key}' has an identitySynchronization policy. Delete the identitySynchronization policy before deleting the partner configuration."
        )));
    }
    store.partners.remove(&key);
    store.deleted.insert(key, Instant::now());
    Ok(Reply::empty(204))
}

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
pub(crate) fn sync_put(ctx: &Ctx<'_>, id: &str) -> Result<Reply, Reply> {
    authorize(ctx, true)?;
    let mut body = sync_body(ctx, id)?;
    let key = id.to_ascii_lowercase();
    let mut store = lock(&ctx.shared.store);
    let partner = store.partners.get_mut(&key).ok_or_else(|| not_found(id))?;
    if partner.identity_sync.is_some() {
        return Err(graph_error_with_details(
            409,
            "Request_MultipleObjectsWithSameKeyValue",
            "A conflicting object with one or more of the specified property values is present in the directory.",
            json!([{"code": "ConflictingObjects", "message": "A conflicting object with one or more of the specified property values is present in the directory.", "target": "identitySynchronization"}]),
        ));
    }
    body.insert("tenantId".into(), Value::String(key));
    partner.identity_sync = Some(body);
    Ok(Reply::empty(204))
}

/// `GET .../partners/{id}/identitySynchronization`.
pub(crate) fn sync_get(ctx: &Ctx<'_>, id: &str) -> Result<Reply, Reply> {
    authorize(ctx, false)?;
    let key = id.to_ascii_lowercase();
    let store = lock(&ctx.shared.store);
    let sync = store
        .partners
        .get(&key)
        .and_then(|p| p.identity_sync.as_ref())
        .ok_or_else(|| not_found(id))?;
    let value = Value::Object(render_object(sync, schema::IDENTITY_SYNC));
    drop(store);
    let fragment = format!(
        "policies/crossTenantAccessPolicy/partners('{key}')/identitySynchronization/$entity"
    );
    Ok(Reply::json(
        200,
        with_context(value, context(ctx, &fragment)),
    ))
}

/// `PATCH .../partners/{id}/identitySynchronization`.
pub(crate) fn sync_patch(ctx: &Ctx<'_>, id: &str) -> Result<Reply, Reply> {
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
pub(crate) fn sync_delete(ctx: &Ctx<'_>, id: &str) -> Result<Reply, Reply> {
    authorize(ctx, true)?;
    let mut store = lock(&ctx.shared.store);
    let partner = store
        .partners
        .get_mut(&id.to_ascii_lowercase())
        .ok_or_else(|| not_found(id))?;
    partner.identity_sync.take().ok_or_else(|| not_found(id))?;
    Ok(Reply::empty(204))
}

/// `GET .../default`.
pub(crate) fn default_get(ctx: &Ctx<'_>) -> Result<Reply, Reply> {
    authorize(ctx, false)?;
    let value = Value::Object(render_object(
        &lock(&ctx.shared.store).default_config,
        schema::DEFAULT_CONFIG,
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
pub(crate) fn default_patch(ctx: &Ctx<'_>) -> Result<Reply, Reply> {
    authorize(ctx, true)?;
    let body = read_object(ctx)?;
    check_object(&body, schema::DEFAULT_CONFIG).map_err(bad_request)?;
    let mut store = lock(&ctx.shared.store);
    for (k, v) in without_annotations(body) {
        store.default_config.insert(k, v);
    }
    store
        .default_config
        .insert("isServiceDefault".into(), Value::Bool(false));
    Ok(Reply::empty(204))
}

/// `POST .../default/resetToSystemDefault`.
pub(crate) fn default_reset(ctx: &Ctx<'_>) -> Result<Reply, Reply> {
    authorize(ctx, true)?;
    lock(&ctx.shared.store).default_config = schema::system_default();
    Ok(Reply::empty(204))
}
