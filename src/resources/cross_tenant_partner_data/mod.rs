//! The data sources `azuread_cross_tenant_partner` (one partner, by tenant ID) and
//! `azuread_cross_tenant_partners` (all of them, every page). Both show a partner as the
//! resource's state would: the resource module's Graph-to-state conversion, turned into the
//! attributes of the derived schema (`schema.rs`).

pub mod schema;

use crate::graph::GraphHandle;
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::model::Tf;
use crate::plugin::path::AttributePath;
use crate::plugin::schema::{LazySchema, Schema};
use crate::plugin::timeouts::{ReadTimeout, Timeouts, READ};
use crate::plugin::typed::Operation;
use crate::plugin::typed_data::TypedDataSource;
use crate::resources::cross_tenant_partner::{state_from_graph, PartnerModel};
use crate::resources::support::{graph, graph_op, report};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

pub const PARTNER: &str = "azuread_cross_tenant_partner";
pub const PARTNERS: &str = "azuread_cross_tenant_partners";

/// One partner: the configured tenant and timeouts, and every other attribute as read.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PartnerData {
    pub tenant_id: Tf<String>,
    pub timeouts: Tf<ReadTimeout>,
    #[serde(flatten)]
    pub read: Map<String, Json>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PartnersData {
    pub tenant_ids: Tf<Vec<String>>,
    pub partners: Tf<Vec<Map<String, Json>>>,
    pub timeouts: Tf<ReadTimeout>,
}

/// A Graph partner as the attributes of the derived schema (no `timeouts`). `tenant` is the
/// configured spelling of its tenant ID, if any.
pub fn attributes(partner: &Json, tenant: Option<&str>) -> Map<String, Json> {
    let base = PartnerModel {
        tenant_id: tenant.map(str::to_owned).into(),
        ..PartnerModel::default()
    };
    let mut out = match serde_json::to_value(state_from_graph(partner, &base)) {
        Ok(Json::Object(map)) => map,
        _ => Map::new(),
    };
    out.remove("timeouts");
    out
}

pub struct CrossTenantPartnerData {
    schema: LazySchema,
    client: GraphHandle,
}

impl CrossTenantPartnerData {
    pub fn new(client: GraphHandle) -> Self {
        Self {
            schema: LazySchema::new(schema::partner),
            client,
        }
    }
}

#[async_trait]
impl TypedDataSource for CrossTenantPartnerData {
    type Model = PartnerData;

    fn type_name(&self) -> &'static str {
        PARTNER
    }

    fn schema(&self) -> &Schema {
        self.schema.get()
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(READ)
    }

    async fn read(
        &self,
        op: &Operation,
        config: PartnerData,
        diags: &mut Diagnostics,
    ) -> Option<PartnerData> {
        let tenant = config.tenant_id.known()?.clone();
        let graph = graph(&self.client, op, diags).await?;
        match graph.read_partner(&tenant, &graph_op(op)).await {
            Ok(Some(partner)) => {
                let mut read = attributes(&partner, Some(&tenant));
                read.remove("tenant_id");
                Some(PartnerData { read, ..config })
            }
            Ok(None) => {
                diags.error_at(
                    AttributePath::attr("tenant_id"),
                    format!("No cross-tenant access partner for tenant {tenant}"),
                    format!("Microsoft Graph has no partner configuration for tenant {tenant} (GET /policies/crossTenantAccessPolicy/partners/{tenant} answered 404 Not Found). Check the tenant ID, or create the partner (azuread_cross_tenant_partner) first; the azuread_cross_tenant_partners data source lists the partners that exist."),
                );
                None
            }
            Err(e) => {
                report(
                    diags,
                    format!("Could not read cross-tenant access partner {tenant}"),
                    &e,
                );
                None
            }
        }
    }
}

pub struct CrossTenantPartnersData {
    schema: LazySchema,
    client: GraphHandle,
}

impl CrossTenantPartnersData {
    pub fn new(client: GraphHandle) -> Self {
        Self {
            schema: LazySchema::new(schema::partners),
            client,
        }
    }
}

#[async_trait]
impl TypedDataSource for CrossTenantPartnersData {
    type Model = PartnersData;

    fn type_name(&self) -> &'static str {
        PARTNERS
    }

    fn schema(&self) -> &Schema {
        self.schema.get()
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(READ)
    }

    async fn read(
        &self,
        op: &Operation,
        config: PartnersData,
        diags: &mut Diagnostics,
    ) -> Option<PartnersData> {
        let graph = graph(&self.client, op, diags).await?;
        let listed = graph
            .list_partners(&graph_op(op))
            .await
            .map_err(|e| {
                report(
                    diags,
                    "Could not list cross-tenant access partners".into(),
                    &e,
                )
            })
            .ok()?;
        let mut partners: Vec<Map<String, Json>> =
            listed.iter().map(|p| attributes(p, None)).collect();
        let tenant = |p: &Map<String, Json>| {
            p.get("tenant_id")
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_ascii_lowercase()
        };
        partners.sort_by_key(tenant);
        Some(PartnersData {
            tenant_ids: Tf::Known(partners.iter().map(tenant).collect()),
            partners: Tf::Known(partners),
            ..config
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::model::{from_value, to_value};
    use crate::plugin::value::Value;
    use serde_json::json;

    const T: &str = "90e29127-71ad-49c7-9ce8-db3f41ea06f1";

    fn graph_partner() -> Json {
        json!({
            "tenantId": T,
            "inboundTrust": {"isMfaAccepted": true, "isCompliantDeviceAccepted": false, "isHybridAzureADJoinedDeviceAccepted": null},
            "b2bCollaborationInbound": {"usersAndGroups": {"accessType": "allowed", "targets": [{"target": "AllUsers", "targetType": "user"}]}},
            "isServiceProvider": true,
        })
    }

    #[test]
    fn a_partner_converts_into_the_derived_schema_and_back() {
        let ty = schema::partner().value_type().clone();
        let config: PartnerData = from_value(
            &to_value(
                &PartnerData {
                    tenant_id: Tf::Known(T.into()),
                    timeouts: Tf::Null,
                    read: Map::new(),
                },
                &ty,
            )
            .expect("config"),
        )
        .expect("model");
        let mut read = attributes(&graph_partner(), Some(T));
        read.remove("tenant_id");
        let state = to_value(&PartnerData { read, ..config }, &ty).expect("fits the schema");
        assert!(state.is_wholly_known());
        assert_eq!(state.get("id"), Some(&Value::from(T)));
        assert_eq!(state.get("is_service_provider"), Some(&Value::Bool(true)));
        let trust = state.get("inbound_trust").expect("inbound_trust");
        assert_eq!(trust.get("is_mfa_accepted"), Some(&Value::Bool(true)));
        let users = state
            .get("b2b_collaboration_inbound")
            .and_then(|s| s.get("users_and_groups"))
            .expect("users");
        assert_eq!(users.get("access_type"), Some(&Value::from("allowed")));
        assert!(state
            .get("b2b_collaboration_inbound")
            .and_then(|s| s.get("applications"))
            .is_some_and(Value::is_null));
        assert!(state.get("tenant_restrictions").is_some_and(Value::is_null));
    }

    #[test]
    fn an_unknown_tenant_still_converts_for_validation() {
        let config = Value::object(schema::partner().block.attributes.iter().map(|a| {
            (
                a.name.clone(),
                if a.name == "tenant_id" {
                    Value::unknown()
                } else {
                    Value::Null
                },
            )
        }));
        let model: PartnerData = from_value(&config).expect("unknown tenant_id fits");
        assert_eq!(model.tenant_id, Tf::Unknown);
    }

    #[test]
    fn the_list_model_fits_its_schema() {
        let partners = vec![attributes(&graph_partner(), None)];
        let model = PartnersData {
            tenant_ids: Tf::Known(vec![T.into()]),
            partners: Tf::Known(partners),
            timeouts: Tf::Null,
        };
        let value = to_value(&model, schema::partners().value_type()).expect("fits");
        assert_eq!(
            value
                .get("partners")
                .and_then(Value::elements)
                .map(<[Value]>::len),
            Some(1)
        );
        assert_eq!(
            value.get("tenant_ids"),
            Some(&Value::Set(vec![Value::from(T)]))
        );
    }
}
