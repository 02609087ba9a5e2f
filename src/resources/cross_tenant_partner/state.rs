//! The state this resource records: built from what Graph returns, or from the plan with the
//! computed values filled in; what private state remembers; and the import ID.

use super::convert::{self, attr, tenant_restrictions_devices};
use crate::plugin::private::PrivateState;
use crate::plugin::value::Value;
use serde_json::Value as Json;

pub const PATH_PREFIX: &str = "/policies/crossTenantAccessPolicy/partners/";
/// Private-state key of Graph's `tenantRestrictions.devices`, which the schema does not model.
const DEVICES: &str = "tenant_restrictions_devices";

/// Builds the full state from a Graph partner object; `base` supplies what Graph does not hold
/// (the configured tenant ID spelling and the timeouts).
pub fn state_from_graph(partner: &Json, base: &Value) -> Value {
    let mut state = convert::sections_from_graph(partner, base);
    // A configured spelling is kept (it equals Graph's ignoring case). Right after an import
    // there is none yet: take Graph's, so the usual lower-case configuration plans empty
    // whatever the case of the import ID.
    let configured = attr(base, "tenant_id").as_str();
    let tenant = configured
        .or(partner.get("tenantId").and_then(Json::as_str))
        .or(attr(base, "id").as_str())
        .map(|t| Value::String(t.to_owned()))
        .unwrap_or(Value::Null);
    let id = match (configured, attr(base, "id")) {
        (Some(_), id @ Value::String(_)) => id.clone(),
        _ => tenant.clone(),
    };
    state.insert("id".into(), id);
    state.insert("tenant_id".into(), tenant);
    state.insert(
        "is_service_provider".into(),
        graph_bool(partner, "isServiceProvider"),
    );
    state.insert(
        "is_in_multi_tenant_organization".into(),
        graph_bool(partner, "isInMultiTenantOrganization"),
    );
    state.insert("timeouts".into(), attr(base, "timeouts").clone());
    Value::Object(state)
}

/// Graph reports these as null on a fresh partner; state shows that as `false`.
fn graph_bool(partner: &Json, name: &str) -> Value {
    Value::Bool(partner.get(name).and_then(Json::as_bool).unwrap_or(false))
}

/// Adds computed values to a planned state without touching what the user configured.
pub fn with_computed(planned: &Value, partner: Option<&Json>) -> Value {
    let mut state = match planned {
        Value::Object(m) => m.clone(),
        _ => Default::default(),
    };
    let partner = partner.unwrap_or(&Json::Null);
    for (attr_name, graph_name) in [
        ("is_service_provider", "isServiceProvider"),
        (
            "is_in_multi_tenant_organization",
            "isInMultiTenantOrganization",
        ),
    ] {
        // Only values the plan left unknown are filled in: a known planned value must come
        // back unchanged, or Terraform reports an inconsistent result after apply.
        if state.get(attr_name).is_none_or(Value::is_unknown) {
            state.insert(attr_name.into(), graph_bool(partner, graph_name));
        }
    }
    if attr(planned, "id").is_unknown() {
        state.insert("id".into(), attr(planned, "tenant_id").clone());
    }
    Value::Object(state)
}

/// Remembers what Graph holds beyond the schema, so an update can send it back.
pub fn remember(private: &mut PrivateState, partner: &Json) {
    private.set(
        DEVICES,
        tenant_restrictions_devices(partner)
            .cloned()
            .unwrap_or(Json::Null),
    );
}

/// The `tenantRestrictions.devices` value the last read saw, if any.
pub fn remembered_devices(private: &PrivateState) -> Option<&Json> {
    private.get(DEVICES)
}

/// Accepts a bare tenant GUID or the Graph path `/policies/crossTenantAccessPolicy/partners/{id}`.
pub fn parse_import_id(id: &str) -> Option<String> {
    let id = id.trim();
    let tenant = match id.get(..PATH_PREFIX.len()) {
        Some(prefix) if prefix.eq_ignore_ascii_case(PATH_PREFIX) => {
            id[PATH_PREFIX.len()..].trim_end_matches('/')
        }
        _ => id,
    };
    crate::plugin::validators::is_guid(tenant).then(|| tenant.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const T: &str = "90e29127-71ad-49c7-9ce8-db3f41ea06f1";

    #[test]
    fn import_ids() {
        assert_eq!(parse_import_id(T).as_deref(), Some(T));
        assert_eq!(
            parse_import_id(&format!("/policies/crossTenantAccessPolicy/partners/{T}")).as_deref(),
            Some(T)
        );
        assert_eq!(
            parse_import_id(&format!("/Policies/CrossTenantAccessPolicy/Partners/{T}/")).as_deref(),
            Some(T)
        );
        for bad in [
            "",
            "/",
            "contoso.com",
            "/policies/crossTenantAccessPolicy/partners/",
            "/x/y/z",
            "ééé",
            "/policies/crossTenantAccessPolicy/partners/a/b",
        ] {
            assert_eq!(parse_import_id(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn computed_values_fill_in_without_touching_configuration() {
        let planned = Value::object([
            ("id", Value::unknown()),
            ("tenant_id", Value::String("T".into())),
            ("is_service_provider", Value::unknown()),
            ("is_in_multi_tenant_organization", Value::unknown()),
        ]);
        let partner = json!({"isServiceProvider": null, "isInMultiTenantOrganization": true});
        let state = with_computed(&planned, Some(&partner));
        assert_eq!(attr(&state, "id"), &Value::String("T".into()));
        assert_eq!(attr(&state, "is_service_provider"), &Value::Bool(false));
        assert_eq!(
            attr(&state, "is_in_multi_tenant_organization"),
            &Value::Bool(true)
        );
        assert!(state.is_wholly_known());
    }

    #[test]
    fn after_import_the_tenant_is_spelled_as_graph_spells_it() {
        let upper = T.to_uppercase();
        let imported = Value::object([
            ("id", Value::String(upper.clone())),
            ("tenant_id", Value::Null),
        ]);
        let state = state_from_graph(&json!({"tenantId": T}), &imported);
        assert_eq!(attr(&state, "tenant_id"), &Value::String(T.into()));
        assert_eq!(attr(&state, "id"), &Value::String(T.into()));

        // A configured spelling stays, so an upper-case configuration does not churn either.
        let configured = Value::object([
            ("id", Value::String(upper.clone())),
            ("tenant_id", Value::String(upper.clone())),
        ]);
        let state = state_from_graph(&json!({"tenantId": T}), &configured);
        assert_eq!(attr(&state, "tenant_id"), &Value::String(upper.clone()));
        assert_eq!(attr(&state, "id"), &Value::String(upper));
    }

    #[test]
    fn devices_are_remembered_and_forgotten() {
        let mut private = PrivateState::default();
        let devices = json!({"mode": "allowed", "rule": "device.deviceAttribute2 -eq 'PAW'"});
        remember(
            &mut private,
            &json!({"tenantRestrictions": {"devices": devices.clone()}}),
        );
        assert_eq!(remembered_devices(&private), Some(&devices));
        remember(
            &mut private,
            &json!({"tenantRestrictions": {"devices": null}}),
        );
        assert_eq!(remembered_devices(&private), None);
        assert!(private.to_bytes().is_empty());
    }
}
