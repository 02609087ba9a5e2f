//! The `timeouts` attribute a resource declares: one duration per operation with a default,
//! validated at plan time, and the time one operation may take.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::plugin::model::Tf;
use crate::plugin::schema::{Attribute, NestingMode};
use crate::plugin::validators::duration;
pub use crate::plugin::validators::parse_duration;
use crate::plugin::value::{Type, Value};

/// The operations a resource's `timeouts` covers, each with its default (`"10m"`).
#[derive(Clone, Copy, Debug)]
pub struct Timeouts(pub &'static [(&'static str, &'static str)]);

/// Create, read, update and delete with the defaults of hashicorp/azuread's resources.
pub const CRUD: Timeouts = Timeouts(&[
    ("create", "10m"),
    ("read", "5m"),
    ("update", "10m"),
    ("delete", "10m"),
]);

/// Read only: the `timeouts` of a data source.
pub const READ: Timeouts = Timeouts(&[("read", "5m")]);

/// The model of [`READ`]'s attribute, for a data source's model struct.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct ReadTimeout {
    pub read: Tf<String>,
}

/// The model of [`CRUD`]'s attribute, for a resource's model struct.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct CrudTimeouts {
    pub create: Tf<String>,
    pub read: Tf<String>,
    pub update: Tf<String>,
    pub delete: Tf<String>,
}

impl Timeouts {
    /// The optional `timeouts = { create = "30m", ... }` attribute.
    pub fn attribute(&self) -> Attribute {
        let members = self
            .0
            .iter()
            .map(|(operation, default)| {
                let description = format!(
                    "How long {} may take, waiting out throttling and replication lag included, as a duration such as `30s` or `10m`. Default `{default}`.",
                    gerund(operation)
                );
                Attribute::primitive(operation, Type::String, &description)
                    .optional()
                    .validate(duration())
            })
            .collect();
        Attribute::nested(
            "timeouts",
            NestingMode::Single,
            members,
            "Per-operation time limits. Retries for throttling and replication lag stop at this limit.",
        )
        .optional()
    }

    /// How long `operation` may take: the configured value in `state.timeouts`, else the default.
    pub fn get(&self, state: &Value, operation: &str) -> Duration {
        let configured = state
            .get("timeouts")
            .and_then(|t| t.get(operation))
            .and_then(Value::as_str);
        let default = self
            .0
            .iter()
            .find(|(op, _)| *op == operation)
            .map(|(_, d)| *d);
        configured
            .and_then(|t| parse_duration(t).ok())
            .or_else(|| default.and_then(|d| parse_duration(d).ok()))
            .unwrap_or(Duration::from_secs(600))
    }

    /// The default of `operation`, as written in the schema (`"10m"`).
    pub fn default_of(&self, operation: &str) -> Option<&'static str> {
        self.0
            .iter()
            .find(|(op, _)| *op == operation)
            .map(|(_, d)| *d)
    }
}

fn gerund(operation: &str) -> String {
    match operation {
        "create" => "creating".into(),
        "read" => "reading".into(),
        "update" => "updating".into(),
        "delete" => "deleting".into(),
        other => format!("the {other} operation"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::diagnostics::Diagnostics;
    use crate::plugin::schema::Block;
    use crate::plugin::validators::validate_block;

    #[test]
    fn configured_values_win_over_defaults() {
        let state = Value::object([(
            "timeouts",
            Value::object([("create", Value::from("90s")), ("read", Value::Null)]),
        )]);
        assert_eq!(CRUD.get(&state, "create"), Duration::from_secs(90));
        assert_eq!(CRUD.get(&state, "read"), Duration::from_secs(300));
        assert_eq!(CRUD.get(&Value::Null, "delete"), Duration::from_secs(600));
        assert_eq!(CRUD.default_of("read"), Some("5m"));
    }

    #[test]
    fn durations_parse_and_absurd_ones_are_refused() {
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration(" 10m "), Ok(Duration::from_secs(600)));
        for bad in ["", "0s", "soon", "10", "169h", "-5m"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_attribute_validates_each_operation() {
        let block = Block::new("r", vec![CRUD.attribute()]);
        let config = Value::object([(
            "timeouts",
            Value::object([
                ("create", Value::from("ten minutes")),
                ("read", Value::Null),
                ("update", Value::from("10m")),
                ("delete", Value::unknown()),
            ]),
        )]);
        let mut diags = Diagnostics::new();
        validate_block(&block, &config, &mut diags);
        let paths: Vec<String> = diags
            .iter()
            .filter_map(|d| d.path.as_ref().map(ToString::to_string))
            .collect();
        assert_eq!(paths, ["timeouts.create"]);
    }
}
