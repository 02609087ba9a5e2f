//! `azuread_cross_tenant_access_default`, a [`TypedResource`] over [`DefaultModel`]: the
//! singleton `/policies/crossTenantAccessPolicy/default`. Create adopts it and PATCHes the
//! configured sections, update PATCHes the changed ones (both confirmed by reading back, as
//! for a partner: `cross_tenant_sections::write`), destroy forgets it, or resets it to the
//! service default when `reset_on_destroy` is set. The schema is `schema.rs`, the model, its
//! state from Graph and the plan rule `model.rs`.

mod model;
pub mod schema;

pub use model::DefaultModel;

use crate::graph::{GraphHandle, DEFAULT_POLICY, RESET_TO_SYSTEM_DEFAULT};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::private::PrivateState;
use crate::plugin::schema::{LazySchema, Schema};
use crate::plugin::timeouts::Timeouts;
use crate::plugin::typed::{Operation, Plan, TypedResource};
use crate::resources::cross_tenant_sections::convert::{
    changed_sections, section_to_graph, sections, SectionPatch,
};
use crate::resources::cross_tenant_sections::report::report;
use crate::resources::cross_tenant_sections::session::{connect, get_singleton, graph_op};
use crate::resources::cross_tenant_sections::write::{
    patch_and_confirm, remember, GraphState, SectionWrite,
};
use async_trait::async_trait;
use serde_json::{Map, Value as Json};

pub const TYPE_NAME: &str = "azuread_cross_tenant_access_default";
/// How diagnostics name the object.
const WHAT: &str = "the default cross-tenant access configuration";
const PATH: &str = "/policies/crossTenantAccessPolicy/default";

pub struct CrossTenantAccessDefault {
    schema: LazySchema,
    client: GraphHandle,
}

impl CrossTenantAccessDefault {
    pub fn new(client: GraphHandle) -> Self {
        CrossTenantAccessDefault {
            schema: LazySchema::new(schema::schema),
            client,
        }
    }
}

/// The write of `patch` towards `planned`, keeping `on_refusal` if Graph refuses it.
fn section_write(
    patch: SectionPatch,
    planned: &DefaultModel,
    on_refusal: DefaultModel,
) -> SectionWrite<'_, DefaultModel> {
    SectionWrite {
        object: DEFAULT_POLICY.object(),
        what: WHAT,
        patch,
        planned,
        on_refusal,
    }
}

/// `default`, or the Graph path, in any letter case.
pub fn parse_import_id(id: &str) -> Option<String> {
    let id = id.trim().trim_end_matches('/');
    (id.eq_ignore_ascii_case(model::ID) || id.eq_ignore_ascii_case(PATH))
        .then(|| model::ID.to_string())
}

#[async_trait]
impl TypedResource for CrossTenantAccessDefault {
    type Model = DefaultModel;

    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> &Schema {
        self.schema.get()
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(schema::TIMEOUTS)
    }

    fn plan(&self, plan: Plan<DefaultModel>, _diags: &mut Diagnostics) -> DefaultModel {
        model::plan(plan)
    }

    async fn read(
        &self,
        op: &Operation,
        state: DefaultModel,
        private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Option<DefaultModel> {
        let Some(graph) = connect(&self.client, op, diags).await else {
            return Some(state);
        };
        match get_singleton(&graph, &DEFAULT_POLICY.object(), WHAT, &graph_op(op), diags).await {
            Some(json) => {
                remember(private, &json);
                Some(DefaultModel::from_graph(&json, &state))
            }
            None => Some(state),
        }
    }

    /// Adopts the singleton: reads it (for the sections left unmanaged and Graph's `devices`),
    /// then PATCHes every configured section.
    async fn create(
        &self,
        op: &Operation,
        planned: DefaultModel,
        private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Option<DefaultModel> {
        let graph = connect(&self.client, op, diags).await?;
        let op = graph_op(op);
        let held = get_singleton(&graph, &DEFAULT_POLICY.object(), WHAT, &op, diags).await?;
        remember(private, &held);
        let body: Map<String, Json> = sections(&planned)
            .filter(|(_, value)| value.is_known() && !value.is_null())
            .map(|(section, value)| (section.graph.to_string(), section_to_graph(section, value)))
            .collect();
        if body.is_empty() {
            return Some(DefaultModel::with_computed(&planned, Some(&held)));
        }
        let on_refusal = DefaultModel::from_graph(&held, &planned);
        let patch = section_write(SectionPatch(body), &planned, on_refusal);
        Some(patch_and_confirm(&graph, patch, &op, private, diags).await)
    }

    async fn update(
        &self,
        op: &Operation,
        prior: DefaultModel,
        planned: DefaultModel,
        private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> DefaultModel {
        let Some(patch) = changed_sections(&prior, &planned) else {
            // Only reset_on_destroy, letter case or timeouts changed: nothing to send.
            return DefaultModel::with_computed(&planned, None);
        };
        let Some(graph) = connect(&self.client, op, diags).await else {
            return prior;
        };
        let patch = section_write(patch, &planned, prior.clone());
        patch_and_confirm(&graph, patch, &graph_op(op), private, diags).await
    }

    async fn delete(&self, op: &Operation, prior: DefaultModel, diags: &mut Diagnostics) {
        if prior.reset_on_destroy.known() != Some(&true) {
            diags.warning(
                "The default cross-tenant access configuration was not reset",
                "Terraform no longer manages the tenant's default cross-tenant access settings, but they stay as they are in Microsoft Entra: resetting them would restore the service default, which allows all inbound B2B collaboration. To reset them on destroy, set reset_on_destroy = true and apply before destroying.",
            );
            return;
        }
        let Some(graph) = connect(&self.client, op, diags).await else {
            return;
        };
        let op = graph_op(op);
        if let Err(e) = graph
            .action(&DEFAULT_POLICY.object(), RESET_TO_SYSTEM_DEFAULT, &op)
            .await
        {
            return report(diags, "reset", WHAT, &e);
        }
        let reset = |json: &Json| json.get("isServiceDefault") == Some(&Json::Bool(true));
        match graph.poll_until(&DEFAULT_POLICY.object(), &op, reset).await {
            Ok(poll) if poll.settled => {}
            Ok(poll) => diags.warning(
                "Graph does not show the reset yet",
                format!("Graph accepted POST {PATH}/{RESET_TO_SYSTEM_DEFAULT}, but after {} read(s) within the delete timeout it did not show isServiceDefault = true. It may take a moment to apply; check the default configuration in the Entra admin center.", poll.reads),
            ),
            Err(e) => log::warn!("read-back after resetting {WHAT} failed: {e}"),
        }
    }

    fn parse_import_id(&self, id: &str) -> Result<String, String> {
        parse_import_id(id).ok_or_else(|| {
            format!("Expected `default` or {PATH} (there is one default configuration per tenant), got {id:?}.")
        })
    }
}

#[cfg(test)]
mod tests;
