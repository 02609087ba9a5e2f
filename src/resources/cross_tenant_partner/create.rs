//! The create handler: POST with the sections Microsoft's create table lists, read it back,
//! then one PATCH with the sections documented for update only. From the moment Graph may
//! hold the partner, every path returns a state so that Terraform never loses track of it.

use super::convert::{create_body, follow_up_patch};
use super::model::PartnerModel;
use super::report::{
    report, report_already_exists, report_create_interrupted, report_create_uncertain,
    report_follow_up_missing,
};
use super::schema::SECTIONS;
use super::state::{remember, state_from_graph, with_computed};
use super::update::{patch_and_confirm, SectionWrite};
use super::CrossTenantPartner;
use crate::graph::{GraphClient, GraphError, OpContext};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::private::PrivateState;
use serde_json::Value as Json;
use std::time::Duration;

/// Time allowed for the GET that checks whether an uncertain POST created the partner.
const ADOPTION_CHECK_TIME: Duration = Duration::from_secs(15);

impl CrossTenantPartner {
    /// `None` when Graph holds no partner for sure; otherwise the state to record.
    pub(super) async fn create_partner(
        &self,
        op: &OpContext,
        graph: &GraphClient,
        tenant: &str,
        planned: &PartnerModel,
        private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Option<PartnerModel> {
        let body = create_body(tenant, planned);
        let partner = match self.post(graph, &body, tenant, op).await {
            // The partner exists from here on.
            Ok(created) => {
                // A 2xx without a usable body: Graph holds what we sent.
                let created = if created.is_object() { created } else { body };
                if op.cancel.is_cancelled() {
                    created
                } else {
                    match graph.wait_for_partner(tenant, op).await {
                        Ok(partner) => partner,
                        Err(e) if e.is_cancelled() => created,
                        Err(e) => {
                            report(diags, "confirm the creation of", tenant, &e);
                            return Some(match follow_up_patch(planned) {
                                None => with_computed(planned, Some(&created)),
                                Some(_) => state_from_graph(&created, planned),
                            });
                        }
                    }
                }
            }
            Err(e) => match self
                .create_failed(graph, tenant, planned, op, &e, diags)
                .await
            {
                Ok(adopted) => adopted,
                Err(state) => return state,
            },
        };
        remember(private, &partner);
        let planned = with_computed(planned, Some(&partner));
        let Some(patch) = follow_up_patch(&planned) else {
            return Some(planned);
        };
        let sections: Vec<&str> = SECTIONS
            .iter()
            .filter(|section| patch.0.contains_key(section.graph))
            .map(|section| section.tf)
            .collect();
        if op.cancel.is_cancelled() {
            let why = "Terraform was interrupted (Ctrl-C) right after the create";
            report_follow_up_missing(diags, tenant, &sections, why);
            return Some(state_from_graph(&partner, &planned));
        }
        let write = SectionWrite {
            tenant,
            patch,
            planned: &planned,
            on_refusal: state_from_graph(&partner, &planned),
        };
        let state = patch_and_confirm(graph, write, op, private, diags).await;
        if diags.has_errors() {
            let why = "the update that writes them failed (see the error above)";
            report_follow_up_missing(diags, tenant, &sections, why);
        }
        Some(state)
    }

    /// POST, retrying a 409 while it looks like the lag after a delete of the same partner
    /// (Graph decides that; this process only knows whether it deleted the partner recently).
    async fn post(
        &self,
        graph: &GraphClient,
        body: &Json,
        tenant: &str,
        op: &OpContext,
    ) -> Result<Json, GraphError> {
        let deleted_recently = self.deleted_recently(tenant);
        graph
            .create_partner_after_delete(body, tenant, deleted_recently, op)
            .await
    }

    /// The POST failed. If it may have created the partner anyway, look (or, when Terraform is
    /// stopping, record it as possibly there) rather than lose track of it. `Ok` is the
    /// partner found after all; `Err` the state to return.
    async fn create_failed(
        &self,
        graph: &GraphClient,
        tenant: &str,
        planned: &PartnerModel,
        op: &OpContext,
        e: &GraphError,
        diags: &mut Diagnostics,
    ) -> Result<Json, Option<PartnerModel>> {
        if e.create_may_have_happened() {
            if op.cancel.is_cancelled() {
                report_create_interrupted(diags, tenant, e);
                return Err(Some(with_computed(planned, None)));
            }
            log::warn!(
                "POST for partner {tenant} may have taken effect ({e}); checking whether it exists"
            );
            let check = if op.remaining() > ADOPTION_CHECK_TIME {
                op.clone()
            } else {
                OpContext::with_timeout(ADOPTION_CHECK_TIME, op.cancel.clone())
            };
            if let Ok(Some(partner)) = graph.get_partner(tenant, &check).await {
                log::info!("partner {tenant} exists after all; recording it in state");
                return Ok(partner);
            }
            // Not readable (yet): a 404 right after a create may be replication lag. Keep the
            // partner in state so the next plan reads Graph again instead of losing it.
            report_create_uncertain(diags, tenant, e);
            return Err(Some(with_computed(planned, None)));
        }
        if e.is_conflict() {
            report_already_exists(diags, tenant, e);
        } else {
            report(diags, "create", tenant, e);
        }
        Err(None)
    }
}
