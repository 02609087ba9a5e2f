//! The list resource `azuread_cross_tenant_partner` (`terraform query`): every partner Graph
//! holds, page by page, each sent as soon as its page arrives with the state the resource's
//! read would record (`state_from_graph`), so `-generate-config-out` writes configuration that
//! imports and then plans empty. `config { tenant_ids = [...] }` narrows it to those partners,
//! read together through the coalesced path of refreshes (`graph/coalesce.rs`): one or two are
//! GETs, more share one paged list. A requested tenant with no partner is a warning naming it.

use std::collections::BTreeSet;
use std::time::Duration;

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::Value as Json;

use crate::graph::{GraphClient, GraphError, GraphHandle};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::list::{ListRequest, ListResults};
use crate::plugin::model::{from_value, to_value, Tf};
use crate::plugin::path::AttributePath;
use crate::plugin::schema::{Attribute, Block, LazySchema, Schema};
use crate::plugin::traits::{ListResource, OperationContext};
use crate::plugin::typed::Operation;
use crate::plugin::validators::{custom, is_guid};
use crate::plugin::value::{Type, Value};
use crate::resources::cross_tenant_partner::schema::{self as partner_schema, SECTIONS};
use crate::resources::cross_tenant_partner::state_from_graph;
use crate::resources::cross_tenant_partner::{PartnerModel, TYPE_NAME};
use crate::resources::cross_tenant_sections::SectionModel;
use crate::resources::support::{graph, graph_op, report};

/// How long one `terraform query` may spend reading Graph, throttling included (the resource's
/// own read default).
const LIST_TIMEOUT: Duration = Duration::from_secs(300);

#[derive(Deserialize, Debug, Default)]
struct ListConfig {
    tenant_ids: Tf<Vec<String>>,
}

pub struct CrossTenantPartnerList {
    schema: LazySchema,
    /// The partner resource's schema, whose values the list returns as state.
    resource_schema: LazySchema,
    client: GraphHandle,
}

impl CrossTenantPartnerList {
    pub fn new(client: GraphHandle) -> Self {
        CrossTenantPartnerList {
            schema: LazySchema::new(schema),
            resource_schema: LazySchema::new(partner_schema::schema),
            client,
        }
    }

    /// Sends one Graph partner as the resource's state; `false` once the list should stop.
    async fn send(&self, partner: &Json, results: &mut ListResults) -> bool {
        let model = state_from_graph(partner, &PartnerModel::default());
        let Ok(state) = to_value(&model, self.resource_schema.get().value_type()) else {
            // The model always fits its own schema; a partner that does not is skipped loudly.
            let mut diags = Diagnostics::new();
            diags.warning(
                "Skipped a partner that could not be shown",
                format!("The partner {:?} did not convert into the {TYPE_NAME} schema. Please report this provider bug.", partner.get("tenantId")),
            );
            results.report(diags).await;
            return results.wants_more();
        };
        let name = display_name(&model);
        results.send(name, state).await
    }

    /// Every partner, page by page: a page is shown before the next one is requested, and no
    /// page is requested once Terraform has as many as it asked for. Terraform going away
    /// cancels `op`, which abandons the request in flight.
    async fn list_all(&self, graph: &GraphClient, op: &Operation, results: &mut ListResults) {
        let ctx = graph_op(op);
        let mut pages = graph.partner_pages(&ctx);
        while results.wants_more() {
            match pages.next_page().await {
                Ok(Some(page)) => {
                    for partner in &page {
                        if !self.send(partner, results).await {
                            return;
                        }
                    }
                }
                Ok(None) => return,
                Err(e) => return failed(results, &e).await,
            }
        }
    }

    /// The partners of the requested tenants, in the order given.
    async fn list_some(
        &self,
        graph: &GraphClient,
        op: &Operation,
        tenants: Vec<String>,
        results: &mut ListResults,
    ) {
        // Concurrent reads through the coalesced path: one or two are GETs, more share one
        // paged list (and a tenant missing from it still gets its own GET).
        let ctx = graph_op(op);
        let mut reads = tokio::task::JoinSet::new();
        for (index, tenant) in tenants.into_iter().enumerate() {
            let (graph, ctx) = (graph.clone(), ctx.clone());
            reads.spawn(async move {
                let read = graph.read_partner(&tenant, &ctx).await;
                (index, tenant, read)
            });
        }
        let mut found = Vec::new();
        while let Some(joined) = reads.join_next().await {
            match joined {
                Ok((index, tenant, Ok(partner))) => found.push((index, tenant, partner)),
                Ok((_, _, Err(e))) => return failed(results, &e).await,
                Err(e) => {
                    let mut diags = Diagnostics::new();
                    diags.error(
                        "Internal error while listing",
                        format!("A partner read stopped on an internal error ({e}). Please report this with the output of TF_LOG_PROVIDER=debug."),
                    );
                    return results.report(diags).await;
                }
            }
        }
        found.sort_by_key(|(index, ..)| *index);
        let mut missing = Vec::new();
        for (_, tenant, partner) in found {
            match partner {
                Some(partner) => {
                    if !self.send(&partner, results).await {
                        return;
                    }
                }
                None => missing.push(tenant),
            }
        }
        if !missing.is_empty() {
            let mut diags = Diagnostics::new();
            diags.warning_at(
                AttributePath::attr("tenant_ids"),
                "No partner for some requested tenants",
                format!("Microsoft Graph has no cross-tenant access partner for {}. Check the tenant IDs, or leave `tenant_ids` out to list every partner.", missing.join(", ")),
            );
            results.report(diags).await;
        }
    }
}

/// What `terraform query` shows beside the identity (which already names the tenant): the
/// sections the partner sets itself, or that it inherits every default, and what Graph says
/// it is.
fn display_name(model: &PartnerModel) -> String {
    let mut shown: Vec<&str> = SECTIONS
        .iter()
        .filter(|section| model.section(section.tf).is_some_and(|v| !v.is_null()))
        .map(|section| section.tf)
        .collect();
    if shown.is_empty() {
        shown.push("inherits every default");
    }
    if model.is_service_provider == Tf::Known(true) {
        shown.push("service provider");
    }
    if model.is_in_multi_tenant_organization == Tf::Known(true) {
        shown.push("multitenant organization");
    }
    shown.join(", ")
}

/// A Graph failure ends the query: Terraform then shows none of what was listed.
async fn failed(results: &mut ListResults, e: &GraphError) {
    let mut diags = Diagnostics::new();
    report(
        &mut diags,
        "Could not list cross-tenant access partners; the query shows no results".into(),
        e,
    );
    results.report(diags).await;
}

/// The `config` block: an optional filter.
fn schema() -> Schema {
    let tenant_ids = Attribute::primitive(
        "tenant_ids",
        Type::Set(Box::new(Type::String)),
        "Only list the partners of these tenant IDs (GUIDs). Left out, every partner is listed; an empty set lists none. A tenant without a partner is reported as a warning.",
    )
    .optional()
    .validate(custom(|value, path, diags| {
        for element in value.elements().unwrap_or(&[]) {
            match element.as_str() {
                Some(text) if !is_guid(text) => diags.error_at(
                    path.clone(),
                    "Invalid tenant ID",
                    format!("{path} must hold tenant GUIDs such as 90e29127-71ad-49c7-9ce8-db3f41ea06f1, not {text:?}."),
                ),
                _ => {}
            }
        }
    }));
    Schema::new(0, Block::new(
            "Lists the cross-tenant access partners in Microsoft Graph (`/policies/crossTenantAccessPolicy/partners`, every page), for `terraform query` and `-generate-config-out`.",
            vec![tenant_ids],
        ))
}

#[async_trait]
impl ListResource for CrossTenantPartnerList {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> &Schema {
        self.schema.get()
    }

    async fn list(&self, ctx: &OperationContext, req: ListRequest, results: &mut ListResults) {
        let config: ListConfig = match &req.config {
            Value::Null => ListConfig::default(),
            config => match from_value(config) {
                Ok(config) => config,
                Err(e) => {
                    // Never list everything in place of a filter that could not be read.
                    let mut diags = Diagnostics::new();
                    diags.error_at(
                        AttributePath::attr("tenant_ids"),
                        "Invalid list configuration",
                        format!("The `config` block could not be read ({e}), so nothing was listed. Give tenant_ids as a set of tenant GUIDs, or leave the block out to list every partner."),
                    );
                    return results.report(diags).await;
                }
            },
        };
        let op = Operation {
            cancel: ctx.cancel.clone(),
            timeout: LIST_TIMEOUT,
        };
        let mut diags = Diagnostics::new();
        let Some(graph) = graph(&self.client, &op, &mut diags).await else {
            return results.report(diags).await;
        };
        match config.tenant_ids {
            Tf::Known(tenants) if tenants.is_empty() => {
                let mut diags = Diagnostics::new();
                diags.warning_at(
                    AttributePath::attr("tenant_ids"),
                    "Empty tenant filter",
                    "tenant_ids is an empty set, so no partner is listed. Leave tenant_ids out to list every partner.",
                );
                results.report(diags).await;
            }
            Tf::Known(tenants) => {
                let mut seen = BTreeSet::new();
                let tenants = tenants
                    .into_iter()
                    .filter(|t| seen.insert(t.to_ascii_lowercase()))
                    .collect();
                self.list_some(&graph, &op, tenants, results).await;
            }
            _ => self.list_all(&graph, &op, results).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_display_name_says_what_graph_says_the_partner_is() {
        let plain = state_from_graph(&json!({"tenantId": "t"}), &PartnerModel::default());
        assert_eq!(display_name(&plain), "inherits every default");
        let csp = state_from_graph(
            &json!({"tenantId": "t", "isServiceProvider": true, "inboundTrust": {"isMfaAccepted": true}}),
            &PartnerModel::default(),
        );
        assert_eq!(display_name(&csp), "inbound_trust, service provider");
    }

    #[test]
    fn a_listed_partner_fits_the_resource_schema_and_names_its_identity() {
        let partner = json!({"tenantId": "90E29127-71AD-49C7-9CE8-DB3F41EA06F1", "inboundTrust": {"isMfaAccepted": true}});
        let model = state_from_graph(&partner, &PartnerModel::default());
        let state = to_value(&model, partner_schema::schema().value_type()).expect("fits");
        let identity = partner_schema::identity()
            .from_state(&state)
            .expect("an identity");
        assert_eq!(
            identity.get("tenant_id"),
            Some(&Value::from("90e29127-71ad-49c7-9ce8-db3f41ea06f1"))
        );
    }

    #[test]
    fn tenant_ids_must_be_guids() {
        let schema = schema();
        let config = Value::object([(
            "tenant_ids".to_string(),
            Value::Set(vec![Value::from("contoso.com")]),
        )]);
        let mut diags = Diagnostics::new();
        crate::plugin::validators::validate_block(&schema.block, &config, &mut diags);
        assert!(diags.has_errors());
        let shown = format!("{:?}", diags.iter().next());
        assert!(shown.contains("contoso.com"), "{shown}");
    }
}
