//! The partner's validation rules are the shared sections' (`cross_tenant_sections`); this
//! module keeps their tests, which run them through the partner schema.

use crate::plugin::value::Value;

#[path = "validate_tests.rs"]
mod tests;
