//! One module per resource type, and the sections the cross-tenant ones share.

pub mod cross_tenant_access_default;
pub mod cross_tenant_access_policy;
pub mod cross_tenant_partner;
pub mod cross_tenant_sections;
