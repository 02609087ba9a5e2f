//! Writing sections with a PATCH and confirming them: the update handler, and the second half
//! of a create whose sections Graph documents for update only.

use super::convert::PartnerPatch;
use super::model::PartnerModel;
use super::report::{report, report_not_applied};
use super::schema::{Section, SECTIONS};
use super::state::{remember, state_from_graph, with_computed};
use super::verify;
use crate::graph::{GraphClient, OpContext, PartnerPoll};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::private::PrivateState;

/// One PATCH to write.
pub struct SectionWrite<'a> {
    pub tenant: &'a str,
    pub patch: PartnerPatch,
    /// The state to end in; its computed values must already be known or left to the plan.
    pub planned: &'a PartnerModel,
    /// The state to return when Graph refuses the PATCH (what it holds as far as we know).
    pub on_refusal: PartnerModel,
}

/// Sends the PATCH, then reads the partner back until every changed section shows the plan
/// (a 204 only says Graph accepted it). Returns the state to record.
pub async fn patch_and_confirm(
    graph: &GraphClient,
    write: SectionWrite<'_>,
    op: &OpContext,
    private: &mut PrivateState,
    diags: &mut Diagnostics,
) -> PartnerModel {
    let SectionWrite {
        tenant,
        patch,
        planned,
        on_refusal,
    } = write;
    let changed: Vec<&'static Section> = SECTIONS
        .iter()
        .filter(|section| patch.0.contains_key(section.graph))
        .collect();
    let request_id = match graph
        .update_partner(tenant, &patch.clone().into_json(), op)
        .await
    {
        Ok(request_id) => request_id,
        Err(e) => {
            report(diags, "update", tenant, &e);
            return on_refusal;
        }
    };
    if op.cancel.is_cancelled() {
        // Graph accepted the PATCH; Terraform wants to stop, so skip the read-back.
        return with_computed(planned, None);
    }
    let shows_plan = |partner: &serde_json::Value| {
        verify::sections_not_applied(partner, planned, &changed, &patch).is_empty()
    };
    match graph.poll_partner_until(tenant, op, shows_plan).await {
        Ok(PartnerPoll {
            last: Some(partner),
            settled: true,
            ..
        }) => {
            remember(private, &partner);
            with_computed(planned, Some(&partner))
        }
        Ok(poll) => {
            let not_applied = match &poll.last {
                Some(partner) => verify::sections_not_applied(partner, planned, &changed, &patch),
                None => changed.iter().map(|section| section.tf).collect(),
            };
            report_not_applied(diags, tenant, &request_id, &not_applied, &poll);
            // Record what Graph holds, so the next plan shows what is still missing.
            match &poll.last {
                Some(partner) => {
                    remember(private, partner);
                    state_from_graph(partner, planned)
                }
                None => on_refusal,
            }
        }
        Err(e) => {
            // The PATCH was accepted; only the confirmation failed. Keep the plan.
            log::warn!("read-back after updating partner {tenant} failed: {e}");
            with_computed(planned, None)
        }
    }
}
