//! `azuread_cross_tenant_access_policy`: the singleton `/policies/crossTenantAccessPolicy` and
//! its `allowedCloudEndpoints`. Create adopts it and PATCHes the setting, update PATCHes it,
//! destroy PATCHes it back to `[]`; each write is read back until Graph shows it. The US
//! Government and China clouds' Graph lacks the property: the plan says so before any request,
//! and a 400 naming it is explained the same way.

pub mod schema;

use crate::graph::{GraphClient, GraphError, GraphHandle, OpContext, POLICY};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::model::Tf;
use crate::plugin::path::AttributePath;
use crate::plugin::private::PrivateState;
use crate::plugin::schema::{LazySchema, Schema};
use crate::plugin::timeouts::Timeouts;
use crate::plugin::typed::{Operation, Plan, TypedResource};
use crate::resources::cross_tenant_sections::report::{report, report_not_applied};
use crate::resources::cross_tenant_sections::session::{connect, get_singleton, graph_op};
use crate::resources::cross_tenant_sections::Timeouts as TimeoutValues;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value as Json};

pub const TYPE_NAME: &str = "azuread_cross_tenant_access_policy";
const WHAT: &str = "the cross-tenant access policy";
const PATH: &str = "/policies/crossTenantAccessPolicy";
const ENDPOINTS: &str = "allowedCloudEndpoints";
/// The provider's clouds whose Graph has no `allowedCloudEndpoints` (reference §6).
const WITHOUT_ENDPOINTS: &[&str] = &["usgovernmentl4", "usgovernmentl5", "china"];

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct PolicyModel {
    pub id: Tf<String>,
    pub display_name: Tf<String>,
    pub allowed_cloud_endpoints: Tf<Vec<Tf<String>>>,
    pub timeouts: Tf<TimeoutValues>,
}

impl PolicyModel {
    fn endpoints(&self) -> Vec<String> {
        let mut endpoints: Vec<String> = self
            .allowed_cloud_endpoints
            .known()
            .into_iter()
            .flatten()
            .filter_map(|e| e.known().cloned())
            .collect();
        endpoints.sort();
        endpoints.dedup();
        endpoints
    }

    /// The state Graph shows; `base` supplies the timeouts and keeps the set's order.
    fn from_graph(json: &Json, base: &PolicyModel) -> PolicyModel {
        let mut shown: Vec<String> = json
            .get(ENDPOINTS)
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|e| e.as_str().map(str::to_string))
            .collect();
        shown.sort();
        shown.dedup();
        let endpoints = match &base.allowed_cloud_endpoints {
            Tf::Known(kept) if base.endpoints() == shown => kept.clone(),
            _ => shown.into_iter().map(Tf::Known).collect(),
        };
        let text = |name: &str| json.get(name).and_then(Json::as_str).map(str::to_string);
        PolicyModel {
            id: Tf::Known(text("id").unwrap_or_else(|| "crossTenantAccessPolicy".into())),
            display_name: text("displayName").map(Tf::Known).unwrap_or(Tf::Null),
            allowed_cloud_endpoints: Tf::Known(endpoints),
            timeouts: base.timeouts.clone(),
        }
    }
}

fn shows(json: &Json, endpoints: &[String]) -> bool {
    PolicyModel::from_graph(json, &PolicyModel::default()).endpoints() == endpoints
}

/// The error for a cloud whose Graph has no `allowedCloudEndpoints`: the configured one
/// (`cloud`), or the one Graph's 400 (`refusal`) shows the endpoint is in.
fn no_such_setting(diags: &mut Diagnostics, cloud: &str, refusal: Option<&GraphError>) {
    let (summary, detail) = match refusal {
        None => (
            format!("The {cloud} cloud has no cross-cloud setting"),
            format!("Microsoft Graph in the {cloud} cloud has no allowedCloudEndpoints on {PATH} (only the global cloud's does), so azuread_cross_tenant_access_policy cannot be used with environment = \"{cloud}\". Remove the resource from this configuration, or use a provider configured for the global cloud."),
        ),
        Some(e) => (
            "This Graph has no cross-cloud setting".to_string(),
            format!("{e}\n\nMicrosoft Graph refused allowedCloudEndpoints on {PATH}: Graph in the US Government and China clouds does not have it, only the global cloud's does. The provider is configured for the {cloud} cloud; check environment, graph_endpoint and metadata_host, or remove the resource from this configuration."),
        ),
    };
    diags.error_at(
        AttributePath::attr("allowed_cloud_endpoints"),
        summary,
        detail,
    );
}

/// The Graph path, in any letter case.
pub fn parse_import_id(id: &str) -> Option<String> {
    let id = id.trim().trim_end_matches('/');
    id.eq_ignore_ascii_case(PATH)
        .then(|| "crossTenantAccessPolicy".to_string())
}

pub struct CrossTenantAccessPolicy {
    schema: LazySchema,
    client: GraphHandle,
}

impl CrossTenantAccessPolicy {
    pub fn new(client: GraphHandle) -> Self {
        CrossTenantAccessPolicy {
            schema: LazySchema::new(schema::schema),
            client,
        }
    }

    /// The configured cloud, when its Graph lacks the setting.
    fn cloud_without_setting(&self) -> Option<String> {
        self.client
            .cloud()
            .filter(|cloud| WITHOUT_ENDPOINTS.contains(&cloud.as_str()))
    }

    /// PATCHes the endpoints and reads back until Graph shows them. `None` when the PATCH was
    /// refused (reported); else the state to record.
    async fn write(
        &self,
        graph: &GraphClient,
        planned: &PolicyModel,
        op: &OpContext,
        diags: &mut Diagnostics,
    ) -> Option<PolicyModel> {
        if let Some(cloud) = self.cloud_without_setting() {
            no_such_setting(diags, &cloud, None);
            return None;
        }
        let endpoints = planned.endpoints();
        let request_id = match graph
            .patch(
                &POLICY.object(),
                &json!({"allowedCloudEndpoints": endpoints}),
                op,
            )
            .await
        {
            Ok(request_id) => request_id,
            Err(e) => {
                match e.status() {
                    Some(400) if e.to_string().contains(ENDPOINTS) => {
                        let cloud = self.client.cloud().unwrap_or_else(|| "discovered".into());
                        no_such_setting(diags, &cloud, Some(&e));
                    }
                    _ => report(diags, "update", WHAT, &e),
                }
                return None;
            }
        };
        let poll = graph
            .poll_until(&POLICY.object(), op, |json| shows(json, &endpoints))
            .await;
        match poll {
            Ok(poll) => {
                let shown = poll
                    .last
                    .as_ref()
                    .map(|json| PolicyModel::from_graph(json, planned));
                if !poll.settled {
                    let setting = ["allowed_cloud_endpoints"];
                    report_not_applied(diags, WHAT, &request_id, &setting, &poll);
                }
                Some(shown.unwrap_or_else(|| with_unknowns_resolved(planned)))
            }
            Err(e) => {
                log::warn!("read-back after updating {WHAT} failed: {e}");
                Some(with_unknowns_resolved(planned))
            }
        }
    }
}

/// A state may hold no unknown: what Graph did not show is left null.
fn with_unknowns_resolved(planned: &PolicyModel) -> PolicyModel {
    let mut state = planned.clone();
    for value in [&mut state.id, &mut state.display_name] {
        if value.is_unknown() {
            *value = Tf::Null;
        }
    }
    state
}

#[async_trait]
impl TypedResource for CrossTenantAccessPolicy {
    type Model = PolicyModel;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> &Schema {
        self.schema.get()
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(schema::TIMEOUTS)
    }

    /// Stops a plan in a cloud whose Graph lacks the setting, before any request.
    fn plan(&self, plan: Plan<PolicyModel>, diags: &mut Diagnostics) -> PolicyModel {
        if let Some(cloud) = self.cloud_without_setting() {
            no_such_setting(diags, &cloud, None);
        }
        plan.planned
    }

    async fn read(
        &self,
        op: &Operation,
        state: PolicyModel,
        _private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Option<PolicyModel> {
        let Some(graph) = connect(&self.client, op, diags).await else {
            return Some(state);
        };
        let shown = get_singleton(&graph, &POLICY.object(), WHAT, &graph_op(op), diags).await;
        Some(match shown {
            Some(json) => PolicyModel::from_graph(&json, &state),
            None => state,
        })
    }

    async fn create(
        &self,
        op: &Operation,
        planned: PolicyModel,
        _private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Option<PolicyModel> {
        let graph = connect(&self.client, op, diags).await?;
        self.write(&graph, &planned, &graph_op(op), diags).await
    }

    async fn update(
        &self,
        op: &Operation,
        prior: PolicyModel,
        planned: PolicyModel,
        _private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> PolicyModel {
        if prior.endpoints() == planned.endpoints() {
            return with_unknowns_resolved(&planned);
        }
        let Some(graph) = connect(&self.client, op, diags).await else {
            return prior;
        };
        self.write(&graph, &planned, &graph_op(op), diags)
            .await
            .unwrap_or(prior)
    }

    /// PATCHes `allowedCloudEndpoints` back to `[]`, Graph's default.
    async fn delete(&self, op: &Operation, prior: PolicyModel, diags: &mut Diagnostics) {
        if self.cloud_without_setting().is_some() {
            return;
        }
        let Some(graph) = connect(&self.client, op, diags).await else {
            return;
        };
        let cleared = PolicyModel {
            allowed_cloud_endpoints: Tf::Known(Vec::new()),
            ..prior
        };
        self.write(&graph, &cleared, &graph_op(op), diags).await;
    }

    fn parse_import_id(&self, id: &str) -> Result<String, String> {
        parse_import_id(id).ok_or_else(|| {
            format!(
                "Expected {PATH} (there is one cross-tenant access policy per tenant), got {id:?}."
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_values_keep_the_configured_order_and_fill_computed_ones() {
        let base = PolicyModel {
            allowed_cloud_endpoints: Tf::Known(vec![
                Tf::Known("microsoftonline.us".into()),
                Tf::Known("microsoftonline.com".into()),
            ]),
            ..PolicyModel::default()
        };
        let json = json!({"id": "p1", "displayName": "CrossTenantAccessPolicy", "allowedCloudEndpoints": ["microsoftonline.com", "microsoftonline.us"]});
        let state = PolicyModel::from_graph(&json, &base);
        assert_eq!(state.allowed_cloud_endpoints, base.allowed_cloud_endpoints);
        assert_eq!(state.id, Tf::Known("p1".into()));
        assert!(shows(&json, &base.endpoints()));
        assert!(!shows(
            &json!({"allowedCloudEndpoints": []}),
            &base.endpoints()
        ));
    }

    #[test]
    fn a_national_cloud_is_refused_at_plan() {
        let mut diags = Diagnostics::new();
        no_such_setting(&mut diags, "china", None);
        let text = format!("{diags:?}");
        assert!(
            text.contains("china") && text.contains("allowed_cloud_endpoints"),
            "{text}"
        );
    }
}
