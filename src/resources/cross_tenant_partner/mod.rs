//! `azuread_cross_tenant_partner`, a [`TypedResource`] over [`PartnerModel`]: this file holds
//! the read, update, delete and import handlers. The schema (with its validators and plan
//! modifiers) is `schema.rs`, the model `model.rs`, the Graph mapping `convert.rs`; the create
//! flow is `create.rs`, the PATCH-and-confirm flow `update.rs`; a `moved` block from
//! msgraph's `msgraph_resource` is `moved.rs`.

mod convert;
mod create;
mod model;
mod moved;
mod plan;
mod report;
pub mod schema;
mod state;
#[cfg(test)]
pub(crate) mod test_support;
mod update;
#[cfg(test)]
mod validate;

pub use convert::{create_body, partner_patch, PartnerPatch};
pub use model::PartnerModel;
pub use state::{parse_import_id, state_from_graph};

use crate::graph::{GraphClient, GraphHandle, OpContext};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::identity::IdentitySchema;
use crate::plugin::model::Tf;
use crate::plugin::path::AttributePath;
use crate::plugin::private::PrivateState;
use crate::plugin::schema::{LazySchema, Schema};
use crate::plugin::timeouts::Timeouts;
use crate::plugin::traits::MoveStateRequest;
use crate::plugin::typed::{Operation, Plan, TypedResource};
use async_trait::async_trait;
use report::{report, report_sync_policy};
use schema::TIMEOUTS;
use state::{remember, remembered_devices, with_computed, PATH_PREFIX};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;
use update::{patch_and_confirm, SectionWrite};

pub const TYPE_NAME: &str = "azuread_cross_tenant_partner";
/// How long after this process deleted a partner a 409 on re-creating it counts as
/// replication lag rather than "already exists".
const DELETE_CONFLICT_WINDOW: Duration = Duration::from_secs(300);

pub struct CrossTenantPartner {
    schema: LazySchema,
    identity: IdentitySchema,
    client: GraphHandle,
    recently_deleted: Mutex<HashMap<String, Instant>>,
}

impl CrossTenantPartner {
    pub fn new(client: GraphHandle) -> Self {
        CrossTenantPartner {
            schema: LazySchema::new(schema::schema),
            identity: schema::identity(),
            client,
            recently_deleted: Mutex::new(HashMap::new()),
        }
    }

    /// The Graph client, built on first use (cloud discovery may call the network), which
    /// Ctrl-C interrupts like any other wait.
    async fn graph(&self, op: &Operation, diags: &mut Diagnostics) -> Option<GraphClient> {
        let client = tokio::select! {
            biased;
            () = op.cancel.cancelled() => Err("Terraform asked the provider to stop (Ctrl-C) before it had connected to Microsoft Graph; nothing was sent.".to_string()),
            client = self.client.client() => client,
        };
        match client {
            Ok(client) => Some(client),
            Err(detail) => {
                diags.error("Provider not ready", detail);
                None
            }
        }
    }

    fn recently_deleted(&self) -> std::sync::MutexGuard<'_, HashMap<String, Instant>> {
        self.recently_deleted
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    fn deleted_recently(&self, tenant: &str) -> bool {
        let mut map = self.recently_deleted();
        map.retain(|_, at| at.elapsed() < DELETE_CONFLICT_WINDOW);
        map.contains_key(&tenant.to_ascii_lowercase())
    }
}

/// Graph calls of one Terraform operation: its timeout and Terraform's Ctrl-C.
fn graph_op(op: &Operation) -> OpContext {
    OpContext::with_timeout(op.timeout, op.cancel.clone())
}

/// The tenant a state or plan is about: a diagnostic, never a request for an empty ID.
fn tenant_of(value: &Tf<String>, attribute: &str, diags: &mut Diagnostics) -> Option<String> {
    let tenant = value.known().cloned();
    if tenant.is_none() {
        diags.error_at(
            AttributePath::attr(attribute),
            "Missing tenant ID",
            format!("The {attribute} of this cross-tenant access partner is not known, so no request was sent. If the state is damaged, remove it with `terraform state rm` and import the partner again."),
        );
    }
    tenant
}

#[async_trait]
impl TypedResource for CrossTenantPartner {
    type Model = PartnerModel;

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

    fn plan(&self, plan: Plan<PartnerModel>, _diags: &mut Diagnostics) -> PartnerModel {
        plan::plan(plan)
    }

    async fn read(
        &self,
        op: &Operation,
        state: PartnerModel,
        private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Option<PartnerModel> {
        let Some(graph) = self.graph(op, diags).await else {
            return Some(state);
        };
        let (value, attribute) = match &state.id {
            Tf::Known(_) => (&state.id, "id"),
            _ => (&state.tenant_id, "tenant_id"),
        };
        let Some(tenant) = tenant_of(value, attribute, diags) else {
            return Some(state);
        };
        match graph.read_partner(&tenant, &graph_op(op)).await {
            Ok(Some(partner)) => {
                remember(private, &partner);
                Some(state_from_graph(&partner, &state))
            }
            Ok(None) => {
                log::info!("partner {tenant} no longer exists in Graph; removing it from state");
                None
            }
            Err(e) => {
                report(diags, "read", &tenant, &e);
                Some(state)
            }
        }
    }

    async fn create(
        &self,
        op: &Operation,
        planned: PartnerModel,
        private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Option<PartnerModel> {
        let graph = self.graph(op, diags).await?;
        let tenant = tenant_of(&planned.tenant_id, "tenant_id", diags)?;
        self.create_partner(&graph_op(op), &graph, &tenant, &planned, private, diags)
            .await
    }

    async fn update(
        &self,
        op: &Operation,
        prior: PartnerModel,
        planned: PartnerModel,
        private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> PartnerModel {
        let Some(graph) = self.graph(op, diags).await else {
            return prior;
        };
        let Some(tenant) = tenant_of(&prior.id, "id", diags) else {
            return prior;
        };
        let Some(mut patch) = partner_patch(&prior, &planned) else {
            // Only letter case or timeouts changed: nothing to send.
            return with_computed(&planned, None);
        };
        patch.carry_devices(remembered_devices(private));
        let write = SectionWrite {
            tenant: &tenant,
            patch,
            planned: &planned,
            on_refusal: prior.clone(),
        };
        patch_and_confirm(&graph, write, &graph_op(op), private, diags).await
    }

    async fn delete(&self, op: &Operation, prior: PartnerModel, diags: &mut Diagnostics) {
        let Some(graph) = self.graph(op, diags).await else {
            return;
        };
        let Some(tenant) = tenant_of(&prior.id, "id", diags) else {
            return;
        };
        let op = graph_op(op);
        match graph.delete_partner(&tenant, &op).await {
            Ok(existed) => {
                if !existed {
                    log::info!("partner {tenant} was already gone");
                }
                self.recently_deleted()
                    .insert(tenant.to_ascii_lowercase(), Instant::now());
            }
            Err(e) => {
                // Graph does not document the status it gives while a sync policy exists, so
                // look for the policy itself instead of guessing from the status code.
                let refused = e
                    .status()
                    .is_some_and(|status| (400..500).contains(&status));
                if refused {
                    match graph.get_identity_sync(&tenant, &op).await {
                        Ok(Some(policy)) => {
                            return report_sync_policy(diags, &tenant, &policy, &e);
                        }
                        Ok(None) => {}
                        Err(check) => log::debug!(
                            "could not check partner {tenant} for an identitySynchronization policy: {check}"
                        ),
                    }
                }
                report(diags, "delete", &tenant, &e);
            }
        }
    }

    /// From microsoft/msgraph's `msgraph_resource` (`moved.rs`).
    fn move_state(&self, req: &MoveStateRequest, diags: &mut Diagnostics) -> Option<PartnerModel> {
        moved::from_msgraph(req, diags)
    }

    /// tenant_id stays null until the read that follows, which takes Graph's spelling.
    fn parse_import_id(&self, id: &str) -> Result<String, String> {
        parse_import_id(id).ok_or_else(|| {
            format!("Expected a tenant GUID (90e29127-71ad-49c7-9ce8-db3f41ea06f1) or {PATH_PREFIX}<tenant GUID>, got {id:?}.")
        })
    }
}
