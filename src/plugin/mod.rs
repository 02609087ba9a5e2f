//! A small Terraform plugin framework (protocol 6) owned by this project. It knows nothing about
//! Azure: it owns the go-plugin handshake, AutoMTLS, the gRPC services, the value codec and the
//! traits a provider implements.

pub mod codec;
pub mod diagnostics;
pub mod goplugin;
pub mod handshake;
pub mod logging;
pub mod model;
pub mod number;
pub mod panic_guard;
pub mod path;
pub mod private;
pub mod schema;
pub mod serve;
pub mod server;
pub mod tls;
pub mod traits;
pub mod value;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use model::{ModelError, Tf};
pub use path::AttributePath;
pub use private::PrivateState;
pub use schema::{Attribute, Block, NestingMode, Schema};
pub use serve::{serve, ServeOptions};
pub use traits::{ApplyRequest, OperationContext, PlanRequest, PlanResponse, Provider, Resource};
pub use value::{Type, Value};
