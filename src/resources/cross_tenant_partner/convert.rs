//! The partner's Graph mapping: the POST body, the PATCH that completes a create and the PATCH
//! of an update, over the shared section mapping (`cross_tenant_sections`), which turns
//! Graph's JSON back into the model. No I/O here; everything is unit-tested.

pub use crate::resources::cross_tenant_sections::convert::*;
pub use crate::resources::cross_tenant_sections::SectionPatch as PartnerPatch;

use super::model::PartnerModel;
#[cfg(test)]
use crate::resources::cross_tenant_sections::{Section, SectionModel, SECTIONS};
use serde_json::{Map, Value as Json};

/// `POST` body: the tenant ID and every configured section Microsoft's create table lists.
/// Unset sections are left out so they inherit the default (and so clouds that lack newer
/// properties are not sent them); update-only sections follow in [`follow_up_patch`].
pub fn create_body(tenant_id: &str, planned: &PartnerModel) -> Json {
    let mut body = Map::new();
    body.insert("tenantId".into(), Json::String(tenant_id.to_string()));
    for (section, value) in sections(planned).filter(|(s, _)| s.on_create) {
        if !value.is_null() {
            body.insert(section.graph.into(), section_to_graph(section, value));
        }
    }
    Json::Object(body)
}

/// The PATCH that completes a create: the configured sections documented for update only
/// (`tenantRestrictions`, `appServiceConnectInbound`, `m365Collaboration*`). `None` when none
/// is configured, so a create costs a single write.
pub fn follow_up_patch(planned: &PartnerModel) -> Option<PartnerPatch> {
    let body: Map<String, Json> = sections(planned)
        .filter(|(section, value)| !section.on_create && !value.is_null())
        .map(|(section, value)| (section.graph.to_string(), section_to_graph(section, value)))
        .collect();
    (!body.is_empty()).then_some(PartnerPatch(body))
}

/// Returns `None` when no section changed (then no request is needed).
pub fn partner_patch(prior: &PartnerModel, planned: &PartnerModel) -> Option<PartnerPatch> {
    changed_sections(prior, planned)
}

#[cfg(test)]
#[path = "convert_tests.rs"]
mod tests;
