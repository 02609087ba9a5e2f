//! URL routing: maps a request path to a `Route` (with its fault/counter name and path
//! template) and dispatches Graph and token requests to their handlers.

use hyper::Method;

use crate::errors::graph_error;
use crate::reply::Reply;
use crate::server::Ctx;
use crate::{default_config, identity_sync, managed_identity, partners, policy, token};

/// A recognised route.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Route {
    Token(String),
    Imds,
    Msi,
    CloudMetadata,
    Partners,
    Partner(String),
    Sync(String),
    Default,
    ResetDefault,
    Policy,
    Control,
    Unknown,
}

fn eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

impl Route {
    pub fn parse(path: &str) -> Route {
        let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match segs.as_slice() {
            ["_emulator", ..] => Route::Control,
            [tenant, o, v, t] if eq(o, "oauth2") && eq(v, "v2.0") && eq(t, "token") => {
                Route::Token((*tenant).to_string())
            }
            ["metadata", "identity", "oauth2", "token"] => Route::Imds,
            ["msi", "token"] => Route::Msi,
            ["metadata", "endpoints"] => Route::CloudMetadata,
            [v, p, c, rest @ ..]
                if eq(v, "v1.0") && eq(p, "policies") && eq(c, "crossTenantAccessPolicy") =>
            {
                match rest {
                    [] => Route::Policy,
                    [p] if eq(p, "partners") => Route::Partners,
                    [p, id] if eq(p, "partners") && !id.is_empty() => {
                        Route::Partner((*id).to_string())
                    }
                    [p, id, s] if eq(p, "partners") && eq(s, "identitySynchronization") => {
                        Route::Sync((*id).to_string())
                    }
                    [d] if eq(d, "default") => Route::Default,
                    [d, r] if eq(d, "default") && eq(r, "resetToSystemDefault") => {
                        Route::ResetDefault
                    }
                    _ => Route::Unknown,
                }
            }
            _ => Route::Unknown,
        }
    }

    /// Name used in fault specs and counters.
    pub fn name(&self) -> &'static str {
        match self {
            Route::Token(_) => "token",
            Route::Imds => "imds",
            Route::Msi => "msi",
            Route::CloudMetadata => "metadata",
            Route::Partners => "partners",
            Route::Partner(_) => "partner",
            Route::Sync(_) => "identitySynchronization",
            Route::Default => "default",
            Route::ResetDefault => "resetToSystemDefault",
            Route::Policy => "policy",
            Route::Control => "control",
            Route::Unknown => "unknown",
        }
    }

    /// Path template (also accepted in fault specs).
    pub fn template(&self) -> &'static str {
        match self {
            Route::Token(_) => "/{tenant}/oauth2/v2.0/token",
            Route::Imds => "/metadata/identity/oauth2/token",
            Route::Msi => "/msi/token",
            Route::CloudMetadata => "/metadata/endpoints",
            Route::Partners => "/v1.0/policies/crossTenantAccessPolicy/partners",
            Route::Partner(_) => "/v1.0/policies/crossTenantAccessPolicy/partners/{id}",
            Route::Sync(_) => {
                "/v1.0/policies/crossTenantAccessPolicy/partners/{id}/identitySynchronization"
            }
            Route::Default => "/v1.0/policies/crossTenantAccessPolicy/default",
            Route::ResetDefault => {
                "/v1.0/policies/crossTenantAccessPolicy/default/resetToSystemDefault"
            }
            Route::Policy => "/v1.0/policies/crossTenantAccessPolicy",
            Route::Control => "/_emulator",
            Route::Unknown => "",
        }
    }
}

fn method_not_allowed() -> Reply {
    graph_error(
        405,
        "Request_BadRequest",
        "Specified HTTP method is not allowed for the request target.",
    )
}

/// `GET /metadata/endpoints?api-version=2022-09-01`: the cloud discovery document that
/// hashicorp/azuread's `metadata_host` reads, describing the emulator as a cloud of its own.
fn cloud_metadata(ctx: &Ctx<'_>) -> Reply {
    if !ctx
        .query
        .split('&')
        .any(|pair| pair == "api-version=2022-09-01")
    {
        return graph_error(
            400,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        );
    }
    let base = format!("{}/", ctx.shared.base_url);
    Reply::json(
        200,
        serde_json::json!({
            "name": "AzureEmulator",
            "portal": base,
            "authentication": {
                "loginEndpoint": base,
                "audiences": [base],
                "tenant": "common",
                "identityProvider": "AAD",
            },
            "graph": "https://graph.windows.net/",
            "resourceManager": base,
            "microsoftGraphResourceId": base,
            "suffixes": {"keyVaultDns": "vault.emulator.invalid", "storage": "core.emulator.invalid"},
        }),
    )
}

/// Runs the handler for a Graph or token route.
pub(crate) fn dispatch(ctx: &Ctx<'_>, route: &Route) -> Reply {
    let m = ctx.method;
    let result = match route {
        Route::Token(tenant) if m == Method::POST => Ok(token::token_endpoint(ctx, tenant)),
        Route::Imds if m == Method::GET => Ok(managed_identity::imds(ctx)),
        Route::Msi if m == Method::GET => Ok(managed_identity::app_service(ctx)),
        Route::CloudMetadata if m == Method::GET => Ok(cloud_metadata(ctx)),
        Route::Partners if m == Method::GET => partners::list(ctx),
        Route::Partners if m == Method::POST => partners::create(ctx),
        Route::Partner(id) if m == Method::GET => partners::get(ctx, id),
        Route::Partner(id) if m == Method::PATCH => partners::update(ctx, id),
        Route::Partner(id) if m == Method::DELETE => partners::delete(ctx, id),
        Route::Sync(id) if m == Method::PUT => identity_sync::put(ctx, id),
        Route::Sync(id) if m == Method::GET => identity_sync::get(ctx, id),
        Route::Sync(id) if m == Method::PATCH => identity_sync::patch(ctx, id),
        Route::Sync(id) if m == Method::DELETE => identity_sync::delete(ctx, id),
        Route::Default if m == Method::GET => default_config::get(ctx),
        Route::Default if m == Method::PATCH => default_config::patch(ctx),
        Route::ResetDefault if m == Method::POST => default_config::reset(ctx),
        Route::Policy if m == Method::GET => policy::get(ctx),
        Route::Policy if m == Method::PATCH => policy::patch(ctx),
        Route::Unknown if ctx.path.starts_with("/v1.0/") => {
            let last = ctx.path.rsplit('/').next().unwrap_or_default();
            Ok(graph_error(
                400,
                "BadRequest",
                format!("Resource not found for the segment '{last}'."),
            ))
        }
        Route::Unknown | Route::Control => Ok(graph_error(
            404,
            "NotFound",
            format!("The requested path '{}' does not exist.", ctx.path),
        )),
        _ => Ok(method_not_allowed()),
    };
    result.unwrap_or_else(|reply| reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_routes() {
        assert_eq!(
            Route::parse("/t/oauth2/v2.0/token"),
            Route::Token("t".into())
        );
        assert_eq!(
            Route::parse("/v1.0/policies/crossTenantAccessPolicy/partners"),
            Route::Partners
        );
        assert_eq!(
            Route::parse(
                "/v1.0/policies/crossTenantAccessPolicy/partners/abc/identitySynchronization"
            ),
            Route::Sync("abc".into())
        );
        assert_eq!(
            Route::parse("/v1.0/policies/crossTenantAccessPolicy"),
            Route::Policy
        );
        assert_eq!(Route::parse("/_emulator/requests"), Route::Control);
        assert_eq!(Route::parse("/nope"), Route::Unknown);
    }
}
