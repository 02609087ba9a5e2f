//! The Graph mapping of a sync policy: the model to the PUT body and to the PATCH of only what
//! changed, Graph's JSON back to the model, and the import ID. No I/O here.

use super::schema::{SyncModel, UserSyncInbound};
use crate::plugin::model::Tf;
use crate::resources::cross_tenant_partner::parse_import_id as parse_partner_id;
use serde_json::{json, Map, Value as Json};

const SUFFIX: &str = "/identitySynchronization";

/// `PUT` body: the configured values; a display name left to Graph is not sent.
pub fn put_body(planned: &SyncModel) -> Json {
    let mut body = Map::new();
    if let Tf::Known(name) = &planned.display_name {
        body.insert("displayName".into(), json!(name));
    }
    body.insert("userSyncInbound".into(), user_sync(planned));
    Json::Object(body)
}

fn user_sync(model: &SyncModel) -> Json {
    match &model.user_sync_inbound {
        Tf::Known(UserSyncInbound {
            is_sync_allowed: Tf::Known(allowed),
        }) => json!({ "isSyncAllowed": allowed }),
        _ => Json::Null,
    }
}

/// `PATCH` body: only what changed; `None` when nothing did (no request then).
pub fn patch_body(prior: &SyncModel, planned: &SyncModel) -> Option<Json> {
    let mut body = Map::new();
    if planned.display_name.is_known() && planned.display_name != prior.display_name {
        body.insert("displayName".into(), json!(planned.display_name.known()));
    }
    if planned.user_sync_inbound != prior.user_sync_inbound {
        body.insert("userSyncInbound".into(), user_sync(planned));
    }
    (!body.is_empty()).then_some(Json::Object(body))
}

/// Whether Graph shows everything `patch` sent (reads are eventually consistent).
pub fn shows(graph: &Json, patch: &Json) -> bool {
    patch
        .as_object()
        .is_some_and(|sent| sent.iter().all(|(k, v)| graph.get(k) == Some(v)))
}

/// The state from Graph's object; `base` supplies what Graph does not hold (the configured
/// tenant spelling, the timeouts).
pub fn state_from_graph(sync: &Json, base: &SyncModel) -> SyncModel {
    // Right after an import only the ID is known: take Graph's spelling of the tenant, so the
    // usual lower-case configuration plans empty whatever the case of the import ID.
    let configured = base.tenant_id.known();
    let tenant = configured
        .map(String::as_str)
        .or(sync.get("tenantId").and_then(Json::as_str))
        .or(base.id.known().map(String::as_str))
        .map(str::to_owned);
    let id = match configured {
        Some(_) => base.id.known().cloned().or(tenant.clone()),
        None => tenant.clone(),
    };
    let is_sync_allowed = sync.pointer("/userSyncInbound/isSyncAllowed");
    SyncModel {
        id: id.into(),
        tenant_id: tenant.into(),
        display_name: sync
            .get("displayName")
            .and_then(Json::as_str)
            .map(str::to_owned)
            .into(),
        user_sync_inbound: match sync.get("userSyncInbound") {
            Some(Json::Object(_)) => Tf::Known(UserSyncInbound {
                is_sync_allowed: is_sync_allowed.and_then(Json::as_bool).into(),
            }),
            _ => Tf::Null,
        },
        timeouts: base.timeouts.clone(),
    }
}

/// A tenant GUID, or `/policies/crossTenantAccessPolicy/partners/{tenantId}/identitySynchronization`.
pub fn parse_import_id(id: &str) -> Option<String> {
    let id = id.trim().trim_end_matches('/');
    if !id.starts_with('/') {
        return parse_partner_id(id);
    }
    let split = id.len().checked_sub(SUFFIX.len())?;
    let (partner, suffix) = (id.get(..split)?, id.get(split..)?);
    if !suffix.eq_ignore_ascii_case(SUFFIX) {
        return None;
    }
    parse_partner_id(partner)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "90e29127-71ad-49c7-9ce8-db3f41ea06f1";

    fn model(name: Option<&str>, allowed: bool) -> SyncModel {
        SyncModel {
            id: Tf::Known(T.into()),
            tenant_id: Tf::Known(T.into()),
            display_name: name.map(str::to_owned).into(),
            user_sync_inbound: Tf::Known(UserSyncInbound {
                is_sync_allowed: Tf::Known(allowed),
            }),
            timeouts: Tf::Null,
        }
    }

    #[test]
    fn put_sends_what_is_configured() {
        assert_eq!(
            put_body(&model(Some("Fabrikam"), true)),
            json!({"displayName": "Fabrikam", "userSyncInbound": {"isSyncAllowed": true}})
        );
        let mut unnamed = model(None, false);
        unnamed.display_name = Tf::Unknown;
        assert_eq!(
            put_body(&unnamed),
            json!({"userSyncInbound": {"isSyncAllowed": false}})
        );
    }

    #[test]
    fn patch_sends_only_the_change() {
        let prior = model(Some("A"), true);
        assert_eq!(patch_body(&prior, &prior), None);
        assert_eq!(
            patch_body(&prior, &model(Some("A"), false)),
            Some(json!({"userSyncInbound": {"isSyncAllowed": false}}))
        );
        assert_eq!(
            patch_body(&prior, &model(Some("B"), true)),
            Some(json!({"displayName": "B"}))
        );
        assert!(shows(
            &json!({"displayName": "B", "tenantId": T}),
            &json!({"displayName": "B"})
        ));
        assert!(!shows(
            &json!({"displayName": "A"}),
            &json!({"displayName": "B"})
        ));
    }

    #[test]
    fn state_keeps_the_configured_spelling_and_reads_the_rest() {
        let graph =
            json!({"tenantId": T, "displayName": null, "userSyncInbound": {"isSyncAllowed": true}});
        let upper = T.to_uppercase();
        let base = SyncModel {
            id: Tf::Known(upper.clone()),
            tenant_id: Tf::Known(upper.clone()),
            ..SyncModel::default()
        };
        let state = state_from_graph(&graph, &base);
        assert_eq!(state.tenant_id, Tf::Known(upper.clone()));
        assert_eq!(state.display_name, Tf::Null);
        assert_eq!(
            state,
            SyncModel {
                display_name: Tf::Null,
                ..model(None, true)
            }
            .with_id(&upper)
        );
        // After an import only the id is known: Graph's spelling fills tenant_id.
        let imported = state_from_graph(
            &graph,
            &SyncModel {
                id: Tf::Known(upper),
                ..SyncModel::default()
            },
        );
        assert_eq!(imported.tenant_id, Tf::Known(T.into()));
        assert_eq!(imported.id, Tf::Known(T.into()));
        assert_eq!(
            state_from_graph(&json!({}), &base).user_sync_inbound,
            Tf::Null
        );
    }

    impl SyncModel {
        fn with_id(mut self, id: &str) -> Self {
            self.id = Tf::Known(id.into());
            self.tenant_id = Tf::Known(id.into());
            self
        }
    }

    #[test]
    fn import_ids() {
        let path =
            format!("/policies/crossTenantAccessPolicy/partners/{T}/identitySynchronization");
        assert_eq!(parse_import_id(T).as_deref(), Some(T));
        assert_eq!(parse_import_id(&path).as_deref(), Some(T));
        assert_eq!(
            parse_import_id(&format!("{}/", path.to_uppercase())).as_deref(),
            Some(T.to_uppercase().as_str())
        );
        let partner_path = format!("/policies/crossTenantAccessPolicy/partners/{T}");
        for bad in [
            "",
            "contoso.com",
            "/policies/crossTenantAccessPolicy/partners/",
            partner_path.as_str(),
            "/identitySynchronization",
            "/é/identitySynchronization",
        ] {
            assert_eq!(parse_import_id(bad), None, "{bad:?}");
        }
    }
}
