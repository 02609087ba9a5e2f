//! The behaviour a schema attribute can declare: validators (ValidateResourceConfig) and plan
//! modifiers (PlanResourceChange). The built-ins and the walks that apply them live in
//! `validators.rs` and `plan_modifiers.rs`; this file holds only the traits, so that the schema
//! can name them without depending on the walks.

use std::fmt;
use std::sync::Arc;

use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::path::AttributePath;
use crate::plugin::value::Value;

/// Checks one known, non-null value at `path`.
pub trait Validator: Send + Sync {
    fn validate(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics);
}

/// The validators of one attribute (schema values compare equal whatever they hold).
#[derive(Clone, Default)]
pub struct Validators(pub Vec<Arc<dyn Validator>>);

impl fmt::Debug for Validators {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Validators({})", self.0.len())
    }
}

impl PartialEq for Validators {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
    }
}

/// What a plan modifier sees of one attribute.
pub struct ModifierRequest<'a> {
    pub path: &'a AttributePath,
    pub config: &'a Value,
    /// Null when the resource is being created.
    pub prior: &'a Value,
    pub creating: bool,
}

pub trait PlanModifier: Send + Sync {
    /// May change `planned`, or ask for the resource to be replaced by returning `true`.
    fn modify(&self, req: &ModifierRequest<'_>, planned: &mut Value) -> bool;
}

/// The plan modifiers of one attribute (schema values compare equal whatever they hold).
#[derive(Clone, Default)]
pub struct PlanModifiers(pub Vec<Arc<dyn PlanModifier>>);

impl fmt::Debug for PlanModifiers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlanModifiers({})", self.0.len())
    }
}

impl PartialEq for PlanModifiers {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
    }
}
