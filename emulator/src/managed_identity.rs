//! Managed-identity token endpoints: Azure IMDS (`/metadata/identity/oauth2/token`, numbers as
//! strings) and the App Service / Container Apps style (`/msi/token` with `X-IDENTITY-HEADER`).

use serde_json::json;

use crate::errors::simple_error;
use crate::reply::{unix_now, Reply};
use crate::server::Ctx;
use crate::state::lock;
use crate::token::{issue, resource_ok};

/// `GET /metadata/identity/oauth2/token` (IMDS).
pub(crate) fn imds(ctx: &Ctx<'_>) -> Reply {
    if !ctx
        .header("metadata")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return simple_error(
            400,
            "bad_request_102",
            "Required metadata header not specified",
        );
    }
    if ctx.query_param("api-version").is_none() {
        return simple_error(
            400,
            "bad_request_101",
            "Required query variable 'api-version' is missing",
        );
    }
    managed_identity_token(ctx, true)
}

/// `GET /msi/token` (App Service / Container Apps).
pub(crate) fn app_service(ctx: &Ctx<'_>) -> Reply {
    let expected = ctx
        .shared
        .config
        .managed_identity
        .as_ref()
        .map(|m| m.identity_header.as_str());
    if expected.is_none() || ctx.header("x-identity-header") != expected {
        return simple_error(
            400,
            "invalid_request",
            "The X-IDENTITY-HEADER header is missing or invalid.",
        );
    }
    if ctx.query_param("api-version").is_none() {
        return simple_error(
            400,
            "invalid_request",
            "Required query variable 'api-version' is missing",
        );
    }
    managed_identity_token(ctx, false)
}

fn managed_identity_token(ctx: &Ctx<'_>, imds: bool) -> Reply {
    let shared = ctx.shared;
    let Some(resource) = ctx.query_param("resource") else {
        return simple_error(
            400,
            "invalid_request",
            "Required query variable 'resource' is missing",
        );
    };
    let Some(mi) = shared.config.managed_identity.as_ref() else {
        return simple_error(400, "invalid_request", "Identity not found");
    };
    lock(&shared.log).count_token(&mi.client_id);
    let requested = ctx.query_param("client_id");
    if requested.is_some_and(|id| !id.eq_ignore_ascii_case(&mi.client_id)) {
        return simple_error(400, "invalid_request", "Identity not found");
    }
    if !resource_ok(shared, &resource) {
        return simple_error(
            400,
            "invalid_resource",
            &format!("AADSTS500011: The resource principal named {resource} was not found in the tenant."),
        );
    }
    let (token, lifetime) = issue(shared, &mi.roles);
    let now = unix_now();
    let expires_on = (now + lifetime).to_string();
    if imds {
        Reply::json(
            200,
            json!({
                "access_token": token, "refresh_token": "", "expires_in": lifetime.to_string(),
                "expires_on": expires_on, "ext_expires_in": lifetime.to_string(), "not_before": now.to_string(),
                "resource": resource, "token_type": "Bearer", "client_id": mi.client_id,
            }),
        )
    } else {
        Reply::json(
            200,
            json!({
                "access_token": token, "expires_on": expires_on, "resource": resource,
                "token_type": "Bearer", "client_id": mi.client_id,
            }),
        )
    }
}
