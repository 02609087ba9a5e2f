//! Plan behaviour declared on schema attributes (defaults and plan modifiers), and the walk that
//! applies it in PlanResourceChange before the resource's own plan hook runs.
//!
//! The order follows terraform-plugin-framework: computed attributes the configuration leaves
//! null are unknown in a plan that changes something (or creates); a default fills an
//! optional+computed attribute the configuration leaves null; then each modifier sees the
//! configuration, the prior state and the value planned so far.

use std::sync::Arc;

pub use crate::plugin::behaviour::{ModifierRequest, PlanModifier, PlanModifiers};
use crate::plugin::path::AttributePath;
use crate::plugin::schema::{Attribute, AttributeKind, Block, NestingMode};
use crate::plugin::value::Value;

struct UseStateForUnknown;

impl PlanModifier for UseStateForUnknown {
    fn modify(&self, req: &ModifierRequest<'_>, planned: &mut Value) -> bool {
        if planned.is_unknown() && !req.prior.is_null() && !req.creating {
            *planned = req.prior.clone();
        }
        false
    }
}

/// A computed value that does not change once known (an ID): keep the prior state's value
/// instead of planning it unknown.
pub fn use_state_for_unknown() -> Arc<dyn PlanModifier> {
    Arc::new(UseStateForUnknown)
}

struct RequiresReplaceIf<F>(F);

impl<F> PlanModifier for RequiresReplaceIf<F>
where
    F: Fn(&Value, &Value) -> bool + Send + Sync,
{
    fn modify(&self, req: &ModifierRequest<'_>, planned: &mut Value) -> bool {
        if req.creating {
            return false;
        }
        // A value known only after apply may be a different one: plan the replacement now, or
        // Terraform would find the plan changed from update to replace at apply time.
        planned.is_unknown()
            || (!req.prior.semantically_equal(planned) && (self.0)(req.prior, planned))
    }
}

/// Changing the value replaces the resource when `differs(prior, planned)` says the change is
/// real (for example, not just letter case).
pub fn requires_replace_if(
    differs: impl Fn(&Value, &Value) -> bool + Send + Sync + 'static,
) -> Arc<dyn PlanModifier> {
    Arc::new(RequiresReplaceIf(differs))
}

/// Any change of the value replaces the resource.
pub fn requires_replace() -> Arc<dyn PlanModifier> {
    requires_replace_if(|_, _| true)
}

/// Strings equal ignoring ASCII case (GUIDs).
pub fn differs_ignoring_case(prior: &Value, planned: &Value) -> bool {
    match (prior.as_str(), planned.as_str()) {
        (Some(a), Some(b)) => !a.eq_ignore_ascii_case(b),
        _ => true,
    }
}

/// Applies defaults, unknown-marking and modifiers to `planned` (the proposed new state on
/// entry); returns the paths whose change requires replacement.
pub fn plan_block(
    block: &Block,
    config: &Value,
    prior: &Value,
    planned: &mut Value,
) -> Vec<AttributePath> {
    let proposed = planned.clone();
    let creating = prior.is_null();
    let changing = creating || !prior.semantically_equal(planned);
    let mut replace = Vec::new();
    let mut walk = Walk {
        creating,
        changing,
        replace: &mut replace,
    };
    walk.attributes(
        &block.attributes,
        config,
        prior,
        planned,
        &AttributePath::root(),
    );
    if !replace.is_empty() {
        // A replacement plans a new object: plan again as a create, as Terraform itself does,
        // so no prior computed value is carried into it.
        *planned = proposed;
        let mut as_create = Walk {
            creating: true,
            changing: true,
            replace: &mut Vec::new(),
        };
        as_create.attributes(
            &block.attributes,
            config,
            &Value::Null,
            planned,
            &AttributePath::root(),
        );
    }
    replace
}

struct Walk<'r> {
    creating: bool,
    changing: bool,
    replace: &'r mut Vec<AttributePath>,
}

impl Walk<'_> {
    fn attributes(
        &mut self,
        attributes: &[Attribute],
        config: &Value,
        prior: &Value,
        planned: &mut Value,
        base: &AttributePath,
    ) {
        let Value::Object(members) = planned else {
            return;
        };
        for attribute in attributes {
            let config = config.get(&attribute.name).unwrap_or(&Value::Null);
            let prior = prior.get(&attribute.name).unwrap_or(&Value::Null);
            // The planned object holds every attribute of its schema, so the name is rarely
            // copied for an insert.
            if !members.contains_key(&attribute.name) {
                members.insert(attribute.name.clone(), Value::Null);
            }
            let Some(value) = members.get_mut(&attribute.name) else {
                continue;
            };
            self.attribute(attribute, config, prior, value, base);
        }
    }

    fn attribute(
        &mut self,
        attribute: &Attribute,
        config: &Value,
        prior: &Value,
        planned: &mut Value,
        base: &AttributePath,
    ) {
        if config.is_null() && attribute.computed {
            if let Some(default) = &attribute.default {
                *planned = default.clone();
            } else if self.changing && (planned.is_null() || self.creating) {
                *planned = Value::unknown();
            }
        }
        let nested = match &attribute.kind {
            AttributeKind::Nested(NestingMode::Single | NestingMode::Group, inner) => Some(inner),
            _ => None,
        };
        // Most attributes have no modifier and no nested attributes: they need no path.
        if attribute.plan_modifiers.0.is_empty() && nested.is_none() {
            return;
        }
        let path = &base.push_attr(&attribute.name);
        let req = ModifierRequest {
            path,
            config,
            prior,
            creating: self.creating,
        };
        for modifier in &attribute.plan_modifiers.0 {
            if modifier.modify(&req, planned) && !self.replace.contains(path) {
                self.replace.push(path.clone());
            }
        }
        // After the modifiers, which may have made it an object (the prior one, say).
        if let (Some(inner), Value::Object(_)) = (nested, &planned) {
            self.attributes(inner, config, prior, planned, path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::value::Type;

    const T: &str = "90e29127-71ad-49c7-9ce8-db3f41ea06f1";

    fn block() -> Block {
        let flags = vec![Attribute::primitive("mfa", Type::Bool, "m")
            .optional()
            .computed()
            .default_value(Value::Bool(false))];
        Block::new(
            "test",
            vec![
                Attribute::primitive("id", Type::String, "id")
                    .computed()
                    .plan_modifier(use_state_for_unknown()),
                Attribute::primitive("tenant_id", Type::String, "t")
                    .required()
                    .plan_modifier(requires_replace_if(differs_ignoring_case)),
                Attribute::nested("trust", NestingMode::Single, flags, "f").optional(),
            ],
        )
    }

    fn state(id: Value, tenant: &str, trust: Value) -> Value {
        Value::object([
            ("id", id),
            ("tenant_id", Value::from(tenant)),
            ("trust", trust),
        ])
    }

    fn trust(mfa: Value) -> Value {
        Value::object([("mfa", mfa)])
    }

    #[test]
    fn create_marks_computed_unknown_and_fills_defaults() {
        let config = state(Value::Null, T, trust(Value::Null));
        let mut planned = config.clone();
        let replace = plan_block(&block(), &config, &Value::Null, &mut planned);
        assert!(replace.is_empty());
        assert!(planned.get("id").is_some_and(Value::is_unknown));
        assert_eq!(
            planned.get("trust").and_then(|t| t.get("mfa")),
            Some(&Value::Bool(false))
        );
    }

    #[test]
    fn an_update_keeps_state_for_unknown_and_a_dropped_flag_plans_its_default() {
        let prior = state(Value::from(T), T, trust(Value::Bool(true)));
        let config = state(Value::Null, T, trust(Value::Null));
        // Terraform proposes the prior value for an optional+computed attribute left out.
        let mut planned = state(Value::Null, T, trust(Value::Bool(true)));
        plan_block(&block(), &config, &prior, &mut planned);
        assert_eq!(planned.get("id"), Some(&Value::from(T)));
        assert_eq!(
            planned.get("trust").and_then(|t| t.get("mfa")),
            Some(&Value::Bool(false))
        );
    }

    #[test]
    fn replacement_is_asked_for_a_real_change_only() {
        let prior = state(Value::from(T), T, Value::Null);
        for (tenant, replaces) in [
            (Value::from(T.to_uppercase()), false),
            (Value::from("00000000-0000-0000-0000-000000000001"), true),
            (Value::unknown(), true),
        ] {
            let config = Value::object([
                ("id", Value::Null),
                ("tenant_id", tenant.clone()),
                ("trust", Value::Null),
            ]);
            let mut planned = config.clone();
            let replace = plan_block(&block(), &config, &prior, &mut planned);
            assert_eq!(
                replace == vec![AttributePath::attr("tenant_id")],
                replaces,
                "{tenant:?}"
            );
            // A replacement is a new object: its computed values are not the old one's.
            assert_eq!(
                planned.get("id").is_some_and(Value::is_unknown),
                replaces,
                "{tenant:?}"
            );
        }
    }
}
