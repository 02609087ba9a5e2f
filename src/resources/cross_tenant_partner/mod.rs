//! `azuread_cross_tenant_partner`: the resource and its read, update, delete and import
//! handlers. Schema, conversion, validation, plan, state and diagnostics live beside this file;
//! the create flow is in `create.rs`, the PATCH-and-confirm flow in `update.rs`.

mod convert;
mod create;
mod plan;
mod report;
pub mod schema;
mod state;
mod update;
mod validate;
mod verify;

pub use crate::plugin::timeouts::parse_duration;
pub use crate::plugin::validators::is_guid;
pub use convert::{create_body, partner_patch, PartnerPatch};
pub use state::parse_import_id;

use crate::graph::{GraphClient, GraphHandle, OpContext};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::import::passthrough_state;
use crate::plugin::path::AttributePath;
use crate::plugin::private::PrivateState;
use crate::plugin::schema::Schema;
use crate::plugin::traits::{ApplyRequest, OperationContext, PlanRequest, PlanResponse, Resource};
use crate::plugin::validators::validate_block;
use crate::plugin::value::Value;
use async_trait::async_trait;
use convert::attr;
use report::{report, report_sync_policy};
use schema::TIMEOUTS;
use state::{remember, remembered_devices, state_from_graph, with_computed, PATH_PREFIX};
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
    schema: Schema,
    client: GraphHandle,
    recently_deleted: Mutex<HashMap<String, Instant>>,
}

impl CrossTenantPartner {
    pub fn new(client: GraphHandle) -> Self {
        CrossTenantPartner {
            schema: schema::schema(),
            client,
            recently_deleted: Mutex::new(HashMap::new()),
        }
    }

    async fn graph(&self, diags: &mut Diagnostics) -> Option<GraphClient> {
        match self.client.client().await {
            Ok(client) => Some(client),
            Err(detail) => {
                diags.error("Provider not ready", detail);
                None
            }
        }
    }

    fn op(&self, ctx: &OperationContext, state: &Value, operation: &str) -> OpContext {
        OpContext::with_timeout(TIMEOUTS.get(state, operation), ctx.cancel.clone())
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

/// The tenant a state or plan is about: a diagnostic, never a request for an empty ID.
fn tenant_of(value: &Value, attribute: &str, diags: &mut Diagnostics) -> Option<String> {
    let tenant = attr(value, attribute).as_str().map(str::to_owned);
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
impl Resource for CrossTenantPartner {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        validate_block(&self.schema.block, config, diags);
    }

    fn plan(&self, req: PlanRequest, _diags: &mut Diagnostics) -> PlanResponse {
        plan::plan(&self.schema, req)
    }

    async fn read(
        &self,
        ctx: &OperationContext,
        state: Value,
        private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Value {
        let Some(graph) = self.graph(diags).await else {
            return state;
        };
        let attribute = if attr(&state, "id").is_null() {
            "tenant_id"
        } else {
            "id"
        };
        let Some(tenant) = tenant_of(&state, attribute, diags) else {
            return state;
        };
        let op = self.op(ctx, &state, "read");
        match graph.get_partner(&tenant, &op).await {
            Ok(Some(partner)) => {
                remember(private, &partner);
                state_from_graph(&partner, &state)
            }
            Ok(None) => {
                log::info!("partner {tenant} no longer exists in Graph; removing it from state");
                Value::Null
            }
            Err(e) => {
                report(diags, "read", &tenant, &e);
                state
            }
        }
    }

    async fn create(
        &self,
        ctx: &OperationContext,
        req: ApplyRequest,
        private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Value {
        let Some(graph) = self.graph(diags).await else {
            return Value::Null;
        };
        let Some(tenant) = tenant_of(&req.planned_state, "tenant_id", diags) else {
            return Value::Null;
        };
        self.create_partner(ctx, &graph, &tenant, &req.planned_state, private, diags)
            .await
    }

    async fn update(
        &self,
        ctx: &OperationContext,
        req: ApplyRequest,
        private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Value {
        let Some(graph) = self.graph(diags).await else {
            return req.prior_state;
        };
        let Some(tenant) = tenant_of(&req.prior_state, "id", diags) else {
            return req.prior_state;
        };
        let Some(mut patch) = partner_patch(&req.prior_state, &req.planned_state) else {
            // Only letter case or timeouts changed: nothing to send.
            return with_computed(&req.planned_state, None);
        };
        patch.carry_devices(remembered_devices(private));
        let op = self.op(ctx, &req.planned_state, "update");
        let write = SectionWrite {
            tenant: &tenant,
            patch,
            planned: &req.planned_state,
            on_refusal: req.prior_state.clone(),
        };
        patch_and_confirm(&graph, write, &op, private, diags).await
    }

    async fn delete(&self, ctx: &OperationContext, prior_state: Value, diags: &mut Diagnostics) {
        let Some(graph) = self.graph(diags).await else {
            return;
        };
        let Some(tenant) = tenant_of(&prior_state, "id", diags) else {
            return;
        };
        let op = self.op(ctx, &prior_state, "delete");
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

    async fn import(&self, _ctx: &OperationContext, id: &str, diags: &mut Diagnostics) -> Value {
        let Some(tenant) = parse_import_id(id) else {
            diags.error_at(
                AttributePath::attr("id"),
                "Invalid import ID",
                format!("Expected a tenant GUID (90e29127-71ad-49c7-9ce8-db3f41ea06f1) or {PATH_PREFIX}<tenant GUID>, got {id:?}."),
            );
            return Value::Null;
        };
        // tenant_id stays null until the read that follows, which takes Graph's spelling.
        passthrough_state(&self.schema, "id", tenant)
    }
}
