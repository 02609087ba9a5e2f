//! The state of microsoft/msgraph's generic `msgraph_resource`, as a `moved` block hands it
//! over (MoveResourceState): which Graph URL it manages, its `id`, and the `body` it sent, with
//! Graph's camelCase names. Each resource that accepts such a move (the partner, the
//! identity-sync policy) decides from the URL whether the object is one of its own.

use serde_json::{Map, Value as Json};

use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::traits::MoveStateRequest;

pub const MSGRAPH_TYPE: &str = "msgraph_resource";
/// The provider's namespace and name; the registry host in front may be any.
pub const MSGRAPH_PROVIDER: &str = "microsoft/msgraph";

/// What an `msgraph_resource` state says about its object.
#[derive(Debug)]
pub struct MsgraphObject {
    /// `url` without slashes around it or an API version in front, e.g.
    /// `policies/crossTenantAccessPolicy/partners`.
    pub url: String,
    /// The last segment of the created object's location (the tenant ID for a partner).
    pub id: Option<String>,
    pub body: Map<String, Json>,
}

/// The msgraph object `req` carries, or `None` with an error naming the source and `accepted`
/// (what the target takes instead) when the source is not an `msgraph_resource`.
pub fn msgraph_object(
    req: &MoveStateRequest,
    target: &str,
    accepted: &str,
    diags: &mut Diagnostics,
) -> Option<MsgraphObject> {
    let from_msgraph = req.source_type == MSGRAPH_TYPE && is_msgraph(&req.source_provider);
    if !from_msgraph {
        diags.error(
            "Unsupported move source",
            format!(
                "Cannot move {} of {} to {target}. {accepted}",
                req.source_type, req.source_provider
            ),
        );
        return None;
    }
    let state = &req.source_state;
    Some(MsgraphObject {
        url: normalized_url(state.get("url").and_then(Json::as_str).unwrap_or_default()),
        id: state.get("id").and_then(Json::as_str).map(str::to_owned),
        body: body_of(state),
    })
}

/// `HOST/microsoft/msgraph` for any registry host (or none): the namespace and the name must
/// be exactly these two, not merely end the address.
fn is_msgraph(address: &str) -> bool {
    let mut segments = address.rsplit('/');
    let (name, namespace) = (segments.next(), segments.next());
    namespace.is_some_and(|n| n.eq_ignore_ascii_case("microsoft"))
        && name.is_some_and(|n| n.eq_ignore_ascii_case("msgraph"))
}

/// `url` without slashes around it or an API version in front (msgraph's `url` is relative to
/// the version it is given apart, but a user may have written either).
pub fn normalized_url(url: &str) -> String {
    let url = url.trim().trim_matches('/');
    ["v1.0/", "beta/"]
        .iter()
        .find_map(|version| {
            url.get(..version.len())
                .filter(|p| p.eq_ignore_ascii_case(version))
                .map(|_| &url[version.len()..])
        })
        .unwrap_or(url)
        .to_string()
}

/// msgraph's `body` attribute is dynamic: Terraform stores it as `{"value": ..., "type": ...}`.
/// A plain object, or the JSON text older versions kept, are read as well.
fn body_of(state: &Json) -> Map<String, Json> {
    let body = match state.get("body") {
        Some(Json::Object(wrapped))
            if wrapped.contains_key("value") && wrapped.contains_key("type") =>
        {
            wrapped.get("value").cloned().unwrap_or(Json::Null)
        }
        Some(Json::String(text)) => serde_json::from_str(text).unwrap_or(Json::Null),
        Some(other) => other.clone(),
        None => Json::Null,
    };
    match body {
        Json::Object(map) => map,
        _ => Map::new(),
    }
}

/// A warning naming the body members that `known` does not cover (Graph's `@` annotations
/// aside): the target has no attribute for them, so they are not carried over.
pub fn warn_unmodelled(
    body: &Map<String, Json>,
    known: impl Fn(&str) -> bool,
    target: &str,
    diags: &mut Diagnostics,
) {
    let unknown: Vec<&str> = body
        .keys()
        .map(String::as_str)
        .filter(|k| !k.starts_with('@') && !known(k))
        .collect();
    if !unknown.is_empty() {
        diags.warning(
            "Part of the msgraph body is not carried over",
            format!("{target} has no attribute for {} in the {MSGRAPH_TYPE} body; after the move the provider manages only what it models.", unknown.join(", ")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_microsoft_msgraph_is_msgraph() {
        for ok in [
            "registry.terraform.io/microsoft/msgraph",
            "registry.opentofu.org/Microsoft/MSGraph",
            "microsoft/msgraph",
        ] {
            assert!(is_msgraph(ok), "{ok}");
        }
        for not in [
            "registry.terraform.io/notmicrosoft/msgraph",
            "registry.terraform.io/microsoft/msgraph2",
            "msgraph",
            "",
        ] {
            assert!(!is_msgraph(not), "{not}");
        }
    }

    #[test]
    fn urls_are_compared_without_slashes_or_version() {
        for url in [
            "policies/crossTenantAccessPolicy/partners",
            "/policies/crossTenantAccessPolicy/partners/",
            "beta/policies/crossTenantAccessPolicy/partners",
            "/V1.0/policies/crossTenantAccessPolicy/partners",
        ] {
            assert_eq!(
                normalized_url(url),
                "policies/crossTenantAccessPolicy/partners"
            );
        }
    }

    #[test]
    fn the_body_is_read_in_every_stored_form() {
        let wrapped = json!({"body": {"value": {"a": 1}, "type": ["object", {"a": "number"}]}});
        let plain = json!({"body": {"a": 1}});
        let text = json!({"body": "{\"a\":1}"});
        for state in [wrapped, plain, text] {
            assert_eq!(body_of(&state).get("a"), Some(&json!(1)), "{state}");
        }
        assert!(body_of(&json!({"body": "not json"})).is_empty());
        assert!(body_of(&json!({})).is_empty());
    }
}
