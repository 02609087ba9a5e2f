//! Data sources written against typed models. A [`TypedDataSource`] declares its schema (with
//! validators on the arguments), its model struct and one handler, `read`; [`TypedData`] turns it
//! into a [`DataSource`]: it converts Terraform values to and from the model, runs the schema's
//! validators and computes the read's timeout. [`read_only`] derives a data source's attribute
//! from a resource's, so the two schemas cannot drift apart.

use std::time::Duration;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::plugin::behaviour::{PlanModifiers, Validators};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::model::{from_value, to_value};
use crate::plugin::schema::{Attribute, AttributeKind, Schema};
use crate::plugin::timeouts::Timeouts;
use crate::plugin::traits::{DataSource, OperationContext};
use crate::plugin::typed::Operation;
use crate::plugin::validators::validate_block;
use crate::plugin::value::Value;

#[async_trait]
pub trait TypedDataSource: Send + Sync + 'static {
    type Model: Serialize + DeserializeOwned + Send + Sync + 'static;

    fn type_name(&self) -> &'static str;
    fn schema(&self) -> &Schema;

    /// The operations the `timeouts` attribute covers (`timeouts::READ`), if the schema has one.
    fn timeouts(&self) -> Option<Timeouts> {
        None
    }

    /// Rules across arguments that the attribute validators cannot express. Values may be
    /// unknown.
    fn validate(&self, _config: &Self::Model, _diags: &mut Diagnostics) {}

    /// Reads what `config` names; `config` is wholly known. `None` when nothing could be read,
    /// with the reason in `diags`.
    async fn read(
        &self,
        op: &Operation,
        config: Self::Model,
        diags: &mut Diagnostics,
    ) -> Option<Self::Model>;
}

/// The [`DataSource`] a [`TypedDataSource`] serves as.
pub struct TypedData<D>(pub D);

impl<D: TypedDataSource> TypedData<D> {
    fn model(&self, value: &Value, what: &str, diags: &mut Diagnostics) -> Option<D::Model> {
        from_value(value)
            .map_err(|e| model_error(diags, self.0.type_name(), what, &e.to_string()))
            .ok()
    }
}

/// The schema and the model disagree: a bug in this provider, not in the configuration.
fn model_error(diags: &mut Diagnostics, type_name: &str, what: &str, detail: &str) {
    diags.error(
        format!("Internal error in data source {type_name}: the {what} does not fit its model"),
        format!("{detail}\n\nThis is a bug in the provider; please report it with this message."),
    );
}

#[async_trait]
impl<D: TypedDataSource> DataSource for TypedData<D> {
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    fn schema(&self) -> &Schema {
        self.0.schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        validate_block(&self.0.schema().block, config, diags);
        if let Some(model) = self.model(config, "configuration", diags) {
            self.0.validate(&model, diags);
        }
    }

    async fn read(&self, ctx: &OperationContext, config: Value, diags: &mut Diagnostics) -> Value {
        let timeout = self
            .0
            .timeouts()
            .map(|t| t.get(&config, "read"))
            .unwrap_or(Duration::from_secs(300));
        let op = Operation {
            cancel: ctx.cancel.clone(),
            timeout,
        };
        let Some(model) = self.model(&config, "configuration", diags) else {
            return Value::Null;
        };
        let Some(read) = self.0.read(&op, model, diags).await else {
            if !diags.has_errors() {
                diags.error(
                    format!("{} read nothing", self.0.type_name()),
                    "The data source returned no value and no reason. This is a bug in the provider; please report it.",
                );
            }
            return Value::Null;
        };
        match to_value(&read, self.0.schema().value_type()) {
            Ok(value) => value,
            Err(e) => {
                model_error(diags, self.0.type_name(), "state", &e.to_string());
                Value::Null
            }
        }
    }
}

/// `attribute` as a data source shows it: computed only, everything nested inside computed
/// too, without validators, defaults or plan modifiers (nothing of it is configured).
pub fn read_only(attribute: &Attribute) -> Attribute {
    // Field by field, so that nested attributes are copied once, not once per level above.
    let kind = match &attribute.kind {
        AttributeKind::Nested(mode, inner) => {
            AttributeKind::Nested(*mode, inner.iter().map(read_only).collect())
        }
        other => other.clone(),
    };
    Attribute {
        name: attribute.name.clone(),
        kind,
        description: attribute.description.clone(),
        required: false,
        optional: false,
        computed: true,
        sensitive: attribute.sensitive,
        deprecation: attribute.deprecation.clone(),
        validators: Validators::default(),
        default: None,
        plan_modifiers: PlanModifiers::default(),
    }
}

#[cfg(test)]
#[path = "typed_data_tests.rs"]
mod tests;
