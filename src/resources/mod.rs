//! One module per resource type.

pub mod cross_tenant_partner;
