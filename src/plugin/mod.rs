//! A small Terraform plugin framework (protocol 6) owned by this project. It knows nothing about
//! Azure: it owns the go-plugin handshake, AutoMTLS, the gRPC services, the value codec and the
//! traits a provider implements. It names no provider either: the binary passes its name and
//! address in [`ServeOptions`].
//!
//! Layering: an import points down this chain, never up it and never in a loop:
//! `serve` → `server` → `traits` → `schema` → `codec` → `value` → `number`. `diagnostics`,
//! `path` and `private` are the floor any layer may use; the process pieces (`handshake`,
//! `tls`, `unix_conn`, `goplugin`, `panic_guard`, `logging`) serve `serve` and use none of the
//! chain. Wire formats live in `codec`, even cty's type JSON (`Type::to_json` is defined
//! there), so that `value` never imports `codec`.

pub mod behaviour;
pub mod codec;
pub mod diagnostics;
pub mod goplugin;
pub mod grpc_codec;
pub mod handshake;
pub mod identity;
pub mod import;
pub mod list;
pub mod logging;
pub mod model;
pub mod number;
pub mod panic_guard;
pub mod path;
pub mod plan_modifiers;
pub mod private;
pub mod schema;
pub mod serve;
pub mod server;
pub mod timeouts;
pub mod tls;
pub mod traits;
pub mod typed;
pub mod typed_data;
pub mod unix_conn;
pub mod validators;
pub mod value;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use model::{ModelError, Tf};
pub use path::AttributePath;
pub use private::PrivateState;
pub use schema::{Attribute, Block, NestingMode, Schema};
pub use serve::{serve, ServeOptions};
pub use traits::{
    ApplyRequest, DataSource, ListResource, OperationContext, PlanRequest, PlanResponse, Provider,
    Resource,
};
pub use value::{Type, Value};
