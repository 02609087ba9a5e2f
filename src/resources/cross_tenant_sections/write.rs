//! Writing sections with a PATCH and confirming them, for any object that holds sections (a
//! partner, the default configuration): a `204` only says Graph accepted the PATCH, so the
//! object is read back until every changed section shows the plan. Also what private state
//! remembers of Graph's object beyond the schema (`tenantRestrictions.devices`), so that a
//! PATCH, which sends a section whole, carries it back.

use super::convert::{tenant_restrictions_devices, SectionPatch};
use super::model::SectionModel;
use super::report::{report, report_not_applied};
use super::verify;
use crate::graph::{GraphClient, Object, OpContext, ReadBack};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::private::PrivateState;
use serde_json::Value as Json;

/// Private-state key of Graph's `tenantRestrictions.devices`, which the schema does not model.
const DEVICES: &str = "tenant_restrictions_devices";

/// A model's state as Graph shows it.
pub trait GraphState: SectionModel {
    /// The full state from a Graph object; `base` supplies what Graph does not hold.
    fn from_graph(json: &Json, base: &Self) -> Self;
    /// The planned state with the computed values the plan left unknown filled in from `json`.
    fn with_computed(planned: &Self, json: Option<&Json>) -> Self;
}

/// One PATCH to write.
pub struct SectionWrite<'a, M> {
    pub object: Object<'a>,
    /// How diagnostics name the object, e.g. "cross-tenant access partner {tenant}".
    pub what: &'a str,
    pub patch: SectionPatch,
    /// The state to end in; its computed values must already be known or left to the plan.
    pub planned: &'a M,
    /// The state to return when Graph refuses the PATCH (what it holds as far as we know).
    pub on_refusal: M,
}

/// Sends the PATCH (with the `devices` Graph held carried back), then reads the object back
/// until every changed section shows the plan. Returns the state to record.
pub async fn patch_and_confirm<M: GraphState>(
    graph: &GraphClient,
    write: SectionWrite<'_, M>,
    op: &OpContext,
    private: &mut PrivateState,
    diags: &mut Diagnostics,
) -> M {
    let SectionWrite {
        object,
        what,
        mut patch,
        planned,
        on_refusal,
    } = write;
    patch.carry_devices(remembered_devices(private).cloned().as_ref());
    let changed = super::convert::sections_in::<M>(&patch);
    let request_id = match graph.patch(&object, &patch.clone().into_json(), op).await {
        Ok(request_id) => request_id,
        Err(e) => {
            report(diags, "update", what, &e);
            return on_refusal;
        }
    };
    if op.cancel.is_cancelled() {
        // Graph accepted the PATCH; Terraform wants to stop, so skip the read-back.
        return M::with_computed(planned, None);
    }
    let shows_plan =
        |shown: &Json| verify::sections_not_applied(shown, planned, &changed, &patch).is_empty();
    match graph.poll_until(&object, op, shows_plan).await {
        Ok(ReadBack {
            last: Some(shown),
            settled: true,
            ..
        }) => {
            remember(private, &shown);
            M::with_computed(planned, Some(&shown))
        }
        Ok(poll) => {
            let not_applied = match &poll.last {
                Some(shown) => verify::sections_not_applied(shown, planned, &changed, &patch),
                None => changed.iter().map(|section| section.tf).collect(),
            };
            report_not_applied(diags, what, &request_id, &not_applied, &poll);
            // Record what Graph holds, so the next plan shows what is still missing.
            match &poll.last {
                Some(shown) => {
                    remember(private, shown);
                    M::from_graph(shown, planned)
                }
                None => on_refusal,
            }
        }
        Err(e) => {
            // The PATCH was accepted; only the confirmation failed. Keep the plan.
            log::warn!("read-back after updating {what} failed: {e}");
            M::with_computed(planned, None)
        }
    }
}

/// Remembers what Graph holds beyond the schema, so an update can send it back.
pub fn remember(private: &mut PrivateState, shown: &Json) {
    private.set(
        DEVICES,
        tenant_restrictions_devices(shown)
            .cloned()
            .unwrap_or(Json::Null),
    );
}

/// The `tenantRestrictions.devices` value the last read saw, if any.
pub fn remembered_devices(private: &PrivateState) -> Option<&Json> {
    private.get(DEVICES)
}
