//! One module per resource type.

pub mod cross_tenant_partner;
pub mod cross_tenant_partner_data;
pub mod cross_tenant_partner_identity_sync;
pub mod support;
