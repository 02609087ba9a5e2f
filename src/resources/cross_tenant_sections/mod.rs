//! The sections of a cross-tenant access configuration, shared by the resources that hold
//! them (`azuread_cross_tenant_partner`, `azuread_cross_tenant_access_default`): the tables
//! (`table.rs`), their typed values (`model.rs`), schema attributes (`schema.rs`), validation
//! (`validate.rs`), the Graph mapping (`convert.rs`), the PATCH-and-confirm flow (`write.rs`,
//! `verify.rs`) and its diagnostics (`report.rs`). A resource lists the sections it has in its
//! model (`section_model!`) and gets all of this for them.

pub mod convert;
mod model;
pub mod report;
pub mod schema;
pub mod session;
mod table;
pub mod validate;
pub mod verify;
pub mod write;

pub use convert::SectionPatch;
pub(crate) use model::section_model;
pub use model::{
    Flags, Halves, Providers, SectionModel, SectionRef, SectionValue, Target, TargetConfiguration,
    Timeouts,
};
pub use table::*;
