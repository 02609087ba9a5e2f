//! One module per resource type, and the sections the cross-tenant ones share.

pub mod cross_tenant_access_default;
pub mod cross_tenant_access_default_data;
pub mod cross_tenant_access_policy;
pub mod cross_tenant_partner;
pub mod cross_tenant_partner_data;
pub mod cross_tenant_partner_identity_sync;
pub mod cross_tenant_partner_list;
pub mod cross_tenant_sections;
pub mod msgraph_source;
pub mod support;
