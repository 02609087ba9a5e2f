//! Resources written against typed models. A [`TypedResource`] declares its schema (with
//! validators, defaults and plan modifiers on the attributes), its model struct and its
//! handlers; [`Typed`] turns it into a [`Resource`]: it converts Terraform values to and from the
//! model, applies the schema's behaviour, computes each operation's timeout, and implements
//! passthrough import.

use std::time::Duration;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::identity::IdentitySchema;
use crate::plugin::import::passthrough_state;
use crate::plugin::model::{from_value, to_value};
use crate::plugin::path::AttributePath;
use crate::plugin::plan_modifiers::plan_block;
use crate::plugin::private::PrivateState;
use crate::plugin::schema::Schema;
use crate::plugin::timeouts::Timeouts;
use crate::plugin::traits::{
    ApplyRequest, MoveStateRequest, OperationContext, PlanRequest, PlanResponse, Resource,
};
use crate::plugin::validators::validate_block;
use crate::plugin::value::Value;

/// One operation's bounds: Terraform's cancellation (StopProvider) and the time it may take.
#[derive(Clone, Debug)]
pub struct Operation {
    pub cancel: CancellationToken,
    pub timeout: Duration,
}

/// PlanResourceChange for a typed resource, after the schema's defaults and modifiers.
pub struct Plan<M> {
    pub config: M,
    /// `None` when creating.
    pub prior: Option<M>,
    pub planned: M,
}

#[async_trait]
pub trait TypedResource: Send + Sync + 'static {
    type Model: Serialize + DeserializeOwned + Send + Sync + 'static;

    fn type_name(&self) -> &'static str;
    fn schema(&self) -> &Schema;

    /// The attributes that identify the remote object, if it has a resource identity. With
    /// one attribute, its value is also accepted as the import ID (so `parse_import_id`
    /// checks an import by identity too).
    fn identity_schema(&self) -> Option<&IdentitySchema> {
        None
    }

    /// The operations the `timeouts` attribute covers, if the schema has one.
    fn timeouts(&self) -> Option<Timeouts> {
        None
    }

    /// Rules across attributes that the attribute validators cannot express. Values may be
    /// unknown.
    fn validate(&self, _config: &Self::Model, _diags: &mut Diagnostics) {}

    /// Adjusts the plan: computed values known at plan time, for example.
    fn plan(&self, plan: Plan<Self::Model>, _diags: &mut Diagnostics) -> Self::Model {
        plan.planned
    }

    /// `None` when the object no longer exists.
    async fn read(
        &self,
        op: &Operation,
        state: Self::Model,
        private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Option<Self::Model>;

    /// `None` when nothing was created. Once the object may exist, return its state even on
    /// error, so Terraform keeps track of it.
    async fn create(
        &self,
        op: &Operation,
        planned: Self::Model,
        private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Option<Self::Model>;

    async fn update(
        &self,
        op: &Operation,
        prior: Self::Model,
        planned: Self::Model,
        private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Self::Model;

    async fn delete(&self, op: &Operation, prior: Self::Model, diags: &mut Diagnostics);

    /// Passthrough import: the attribute the import ID goes to, and its parser (`Err` is the
    /// message shown for a bad ID). The read that follows fills in the rest.
    fn import_attribute(&self) -> &'static str {
        "id"
    }
    fn parse_import_id(&self, id: &str) -> Result<String, String>;

    /// A `moved` block from another resource type: the state it amounts to, or `None` with
    /// the reason (which sources are accepted) in `diags`. By default nothing is accepted.
    fn move_state(&self, req: &MoveStateRequest, diags: &mut Diagnostics) -> Option<Self::Model> {
        diags.error(
            "Unsupported move",
            format!(
                "{} accepts no `moved` block from another resource type ({} of {}). Import the object instead.",
                self.type_name(),
                req.source_type,
                req.source_provider
            ),
        );
        None
    }
}

/// The [`Resource`] a [`TypedResource`] serves as.
pub struct Typed<R>(pub R);

impl<R: TypedResource> Typed<R> {
    fn operation(&self, ctx: &OperationContext, state: &Value, name: &str) -> Operation {
        let timeout = self
            .0
            .timeouts()
            .map(|t| t.get(state, name))
            .unwrap_or(Duration::from_secs(600));
        Operation {
            cancel: ctx.cancel.clone(),
            timeout,
        }
    }

    fn model(&self, value: &Value, what: &str, diags: &mut Diagnostics) -> Option<R::Model> {
        match from_value(value) {
            Ok(model) => Some(model),
            Err(e) => {
                model_error(diags, self.0.type_name(), what, &e.to_string());
                None
            }
        }
    }

    fn value(&self, model: &R::Model, what: &str, diags: &mut Diagnostics) -> Option<Value> {
        match to_value(model, self.0.schema().value_type()) {
            Ok(value) => Some(value),
            Err(e) => {
                model_error(diags, self.0.type_name(), what, &e.to_string());
                None
            }
        }
    }

    /// The model's value, or `fallback` when it cannot be converted (already reported).
    fn value_or(
        &self,
        model: Option<R::Model>,
        what: &str,
        fallback: Value,
        diags: &mut Diagnostics,
    ) -> Value {
        match model {
            None => Value::Null,
            Some(model) => self.value(&model, what, diags).unwrap_or(fallback),
        }
    }
}

impl<R: TypedResource> Typed<R> {
    /// The resource's plan from the three values as models; `None` when one does not convert.
    fn planned(
        &self,
        config: &Value,
        prior_state: &Value,
        proposed: &Value,
        diags: &mut Diagnostics,
    ) -> Option<R::Model> {
        let config = self.model(config, "configuration", diags);
        let planned = self.model(proposed, "planned state", diags);
        let (config, planned) = (config?, planned?);
        let prior = if prior_state.is_null() {
            None
        } else {
            Some(self.model(prior_state, "prior state", diags)?)
        };
        Some(self.0.plan(
            Plan {
                config,
                prior,
                planned,
            },
            diags,
        ))
    }
}

/// The schema and the model disagree: a bug in this provider, not in the configuration.
fn model_error(diags: &mut Diagnostics, type_name: &str, what: &str, detail: &str) {
    diags.error(
        format!("Internal error in {type_name}: the {what} does not fit the resource's model"),
        format!("{detail}\n\nThis is a bug in the provider; please report it with this message."),
    );
}

#[async_trait]
impl<R: TypedResource> Resource for Typed<R> {
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    fn schema(&self) -> &Schema {
        self.0.schema()
    }

    fn identity_schema(&self) -> Option<&IdentitySchema> {
        self.0.identity_schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        validate_block(&self.0.schema().block, config, diags);
        if let Some(model) = self.model(config, "configuration", diags) {
            self.0.validate(&model, diags);
        }
    }

    fn plan(&self, req: PlanRequest, diags: &mut Diagnostics) -> PlanResponse {
        let PlanRequest {
            prior_state,
            mut proposed_new_state,
            config,
        } = req;
        let requires_replace = plan_block(
            &self.0.schema().block,
            &config,
            &prior_state,
            &mut proposed_new_state,
        );
        // When a model conversion fails (reported already), the proposed state stands.
        let planned = self
            .planned(&config, &prior_state, &proposed_new_state, diags)
            .and_then(|planned| self.value(&planned, "planned state", diags));
        PlanResponse {
            planned_state: planned.unwrap_or(proposed_new_state),
            requires_replace,
        }
    }

    async fn read(
        &self,
        ctx: &OperationContext,
        state: Value,
        private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Value {
        let op = self.operation(ctx, &state, "read");
        let Some(model) = self.model(&state, "state", diags) else {
            return state;
        };
        let read = self.0.read(&op, model, private, diags).await;
        self.value_or(read, "state", state, diags)
    }

    async fn create(
        &self,
        ctx: &OperationContext,
        req: ApplyRequest,
        private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Value {
        let op = self.operation(ctx, &req.planned_state, "create");
        let Some(planned) = self.model(&req.planned_state, "planned state", diags) else {
            return Value::Null;
        };
        let created = self.0.create(&op, planned, private, diags).await;
        self.value_or(created, "new state", req.planned_state, diags)
    }

    async fn update(
        &self,
        ctx: &OperationContext,
        req: ApplyRequest,
        private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Value {
        let op = self.operation(ctx, &req.planned_state, "update");
        let (Some(prior), Some(planned)) = (
            self.model(&req.prior_state, "prior state", diags),
            self.model(&req.planned_state, "planned state", diags),
        ) else {
            return req.prior_state;
        };
        let updated = self.0.update(&op, prior, planned, private, diags).await;
        self.value_or(Some(updated), "new state", req.prior_state, diags)
    }

    async fn delete(&self, ctx: &OperationContext, prior_state: Value, diags: &mut Diagnostics) {
        let op = self.operation(ctx, &prior_state, "delete");
        if let Some(prior) = self.model(&prior_state, "prior state", diags) {
            self.0.delete(&op, prior, diags).await;
        }
    }

    /// A one-attribute identity is the import ID, parsed as `parse_import_id` does.
    fn import_identity(&self, id: &str, state: &Value) -> Option<Value> {
        let schema = self.0.identity_schema()?;
        if let Some(identity) = schema.from_state(state) {
            return Some(identity);
        }
        let parsed = self.0.parse_import_id(id).ok()?;
        let (name, value) = schema.from_import_id(&parsed)?;
        Some(Value::object([(name, value)]))
    }

    fn move_state(&self, req: &MoveStateRequest, diags: &mut Diagnostics) -> Option<Value> {
        let moved = self.0.move_state(req, diags)?;
        self.value(&moved, "moved state", diags)
    }

    async fn import(&self, _ctx: &OperationContext, id: &str, diags: &mut Diagnostics) -> Value {
        let attribute = self.0.import_attribute();
        match self.0.parse_import_id(id) {
            Ok(parsed) => passthrough_state(self.0.schema(), attribute, parsed),
            Err(message) => {
                diags.error_at(AttributePath::attr(attribute), "Invalid import ID", message);
                Value::Null
            }
        }
    }
}

#[cfg(test)]
#[path = "typed_tests.rs"]
mod tests;
