//! Cross-tenant access partner calls: `/policies/crossTenantAccessPolicy/partners[/{tenantId}]`,
//! thin wrappers over the endpoint layer.
//!
//! Bodies stay `serde_json::Value` here; the typed model and conversion live in `resources/`.

use serde_json::Value;

use super::client::GraphClient;
use super::context::OpContext;
use super::cross_tenant::{IDENTITY_SYNC, PARTNERS};
use super::error::GraphError;
use super::read_back::ReadBack;

/// What [`GraphClient::poll_partner_until`] saw.
pub type PartnerPoll = ReadBack;

impl GraphClient {
    /// `POST .../partners`; Graph answers 201 with the new partner.
    pub async fn create_partner(&self, body: &Value, ctx: &OpContext) -> Result<Value, GraphError> {
        self.create(&PARTNERS, body, ctx).await
    }

    /// `GET .../partners`, every page.
    pub async fn list_partners(&self, ctx: &OpContext) -> Result<Vec<Value>, GraphError> {
        self.list(&PARTNERS, ctx).await
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
        self.patch(&PARTNERS.item(tenant_id), patch, ctx).await
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
        self.delete(&PARTNERS.item(tenant_id), ctx).await
    }
}
