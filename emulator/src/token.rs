//! The Entra token endpoint (client secret, certificate assertion, federated assertion), token
//! issuance, and bearer-token checks on Graph routes.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::json;

use crate::config::{AppRegistration, ROLE_READ, ROLE_READ_WRITE};
use crate::errors::{entra_error, forbidden, graph_error};
use crate::jwt::{parse_certificate, parse_public_key, Jwt};
use crate::reply::{unix_now, Reply};
use crate::server::Ctx;
use crate::state::{lock, IssuedToken, Shared};

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const GRAPH_RESOURCE: &str = "https://graph.microsoft.com";

fn missing_param(name: &str) -> Reply {
    entra_error(
        400,
        "invalid_request",
        900144,
        &format!("The request body must contain the following parameter: '{name}'."),
    )
}

fn invalid_client(code: u32, description: &str) -> Reply {
    entra_error(401, "invalid_client", code, description)
}

/// True when `resource` (without `/.default`) names Graph or this emulator.
pub(crate) fn resource_ok(shared: &Shared, resource: &str) -> bool {
    let r = resource.trim_end_matches('/');
    r.eq_ignore_ascii_case(GRAPH_RESOURCE) || r.eq_ignore_ascii_case(&shared.base_url)
}

/// Issues a token, remembering its roles.
pub(crate) fn issue(shared: &Shared, roles: &[String]) -> (String, u64) {
    let token = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let lifetime = shared.config.token_lifetime_secs;
    lock(&shared.tokens).insert(
        token.clone(),
        IssuedToken {
            roles: roles.to_vec(),
            expires: Instant::now() + Duration::from_secs(lifetime),
        },
    );
    (token, lifetime)
}

/// `POST /{tenant}/oauth2/v2.0/token`.
pub(crate) fn token_endpoint(ctx: &Ctx<'_>, tenant: &str) -> Reply {
    let shared = ctx.shared;
    if !tenant.eq_ignore_ascii_case(&shared.config.tenant_id) {
        return entra_error(
            400,
            "invalid_request",
            90002,
            &format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."),
        );
    }
    let mut form: HashMap<String, String> = form_urlencoded::parse(ctx.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if let Some((id, secret)) = basic_auth(ctx) {
        form.entry("client_id".into()).or_insert(id);
        form.entry("client_secret".into()).or_insert(secret);
    }
    let assertion = form.get("client_assertion").map(|a| Jwt::parse(a));
    let client_id = form.get("client_id").cloned().or_else(|| match &assertion {
        Some(Ok(jwt)) => jwt.claim_str("iss").map(str::to_string),
        _ => None,
    });
    if let Some(id) = &client_id {
        lock(&shared.log).count_token(id);
    }
    match form.get("grant_type").map(String::as_str) {
        None => return missing_param("grant_type"),
        Some("client_credentials") => {}
        Some(other) => {
            return entra_error(
                400,
                "unsupported_grant_type",
                70003,
                &format!("The app requested an unsupported grant type '{other}'."),
            )
        }
    }
    let Some(client_id) = client_id else {
        return missing_param("client_id");
    };
    let Some(app) = shared.config.app(&client_id) else {
        return entra_error(
            400,
            "unauthorized_client",
            700016,
            &format!("Application with identifier '{client_id}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."),
        );
    };
    let Some(scope) = form.get("scope") else {
        return missing_param("scope");
    };
    let scope_ok = scope.split_whitespace().count() == 1
        && scope
            .strip_suffix("/.default")
            .is_some_and(|r| resource_ok(shared, r));
    if !scope_ok {
        return entra_error(
            400,
            "invalid_scope",
            70011,
            &format!("The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid."),
        );
    }
    let checked = if let Some(secret) = form.get("client_secret") {
        if app.secrets.iter().any(|s| s == secret) {
            Ok(())
        } else {
            Err(invalid_client(7000215, &format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.", app.client_id)))
        }
    } else if let Some(assertion) = assertion {
        if form.get("client_assertion_type").map(String::as_str) != Some(JWT_BEARER) {
            return entra_error(
                400,
                "invalid_request",
                70002,
                "The client_assertion_type is missing or not supported. Use 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.",
            );
        }
        match assertion {
            Err(_) => Err(invalid_client(
                700027,
                "Client assertion failed signature validation. The assertion is not a well-formed JWT.",
            )),
            Ok(jwt) => check_assertion(ctx, tenant, app, &jwt),
        }
    } else {
        Err(invalid_client(
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        ))
    };
    if let Err(reply) = checked {
        return reply;
    }
    let (token, lifetime) = issue(shared, &app.roles);
    Reply::json(
        200,
        json!({"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime, "access_token": token}),
    )
}

fn basic_auth(ctx: &Ctx<'_>) -> Option<(String, String)> {
    let value = ctx.header("authorization")?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| {
        form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((unescape(id), unescape(secret)))
}

fn check_times(ctx: &Ctx<'_>, jwt: &Jwt) -> Result<(), Reply> {
    let now = unix_now() as i64;
    let skew = ctx.shared.config.assertion_skew_secs as i64;
    let exp = jwt.claim_i64("exp");
    let nbf = jwt.claim_i64("nbf");
    let expired = exp.is_none_or(|exp| now > exp + skew);
    let early = nbf.is_some_and(|nbf| nbf > now + skew);
    if expired || early {
        return Err(invalid_client(
            700024,
            &format!(
                "Client assertion is not within its valid time range. Current time: {now}, assertion valid from {}, expiry time of assertion {}.",
                nbf.map(|v| v.to_string()).unwrap_or_default(),
                exp.map(|v| v.to_string()).unwrap_or_default()
            ),
        ));
    }
    Ok(())
}

fn check_assertion(
    ctx: &Ctx<'_>,
    tenant: &str,
    app: &AppRegistration,
    jwt: &Jwt,
) -> Result<(), Reply> {
    let iss = jwt.claim_str("iss").unwrap_or_default();
    if app.federated_credentials.iter().any(|f| f.issuer == iss) {
        return check_federated(ctx, app, jwt);
    }
    let sub = jwt.claim_str("sub").unwrap_or_default();
    if !iss.eq_ignore_ascii_case(&app.client_id) || !sub.eq_ignore_ascii_case(&app.client_id) {
        return Err(invalid_client(
            700021,
            "Client assertion application identifier doesn't match 'client_id' parameter. The 'iss' and 'sub' claims must both be the client id.",
        ));
    }
    let x5t = jwt.header_str("x5t");
    let x5t_s256 = jwt.header_str("x5t#S256");
    let cert = app
        .certificates
        .iter()
        .filter_map(|pem| parse_certificate(pem).ok())
        .find(|c| x5t_s256 == Some(c.x5t_s256.as_str()) || x5t == Some(c.x5t.as_str()));
    let Some(cert) = cert else {
        return Err(invalid_client(
            700027,
            &format!(
                "Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '{}']",
                x5t_s256.or(x5t).unwrap_or("none")
            ),
        ));
    };
    if let Err(e) = jwt.verify(&cert.key) {
        return Err(invalid_client(
            700027,
            &format!("Client assertion failed signature validation: {e}."),
        ));
    }
    let base = &ctx.shared.base_url;
    let accepted = [tenant, ctx.shared.config.tenant_id.as_str()]
        .iter()
        .flat_map(|t| {
            [
                format!("{base}/{t}/oauth2/v2.0/token"),
                format!("{base}/{t}/oauth2/token"),
            ]
        })
        .collect::<Vec<_>>();
    let aud_ok = jwt
        .audiences()
        .iter()
        .any(|a| accepted.iter().any(|x| x.eq_ignore_ascii_case(a)));
    if !aud_ok {
        return Err(invalid_client(
            700027,
            &format!(
                "Client assertion audience claim does not match the token endpoint '{}'.",
                accepted.first().map(String::as_str).unwrap_or_default()
            ),
        ));
    }
    check_times(ctx, jwt)
}

fn check_federated(ctx: &Ctx<'_>, app: &AppRegistration, jwt: &Jwt) -> Result<(), Reply> {
    let iss = jwt.claim_str("iss").unwrap_or_default();
    let sub = jwt.claim_str("sub").unwrap_or_default();
    let auds = jwt.audiences();
    let Some(cred) = app
        .federated_credentials
        .iter()
        .find(|f| f.issuer == iss && f.subject == sub && auds.contains(&f.audience.as_str()))
    else {
        return Err(entra_error(
            400,
            "invalid_request",
            70021,
            &format!("No matching federated identity record found for presented assertion. Assertion Issuer: '{iss}'. Assertion Subject: '{sub}'. Assertion Audience: '{}'.", auds.join(",")),
        ));
    };
    let key = parse_public_key(&cred.key_pem).map_err(|e| {
        invalid_client(
            700027,
            &format!("The federated credential's key is unusable: {e}."),
        )
    })?;
    if let Err(e) = jwt.verify(&key) {
        return Err(invalid_client(
            700027,
            &format!("Client assertion failed signature validation: {e}."),
        ));
    }
    check_times(ctx, jwt)
}

fn unauthenticated(message: &str) -> Reply {
    graph_error(401, "InvalidAuthenticationToken", message).with_header(
        "www-authenticate",
        "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"",
    )
}

/// Checks the bearer token of a Graph request; `write` asks for the read-write role.
pub(crate) fn authorize(ctx: &Ctx<'_>, write: bool) -> Result<(), Reply> {
    let header = ctx.header("authorization").unwrap_or_default().trim();
    if header.is_empty() {
        return Err(unauthenticated("Access token is empty."));
    }
    let token = match header.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => {
            return Err(unauthenticated(
                "Access token validation failure. Invalid authorization scheme.",
            ))
        }
    };
    let issued = lock(&ctx.shared.tokens).get(token).cloned();
    let Some(issued) = issued else {
        return Err(unauthenticated(
            "Access token validation failure. Invalid audience.",
        ));
    };
    if Instant::now() >= issued.expires {
        return Err(unauthenticated(
            "Lifetime validation failed, the token is expired.",
        ));
    }
    let has = |role: &str| issued.roles.iter().any(|r| r == role);
    let allowed = if write {
        has(ROLE_READ_WRITE)
    } else {
        has(ROLE_READ_WRITE) || has(ROLE_READ)
    };
    if allowed {
        Ok(())
    } else {
        Err(forbidden())
    }
}
