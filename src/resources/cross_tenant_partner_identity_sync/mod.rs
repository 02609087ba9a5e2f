//! `azuread_cross_tenant_partner_identity_sync`, a [`TypedResource`] over [`SyncModel`]: a
//! partner's cross-tenant synchronization policy, created with PUT, updated with a PATCH of only
//! what changed and read back until Graph shows it, deleted with DELETE (404: already gone).
//! The schema and model are `schema.rs`, the Graph mapping `convert.rs`, a `moved` block from
//! msgraph's `msgraph_resource` `moved.rs`.

mod convert;
mod moved;
pub mod schema;

use crate::graph::{
    GraphClient, GraphError, GraphHandle, Object, OpContext, IDENTITY_SYNC, PARTNERS,
};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::identity::IdentitySchema;
use crate::plugin::model::Tf;
use crate::plugin::path::AttributePath;
use crate::plugin::private::PrivateState;
use crate::plugin::schema::{LazySchema, Schema};
use crate::plugin::timeouts::Timeouts;
use crate::plugin::traits::MoveStateRequest;
use crate::plugin::typed::{Operation, Plan, TypedResource};
use crate::resources::support::{graph, graph_op, report};
use async_trait::async_trait;
use convert::{patch_body, put_body, shows, state_from_graph};
use schema::{SyncModel, TIMEOUTS};

pub const TYPE_NAME: &str = "azuread_cross_tenant_partner_identity_sync";
const PATH: &str =
    "/policies/crossTenantAccessPolicy/partners/<tenant GUID>/identitySynchronization";

pub struct CrossTenantPartnerIdentitySync {
    schema: LazySchema,
    identity: IdentitySchema,
    client: GraphHandle,
}

impl CrossTenantPartnerIdentitySync {
    pub fn new(client: GraphHandle) -> Self {
        Self {
            schema: LazySchema::new(schema::schema),
            // The same identity as its partner's: one sync policy per partner.
            identity: crate::resources::cross_tenant_partner::schema::identity(),
            client,
        }
    }
}

fn policy(tenant: &str) -> Object<'_> {
    IDENTITY_SYNC.below(&PARTNERS.item(tenant))
}

/// The tenant a state or plan is about: a diagnostic, never a request for an empty ID.
fn tenant_of(model: &SyncModel, diags: &mut Diagnostics) -> Option<String> {
    let tenant = model.id.known().or(model.tenant_id.known()).cloned();
    if tenant.is_none() {
        diags.error_at(
            AttributePath::attr("tenant_id"),
            "Missing tenant ID",
            "The tenant of this cross-tenant synchronization policy is not known, so no request was sent. If the state is damaged, remove it with `terraform state rm` and import the policy again.",
        );
    }
    tenant
}

/// New state: the planned values, with what Graph decided where the plan left it open.
fn with_computed(planned: &SyncModel, graph: Option<&serde_json::Value>) -> SyncModel {
    let mut state = planned.clone();
    if state.display_name.is_unknown() {
        state.display_name = graph
            .and_then(|g| g.get("displayName")?.as_str())
            .map(str::to_owned)
            .into();
    }
    if state.id.is_unknown() {
        state.id = planned.tenant_id.clone();
    }
    state
}

/// The PUT failed: say why in the user's terms, after looking at what Graph holds.
async fn put_failed(
    graph: &GraphClient,
    tenant: &str,
    e: &GraphError,
    op: &OpContext,
    diags: &mut Diagnostics,
) {
    if e.is_conflict() {
        let retried = if e.attempts() > 1 {
            " An earlier attempt of this create lost its answer, and the policy Graph holds could not be confirmed as the one it sent (it differs, or could not be read)."
        } else {
            ""
        };
        return diags.error(
            format!("Cross-tenant synchronization policy of partner {tenant} already exists"),
            format!("{e}\n\nThe partner already has an identitySynchronization policy.{retried} To manage it with Terraform, import it:\n\n  terraform import <resource address> {tenant}"),
        );
    }
    let refused = e.status().is_some_and(|s| (400..500).contains(&s));
    if refused && matches!(graph.get_partner(tenant, op).await, Ok(None)) {
        return diags.error_at(
            AttributePath::attr("tenant_id"),
            format!("Partner {tenant} has no cross-tenant access configuration"),
            format!("{e}\n\nA cross-tenant synchronization policy belongs to a partner configuration, and Graph has none for tenant {tenant}. Create the partner first: add an azuread_cross_tenant_partner for this tenant and set tenant_id = azuread_cross_tenant_partner.<name>.tenant_id here, so Terraform creates the partner before the policy (and deletes it after)."),
        );
    }
    report(
        diags,
        format!("Could not create the cross-tenant synchronization policy of partner {tenant}"),
        e,
    );
}

#[async_trait]
impl TypedResource for CrossTenantPartnerIdentitySync {
    type Model = SyncModel;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> &Schema {
        self.schema.get()
    }

    fn identity_schema(&self) -> Option<&IdentitySchema> {
        Some(&self.identity)
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(TIMEOUTS)
    }

    /// Its ID is its tenant ID, known at plan time whenever the tenant is.
    fn plan(&self, plan: Plan<SyncModel>, _diags: &mut Diagnostics) -> SyncModel {
        let mut planned = plan.planned;
        if planned.id.is_unknown() || planned.id.is_null() {
            planned.id = match &planned.tenant_id {
                Tf::Known(t) => Tf::Known(t.clone()),
                _ => Tf::Unknown,
            };
        }
        planned
    }

    async fn read(
        &self,
        op: &Operation,
        state: SyncModel,
        _private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Option<SyncModel> {
        let Some(graph) = graph(&self.client, op, diags).await else {
            return Some(state);
        };
        let Some(tenant) = tenant_of(&state, diags) else {
            return Some(state);
        };
        match graph.get(&policy(&tenant), &graph_op(op)).await {
            Ok(Some(sync)) => Some(state_from_graph(&sync, &state)),
            Ok(None) => {
                log::info!("the identitySynchronization policy of partner {tenant} is gone; removing it from state");
                None
            }
            Err(e) => {
                report(diags, format!("Could not read the cross-tenant synchronization policy of partner {tenant}"), &e);
                Some(state)
            }
        }
    }

    async fn create(
        &self,
        op: &Operation,
        planned: SyncModel,
        _private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Option<SyncModel> {
        let graph = graph(&self.client, op, diags).await?;
        let tenant = tenant_of(&planned, diags)?;
        let ctx = graph_op(op);
        let body = put_body(&planned);
        if let Err(e) = graph.put(&policy(&tenant), &body, &ctx).await {
            if e.is_conflict() && e.attempts() > 1 {
                // PUT is no upsert: a retry after a lost answer meets the policy its first
                // attempt created. What reads back as sent is that policy: record it.
                if let Ok(Some(sync)) = graph.get(&policy(&tenant), &ctx).await {
                    if shows(&sync, &body) {
                        log::info!("graph: the PUT of partner {tenant}'s sync policy was retried after a lost answer; the first attempt had created it");
                        return Some(with_computed(&planned, Some(&sync)));
                    }
                }
            }
            if !e.create_may_have_happened() {
                put_failed(&graph, &tenant, &e, &ctx, diags).await;
                return None;
            }
            // The answer was lost: keep the policy in state (tainted) rather than lose it.
            report(
                diags,
                format!(
                    "Could not confirm the cross-tenant synchronization policy of partner {tenant}"
                ),
                &e,
            );
            return Some(with_computed(&planned, None));
        }
        // Graph's reads lag its writes: a 404 right after the PUT is replication lag.
        match graph.wait_until_exists(&policy(&tenant), &ctx).await {
            Ok(sync) => Some(with_computed(&planned, Some(&sync))),
            Err(e) => {
                report(diags, format!("Created the cross-tenant synchronization policy of partner {tenant}, but could not read it back"), &e);
                Some(with_computed(&planned, None))
            }
        }
    }

    async fn update(
        &self,
        op: &Operation,
        prior: SyncModel,
        planned: SyncModel,
        _private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> SyncModel {
        let Some(patch) = patch_body(&prior, &planned) else {
            // Only letter case or timeouts changed: nothing to send.
            return with_computed(&planned, None);
        };
        let (Some(graph), Some(tenant)) = (
            graph(&self.client, op, diags).await,
            tenant_of(&prior, diags),
        ) else {
            return prior;
        };
        let ctx = graph_op(op);
        let request_id = match graph.patch(&policy(&tenant), &patch, &ctx).await {
            Ok(id) => id,
            Err(e) => {
                report(diags, format!("Could not update the cross-tenant synchronization policy of partner {tenant}"), &e);
                return prior;
            }
        };
        match graph
            .poll_until(&policy(&tenant), &ctx, |sync| shows(sync, &patch))
            .await
        {
            Ok(seen) if seen.settled => with_computed(&planned, seen.last.as_ref()),
            Ok(seen) => {
                diags.error(
                    format!("Graph did not apply the change to the cross-tenant synchronization policy of partner {tenant}"),
                    format!("Graph accepted the update (PATCH answered 204, request-id: {request_id}), but after {} read(s) within the update timeout it still showed other values. The state records what Graph holds, so the next plan shows the difference again. Run apply again, or raise timeouts.update.", seen.reads),
                );
                seen.last
                    .map(|sync| state_from_graph(&sync, &planned))
                    .unwrap_or(prior)
            }
            Err(e) => {
                report(diags, format!("Updated the cross-tenant synchronization policy of partner {tenant} (request-id {request_id}), but could not read it back"), &e);
                prior
            }
        }
    }

    async fn delete(&self, op: &Operation, prior: SyncModel, diags: &mut Diagnostics) {
        let (Some(graph), Some(tenant)) = (
            graph(&self.client, op, diags).await,
            tenant_of(&prior, diags),
        ) else {
            return;
        };
        match graph.delete(&policy(&tenant), &graph_op(op)).await {
            Ok(true) => {}
            Ok(false) => log::info!(
                "the identitySynchronization policy of partner {tenant} was already gone"
            ),
            Err(e) => report(
                diags,
                format!(
                    "Could not delete the cross-tenant synchronization policy of partner {tenant}"
                ),
                &e,
            ),
        }
    }

    /// From microsoft/msgraph's `msgraph_resource` with `create_method = "PUT"` (`moved.rs`).
    fn move_state(&self, req: &MoveStateRequest, diags: &mut Diagnostics) -> Option<SyncModel> {
        moved::from_msgraph(req, diags)
    }

    /// tenant_id stays null until the read that follows, which takes Graph's spelling.
    fn parse_import_id(&self, id: &str) -> Result<String, String> {
        convert::parse_import_id(id).ok_or_else(|| {
            format!("Expected a tenant GUID (90e29127-71ad-49c7-9ce8-db3f41ea06f1) or {PATH}, got {id:?}.")
        })
    }
}
