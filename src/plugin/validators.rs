//! Validators declared on schema attributes, and the walk that applies them to a
//! configuration in ValidateResourceConfig, each diagnostic carrying the attribute's path (set
//! and list elements included, by position). Unknown and null values are never validated:
//! values known only after apply are Graph's to check, and null is what "required" is for.

use std::sync::Arc;
use std::time::Duration;

pub use crate::plugin::behaviour::{Validator, Validators};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::path::AttributePath;
use crate::plugin::schema::{Attribute, AttributeKind, Block, NestingMode};
use crate::plugin::value::Value;

struct Custom<F>(F);

impl<F> Validator for Custom<F>
where
    F: Fn(&Value, &AttributePath, &mut Diagnostics) + Send + Sync,
{
    fn validate(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        (self.0)(value, path, diags)
    }
}

/// A validator from a closure, for rules no built-in covers (a rule across an object's members
/// goes on the object attribute).
pub fn custom(
    f: impl Fn(&Value, &AttributePath, &mut Diagnostics) + Send + Sync + 'static,
) -> Arc<dyn Validator> {
    Arc::new(Custom(f))
}

/// A string that must be one of `allowed` (exact spelling).
pub fn one_of(attribute: &'static str, allowed: &'static [&'static str]) -> Arc<dyn Validator> {
    custom(move |value, path, diags| {
        let Some(text) = value.as_str() else { return };
        if !allowed.contains(&text) {
            let quoted: Vec<String> = allowed.iter().map(|a| format!("{a:?}")).collect();
            let list = match quoted.split_last() {
                Some((last, [])) => last.clone(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => String::new(),
            };
            diags.error_at(
                path.clone(),
                format!("Invalid {}", attribute.replace('_', " ")),
                format!("{attribute} must be {list}, not {text:?}."),
            );
        }
    })
}

/// A GUID such as `90e29127-71ad-49c7-9ce8-db3f41ea06f1`: "{path} must be {noun} such as …";
/// `hint` follows the error.
pub fn guid(summary: &'static str, noun: &'static str, hint: &'static str) -> Arc<dyn Validator> {
    custom(move |value, path, diags| {
        let Some(text) = value.as_str() else { return };
        if !is_guid(text) {
            diags.error_at(
                path.clone(),
                summary,
                format!("{path} must be {noun} such as 90e29127-71ad-49c7-9ce8-db3f41ea06f1, not {text:?}.{hint}"),
            );
        }
    })
}

/// A set, list or map with at least one element; `detail` says what to write instead.
pub fn non_empty(summary: &'static str, detail: &'static str) -> Arc<dyn Validator> {
    custom(move |value, path, diags| {
        let empty = match value {
            Value::Map(m) => m.is_empty(),
            other => other.elements().is_some_and(<[Value]>::is_empty),
        };
        if empty {
            diags.error_at(path.clone(), summary, detail);
        }
    })
}

/// A duration string ("30s", "10m", "1h30m"), parsed with [`parse_duration`].
pub fn duration() -> Arc<dyn Validator> {
    custom(|value, path, diags| {
        let Some(text) = value.as_str() else { return };
        if let Err(e) = parse_duration(text) {
            diags.error_at(
                path.clone(),
                "Invalid duration",
                format!("{path} must be a duration such as \"30s\", \"10m\" or \"1h30m\": {e}."),
            );
        }
    })
}

/// An element as a user wrote it, e.g. `{ target = "AllUsers", target_type = "user" }`.
pub fn describe(element: &Value) -> String {
    match element {
        Value::Object(members) => {
            let shown: Vec<String> = members
                .iter()
                .map(|(name, v)| format!("{name} = {}", describe(v)))
                .collect();
            format!("{{ {} }}", shown.join(", "))
        }
        Value::String(s) => format!("{s:?}"),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        other if other.is_unknown() => "(known after apply)".into(),
        _ => "…".into(),
    }
}

/// Longer operation timeouts are almost certainly typos (and absurd ones would overflow clocks).
const MAX_TIMEOUT: Duration = Duration::from_secs(7 * 24 * 3600);

/// Parses Terraform-style durations ("1h30m", "90s") as well as humantime's ("1h 30m").
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(text.trim()).map_err(|e| e.to_string())?;
    if d.is_zero() {
        return Err("the duration must be longer than zero".into());
    }
    if d > MAX_TIMEOUT {
        return Err("the duration must be at most 7 days (168h)".into());
    }
    Ok(d)
}

pub fn is_guid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::try_parse(s).is_ok()
}

/// Applies every attribute's validators to `config`, depth first, parents before children.
pub fn validate_block(block: &Block, config: &Value, diags: &mut Diagnostics) {
    validate_attributes(&block.attributes, config, &AttributePath::root(), diags);
}

fn validate_attributes(
    attributes: &[Attribute],
    object: &Value,
    base: &AttributePath,
    diags: &mut Diagnostics,
) {
    let Value::Object(members) = object else {
        return;
    };
    for attribute in attributes {
        let value = members.get(&attribute.name).unwrap_or(&Value::Null);
        // Most attributes have nothing to check: build their path only for those that do.
        let nested = matches!(attribute.kind, AttributeKind::Nested(..));
        if value.is_null() || value.is_unknown() || (attribute.validators.0.is_empty() && !nested) {
            continue;
        }
        validate_attribute(attribute, value, &base.push_attr(&attribute.name), diags);
    }
}

fn validate_attribute(
    attribute: &Attribute,
    value: &Value,
    path: &AttributePath,
    diags: &mut Diagnostics,
) {
    for validator in &attribute.validators.0 {
        validator.validate(value, path, diags);
    }
    let AttributeKind::Nested(mode, inner) = &attribute.kind else {
        return;
    };
    match mode {
        NestingMode::Single | NestingMode::Group => validate_attributes(inner, value, path, diags),
        NestingMode::List | NestingMode::Set => {
            for (i, element) in value.elements().unwrap_or(&[]).iter().enumerate() {
                let i = i64::try_from(i).unwrap_or(i64::MAX);
                let at = match mode {
                    NestingMode::Set => path.push_set_element(i),
                    _ => path.push_index(i),
                };
                let start = diags.len();
                validate_attributes(inner, element, &at, diags);
                if *mode == NestingMode::Set {
                    // Terraform is shown the path up to the set: name the element in the text.
                    let note = format!("\n\n(In {path}: the element {}.)", describe(element));
                    diags.annotate_since(start, &note);
                }
            }
        }
        NestingMode::Map => {
            for (key, element) in value.as_map().into_iter().flatten() {
                validate_attributes(inner, element, &path.push_key(key), diags);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::value::Type;

    fn block() -> Block {
        let target = vec![Attribute::primitive("kind", Type::String, "k")
            .required()
            .validate(one_of("kind", &["user", "group"]))];
        Block::new(
            "test",
            vec![
                Attribute::primitive("tenant_id", Type::String, "t")
                    .required()
                    .validate(guid("Invalid tenant ID", "a GUID", "")),
                Attribute::nested("targets", NestingMode::Set, target, "s")
                    .optional()
                    .validate(non_empty("No targets", "List one.")),
                Attribute::primitive("wait", Type::String, "w")
                    .optional()
                    .validate(duration()),
            ],
        )
    }

    fn errors(config: Value) -> Vec<(String, String)> {
        let mut diags = Diagnostics::new();
        validate_block(&block(), &config, &mut diags);
        diags
            .iter()
            .map(|d| {
                let path = d.path.as_ref().map(ToString::to_string).unwrap_or_default();
                (path, d.summary.clone())
            })
            .collect()
    }

    fn kind(k: &str) -> Value {
        Value::object([("kind", Value::from(k))])
    }

    #[test]
    fn each_error_names_its_attribute_and_set_element() {
        let config = Value::object([
            ("tenant_id", Value::from("contoso.com")),
            ("targets", Value::Set(vec![kind("user"), kind("robot")])),
            ("wait", Value::from("soon")),
        ]);
        assert_eq!(
            errors(config),
            [
                ("tenant_id".to_string(), "Invalid tenant ID".to_string()),
                ("targets[1].kind".to_string(), "Invalid kind".to_string()),
                ("wait".to_string(), "Invalid duration".to_string()),
            ]
        );
    }

    #[test]
    fn null_unknown_and_valid_values_pass() {
        for config in [
            Value::object([
                ("tenant_id", Value::unknown()),
                (
                    "targets",
                    Value::Set(vec![Value::object([("kind", Value::unknown())])]),
                ),
                ("wait", Value::Null),
            ]),
            Value::object([
                (
                    "tenant_id",
                    Value::from("90e29127-71ad-49c7-9ce8-db3f41ea06f1"),
                ),
                ("targets", Value::Null),
                ("wait", Value::from("1h30m")),
            ]),
        ] {
            assert_eq!(errors(config), []);
        }
        let empty = Value::object([("targets", Value::Set(vec![]))]);
        assert_eq!(
            errors(empty),
            [("targets".to_string(), "No targets".to_string())]
        );
    }

    #[test]
    fn one_of_lists_the_choices() {
        let mut diags = Diagnostics::new();
        one_of("access_type", &["allowed", "blocked"]).validate(
            &Value::from("maybe"),
            &AttributePath::attr("access_type"),
            &mut diags,
        );
        let detail = &diags.iter().next().expect("one").detail;
        assert_eq!(
            detail,
            "access_type must be \"allowed\" or \"blocked\", not \"maybe\"."
        );
    }
}
