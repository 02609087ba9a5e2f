//! Cross-tenant access partner calls: `/policies/crossTenantAccessPolicy/partners[/{tenantId}]`,
//! thin wrappers over the endpoint layer, plus the partner-specific rules: a 409 on create
//! right after a delete of the same partner is Graph still finishing that delete, and refresh
//! reads are coalesced into one list when many arrive together (`read_partner`, `coalesce.rs`),
//! which every partner write here invalidates.
//!
//! Bodies stay `serde_json::Value` here; the typed model and conversion live in `resources/`.

use serde_json::Value;
use tokio::time::Instant;

use super::client::{cancelled, GraphClient};
use super::context::OpContext;
use super::cross_tenant::{IDENTITY_SYNC, PARTNERS};
use super::error::GraphError;
use super::pager::Pager;
use super::read_back::ReadBack;

/// What [`GraphClient::poll_partner_until`] saw.
pub type PartnerPoll = ReadBack;

impl GraphClient {
    /// `POST .../partners`; Graph answers 201 with the new partner. Like every partner write,
    /// it drops what coalesced reads listed (before, and again once Graph has answered).
    pub async fn create_partner(&self, body: &Value, ctx: &OpContext) -> Result<Value, GraphError> {
        self.partner_reads().invalidate();
        let created = self.create(&PARTNERS, body, ctx).await;
        self.partner_reads().invalidate();
        created
    }

    /// [`Self::create_partner`], retrying a 409 while it looks like Graph is still finishing a
    /// delete of the same partner: `deleted_recently` (the caller deleted it moments ago), or
    /// Graph cannot read it (so it does not exist for us). Any other 409 is returned as is, and
    /// so is the last 409 once the deadline is near or Terraform cancels the wait.
    pub async fn create_partner_after_delete(
        &self,
        body: &Value,
        tenant_id: &str,
        deleted_recently: bool,
        ctx: &OpContext,
    ) -> Result<Value, GraphError> {
        let mut attempt = 0;
        loop {
            let conflict = match self.create_partner(body, ctx).await {
                Err(error) if error.is_conflict() => error,
                other => return other,
            };
            if !deleted_recently && !matches!(self.get_partner(tenant_id, ctx).await, Ok(None)) {
                return Err(conflict);
            }
            attempt += 1;
            let wait = self.retry_policy().poll_delay(attempt);
            if Instant::now() + wait >= ctx.deadline {
                return Err(conflict);
            }
            log::debug!(
                "graph: 409 creating partner {tenant_id}, which was deleted moments ago; retrying in {wait:?}"
            );
            if !ctx.pause(wait).await {
                // Stopped while waiting out the lag: nothing was created, and this is no
                // "already exists".
                return Err(cancelled(&format!("creating partner {tenant_id}"), false));
            }
        }
    }

    /// `GET .../partners`, every page.
    pub async fn list_partners(&self, ctx: &OpContext) -> Result<Vec<Value>, GraphError> {
        self.list(&PARTNERS, ctx).await
    }

    /// `GET .../partners`, one page per [`Pager::next_page`] call (`terraform query` shows
    /// each before asking for the next).
    pub fn partner_pages<'a>(&'a self, ctx: &'a OpContext) -> Pager<'a> {
        self.pages(&PARTNERS, ctx)
    }

    /// A partner as a refresh reads it (`None` = 404): with its own GET, or from one shared
    /// list of all partners when many reads arrive together (`coalesce.rs` has the rule). A
    /// partner absent from the list is read with its own GET, so a 404 still decides.
    pub async fn read_partner(
        &self,
        tenant_id: &str,
        ctx: &OpContext,
    ) -> Result<Option<Value>, GraphError> {
        let lister = self.clone();
        self.partner_reads()
            .read(
                tenant_id,
                ctx,
                || self.get_partner(tenant_id, ctx),
                move |budget| async move { lister.list_partners(&budget).await },
            )
            .await
    }

    /// `GET .../partners/{tenantId}`; `None` when Graph says 404.
    pub async fn get_partner(
        &self,
        tenant_id: &str,
        ctx: &OpContext,
    ) -> Result<Option<Value>, GraphError> {
        self.get(&PARTNERS.item(tenant_id), ctx).await
    }

    /// Reads a partner right after its 201, treating 404 as replication lag: polls with
    /// backoff until Graph shows it, or the deadline passes (a Timeout carrying the 404).
    pub async fn wait_for_partner(
        &self,
        tenant_id: &str,
        ctx: &OpContext,
    ) -> Result<Value, GraphError> {
        self.wait_until_exists(&PARTNERS.item(tenant_id), ctx).await
    }

    /// `PATCH .../partners/{tenantId}`; success is 204 (a 200 is tolerated). Returns Graph's
    /// request-id for the PATCH, for messages about what followed it.
    pub async fn update_partner(
        &self,
        tenant_id: &str,
        patch: &Value,
        ctx: &OpContext,
    ) -> Result<String, GraphError> {
        self.partner_reads().invalidate();
        let patched = self.patch(&PARTNERS.item(tenant_id), patch, ctx).await;
        self.partner_reads().invalidate();
        patched
    }

    /// Reads the partner until `settled` accepts what Graph shows (reads are eventually
    /// consistent after a write) or the deadline is near. A 404 counts as not settled.
    pub async fn poll_partner_until(
        &self,
        tenant_id: &str,
        ctx: &OpContext,
        settled: impl Fn(&Value) -> bool,
    ) -> Result<PartnerPoll, GraphError> {
        self.poll_until(&PARTNERS.item(tenant_id), ctx, settled)
            .await
    }

    /// The partner's cross-tenant synchronization policy, if it has one (404 = none). Graph
    /// refuses to delete a partner while this child exists.
    pub async fn get_identity_sync(
        &self,
        tenant_id: &str,
        ctx: &OpContext,
    ) -> Result<Option<Value>, GraphError> {
        self.get(&IDENTITY_SYNC.below(&PARTNERS.item(tenant_id)), ctx)
            .await
    }

    /// `DELETE .../partners/{tenantId}`; `true` when deleted, `false` when it was already gone.
    pub async fn delete_partner(
        &self,
        tenant_id: &str,
        ctx: &OpContext,
    ) -> Result<bool, GraphError> {
        self.partner_reads().invalidate();
        let deleted = self.delete(&PARTNERS.item(tenant_id), ctx).await;
        self.partner_reads().invalidate();
        deleted
    }
}
