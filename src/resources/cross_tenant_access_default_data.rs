//! The data source `azuread_cross_tenant_access_default`: the tenant's default cross-tenant
//! access configuration as the `azuread_cross_tenant_access_default` resource's state shows it,
//! through that resource's own conversion and with its schema, all computed.

use crate::graph::{GraphHandle, DEFAULT_POLICY};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::model::Tf;
use crate::plugin::schema::{Block, LazySchema, Schema};
use crate::plugin::timeouts::{ReadTimeout, Timeouts, READ};
use crate::plugin::typed::Operation;
use crate::plugin::typed_data::{read_only, TypedDataSource};
use crate::resources::cross_tenant_access_default::{
    schema::schema as resource_schema, DefaultModel,
};
use crate::resources::cross_tenant_partner_data::schema::reworded;
use crate::resources::cross_tenant_sections::write::GraphState;
use crate::resources::support::{graph, graph_op, report};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

pub const TYPE_NAME: &str = "azuread_cross_tenant_access_default";
/// What only the resource has: its destroy behaviour and its timeouts.
const RESOURCE_ONLY: &[&str] = &["reset_on_destroy", "timeouts"];

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct DefaultData {
    pub timeouts: Tf<ReadTimeout>,
    #[serde(flatten)]
    pub read: Map<String, Json>,
}

pub fn schema() -> Schema {
    let mut attributes: Vec<_> = resource_schema()
        .block
        .attributes
        .iter()
        .filter(|a| !RESOURCE_ONLY.contains(&a.name.as_str()))
        .map(|a| reworded(read_only(a)))
        .collect();
    attributes.push(READ.attribute());
    Schema::new(0, Block::new(
            "Reads the tenant's default cross-tenant access settings (`/policies/crossTenantAccessPolicy/default` in Microsoft Graph), which every partner without settings of its own inherits.",
            attributes,
        ))
}

pub struct CrossTenantAccessDefaultData {
    schema: LazySchema,
    client: GraphHandle,
}

impl CrossTenantAccessDefaultData {
    pub fn new(client: GraphHandle) -> Self {
        Self {
            schema: LazySchema::new(schema),
            client,
        }
    }
}

#[async_trait]
impl TypedDataSource for CrossTenantAccessDefaultData {
    type Model = DefaultData;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
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
        config: DefaultData,
        diags: &mut Diagnostics,
    ) -> Option<DefaultData> {
        let graph = graph(&self.client, op, diags).await?;
        let what = "Could not read the default cross-tenant access configuration";
        let json = match graph.get(&DEFAULT_POLICY.object(), &graph_op(op)).await {
            Ok(Some(json)) => json,
            Ok(None) => {
                diags.error(what, "Graph answered 404 for GET /policies/crossTenantAccessPolicy/default, which always exists in a Microsoft Entra tenant. Check that graph_endpoint points at Microsoft Graph v1.0.");
                return None;
            }
            Err(e) => {
                report(diags, what.into(), &e);
                return None;
            }
        };
        let state = DefaultModel::from_graph(&json, &DefaultModel::default());
        let Ok(Json::Object(mut read)) = serde_json::to_value(state) else {
            diags.error(what, "The configuration could not be converted. This is a bug in the provider; please report it.");
            return None;
        };
        for name in RESOURCE_ONLY {
            read.remove(*name);
        }
        Some(DefaultData { read, ..config })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::model::to_value;
    use serde_json::json;

    #[test]
    fn the_service_default_converts_into_the_derived_schema() {
        let json = json!({
            "isServiceDefault": true,
            "inboundTrust": {"isMfaAccepted": false, "isCompliantDeviceAccepted": false, "isHybridAzureADJoinedDeviceAccepted": false},
            "automaticUserConsentSettings": {"inboundAllowed": false, "outboundAllowed": false},
            "b2bCollaborationInbound": {"usersAndGroups": {"accessType": "allowed", "targets": [{"target": "AllUsers", "targetType": "user"}]}, "applications": {"accessType": "allowed", "targets": [{"target": "AllApplications", "targetType": "application"}]}},
        });
        let state = DefaultModel::from_graph(&json, &DefaultModel::default());
        let Ok(Json::Object(mut read)) = serde_json::to_value(state) else {
            panic!("an object")
        };
        for name in RESOURCE_ONLY {
            read.remove(*name);
        }
        let value = to_value(
            &DefaultData {
                timeouts: Tf::Null,
                read,
            },
            schema().value_type(),
        )
        .expect("fits the schema");
        assert_eq!(
            value.get("id"),
            Some(&crate::plugin::value::Value::from("default"))
        );
        assert_eq!(
            value.get("is_service_default"),
            Some(&crate::plugin::value::Value::Bool(true))
        );
        assert!(schema().block.attribute("reset_on_destroy").is_none());
        assert!(schema()
            .block
            .attributes
            .iter()
            .all(|a| a.computed || a.name == "timeouts"));
    }
}
