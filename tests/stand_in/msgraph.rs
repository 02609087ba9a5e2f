//! A stand-in for microsoft/msgraph, for the tests of `moved` blocks from `msgraph_resource`.
//!
//! Terraform refuses to plan while the state names a provider that is not installed, even
//! when a `moved` block hands every one of its resources to another provider (it never calls
//! the source provider for such a move: the target's MoveResourceState gets the stored JSON).
//! The real provider cannot be downloaded here, so this binary takes its place: built on this
//! project's plugin framework, it serves `msgraph_resource` with the attributes of msgraph's
//! schema and refuses every operation that would need Graph. The tests point a dev_override
//! for `microsoft/msgraph` at it; nothing of it ships.

use std::process::ExitCode;
use std::sync::Arc;

use async_trait::async_trait;
use terraform_provider_azuread::plugin::{
    self, ApplyRequest, Attribute, Block, Diagnostics, OperationContext, PlanRequest, PlanResponse,
    PrivateState, Provider, Resource, Schema, ServeOptions, Type, Value,
};

struct MsgraphResource {
    schema: Schema,
}

/// msgraph_resource's attributes (microsoft/terraform-provider-msgraph, 2026).
fn schema() -> Schema {
    let optional = |name: &str, ty: Type| Attribute::primitive(name, ty, name).optional();
    let computed = |name: &str, ty: Type| Attribute::primitive(name, ty, name).computed();
    let query = Type::map(Type::list(Type::String));
    Schema::new(
        0,
        Block::new(
            "msgraph_resource (stand-in)",
            vec![
                computed("id", Type::String),
                Attribute::primitive("url", Type::String, "url").required(),
                optional("api_version", Type::String),
                optional("body", Type::Dynamic),
                optional("ignore_missing_property", Type::Bool),
                optional("create_query_parameters", query.clone()),
                optional("read_query_parameters", query.clone()),
                optional("update_query_parameters", query.clone()),
                optional("delete_query_parameters", query),
                optional("response_export_values", Type::map(Type::String)),
                optional("create_method", Type::String),
                optional("update_method", Type::String),
                optional(
                    "retry",
                    Type::object([("error_message_regex", Type::list(Type::String))]),
                ),
                computed("output", Type::Dynamic),
                computed("resource_url", Type::String),
            ],
        ),
    )
}

fn refuse(diags: &mut Diagnostics) {
    diags.error(
        "msgraph stand-in",
        "This is the test stand-in for microsoft/msgraph; it only lets Terraform move state away.",
    );
}

#[async_trait]
impl Resource for MsgraphResource {
    fn type_name(&self) -> &'static str {
        "msgraph_resource"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(
        &self,
        _ctx: &OperationContext,
        state: Value,
        _private: &mut PrivateState,
        _diags: &mut Diagnostics,
    ) -> Value {
        state
    }

    fn plan(&self, req: PlanRequest, diags: &mut Diagnostics) -> PlanResponse {
        refuse(diags);
        PlanResponse {
            planned_state: req.proposed_new_state,
            requires_replace: Vec::new(),
        }
    }

    async fn create(
        &self,
        _ctx: &OperationContext,
        _req: ApplyRequest,
        _private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Value {
        refuse(diags);
        Value::Null
    }

    async fn update(
        &self,
        _ctx: &OperationContext,
        req: ApplyRequest,
        _private: &mut PrivateState,
        diags: &mut Diagnostics,
    ) -> Value {
        refuse(diags);
        req.prior_state
    }

    async fn delete(&self, _ctx: &OperationContext, _prior: Value, diags: &mut Diagnostics) {
        refuse(diags);
    }

    async fn import(&self, _ctx: &OperationContext, _id: &str, diags: &mut Diagnostics) -> Value {
        refuse(diags);
        Value::Null
    }
}

struct Msgraph {
    schema: Schema,
}

#[async_trait]
impl Provider for Msgraph {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(MsgraphResource { schema: schema() })]
    }

    async fn configure(
        &self,
        _ctx: &OperationContext,
        _terraform_version: &str,
        _config: Value,
        _diags: &mut Diagnostics,
    ) {
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let provider = Arc::new(Msgraph {
        schema: Schema::new(0, Block::new("msgraph (stand-in)", Vec::new())),
    });
    let opts = ServeOptions {
        debug: false,
        provider_address: "registry.terraform.io/microsoft/msgraph".into(),
        provider_name: "terraform-provider-msgraph".into(),
    };
    match plugin::serve(provider, opts).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
