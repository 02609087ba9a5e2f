//! `azuread_cross_tenant_partner`: the CRUD and import handlers. Schema, conversion, plan and
//! validation live beside this file; this one turns them into Graph calls and diagnostics.

mod convert;
mod plan;
pub mod schema;
mod validate;
mod verify;

pub use convert::{create_body, partner_patch, PartnerPatch};
pub use validate::{is_guid, parse_duration};

use crate::graph::{GraphClient, GraphError, OpContext, PartnerPoll, RetryPolicy};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::path::AttributePath;
use crate::plugin::schema::Schema;
use crate::plugin::traits::{ApplyRequest, OperationContext, PlanRequest, PlanResponse, Resource};
use crate::plugin::value::Value;
use crate::provider::ConfiguredClient;
use async_trait::async_trait;
use convert::attr;
use schema::{Section, SECTIONS, TIMEOUT_OPERATIONS};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

pub const TYPE_NAME: &str = "azuread_cross_tenant_partner";
const PATH_PREFIX: &str = "/policies/crossTenantAccessPolicy/partners/";
/// How long after this process deleted a partner a 409 on re-creating it counts as
/// replication lag rather than "already exists".
const DELETE_CONFLICT_WINDOW: Duration = Duration::from_secs(300);
/// Time allowed for the GET that checks whether an uncertain POST created the partner.
const ADOPTION_CHECK_TIME: Duration = Duration::from_secs(15);

pub struct CrossTenantPartner {
    schema: Schema,
    client: ConfiguredClient,
    recently_deleted: Mutex<HashMap<String, Instant>>,
}

impl CrossTenantPartner {
    pub fn new(client: ConfiguredClient) -> Self {
        CrossTenantPartner {
            schema: schema::schema(),
            client,
            recently_deleted: Mutex::new(HashMap::new()),
        }
    }

    async fn graph(&self, diags: &mut Diagnostics) -> Option<GraphClient> {
        match self.client.get().await {
            Ok(client) => Some(client),
            Err(detail) => {
                diags.error("Provider not ready", detail);
                None
            }
        }
    }

    fn op(&self, ctx: &OperationContext, state: &Value, operation: &str) -> OpContext {
        let default = TIMEOUT_OPERATIONS
            .iter()
            .find(|(op, _)| *op == operation)
            .map(|(_, d)| *d)
            .unwrap_or("10m");
        let configured = attr(attr(state, "timeouts"), operation).as_str();
        let timeout = configured
            .and_then(|t| parse_duration(t).ok())
            .or_else(|| parse_duration(default).ok())
            .unwrap_or(Duration::from_secs(600));
        OpContext::with_timeout(timeout, ctx.cancel.clone())
    }

    fn deleted_recently(&self, tenant: &str) -> bool {
        let key = tenant.to_ascii_lowercase();
        let mut map = self
            .recently_deleted
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        map.retain(|_, at| at.elapsed() < DELETE_CONFLICT_WINDOW);
        map.contains_key(&key)
    }

    /// Whether a 409 on create is Graph still finishing a delete of the same partner: this
    /// process deleted it moments ago, or Graph cannot read it (so it does not exist for us).
    async fn conflict_is_delete_lag(
        &self,
        graph: &GraphClient,
        tenant: &str,
        op: &OpContext,
    ) -> bool {
        self.deleted_recently(tenant) || matches!(graph.get_partner(tenant, op).await, Ok(None))
    }

    /// POST, retrying a 409 while it looks like the lag after a delete of the same partner.
    async fn post(
        &self,
        graph: &GraphClient,
        body: &serde_json::Value,
        tenant: &str,
        op: &OpContext,
    ) -> Result<serde_json::Value, GraphError> {
        let policy = RetryPolicy::default();
        let mut attempt = 0;
        loop {
            match graph.create_partner(body, op).await {
                Err(e)
                    if e.is_conflict() && self.conflict_is_delete_lag(graph, tenant, op).await =>
                {
                    attempt += 1;
                    let wait = policy.poll_delay(attempt);
                    if Instant::now() + wait >= op.deadline {
                        return Err(e);
                    }
                    log::debug!("409 creating partner {tenant}, which was deleted moments ago; retrying in {wait:?}");
                    tokio::select! {
                        _ = op.cancel.cancelled() => return Err(e),
                        _ = tokio::time::sleep(wait) => {}
                    }
                }
                other => return other,
            }
        }
    }
}

/// Builds the full state from a Graph partner object; `base` supplies what Graph does not hold
/// (the configured tenant ID spelling and the timeouts).
fn state_from_graph(partner: &serde_json::Value, base: &Value) -> Value {
    let mut state: BTreeMap<String, Value> = convert::sections_from_graph(partner, base);
    let tenant = attr(base, "tenant_id").clone();
    state.insert("id".into(), attr(base, "id").clone());
    state.insert("tenant_id".into(), tenant);
    state.insert(
        "is_service_provider".into(),
        graph_bool(partner, "isServiceProvider"),
    );
    state.insert(
        "is_in_multi_tenant_organization".into(),
        graph_bool(partner, "isInMultiTenantOrganization"),
    );
    state.insert("timeouts".into(), attr(base, "timeouts").clone());
    Value::Object(state)
}

/// Graph reports these as null on a fresh partner; state shows that as `false`.
fn graph_bool(partner: &serde_json::Value, name: &str) -> Value {
    Value::Bool(
        partner
            .get(name)
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false),
    )
}

/// Adds computed values to a planned state without touching what the user configured.
fn with_computed(planned: &Value, partner: Option<&serde_json::Value>) -> Value {
    let mut state = match planned {
        Value::Object(m) => m.clone(),
        _ => BTreeMap::new(),
    };
    let empty = serde_json::Value::Null;
    let partner = partner.unwrap_or(&empty);
    for (attr_name, graph_name) in [
        ("is_service_provider", "isServiceProvider"),
        (
            "is_in_multi_tenant_organization",
            "isInMultiTenantOrganization",
        ),
    ] {
        // Only values the plan left unknown are filled in: a known planned value must come
        // back unchanged, or Terraform reports an inconsistent result after apply.
        if state.get(attr_name).is_none_or(Value::is_unknown) {
            state.insert(attr_name.into(), graph_bool(partner, graph_name));
        }
    }
    if attr(planned, "id").is_unknown() {
        state.insert("id".into(), attr(planned, "tenant_id").clone());
    }
    Value::Object(state)
}

fn report(diags: &mut Diagnostics, action: &str, tenant: &str, e: &GraphError) {
    let advice = if e.is_cancelled() {
        "Terraform asked the provider to stop (Ctrl-C); the operation was abandoned.".to_string()
    } else if e.is_timeout() {
        "Increase the matching timeouts value on the resource if Graph is slow or throttling, then run again.".to_string()
    } else if matches!(e, GraphError::Auth { .. }) {
        "No access token could be obtained: check the credentials of the sign-in method named above (provider block or ARM_* variables).".to_string()
    } else {
        match e.status() {
            Some(401) => "Graph refused the access token: check that the credentials belong to the tenant being managed (tenant_id / ARM_TENANT_ID) and to the selected cloud (environment).".into(),
            Some(403) => "The identity needs the Microsoft Graph application permission Policy.ReadWrite.CrossTenantAccess (admin consent), or the Security Administrator role for delegated use.".into(),
            Some(400) => "Graph rejected the request body; the message names the property. Sections newer than your cloud supports (e.g. tenant_restrictions in national clouds) are a common cause.".into(),
            _ => "If the problem persists, quote the request-id when contacting Microsoft support.".into(),
        }
    };
    diags.error(
        format!("Could not {action} cross-tenant access partner {tenant}"),
        format!("{e}\n\n{advice}"),
    );
}

/// Graph accepted the PATCH but kept showing other values for some sections until the deadline.
fn report_not_applied(
    diags: &mut Diagnostics,
    tenant: &str,
    request_id: &str,
    sections: &[&str],
    poll: &PartnerPoll,
) {
    let seen = if poll.last.is_some() {
        "still showed a different value"
    } else {
        "could not find the partner"
    };
    for section in sections {
        diags.error_at(
            AttributePath::attr(section),
            format!("Graph did not apply the change to {section}"),
            format!(
                "Graph accepted the update of cross-tenant access partner {tenant} (PATCH answered \
                 204, request-id: {request_id}), but after {} read(s) within the update timeout \
                 it {seen} for {section}. The state now records what Graph holds, so the next \
                 plan shows the difference again. Run apply again, or raise timeouts.update if \
                 Graph is slow to show changes; if it persists, quote the request-id to \
                 Microsoft support.",
                poll.reads
            ),
        );
    }
}

/// The delete failed because the partner still has a cross-tenant synchronization policy.
fn report_sync_policy(
    diags: &mut Diagnostics,
    tenant: &str,
    policy: &serde_json::Value,
    e: &GraphError,
) {
    let name = policy
        .get("displayName")
        .and_then(|name| name.as_str())
        .map(|name| format!(" ({name:?})"))
        .unwrap_or_default();
    diags.error(
        format!("Could not delete cross-tenant access partner {tenant}: it has a cross-tenant synchronization policy"),
        format!(
            "{e}\n\nThis partner has an identitySynchronization policy{name}, and Graph refuses to \
             delete a partner while it exists. Delete that policy first (Entra admin center: \
             Cross-tenant synchronization, or DELETE {PATH_PREFIX}{tenant}/identitySynchronization), \
             then run the destroy again. The partner stays in the Terraform state until then."
        ),
    );
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
        validate::validate(config, diags);
    }

    fn plan(&self, req: PlanRequest, _diags: &mut Diagnostics) -> PlanResponse {
        plan::plan(req)
    }

    async fn read(&self, ctx: &OperationContext, state: Value, diags: &mut Diagnostics) -> Value {
        let Some(graph) = self.graph(diags).await else {
            return state;
        };
        let Some(tenant) = attr(&state, "id")
            .as_str()
            .or(attr(&state, "tenant_id").as_str())
            .map(str::to_owned)
        else {
            diags.error("State has no tenant ID", "The stored state lacks id and tenant_id. Remove it with `terraform state rm` and import the partner again.");
            return state;
        };
        let op = self.op(ctx, &state, "read");
        match graph.get_partner(&tenant, &op).await {
            Ok(Some(partner)) => state_from_graph(&partner, &state),
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
        diags: &mut Diagnostics,
    ) -> Value {
        let Some(graph) = self.graph(diags).await else {
            return Value::Null;
        };
        let planned = req.planned_state;
        let tenant = attr(&planned, "tenant_id")
            .as_str()
            .unwrap_or_default()
            .to_string();
        let op = self.op(ctx, &planned, "create");
        let body = create_body(&tenant, &planned);
        let posted = self.post(&graph, &body, &tenant, &op).await;
        if let Err(e) = &posted {
            if e.create_may_have_happened() && !ctx.cancel.is_cancelled() {
                // The POST may have created the partner although we saw no success. Look
                // before reporting failure, so Terraform does not lose track of the object.
                log::warn!("POST for partner {tenant} may have taken effect ({e}); checking whether it exists");
                let check = if op.remaining() > ADOPTION_CHECK_TIME {
                    op.clone()
                } else {
                    OpContext::with_timeout(ADOPTION_CHECK_TIME, ctx.cancel.clone())
                };
                if let Ok(Some(partner)) = graph.get_partner(&tenant, &check).await {
                    log::info!("partner {tenant} exists after all; recording it in state");
                    return with_computed(&planned, Some(&partner));
                }
            }
        }
        if let Err(e) = posted {
            if e.is_conflict() {
                // After a retried POST, the 409 may be our own earlier attempt having worked
                // although Graph answered it with an error. Taking over an existing partner
                // silently could hijack someone else's settings, so say so and let the user import.
                let retried = if e.attempts() > 1 {
                    "\n\nAn earlier attempt of this create failed with a server error and may have created it; if this partner is the one you are creating, import it."
                } else {
                    ""
                };
                diags.error(
                    format!("Cross-tenant access partner {tenant} already exists"),
                    format!("{e}\n\nA partner configuration for this tenant already exists in Microsoft Entra. To manage it with Terraform, import it:\n\n  terraform import <resource address> {tenant}\n\nor add to your configuration:\n\n  import {{\n    to = <resource address>\n    id = \"{tenant}\"\n  }}{retried}"),
                );
            } else {
                report(diags, "create", &tenant, &e);
            }
            return Value::Null;
        }
        // The object exists from here on: always return its state so Terraform tracks it.
        match graph.wait_for_partner(&tenant, &op).await {
            Ok(partner) => with_computed(&planned, Some(&partner)),
            Err(e) => {
                report(diags, "confirm the creation of", &tenant, &e);
                with_computed(&planned, None)
            }
        }
    }

    async fn update(
        &self,
        ctx: &OperationContext,
        req: ApplyRequest,
        diags: &mut Diagnostics,
    ) -> Value {
        let Some(graph) = self.graph(diags).await else {
            return req.prior_state;
        };
        let tenant = attr(&req.prior_state, "id")
            .as_str()
            .unwrap_or_default()
            .to_string();
        let op = self.op(ctx, &req.planned_state, "update");
        let Some(patch) = partner_patch(&req.prior_state, &req.planned_state) else {
            return with_computed(&req.planned_state, None);
        };
        let changed: Vec<&'static Section> = SECTIONS
            .iter()
            .filter(|section| patch.0.contains_key(section.graph))
            .collect();
        let request_id = match graph.update_partner(&tenant, &patch.into_json(), &op).await {
            Ok(request_id) => request_id,
            Err(e) => {
                report(diags, "update", &tenant, &e);
                return req.prior_state;
            }
        };
        let planned = &req.planned_state;
        let shows_plan = |partner: &serde_json::Value| {
            verify::sections_not_applied(partner, planned, &changed).is_empty()
        };
        match graph.poll_partner_until(&tenant, &op, shows_plan).await {
            Ok(PartnerPoll {
                last: Some(partner),
                settled: true,
                ..
            }) => with_computed(planned, Some(&partner)),
            Ok(poll) => {
                let not_applied = match &poll.last {
                    Some(partner) => verify::sections_not_applied(partner, planned, &changed),
                    None => changed.iter().map(|section| section.tf).collect(),
                };
                report_not_applied(diags, &tenant, &request_id, &not_applied, &poll);
                // Record what Graph holds, so the next plan shows what is still missing.
                match &poll.last {
                    Some(partner) => state_from_graph(partner, planned),
                    None => req.prior_state,
                }
            }
            Err(e) => {
                // The PATCH was accepted; only the confirmation failed. Keep the plan.
                log::warn!("read-back after updating partner {tenant} failed: {e}");
                with_computed(planned, None)
            }
        }
    }

    async fn delete(&self, ctx: &OperationContext, prior_state: Value, diags: &mut Diagnostics) {
        let Some(graph) = self.graph(diags).await else {
            return;
        };
        let tenant = attr(&prior_state, "id")
            .as_str()
            .unwrap_or_default()
            .to_string();
        let op = self.op(ctx, &prior_state, "delete");
        match graph.delete_partner(&tenant, &op).await {
            Ok(existed) => {
                if !existed {
                    log::info!("partner {tenant} was already gone");
                }
                let mut map = self
                    .recently_deleted
                    .lock()
                    .unwrap_or_else(|p| p.into_inner());
                map.insert(tenant.to_ascii_lowercase(), Instant::now());
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
        let mut state: BTreeMap<String, Value> = self
            .schema
            .block
            .attributes
            .iter()
            .map(|a| (a.name.clone(), Value::Null))
            .collect();
        state.insert("id".into(), Value::String(tenant.clone()));
        state.insert("tenant_id".into(), Value::String(tenant));
        Value::Object(state)
    }
}

/// Accepts a bare tenant GUID or the Graph path `/policies/crossTenantAccessPolicy/partners/{id}`.
pub fn parse_import_id(id: &str) -> Option<String> {
    let id = id.trim();
    let tenant = match id.get(..PATH_PREFIX.len()) {
        Some(prefix) if prefix.eq_ignore_ascii_case(PATH_PREFIX) => {
            id[PATH_PREFIX.len()..].trim_end_matches('/')
        }
        _ => id,
    };
    is_guid(tenant).then(|| tenant.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids() {
        let t = "90e29127-71ad-49c7-9ce8-db3f41ea06f1";
        assert_eq!(parse_import_id(t).as_deref(), Some(t));
        assert_eq!(
            parse_import_id(&format!("/policies/crossTenantAccessPolicy/partners/{t}")).as_deref(),
            Some(t)
        );
        assert_eq!(
            parse_import_id(&format!("/Policies/CrossTenantAccessPolicy/Partners/{t}/")).as_deref(),
            Some(t)
        );
        for bad in [
            "",
            "/",
            "contoso.com",
            "/policies/crossTenantAccessPolicy/partners/",
            "/x/y/z",
            "ééé",
            "/policies/crossTenantAccessPolicy/partners/a/b",
        ] {
            assert_eq!(parse_import_id(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn computed_values_fill_in_without_touching_configuration() {
        let planned = Value::object([
            ("id", Value::unknown()),
            ("tenant_id", Value::String("T".into())),
            ("is_service_provider", Value::unknown()),
            ("is_in_multi_tenant_organization", Value::unknown()),
        ]);
        let partner =
            serde_json::json!({"isServiceProvider": null, "isInMultiTenantOrganization": true});
        let state = with_computed(&planned, Some(&partner));
        assert_eq!(attr(&state, "id"), &Value::String("T".into()));
        assert_eq!(attr(&state, "is_service_provider"), &Value::Bool(false));
        assert_eq!(
            attr(&state, "is_in_multi_tenant_organization"),
            &Value::Bool(true)
        );
        assert!(state.is_wholly_known());
    }
}
