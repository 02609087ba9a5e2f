//! The traits a provider, its resources, data sources and list resources implement, and the typed requests they receive.
//!
//! Values arrive decoded against the schema; handlers report problems through [`Diagnostics`]
//! and observe [`OperationContext::cancel`], which StopProvider triggers.

use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::identity::IdentitySchema;
use crate::plugin::list::{ListRequest, ListResults};
use crate::plugin::path::AttributePath;
use crate::plugin::private::PrivateState;
use crate::plugin::schema::Schema;
use crate::plugin::value::Value;
use async_trait::async_trait;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// What every operation can observe: cancellation requested by Terraform (StopProvider).
#[derive(Clone, Debug, Default)]
pub struct OperationContext {
    pub cancel: CancellationToken,
}

/// PlanResourceChange input. `prior_state` is Null on create; `proposed_new_state` is Null on destroy.
#[derive(Clone, Debug)]
pub struct PlanRequest {
    pub prior_state: Value,
    pub proposed_new_state: Value,
    pub config: Value,
}

#[derive(Clone, Debug)]
pub struct PlanResponse {
    pub planned_state: Value,
    pub requires_replace: Vec<AttributePath>,
}

/// ApplyResourceChange input for create and update.
#[derive(Clone, Debug)]
pub struct ApplyRequest {
    pub prior_state: Value,
    pub planned_state: Value,
    pub config: Value,
}

/// MoveResourceState input: the state of another resource type, possibly of another provider,
/// that a `moved { from = ... to = ... }` block brings to this one (Terraform 1.8+).
#[derive(Clone, Debug)]
pub struct MoveStateRequest {
    /// e.g. `registry.terraform.io/microsoft/msgraph`.
    pub source_provider: String,
    /// e.g. `msgraph_resource`.
    pub source_type: String,
    pub source_schema_version: i64,
    /// The source's state as Terraform stores it (JSON, the source provider's schema).
    pub source_state: serde_json::Value,
}

#[async_trait]
pub trait Resource: Send + Sync + 'static {
    /// The resource type name, e.g. `example_widget`.
    fn type_name(&self) -> &'static str;

    fn schema(&self) -> &Schema;

    /// The state attributes that identify the remote object (resource identity), if any.
    /// Terraform 1.12+ stores the identity and can import by it; see [`IdentitySchema`].
    fn identity_schema(&self) -> Option<&IdentitySchema> {
        None
    }

    /// Static checks on configuration. Values may be unknown; unknown values must pass.
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Refreshes state from the remote system. Returning `Value::Null` removes the resource.
    /// `private` holds what the last operation remembered; what it holds afterwards is stored.
    async fn read(
        &self,
        ctx: &OperationContext,
        state: Value,
        private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Value;

    /// Computes the planned state (never called for destroy plans).
    fn plan(&self, req: PlanRequest, diags: &mut Diagnostics) -> PlanResponse;

    /// Creates the object. On failure after the object exists, return its state anyway so
    /// Terraform records it (as tainted) instead of losing track of it.
    async fn create(
        &self,
        ctx: &OperationContext,
        req: ApplyRequest,
        private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Value;

    /// `private` holds what the last Read remembered; what it holds afterwards is stored.
    async fn update(
        &self,
        ctx: &OperationContext,
        req: ApplyRequest,
        private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Value;

    async fn delete(&self, ctx: &OperationContext, prior_state: Value, diags: &mut Diagnostics);

    /// Turns an import ID into an initial state; Terraform then calls `read` with it. An import
    /// by identity arrives here too, as the ID its identity amounts to
    /// ([`IdentitySchema::as_import_id`]).
    async fn import(&self, ctx: &OperationContext, id: &str, diags: &mut Diagnostics) -> Value;

    /// The identity of what an import of `id` (which produced `state`) names, before the read
    /// that follows fills the state in. By default, the identity of `state`.
    fn import_identity(&self, _id: &str, state: &Value) -> Option<Value> {
        self.identity_schema()?.from_state(state)
    }

    /// The state of this resource that `req`'s source amounts to, for a `moved` block across
    /// resource types. The default accepts no source; an implementation says in `diags` which
    /// sources it does accept when `req`'s is not one of them. The next refresh reads the
    /// object, so only what names it must be exact.
    fn move_state(&self, req: &MoveStateRequest, diags: &mut Diagnostics) -> Option<Value> {
        diags.error(
            "Unsupported move",
            format!(
                "{} cannot take over the state of {} ({}): it accepts no `moved` block from another resource type. Import the object instead.",
                self.type_name(),
                req.source_type,
                req.source_provider
            ),
        );
        None
    }
}

/// A data source: reads an object it does not manage.
#[async_trait]
pub trait DataSource: Send + Sync + 'static {
    /// The data source type name, e.g. `example_widget`.
    fn type_name(&self) -> &'static str;

    fn schema(&self) -> &Schema;

    /// Static checks on configuration. Values may be unknown; unknown values must pass.
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Reads the object `config` names. `config` is wholly known (the server answers a
    /// configuration with unknown values itself). The result is the whole state: the
    /// configuration with every computed attribute filled in, never null unless
    /// `diags` holds an error.
    async fn read(&self, ctx: &OperationContext, config: Value, diags: &mut Diagnostics) -> Value;
}

/// A list resource: `list "<type_name>" "<name>" { ... }` in a `.tfquery.hcl` file. Its type
/// name is that of a managed resource of the same provider, which must have an identity.
#[async_trait]
pub trait ListResource: Send + Sync + 'static {
    fn type_name(&self) -> &'static str;

    /// The content of the `config` block.
    fn schema(&self) -> &Schema;

    /// Static checks on the `config` block beyond its attributes' validators. Values may be
    /// unknown; unknown values must pass.
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Finds the objects `req.config` selects and sends each to `results` as soon as it is
    /// known, stopping when [`ListResults::send`] says so or `ctx.cancel` fires.
    async fn list(&self, ctx: &OperationContext, req: ListRequest, results: &mut ListResults);
}

#[async_trait]
pub trait Provider: Send + Sync + 'static {
    fn schema(&self) -> &Schema;

    fn resources(&self) -> Vec<Arc<dyn Resource>>;

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }

    /// The list resources `terraform query` can use; each lists a managed resource of the same
    /// name that has an identity.
    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        Vec::new()
    }

    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Receives the provider block. Resources reach the result through state the provider
    /// shares with them.
    async fn configure(
        &self,
        ctx: &OperationContext,
        terraform_version: &str,
        config: Value,
        diags: &mut Diagnostics,
    );
}
