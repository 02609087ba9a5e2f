//! Graph property schemas of the partner, identity-sync and default objects: strict validation of
//! write bodies and rendering of stored objects the way Graph returns them (unset top-level
//! sections `null`, `targets` reversed, extra unmodelled fields).

use serde_json::{json, Map, Value};

/// A property type.
pub(crate) enum Ty {
    Bool,
    Str,
    Enum(&'static [&'static str]),
    Obj(&'static [(&'static str, Ty)]),
    Arr(&'static Ty),
}

const ACCESS_TYPES: &[&str] = &["allowed", "blocked"];
const TARGET_TYPES: &[&str] = &["user", "group", "application"];
const IDP_TYPES: &[&str] = &[
    "azureActiveDirectory",
    "externalFederation",
    "socialIdentityProviders",
    "emailOneTimePasscode",
    "microsoftAccount",
    "defaultConfiguredIdp",
];

const TARGET: Ty = Ty::Obj(&[("target", Ty::Str), ("targetType", Ty::Enum(TARGET_TYPES))]);
const TARGET_CONFIG: Ty = Ty::Obj(&[
    ("accessType", Ty::Enum(ACCESS_TYPES)),
    ("targets", Ty::Arr(&TARGET)),
]);
const B2B: Ty = Ty::Obj(&[
    ("usersAndGroups", TARGET_CONFIG),
    ("applications", TARGET_CONFIG),
]);
const TENANT_RESTRICTIONS: Ty = Ty::Obj(&[
    ("usersAndGroups", TARGET_CONFIG),
    ("applications", TARGET_CONFIG),
    (
        "devices",
        Ty::Obj(&[("mode", Ty::Enum(ACCESS_TYPES)), ("rule", Ty::Str)]),
    ),
]);
const INBOUND_TRUST: Ty = Ty::Obj(&[
    ("isMfaAccepted", Ty::Bool),
    ("isCompliantDeviceAccepted", Ty::Bool),
    ("isHybridAzureADJoinedDeviceAccepted", Ty::Bool),
]);
const IN_OUT: Ty = Ty::Obj(&[("inboundAllowed", Ty::Bool), ("outboundAllowed", Ty::Bool)]);
const APP_SERVICE_CONNECT: Ty = Ty::Obj(&[("applications", TARGET_CONFIG)]);
const M365_IN: Ty = Ty::Obj(&[("users", TARGET_CONFIG)]);
const M365_OUT: Ty = Ty::Obj(&[("usersAndGroups", TARGET_CONFIG)]);

/// Every v1.0 partner property.
pub(crate) const PARTNER: &[(&str, Ty)] = &[
    ("tenantId", Ty::Str),
    ("isServiceProvider", Ty::Bool),
    ("isInMultiTenantOrganization", Ty::Bool),
    ("inboundTrust", INBOUND_TRUST),
    ("automaticUserConsentSettings", IN_OUT),
    ("b2bCollaborationInbound", B2B),
    ("b2bCollaborationOutbound", B2B),
    ("b2bDirectConnectInbound", B2B),
    ("b2bDirectConnectOutbound", B2B),
    ("tenantRestrictions", TENANT_RESTRICTIONS),
    ("appServiceConnectInbound", APP_SERVICE_CONNECT),
    ("m365CollaborationInbound", M365_IN),
    ("m365CollaborationOutbound", M365_OUT),
];

/// The identity-synchronization child.
pub(crate) const IDENTITY_SYNC: &[(&str, Ty)] = &[
    ("tenantId", Ty::Str),
    ("displayName", Ty::Str),
    ("userSyncInbound", Ty::Obj(&[("isSyncAllowed", Ty::Bool)])),
];

/// The default configuration singleton.
pub(crate) const DEFAULT_CONFIG: &[(&str, Ty)] = &[
    ("isServiceDefault", Ty::Bool),
    ("inboundTrust", INBOUND_TRUST),
    ("automaticUserConsentSettings", IN_OUT),
    ("b2bCollaborationInbound", B2B),
    ("b2bCollaborationOutbound", B2B),
    ("b2bDirectConnectInbound", B2B),
    ("b2bDirectConnectOutbound", B2B),
    ("tenantRestrictions", TENANT_RESTRICTIONS),
    ("appServiceConnectInbound", APP_SERVICE_CONNECT),
    ("m365CollaborationInbound", M365_IN),
    ("m365CollaborationOutbound", M365_OUT),
    (
        "invitationRedemptionIdentityProviderConfiguration",
        Ty::Obj(&[
            (
                "primaryIdentityProviderPrecedenceOrder",
                Ty::Arr(&Ty::Enum(IDP_TYPES)),
            ),
            ("fallbackIdentityProvider", Ty::Enum(IDP_TYPES)),
        ]),
    ),
];

fn is_annotation(key: &str) -> bool {
    key.starts_with("@odata.")
}

fn literal(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn type_name(ty: &Ty) -> &'static str {
    match ty {
        Ty::Bool => "Edm.Boolean",
        Ty::Str => "Edm.String",
        Ty::Enum(_) => "Edm.Enum",
        Ty::Obj(_) => "Complex",
        Ty::Arr(_) => "Collection",
    }
}

/// Validates `value` against `ty`; `prop` names the property for messages. Returns the Graph
/// error message on failure.
fn check(value: &Value, ty: &Ty, prop: &str) -> Result<(), String> {
    if value.is_null() {
        return Ok(());
    }
    let wrong = || {
        format!(
            "Cannot convert the literal '{}' to the expected type '{}' of property '{prop}'.",
            literal(value),
            type_name(ty)
        )
    };
    match ty {
        Ty::Bool => value.as_bool().map(|_| ()).ok_or_else(wrong),
        Ty::Str => value.as_str().map(|_| ()).ok_or_else(wrong),
        Ty::Enum(members) => {
            let s = value.as_str().ok_or_else(wrong)?;
            if s == "unknownFutureValue" {
                return Err(format!(
                    "Invalid value 'unknownFutureValue' for property '{prop}': the value is reserved and cannot be set."
                ));
            }
            if members.contains(&s) {
                Ok(())
            } else {
                Err(format!(
                    "Requested value '{s}' was not found for property '{prop}'. Expected one of: {}.",
                    members.join(", ")
                ))
            }
        }
        Ty::Arr(item) => {
            let items = value.as_array().ok_or_else(wrong)?;
            items.iter().try_for_each(|i| check(i, item, prop))
        }
        Ty::Obj(fields) => {
            let map = value.as_object().ok_or_else(wrong)?;
            check_object(map, fields)
        }
    }
}

/// Validates every member of an object against `fields` (unknown or miscased names fail).
pub(crate) fn check_object(map: &Map<String, Value>, fields: &[(&str, Ty)]) -> Result<(), String> {
    for (key, v) in map {
        if is_annotation(key) {
            continue;
        }
        match fields.iter().find(|(name, _)| name == key) {
            Some((_, ty)) => check(v, ty, key)?,
            None => return Err(format!("Invalid property '{key}'.")),
        }
    }
    Ok(())
}

/// True when `s` is a GUID in the 8-4-4-4-12 hex form.
pub(crate) fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    parts.len() == 5
        && parts
            .iter()
            .zip(lens)
            .all(|(p, l)| p.len() == l && p.chars().all(|c| c.is_ascii_hexdigit()))
}

fn render(value: &Value, ty: &Ty, nested_nulls: bool) -> Value {
    match (ty, value) {
        (Ty::Obj(fields), Value::Object(map)) => {
            Value::Object(render_members(map, fields, nested_nulls, nested_nulls))
        }
        // Collections of objects (targets) come back reversed; an ordered list of values (the
        // invitation redemption precedence order) keeps its order.
        (Ty::Arr(item @ Ty::Obj(_)), Value::Array(items)) => Value::Array(
            items
                .iter()
                .rev()
                .map(|i| render(i, item, nested_nulls))
                .collect(),
        ),
        _ => value.clone(),
    }
}

/// Renders the members of an object: unset schema members are `null` when `fill`, absent
/// otherwise; collections reversed; unknown members (from out-of-band edits) kept as they are.
fn render_members(
    map: &Map<String, Value>,
    fields: &[(&str, Ty)],
    fill: bool,
    nested_nulls: bool,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, ty) in fields {
        match map.get(*name) {
            Some(v) => {
                out.insert((*name).to_string(), render(v, ty, nested_nulls));
            }
            None if fill => {
                out.insert((*name).to_string(), Value::Null);
            }
            None => {}
        }
    }
    for (k, v) in map {
        if !out.contains_key(k) && !is_annotation(k) {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

/// Renders a top-level object: every schema member present (`null` when unset) [D]; below the
/// top level, unset members are `null` only with `nested_nulls` (the switch), else absent [D
/// POST example: a half section comes back without its missing half].
pub(crate) fn render_object(
    map: &Map<String, Value>,
    fields: &[(&str, Ty)],
    nested_nulls: bool,
) -> Map<String, Value> {
    render_members(map, fields, true, nested_nulls)
}

/// `{"inboundAllowed": null, "outboundAllowed": null}`.
fn in_out_nulls() -> Map<String, Value> {
    ["inboundAllowed", "outboundAllowed"]
        .into_iter()
        .map(|k| (k.to_string(), Value::Null))
        .collect()
}

/// A stored partner as Graph returns it (without `@odata.context`): `automaticUserConsentSettings`
/// always an object whose unset members are `null`, `isInMultiTenantOrganization` `false` unless
/// set out of band, and the unschematised `crossCloudMeetingConfiguration` and
/// `protectedContentSharing` as objects of nulls [D examples].
pub(crate) fn render_partner(stored: &Map<String, Value>, nested_nulls: bool) -> Value {
    let mut out = render_object(stored, PARTNER, nested_nulls);
    let mut consent = match out.remove("automaticUserConsentSettings") {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    for (k, v) in in_out_nulls() {
        consent.entry(k).or_insert(v);
    }
    out.insert(
        "automaticUserConsentSettings".into(),
        Value::Object(consent),
    );
    if out
        .get("isInMultiTenantOrganization")
        .is_none_or(Value::is_null)
    {
        out.insert("isInMultiTenantOrganization".into(), Value::Bool(false));
    }
    for extra in ["crossCloudMeetingConfiguration", "protectedContentSharing"] {
        out.entry(extra)
            .or_insert_with(|| Value::Object(in_out_nulls()));
    }
    Value::Object(out)
}

/// The service default configuration.
pub(crate) fn system_default() -> Map<String, Value> {
    let all = |access: &str, target: &str, kind: &str| json!({"accessType": access, "targets": [{"target": target, "targetType": kind}]});
    let b2b = |access: &str| {
        json!({
            "usersAndGroups": all(access, "AllUsers", "user"),
            "applications": all(access, "AllApplications", "application"),
        })
    };
    let value = json!({
        "isServiceDefault": true,
        "inboundTrust": {"isMfaAccepted": false, "isCompliantDeviceAccepted": false, "isHybridAzureADJoinedDeviceAccepted": false},
        "automaticUserConsentSettings": {"inboundAllowed": false, "outboundAllowed": false},
        "b2bCollaborationInbound": b2b("allowed"),
        "b2bCollaborationOutbound": b2b("allowed"),
        "b2bDirectConnectInbound": b2b("blocked"),
        "b2bDirectConnectOutbound": b2b("blocked"),
        "tenantRestrictions": {
            "usersAndGroups": all("blocked", "AllUsers", "user"),
            "applications": all("blocked", "AllApplications", "application"),
            "devices": null,
        },
        "invitationRedemptionIdentityProviderConfiguration": {
            "primaryIdentityProviderPrecedenceOrder": ["azureActiveDirectory", "externalFederation", "socialIdentityProviders"],
            "fallbackIdentityProvider": "defaultConfiguredIdp",
        },
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_check() {
        assert!(is_guid("72f988bf-86f1-41af-91ab-2d7cd011db47"));
        assert!(!is_guid("72f988bf-86f1-41af-91ab-2d7cd011db4"));
        assert!(!is_guid("contoso.com"));
    }

    #[test]
    fn rejects_miscased_property() {
        let v = json!({"b2BCollaborationInbound": null});
        let err = check_object(v.as_object().expect("object"), PARTNER).expect_err("must fail");
        assert_eq!(err, "Invalid property 'b2BCollaborationInbound'.");
    }

    fn half_section() -> Map<String, Value> {
        let v = json!({"tenantId": "x", "b2bCollaborationInbound": {"usersAndGroups": {"accessType": "allowed",
            "targets": [{"target": "a", "targetType": "user"}, {"target": "b", "targetType": "group"}]}},
            "automaticUserConsentSettings": {"inboundAllowed": true}});
        v.as_object().expect("object").clone()
    }

    #[test]
    fn render_reverses_targets_and_keeps_half_sections() {
        let out = render_partner(&half_section(), false);
        let section = out["b2bCollaborationInbound"].as_object().expect("object");
        assert!(!section.contains_key("applications"), "no auto-filled half");
        assert_eq!(section["usersAndGroups"]["targets"][0]["target"], "b");
        assert_eq!(out["inboundTrust"], Value::Null);
        assert_eq!(
            out["automaticUserConsentSettings"],
            json!({"inboundAllowed": true, "outboundAllowed": null})
        );
        assert_eq!(
            out["protectedContentSharing"],
            json!({"inboundAllowed": null, "outboundAllowed": null})
        );
    }

    #[test]
    fn nested_nulls_fill_every_member() {
        let out = render_partner(&half_section(), true);
        let section = out["b2bCollaborationInbound"].as_object().expect("object");
        assert_eq!(section.get("applications"), Some(&Value::Null));
    }
}
