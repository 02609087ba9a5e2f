//! Cross-tenant access partner calls: `/policies/crossTenantAccessPolicy/partners[/{tenantId}]`.
//!
//! Bodies stay `serde_json::Value` here; the typed model and conversion live in `resources/`.

use reqwest::Method;
use serde_json::Value;
use tokio::time::Instant;

use super::client::{cancelled, timeout, GraphClient};
use super::context::OpContext;
use super::error::GraphError;
use super::exchange::{GraphRequest, GraphResponse};

const POLICIES: &str = "policies";
const POLICY: &str = "crossTenantAccessPolicy";
const PARTNERS: &str = "partners";
const IDENTITY_SYNC: &str = "identitySynchronization";

impl GraphClient {
    /// `POST .../partners`; Graph answers 201 with the new partner.
    pub async fn create_partner(&self, body: &Value, ctx: &OpContext) -> Result<Value, GraphError> {
        let request = GraphRequest {
            method: Method::POST,
            segments: &[POLICIES, POLICY, PARTNERS],
            body: Some(body),
            pass_through: &[],
        };
        let response = self.send(request, ctx).await?;
        // Any 2xx means the partner was created. The caller reads it back anyway, so an odd
        // status or body must not turn a successful create into a reported failure.
        if response.status != 201 {
            log::warn!(
                "graph: POST partners answered {} instead of 201; treating it as created",
                response.status
            );
        }
        Ok(response.json().unwrap_or(Value::Null))
    }

    /// `GET .../partners/{tenantId}`; `None` when Graph says 404.
    pub async fn get_partner(
        &self,
        tenant_id: &str,
        ctx: &OpContext,
    ) -> Result<Option<Value>, GraphError> {
        self.get_optional(&[POLICIES, POLICY, PARTNERS, tenant_id], ctx)
            .await
    }

    /// `GET` of an object that may not exist: `None` when Graph says 404.
    async fn get_optional(
        &self,
        segments: &[&str],
        ctx: &OpContext,
    ) -> Result<Option<Value>, GraphError> {
        let request = GraphRequest {
            method: Method::GET,
            segments,
            body: None,
            pass_through: &[404],
        };
        let response = self.send(request, ctx).await?;
        if response.status == 404 {
            return Ok(None);
        }
        expect_status(&response, &[200], "200 OK")?;
        response.json().map(Some)
    }

    /// Reads a partner right after its 201, treating 404 as replication lag: polls with
    /// backoff until Graph shows it, or the deadline passes (a Timeout carrying the 404).
    pub async fn wait_for_partner(
        &self,
        tenant_id: &str,
        ctx: &OpContext,
    ) -> Result<Value, GraphError> {
        let operation = format!("waiting for partner {tenant_id} to become readable");
        let mut polls = 0u32;
        let mut last_not_found: Option<GraphError> = None;
        loop {
            polls += 1;
            let request = GraphRequest {
                method: Method::GET,
                segments: &[POLICIES, POLICY, PARTNERS, tenant_id],
                body: None,
                pass_through: &[],
            };
            let not_found = match self.send(request, ctx).await {
                Ok(response) => {
                    expect_status(&response, &[200], "200 OK")?;
                    return response.json();
                }
                Err(error) if error.is_not_found() => error,
                // The deadline cut a read short: report the lag we saw, not the cut.
                Err(error) if error.is_timeout() && last_not_found.is_some() => {
                    return Err(timeout(&operation, polls, last_not_found));
                }
                Err(error) => return Err(error),
            };
            let wait = self.retry_policy().poll_delay(polls);
            if Instant::now() + wait >= ctx.deadline {
                return Err(timeout(&operation, polls, Some(not_found)));
            }
            last_not_found = Some(not_found);
            log::debug!(
                "graph: partner {tenant_id} not readable yet (replication lag), polling again in {} ms",
                wait.as_millis()
            );
            if !ctx.pause(wait).await {
                return Err(cancelled(&operation, false));
            }
        }
    }

    /// `PATCH .../partners/{tenantId}`; success is 204 (a 200 is tolerated). Returns Graph's
    /// request-id for the PATCH, for messages about what followed it.
    pub async fn update_partner(
        &self,
        tenant_id: &str,
        patch: &Value,
        ctx: &OpContext,
    ) -> Result<String, GraphError> {
        let request = GraphRequest {
            method: Method::PATCH,
            segments: &[POLICIES, POLICY, PARTNERS, tenant_id],
            body: Some(patch),
            pass_through: &[],
        };
        let response = self.send(request, ctx).await?;
        expect_status(&response, &[204, 200], "204 No Content")?;
        Ok(response.request_id().to_owned())
    }

    /// Reads the partner until `settled` accepts what Graph shows (reads are eventually
    /// consistent after a write) or the deadline is near. A 404 counts as not settled.
    pub async fn poll_partner_until(
        &self,
        tenant_id: &str,
        ctx: &OpContext,
        settled: impl Fn(&Value) -> bool,
    ) -> Result<PartnerPoll, GraphError> {
        let operation = format!("reading back partner {tenant_id}");
        let mut poll = PartnerPoll {
            last: None,
            settled: false,
            reads: 0,
        };
        loop {
            match self.get_partner(tenant_id, ctx).await {
                Ok(found) => {
                    poll.reads += 1;
                    poll.settled = found.as_ref().is_some_and(&settled);
                    poll.last = found;
                    if poll.settled {
                        return Ok(poll);
                    }
                }
                // The deadline cut a read short: report what the earlier reads saw.
                Err(error) if error.is_timeout() && poll.reads > 0 => return Ok(poll),
                Err(error) => return Err(error),
            }
            let wait = self.retry_policy().poll_delay(poll.reads);
            if Instant::now() + wait >= ctx.deadline {
                return Ok(poll);
            }
            log::debug!(
                "graph: partner {tenant_id} does not show the change yet, reading again in {} ms",
                wait.as_millis()
            );
            if !ctx.pause(wait).await {
                return Err(cancelled(&operation, false));
            }
        }
    }

    /// The partner's cross-tenant synchronization policy, if it has one (404 = none). Graph
    /// refuses to delete a partner while this child exists.
    pub async fn get_identity_sync(
        &self,
        tenant_id: &str,
        ctx: &OpContext,
    ) -> Result<Option<Value>, GraphError> {
        self.get_optional(&[POLICIES, POLICY, PARTNERS, tenant_id, IDENTITY_SYNC], ctx)
            .await
    }

    /// `DELETE .../partners/{tenantId}`; `true` when deleted, `false` when it was already gone.
    pub async fn delete_partner(
        &self,
        tenant_id: &str,
        ctx: &OpContext,
    ) -> Result<bool, GraphError> {
        let request = GraphRequest {
            method: Method::DELETE,
            segments: &[POLICIES, POLICY, PARTNERS, tenant_id],
            body: None,
            pass_through: &[404],
        };
        let response = self.send(request, ctx).await?;
        if response.status == 404 {
            return Ok(false);
        }
        expect_status(&response, &[204, 200], "204 No Content")?;
        Ok(true)
    }
}

/// What [`GraphClient::poll_partner_until`] saw.
#[derive(Debug)]
pub struct PartnerPoll {
    /// The last read: `None` when it was a 404.
    pub last: Option<Value>,
    /// Whether the last read satisfied the condition.
    pub settled: bool,
    /// How many reads completed.
    pub reads: u32,
}

/// A success status other than the documented one means we misunderstand Graph: say so.
fn expect_status(
    response: &GraphResponse,
    accepted: &[u16],
    documented: &str,
) -> Result<(), GraphError> {
    if accepted.contains(&response.status) {
        Ok(())
    } else {
        Err(GraphError::InvalidResponse {
            method: response.method.to_string(),
            path: response.path.clone(),
            status: response.status,
            detail: format!("expected {documented}"),
        })
    }
}
