//! Graph routes of the cross-tenant access partners: list (with paging), create, get, update and
//! delete. What the documents leave open follows the `Switches` in force.

use std::time::Instant;

use serde_json::{json, Map, Value};

use crate::errors::{bad_request, forbidden, graph_error, not_found};
use crate::reply::Reply;
use crate::schema::{self, check_object, is_guid, render_object};
use crate::server::Ctx;
use crate::state::{lock, StoredPartner};
use crate::token::authorize;
use crate::wire::{
    apply_select, context, expand_sync, parse_count, parse_select, read_object, read_only,
    with_context, without_annotations,
};

const PARTNERS_PATH: &str = "/v1.0/policies/crossTenantAccessPolicy/partners";
const PARTNER_TYPE: &str = "crossTenantAccessPolicyConfigurationPartner";
const ENTITY: &str = "policies/crossTenantAccessPolicy/partners/$entity";
const TENANT_ID_EXISTS: &str =
    "Another object with the same value for property tenantId already exists.";
const MTO: &str = "isInMultiTenantOrganization";
const SERVICE_PROVIDER: &str = "isServiceProvider";
/// Members Graph returns that no schema lists (selectable too).
const UNSCHEMATISED: &[&str] = &["crossCloudMeetingConfiguration", "protectedContentSharing"];
/// Partner properties the update table lists but Microsoft's create table omits.
const NOT_IN_CREATE_TABLE: &[&str] = &[
    "tenantRestrictions",
    "appServiceConnectInbound",
    "m365CollaborationInbound",
    "m365CollaborationOutbound",
];

/// How one partner is rendered for this request.
struct View {
    expand: bool,
    select: Option<Vec<String>>,
    nested_nulls: bool,
}

impl View {
    fn of(ctx: &Ctx<'_>) -> Result<View, Reply> {
        Ok(View {
            expand: expand_sync(ctx),
            select: parse_select(ctx, PARTNER_TYPE, schema::PARTNER, UNSCHEMATISED)?,
            nested_nulls: ctx.shared.switches().nested_nulls,
        })
    }

    fn render(&self, object: &Map<String, Value>, sync: Option<&Map<String, Value>>) -> Value {
        let mut value = schema::render_partner(object, self.nested_nulls);
        if let (true, Value::Object(map)) = (self.expand, &mut value) {
            let sync = sync
                .map(|s| Value::Object(render_object(s, schema::IDENTITY_SYNC, self.nested_nulls)))
                .unwrap_or(Value::Null);
            map.insert("identitySynchronization".into(), sync);
        }
        apply_select(value, self.select.as_deref(), &["identitySynchronization"])
    }
}

/// `GET .../partners`: pages of `switches.page_size` (else `config.page_size`), or a smaller
/// `$top`, linked by an absolute `@odata.nextLink` carrying `$skiptoken`. Partners created
/// during a `list_lag` fault are left out until its window has passed.
pub(crate) fn list(ctx: &Ctx<'_>) -> Result<Reply, Reply> {
    authorize(ctx, false)?;
    let top = parse_count(ctx, "$top")?;
    let skip = parse_count(ctx, "$skiptoken")?.unwrap_or(0);
    let page_size = ctx.shared.page_size();
    let page = top.unwrap_or(page_size).min(page_size).max(1);
    let view = View::of(ctx)?;
    let (items, total) = {
        let store = lock(&ctx.shared.store);
        let now = Instant::now();
        let listed = || {
            store
                .partners
                .values()
                .filter(|p| p.unlisted_until.is_none_or(|until| now >= until))
        };
        let items: Vec<Value> = listed()
            .skip(skip)
            .take(page)
            .map(|p| view.render(&p.object, p.identity_sync.as_ref()))
            .collect();
        (items, listed().count())
    };
    let mut body = json!({
        "@odata.context": context(ctx, "policies/crossTenantAccessPolicy/partners"),
        "value": items,
    });
    if skip + page < total {
        let mut link = format!("{}{PARTNERS_PATH}?", ctx.shared.base_url);
        let mut keep = |name: &str| {
            if let Some(v) = ctx.query_param(name) {
                let pair: String = form_urlencoded::Serializer::new(String::new())
                    .append_pair(name, &v)
                    .finish();
                link.push_str(&pair.replace("%24", "$"));
                link.push('&');
            }
        };
        keep("$top");
        keep("$select");
        keep("$expand");
        link.push_str(&format!("$skiptoken={}", skip + page));
        body["@odata.nextLink"] = Value::String(link);
    }
    Ok(Reply::json(200, body))
}

/// `POST .../partners`.
pub(crate) fn create(ctx: &Ctx<'_>) -> Result<Reply, Reply> {
    authorize(ctx, true)?;
    let switches = ctx.shared.switches();
    let body = read_object(ctx)?;
    check_object(&body, schema::PARTNER).map_err(bad_request)?;
    if switches.multi_tenant_organization_read_only && body.contains_key(MTO) {
        return Err(read_only(MTO));
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
    if switches.strict_create {
        if let Some(name) = NOT_IN_CREATE_TABLE.iter().find(|n| body.contains_key(**n)) {
            return Err(bad_request(format!(
                "Property '{name}' cannot be set when creating a partner configuration."
            )));
        }
    }
    if switches.service_provider_forbidden_on_create && body.contains_key(SERVICE_PROVIDER) {
        return Err(forbidden());
    }
    let (lag, list_lag) = {
        let faults = lock(&ctx.shared.faults);
        (faults.delete_lag(), faults.list_lag())
    };
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
    object.remove(MTO);
    object.insert("tenantId".into(), Value::String(id.clone()));
    let rendered = schema::render_partner(&object, switches.nested_nulls);
    store.partners.insert(
        id.clone(),
        StoredPartner {
            object,
            identity_sync: None,
            created: Some(Instant::now()),
            before_update: None,
            unlisted_until: list_lag.map(|window| Instant::now() + window),
        },
    );
    store.deleted.remove(&id);
    drop(store);
    let body = with_context(rendered, context(ctx, ENTITY));
    let location = format!("{}{PARTNERS_PATH}/{id}", ctx.shared.base_url);
    Ok(Reply::json(201, body).with_header("location", location))
}

/// `GET .../partners/{id}`.
pub(crate) fn get(ctx: &Ctx<'_>, id: &str) -> Result<Reply, Reply> {
    authorize(ctx, false)?;
    let view = View::of(ctx)?;
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
        .filter(|(_, at)| update_lag.is_some_and(|w| at.elapsed() < w))
        .map(|(object, _)| object);
    let value = view.render(
        stale.unwrap_or(&partner.object),
        partner.identity_sync.as_ref(),
    );
    drop(store);
    Ok(Reply::json(200, with_context(value, context(ctx, ENTITY))))
}

/// `PATCH .../partners/{id}`: merges the sent top-level properties (null resets to inherit).
/// isInMultiTenantOrganization and isServiceProvider are ignored unless a switch refuses them.
pub(crate) fn update(ctx: &Ctx<'_>, id: &str) -> Result<Reply, Reply> {
    authorize(ctx, true)?;
    let switches = ctx.shared.switches();
    let body = read_object(ctx)?;
    check_object(&body, schema::PARTNER).map_err(bad_request)?;
    let refused = [
        (MTO, switches.multi_tenant_organization_read_only),
        (
            SERVICE_PROVIDER,
            switches.service_provider_read_only_on_update,
        ),
    ];
    for (name, refuse) in refused {
        if refuse && body.contains_key(name) {
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
        if !matches!(k.as_str(), "tenantId" | MTO | SERVICE_PROVIDER) {
            partner.object.insert(k, v);
        }
    }
    Ok(Reply::empty(204))
}

/// The refusal of a DELETE while an identitySynchronization policy exists.
fn sync_blocks_delete(status: Option<u16>, key: &str) -> Reply {
    let Some(status) = status else {
        return bad_request("Bad request. Please fix the request before retrying.");
    };
    let code = match status {
        403 => "Authorization_RequestDenied",
        404 => "Request_ResourceNotFound",
        409 => "Conflict",
        500..=599 => "InternalServerError",
        _ => "Request_BadRequest",
    };
    graph_error(
        status,
        code,
        format!(
            "The partner configuration for tenant '{key}' has an identitySynchronization policy. Delete the identitySynchronization policy before deleting the partner configuration."
        ),
    )
}

/// `DELETE .../partners/{id}`.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Result<Reply, Reply> {
    authorize(ctx, true)?;
    let status = ctx.shared.switches().sync_delete_status;
    let key = id.to_ascii_lowercase();
    let mut store = lock(&ctx.shared.store);
    let partner = store.partners.get(&key).ok_or_else(|| not_found(id))?;
    if partner.identity_sync.is_some() {
        return Err(sync_blocks_delete(status, &key));
    }
    store.partners.remove(&key);
    store.deleted.insert(key, Instant::now());
    Ok(Reply::empty(204))
}
