//! The typed data-source adapter with a toy data source: values become models and back, the
//! schema's validators and the typed hook run, the read timeout reaches the handler, a read
//! that returns nothing is an error, and `read_only` strips what only a resource has.

use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::*;
use crate::plugin::model::Tf;
use crate::plugin::plan_modifiers::requires_replace;
use crate::plugin::schema::{Block, NestingMode};
use crate::plugin::timeouts::{ReadTimeout, READ};
use crate::plugin::validators::one_of;
use crate::plugin::value::Type;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
struct Colour {
    name: Tf<String>,
    hex: Tf<String>,
    timeouts: Tf<ReadTimeout>,
}

#[derive(Default)]
struct Colours {
    last_timeout: Mutex<Option<Duration>>,
}

#[async_trait]
impl TypedDataSource for Colours {
    type Model = Colour;

    fn type_name(&self) -> &'static str {
        "example_colour"
    }

    fn schema(&self) -> &Schema {
        static SCHEMA: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
        SCHEMA.get_or_init(|| {
            Schema::new(
                0,
                Block::new(
                    "c",
                    vec![
                        Attribute::primitive("name", Type::String, "n")
                            .required()
                            .validate(one_of("name", &["red", "blue", "none"])),
                        Attribute::primitive("hex", Type::String, "h").computed(),
                        READ.attribute(),
                    ],
                ),
            )
        })
    }

    fn timeouts(&self) -> Option<Timeouts> {
        Some(READ)
    }

    fn validate(&self, config: &Colour, diags: &mut Diagnostics) {
        if config.name == Tf::Known("blue".into()) {
            diags.warning("Blue", "blue is sad");
        }
    }

    async fn read(
        &self,
        op: &Operation,
        config: Colour,
        _diags: &mut Diagnostics,
    ) -> Option<Colour> {
        *self.last_timeout.lock().expect("lock") = Some(op.timeout);
        let hex = match config.name.known()?.as_str() {
            "red" => "#ff0000",
            "blue" => "#0000ff",
            _ => return None,
        };
        Some(Colour {
            hex: Tf::Known(hex.into()),
            ..config
        })
    }
}

fn config(name: Value, timeout: Option<&str>) -> Value {
    let timeouts = match timeout {
        Some(t) => Value::object([("read", Value::from(t))]),
        None => Value::Null,
    };
    Value::object([("name", name), ("hex", Value::Null), ("timeouts", timeouts)])
}

#[test]
fn validate_runs_attribute_validators_then_the_typed_hook() {
    let colours = TypedData(Colours::default());
    let mut diags = Diagnostics::new();
    colours.validate(&config(Value::from("green"), None), &mut diags);
    colours.validate(&config(Value::from("blue"), Some("soon")), &mut diags);
    colours.validate(&config(Value::unknown(), None), &mut diags);
    let summaries: Vec<&str> = diags.iter().map(|d| d.summary.as_str()).collect();
    assert_eq!(summaries.len(), 3, "{summaries:?}");
    assert_eq!(summaries[0], "Invalid name");
    assert!(summaries.contains(&"Blue"), "{summaries:?}");
}

#[tokio::test]
async fn read_fills_computed_values_within_the_read_timeout() {
    let colours = TypedData(Colours::default());
    let mut diags = Diagnostics::new();
    let ctx = OperationContext::default();
    let read = colours
        .read(&ctx, config(Value::from("red"), Some("42s")), &mut diags)
        .await;
    assert!(!diags.has_errors(), "{diags:?}");
    assert_eq!(read.get("hex"), Some(&Value::from("#ff0000")));
    assert_eq!(
        read.get("timeouts").and_then(|t| t.get("read")),
        Some(&Value::from("42s"))
    );
    assert_eq!(
        *colours.0.last_timeout.lock().expect("lock"),
        Some(Duration::from_secs(42))
    );

    colours
        .read(&ctx, config(Value::from("blue"), None), &mut diags)
        .await;
    assert_eq!(
        *colours.0.last_timeout.lock().expect("lock"),
        Some(Duration::from_secs(300)),
        "the default read timeout is 5m"
    );
}

#[tokio::test]
async fn a_read_of_nothing_is_an_error_never_a_null_state_alone() {
    let colours = TypedData(Colours::default());
    let mut diags = Diagnostics::new();
    let read = colours
        .read(
            &OperationContext::default(),
            config(Value::from("none"), None),
            &mut diags,
        )
        .await;
    assert!(read.is_null());
    assert!(diags.has_errors());

    // A configuration the model cannot hold (a bool for a string) is a diagnostic too.
    let mut diags = Diagnostics::new();
    let read = colours
        .read(
            &OperationContext::default(),
            config(Value::Bool(true), None),
            &mut diags,
        )
        .await;
    assert!(read.is_null());
    assert!(diags.iter().any(|d| d.summary.contains("Internal error")));
}

#[test]
fn read_only_makes_everything_computed_and_strips_behaviour() {
    let resource = Attribute::nested(
        "section",
        NestingMode::Single,
        vec![
            Attribute::primitive("flag", Type::Bool, "f")
                .optional()
                .computed()
                .default_value(Value::Bool(false)),
            Attribute::primitive("name", Type::String, "n")
                .required()
                .validate(one_of("name", &["a"]))
                .plan_modifier(requires_replace()),
        ],
        "s",
    )
    .optional()
    .validate(one_of("section", &["x"]));
    let data = read_only(&resource);
    assert!(data.computed && !data.optional && !data.required);
    assert!(data.validators.0.is_empty());
    assert_eq!(data.description, "s");
    let AttributeKind::Nested(NestingMode::Single, inner) = &data.kind else {
        panic!("still nested: {data:?}");
    };
    for a in inner {
        assert!(a.computed && !a.optional && !a.required, "{}", a.name);
        assert!(a.validators.0.is_empty() && a.plan_modifiers.0.is_empty());
        assert!(a.default.is_none());
    }
    assert_eq!(data.value_type(), resource.value_type());
}
