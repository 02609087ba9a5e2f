//! The typed-resource adapter end to end, with a toy resource kept in memory: values become
//! models and back, the schema's validators and plan modifiers run, timeouts reach the
//! handlers, import is passthrough, and a value the model cannot hold is a diagnostic.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::*;
use crate::plugin::model::Tf;
use crate::plugin::plan_modifiers::requires_replace;
use crate::plugin::schema::{Attribute, Block};
use crate::plugin::timeouts::{Timeouts as TimeoutSpec, CRUD};
use crate::plugin::validators::one_of;
use crate::plugin::value::Type;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
struct Timeouts {
    create: Tf<String>,
    read: Tf<String>,
    update: Tf<String>,
    delete: Tf<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
struct Widget {
    id: Tf<String>,
    name: String,
    colour: Tf<String>,
    timeouts: Tf<Timeouts>,
}

#[derive(Default)]
struct Widgets {
    stored: Mutex<BTreeMap<String, Widget>>,
    last_timeout: Mutex<Option<Duration>>,
}

#[async_trait]
impl TypedResource for Widgets {
    type Model = Widget;

    fn type_name(&self) -> &'static str {
        "example_widget"
    }

    fn schema(&self) -> &Schema {
        static SCHEMA: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
        SCHEMA.get_or_init(|| {
            Schema::new(
                0,
                Block::new(
                    "w",
                    vec![
                        Attribute::primitive("id", Type::String, "id").computed(),
                        Attribute::primitive("name", Type::String, "n")
                            .required()
                            .plan_modifier(requires_replace()),
                        Attribute::primitive("colour", Type::String, "c")
                            .optional()
                            .validate(one_of("colour", &["red", "blue"])),
                        CRUD.attribute(),
                    ],
                ),
            )
        })
    }

    fn timeouts(&self) -> Option<TimeoutSpec> {
        Some(CRUD)
    }

    fn validate(&self, config: &Widget, diags: &mut Diagnostics) {
        if config.name == "red" && config.colour == Tf::Known("blue".into()) {
            diags.error_at(
                AttributePath::attr("colour"),
                "Confusing",
                "a red widget in blue",
            );
        }
    }

    fn plan(&self, plan: Plan<Widget>, _diags: &mut Diagnostics) -> Widget {
        let mut planned = plan.planned;
        if planned.id.is_unknown() {
            planned.id = Tf::Known(format!("w-{}", planned.name));
        }
        planned
    }

    async fn read(
        &self,
        op: &Operation,
        state: Widget,
        _private: &mut PrivateState,
        _diags: &mut Diagnostics,
    ) -> Option<Widget> {
        *self.last_timeout.lock().expect("lock") = Some(op.timeout);
        let id = state.id.known()?.clone();
        self.stored.lock().expect("lock").get(&id).cloned()
    }

    async fn create(
        &self,
        _op: &Operation,
        planned: Widget,
        _private: &mut PrivateState,
        _diags: &mut Diagnostics,
    ) -> Option<Widget> {
        let id = planned.id.known()?.clone();
        self.stored
            .lock()
            .expect("lock")
            .insert(id, planned.clone());
        Some(planned)
    }

    async fn update(
        &self,
        _op: &Operation,
        _prior: Widget,
        planned: Widget,
        _private: &mut PrivateState,
        _diags: &mut Diagnostics,
    ) -> Widget {
        planned
    }

    async fn delete(&self, _op: &Operation, prior: Widget, _diags: &mut Diagnostics) {
        if let Some(id) = prior.id.known() {
            self.stored.lock().expect("lock").remove(id);
        }
    }

    fn parse_import_id(&self, id: &str) -> Result<String, String> {
        id.strip_prefix("w-")
            .map(|_| id.to_owned())
            .ok_or_else(|| format!("expected w-<name>, got {id:?}"))
    }
}

fn config(name: &str, colour: Value) -> Value {
    Value::object([
        ("id", Value::Null),
        ("name", Value::from(name)),
        ("colour", colour),
        ("timeouts", Value::Null),
    ])
}

fn ctx() -> OperationContext {
    OperationContext::default()
}

#[test]
fn validate_runs_attribute_validators_then_the_typed_hook() {
    let widgets = Typed(Widgets::default());
    let mut diags = Diagnostics::new();
    widgets.validate(&config("a", Value::from("green")), &mut diags);
    widgets.validate(&config("red", Value::from("blue")), &mut diags);
    widgets.validate(&config("b", Value::unknown()), &mut diags);
    let summaries: Vec<&str> = diags.iter().map(|d| d.summary.as_str()).collect();
    assert_eq!(summaries, ["Invalid colour", "Confusing"]);
}

#[tokio::test]
async fn create_read_import_and_delete_through_models() {
    let widgets = Typed(Widgets::default());
    let mut diags = Diagnostics::new();
    let cfg = config("a", Value::from("red"));
    let plan = widgets.plan(
        PlanRequest {
            prior_state: Value::Null,
            proposed_new_state: cfg.clone(),
            config: cfg.clone(),
        },
        &mut diags,
    );
    assert_eq!(plan.planned_state.get("id"), Some(&Value::from("w-a")));
    let mut private = PrivateState::default();
    let apply = ApplyRequest {
        prior_state: Value::Null,
        planned_state: plan.planned_state.clone(),
        config: cfg.clone(),
    };
    let state = widgets
        .create(&ctx(), apply, &mut private, &mut diags)
        .await;
    assert_eq!(state, plan.planned_state);

    let imported = widgets.import(&ctx(), "w-a", &mut diags).await;
    assert_eq!(imported.get("id"), Some(&Value::from("w-a")));
    assert!(diags.iter().next().is_none(), "{diags:?}");

    // The imported state lacks the required name: the model cannot hold it, which is said.
    let read = widgets
        .read(&ctx(), imported, &mut private, &mut diags)
        .await;
    assert!(read.get("name").is_some_and(Value::is_null));
    assert!(diags.has_errors());
    assert!(diags.iter().any(|d| d.detail.contains("name")), "{diags:?}");

    let mut diags = Diagnostics::new();
    let with_timeout = Value::object([
        ("id", Value::from("w-a")),
        ("name", Value::from("a")),
        ("colour", Value::Null),
        (
            "timeouts",
            Value::object([
                ("create", Value::Null),
                ("read", Value::from("42s")),
                ("update", Value::Null),
                ("delete", Value::Null),
            ]),
        ),
    ]);
    let read = widgets
        .read(&ctx(), with_timeout.clone(), &mut private, &mut diags)
        .await;
    assert_eq!(read.get("name"), Some(&Value::from("a")));
    assert_eq!(
        *widgets.0.last_timeout.lock().expect("lock"),
        Some(Duration::from_secs(42))
    );

    widgets
        .delete(&ctx(), with_timeout.clone(), &mut diags)
        .await;
    let gone = widgets
        .read(&ctx(), with_timeout, &mut private, &mut diags)
        .await;
    assert!(gone.is_null());
    assert!(!diags.has_errors(), "{diags:?}");

    let bad = widgets.import(&ctx(), "a", &mut diags).await;
    assert!(bad.is_null());
    assert_eq!(
        diags.iter().last().map(|d| d.summary.as_str()),
        Some("Invalid import ID")
    );
}

#[test]
fn a_changed_name_replaces_and_replans_as_a_create() {
    let widgets = Typed(Widgets::default());
    let mut diags = Diagnostics::new();
    let prior = Value::object([
        ("id", Value::from("w-a")),
        ("name", Value::from("a")),
        ("colour", Value::Null),
        ("timeouts", Value::Null),
    ]);
    let cfg = config("b", Value::Null);
    let mut proposed = cfg.clone();
    if let Value::Object(m) = &mut proposed {
        m.insert("id".into(), Value::from("w-a"));
    }
    let plan = widgets.plan(
        PlanRequest {
            prior_state: prior,
            proposed_new_state: proposed,
            config: cfg,
        },
        &mut diags,
    );
    assert_eq!(plan.requires_replace, vec![AttributePath::attr("name")]);
    assert_eq!(plan.planned_state.get("id"), Some(&Value::from("w-b")));
}
