//! Typed models: resources declare their state/plan/config as serde structs with [`Tf`]
//! fields instead of string-keyed access to `Value` (in the spirit of
//! terraform-plugin-framework's `types.String` and `tfsdk` tags). `tf` owns the wrapper.

mod tf;

pub use tf::Tf;
