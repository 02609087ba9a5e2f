//! `moved { from = msgraph_resource.x  to = azuread_cross_tenant_partner_identity_sync.x }`: a
//! partner's sync policy that microsoft/msgraph managed with `create_method = "PUT"`, whose
//! `url` is the policy itself (`policies/crossTenantAccessPolicy/partners/{tenantId}/
//! identitySynchronization`) and whose `body` holds Graph's camelCase members. Anything else is
//! refused, naming what is accepted.

use serde_json::Value as Json;

use super::convert::{parse_import_id, state_from_graph};
use super::schema::SyncModel;
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::traits::MoveStateRequest;
use crate::resources::msgraph_source::{
    msgraph_object, warn_unmodelled, MSGRAPH_PROVIDER, MSGRAPH_TYPE,
};

const TARGET: &str = "azuread_cross_tenant_partner_identity_sync";
const MEMBERS: &[&str] = &["tenantId", "displayName", "userSyncInbound"];

fn accepted() -> String {
    format!("{TARGET} accepts a `moved` block from {MSGRAPH_TYPE} (provider {MSGRAPH_PROVIDER}) whose url is \"policies/crossTenantAccessPolicy/partners/<tenant ID>/identitySynchronization\"; any other object is imported instead (`import {{ to = {TARGET}.NAME, identity = {{ tenant_id = \"...\" }} }}`).")
}

/// The sync-policy state `req` amounts to, or `None` with the reason in `diags`.
pub fn from_msgraph(req: &MoveStateRequest, diags: &mut Diagnostics) -> Option<SyncModel> {
    let object = msgraph_object(req, TARGET, &accepted(), diags)?;
    let Some(tenant) = parse_import_id(&format!("/{}", object.url)) else {
        diags.error(
            "Unsupported move source",
            format!(
                "This {MSGRAPH_TYPE} manages {:?}, not a partner's identitySynchronization policy. {}",
                object.url,
                accepted()
            ),
        );
        return None;
    };
    let mut body = object.body;
    body.insert("tenantId".into(), Json::String(tenant));
    warn_unmodelled(&body, |k| MEMBERS.contains(&k), TARGET, diags);
    Some(state_from_graph(&Json::Object(body), &SyncModel::default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::model::Tf;
    use serde_json::json;

    const T: &str = "90e29127-71ad-49c7-9ce8-db3f41ea06f1";

    fn request(url: &str) -> MoveStateRequest {
        MoveStateRequest {
            source_provider: "registry.terraform.io/microsoft/msgraph".into(),
            source_type: MSGRAPH_TYPE.into(),
            source_schema_version: 0,
            source_state: json!({
                "id": "identitySynchronization",
                "url": url,
                "create_method": "PUT",
                "body": {"value": {"userSyncInbound": {"isSyncAllowed": true}}, "type": ["object", {}]},
            }),
        }
    }

    #[test]
    fn a_msgraph_sync_policy_becomes_the_same_policy() {
        let req = request(&format!(
            "policies/crossTenantAccessPolicy/partners/{T}/identitySynchronization"
        ));
        let mut diags = Diagnostics::new();
        let model = from_msgraph(&req, &mut diags).expect("moved");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(model.tenant_id, Tf::Known(T.into()));
        assert_eq!(model.id, Tf::Known(T.into()));
        let inbound = model.user_sync_inbound.known().expect("user_sync_inbound");
        assert_eq!(inbound.is_sync_allowed, Tf::Known(true));
    }

    #[test]
    fn a_partner_or_another_url_is_refused() {
        for url in ["policies/crossTenantAccessPolicy/partners", "groups"] {
            let mut diags = Diagnostics::new();
            assert!(from_msgraph(&request(url), &mut diags).is_none(), "{url}");
            assert!(format!("{diags:?}").contains("identitySynchronization"));
        }
    }
}
