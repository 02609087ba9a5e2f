//! `moved { from = msgraph_resource.x  to = azuread_cross_tenant_partner.x }`: taking over a
//! partner that microsoft/msgraph's generic `msgraph_resource` managed. Its state holds the
//! collection `url` (`policies/crossTenantAccessPolicy/partners`), the partner's `id` (the
//! tenant ID, from the create's `Location`) and the `body` sent to Graph, with camelCase
//! sections: the same JSON shape Graph answers with, so the Graph-to-state conversion of a read
//! applies to it unchanged. The refresh that follows the move reads the partner itself.
//!
//! Any other source (another type, another provider, another Graph collection) is refused with
//! a diagnostic naming what is accepted, and nothing is moved.

use serde_json::Value as Json;

use super::model::PartnerModel;
use super::schema::SECTIONS;
use super::state::state_from_graph;
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::traits::MoveStateRequest;
use crate::plugin::validators::is_guid;
pub use crate::resources::msgraph_source::MSGRAPH_TYPE;
use crate::resources::msgraph_source::{msgraph_object, warn_unmodelled, MSGRAPH_PROVIDER};

const TARGET: &str = "azuread_cross_tenant_partner";
const PARTNERS_URL: &str = "policies/crossTenantAccessPolicy/partners";
/// Body members a partner may have that are not sections.
const NOT_SECTIONS: &[&str] = &[
    "tenantId",
    "isServiceProvider",
    "isInMultiTenantOrganization",
    "identitySynchronization",
];

/// What an accepted move says, for every refusal.
fn accepted() -> String {
    format!("{TARGET} accepts a `moved` block from {MSGRAPH_TYPE} (provider {MSGRAPH_PROVIDER}) whose url is \"{PARTNERS_URL}\", that is a partner created through msgraph; any other object is imported instead (`import {{ to = {TARGET}.NAME, identity = {{ tenant_id = \"...\" }} }}`).")
}

/// The partner state `req` amounts to, or `None` with the reason in `diags`. Warnings name the
/// body members that have no attribute here (they are not carried over).
pub fn from_msgraph(req: &MoveStateRequest, diags: &mut Diagnostics) -> Option<PartnerModel> {
    let object = msgraph_object(req, TARGET, &accepted(), diags)?;
    if !object.url.eq_ignore_ascii_case(PARTNERS_URL) {
        diags.error(
            "Unsupported move source",
            format!(
                "This {MSGRAPH_TYPE} manages {:?}, not a cross-tenant access partner. {}",
                object.url,
                accepted()
            ),
        );
        return None;
    }
    let mut body = object.body;
    let tenant = body
        .get("tenantId")
        .and_then(Json::as_str)
        .map(str::to_owned)
        .or(object.id);
    let Some(tenant) = tenant.filter(|t| is_guid(t)) else {
        diags.error(
            "Cannot tell which partner to move",
            format!("The {MSGRAPH_TYPE} state has no tenant GUID in body.tenantId or id, so it does not name a partner. Import the partner instead: {}", accepted()),
        );
        return None;
    };
    body.insert("tenantId".into(), Json::String(tenant));
    let known = |k: &str| NOT_SECTIONS.contains(&k) || SECTIONS.iter().any(|s| s.graph == k);
    warn_unmodelled(&body, known, TARGET, diags);
    Some(state_from_graph(
        &Json::Object(body),
        &PartnerModel::default(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::model::Tf;
    use serde_json::json;

    const T: &str = "90e29127-71ad-49c7-9ce8-db3f41ea06f1";

    fn request(provider: &str, ty: &str, state: Json) -> MoveStateRequest {
        MoveStateRequest {
            source_provider: provider.into(),
            source_type: ty.into(),
            source_schema_version: 0,
            source_state: state,
        }
    }

    fn msgraph_state(body: Json) -> Json {
        json!({
            "id": T,
            "url": "policies/crossTenantAccessPolicy/partners",
            "api_version": "v1.0",
            "body": {"value": body, "type": ["object", {}]},
            "output": {"value": {}, "type": ["object", {}]},
        })
    }

    #[test]
    fn a_msgraph_partner_becomes_the_same_partner() {
        let body = json!({
            "tenantId": T,
            "inboundTrust": {"isMfaAccepted": true, "isCompliantDeviceAccepted": false, "isHybridAzureADJoinedDeviceAccepted": false},
            "b2bCollaborationInbound": {"usersAndGroups": {"accessType": "allowed", "targets": [{"target": "AllUsers", "targetType": "user"}]}},
        });
        let req = request(
            "registry.terraform.io/microsoft/msgraph",
            MSGRAPH_TYPE,
            msgraph_state(body),
        );
        let mut diags = Diagnostics::new();
        let model = from_msgraph(&req, &mut diags).expect("moved");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(model.tenant_id, Tf::Known(T.into()));
        assert_eq!(model.id, Tf::Known(T.into()));
        assert!(model.inbound_trust.known().is_some());
        assert!(model.b2b_collaboration_inbound.known().is_some());
        assert!(model.tenant_restrictions.is_null());
    }

    #[test]
    fn the_tenant_comes_from_id_when_the_body_has_none() {
        let mut state = msgraph_state(json!({"inboundTrust": {"isMfaAccepted": true}}));
        state["url"] = json!("/beta/policies/crossTenantAccessPolicy/partners/");
        let req = request(
            "registry.opentofu.org/microsoft/msgraph",
            MSGRAPH_TYPE,
            state,
        );
        let mut diags = Diagnostics::new();
        let model = from_msgraph(&req, &mut diags).expect("moved");
        assert_eq!(model.tenant_id, Tf::Known(T.into()));
    }

    #[test]
    fn other_sources_are_refused_naming_what_is_accepted() {
        let cases = [
            request(
                "registry.terraform.io/hashicorp/azuread",
                "azuread_group",
                json!({}),
            ),
            request(
                "registry.terraform.io/microsoft/msgraph",
                "msgraph_update_resource",
                json!({}),
            ),
            request(
                "registry.terraform.io/microsoft/msgraph",
                MSGRAPH_TYPE,
                json!({"id": T, "url": "groups", "body": {"displayName": "x"}}),
            ),
            request(
                "registry.terraform.io/microsoft/msgraph",
                MSGRAPH_TYPE,
                json!({"id": "not-a-guid", "url": PARTNERS_URL, "body": {}}),
            ),
        ];
        for req in cases {
            let mut diags = Diagnostics::new();
            assert!(from_msgraph(&req, &mut diags).is_none(), "{req:?}");
            let shown = format!("{diags:?}");
            assert!(
                shown.contains("msgraph_resource") && shown.contains(PARTNERS_URL),
                "{shown}"
            );
        }
    }

    #[test]
    fn body_members_without_an_attribute_are_named_in_a_warning() {
        let body = json!({"tenantId": T, "someFutureSetting": {"x": 1}, "@odata.type": "#x"});
        let req = request(
            "registry.terraform.io/microsoft/msgraph",
            MSGRAPH_TYPE,
            msgraph_state(body),
        );
        let mut diags = Diagnostics::new();
        assert!(from_msgraph(&req, &mut diags).is_some());
        assert!(!diags.has_errors());
        let shown = format!("{diags:?}");
        assert!(
            shown.contains("someFutureSetting") && !shown.contains("odata"),
            "{shown}"
        );
    }
}
