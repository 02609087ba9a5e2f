//! The state this resource records: built from what Graph returns, or from the plan with the
//! computed values filled in; what private state remembers; and the import ID.

use super::convert::read_sections;
use super::model::PartnerModel;
use crate::plugin::model::Tf;
pub use crate::resources::cross_tenant_sections::write::{remember, remembered_devices};
use serde_json::Value as Json;

pub const PATH_PREFIX: &str = "/policies/crossTenantAccessPolicy/partners/";

/// Builds the full state from a Graph partner object; `base` supplies what Graph does not hold
/// (the configured tenant ID spelling and the timeouts).
pub fn state_from_graph(partner: &Json, base: &PartnerModel) -> PartnerModel {
    let mut state = PartnerModel::default();
    read_sections(partner, base, &mut state);
    // A configured spelling is kept (it equals Graph's ignoring case). Right after an import
    // there is none yet: take Graph's, so the usual lower-case configuration plans empty
    // whatever the case of the import ID.
    let configured = base.tenant_id.known();
    let tenant = configured
        .map(String::as_str)
        .or(partner.get("tenantId").and_then(Json::as_str))
        .or(base.id.known().map(String::as_str))
        .map(|t| Tf::Known(t.to_owned()))
        .unwrap_or(Tf::Null);
    state.id = match (configured, &base.id) {
        (Some(_), id @ Tf::Known(_)) => id.clone(),
        _ => tenant.clone(),
    };
    state.tenant_id = tenant;
    state.is_service_provider = graph_bool(partner, "isServiceProvider");
    state.is_in_multi_tenant_organization = graph_bool(partner, "isInMultiTenantOrganization");
    state.timeouts = base.timeouts.clone();
    state
}

/// Graph reports these as null on a fresh partner; state shows that as `false`.
fn graph_bool(partner: &Json, name: &str) -> Tf<bool> {
    Tf::Known(partner.get(name).and_then(Json::as_bool).unwrap_or(false))
}

/// Adds computed values to a planned state without touching what the user configured.
pub fn with_computed(planned: &PartnerModel, partner: Option<&Json>) -> PartnerModel {
    let mut state = planned.clone();
    let partner = partner.unwrap_or(&Json::Null);
    // Only values the plan left unknown are filled in: a known planned value must come back
    // unchanged, or Terraform reports an inconsistent result after apply.
    if state.is_service_provider.is_unknown() {
        state.is_service_provider = graph_bool(partner, "isServiceProvider");
    }
    if state.is_in_multi_tenant_organization.is_unknown() {
        state.is_in_multi_tenant_organization = graph_bool(partner, "isInMultiTenantOrganization");
    }
    if state.id.is_unknown() {
        state.id = planned.tenant_id.clone();
    }
    state
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
    use crate::plugin::private::PrivateState;
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
        let planned = PartnerModel {
            id: Tf::Unknown,
            tenant_id: Tf::Known("T".into()),
            is_service_provider: Tf::Unknown,
            is_in_multi_tenant_organization: Tf::Unknown,
            ..PartnerModel::default()
        };
        let partner = json!({"isServiceProvider": null, "isInMultiTenantOrganization": true});
        let state = with_computed(&planned, Some(&partner));
        assert_eq!(state.id, Tf::Known("T".into()));
        assert_eq!(state.is_service_provider, Tf::Known(false));
        assert_eq!(state.is_in_multi_tenant_organization, Tf::Known(true));
    }

    #[test]
    fn after_import_the_tenant_is_spelled_as_graph_spells_it() {
        let upper = T.to_uppercase();
        let imported = PartnerModel {
            id: Tf::Known(upper.clone()),
            ..PartnerModel::default()
        };
        let state = state_from_graph(&json!({"tenantId": T}), &imported);
        assert_eq!(state.tenant_id, Tf::Known(T.into()));
        assert_eq!(state.id, Tf::Known(T.into()));

        // A configured spelling stays, so an upper-case configuration does not churn either.
        let configured = PartnerModel {
            id: Tf::Known(upper.clone()),
            tenant_id: Tf::Known(upper.clone()),
            ..PartnerModel::default()
        };
        let state = state_from_graph(&json!({"tenantId": T}), &configured);
        assert_eq!(state.tenant_id, Tf::Known(upper.clone()));
        assert_eq!(state.id, Tf::Known(upper));
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
