//! Writing a partner's sections with a PATCH and confirming them (the shared
//! `cross_tenant_sections::write`): the update handler, and the second half of a create whose
//! sections Graph documents for update only.

use super::model::PartnerModel;
use super::report::partner;
use super::state::{state_from_graph, with_computed};
use crate::graph::{GraphClient, OpContext, PARTNERS};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::private::PrivateState;
use crate::resources::cross_tenant_sections::write::{self, GraphState};
use crate::resources::cross_tenant_sections::SectionPatch;
use serde_json::Value as Json;

/// One PATCH to write.
pub struct SectionWrite<'a> {
    pub tenant: &'a str,
    pub patch: SectionPatch,
    /// The state to end in; its computed values must already be known or left to the plan.
    pub planned: &'a PartnerModel,
    /// The state to return when Graph refuses the PATCH (what it holds as far as we know).
    pub on_refusal: PartnerModel,
}

impl GraphState for PartnerModel {
    fn from_graph(json: &Json, base: &Self) -> Self {
        state_from_graph(json, base)
    }

    fn with_computed(planned: &Self, json: Option<&Json>) -> Self {
        with_computed(planned, json)
    }
}

/// Sends the PATCH, then reads the partner back until every changed section shows the plan.
pub async fn patch_and_confirm(
    graph: &GraphClient,
    write: SectionWrite<'_>,
    op: &OpContext,
    private: &mut PrivateState,
    diags: &mut Diagnostics,
) -> PartnerModel {
    let what = partner(write.tenant);
    let shared = write::SectionWrite {
        object: PARTNERS.item(write.tenant),
        what: &what,
        patch: write.patch,
        planned: write.planned,
        on_refusal: write.on_refusal,
    };
    write::patch_and_confirm(graph, shared, op, private, diags).await
}
