//! terraform-provider-azuread: a Terraform plugin (protocol 6) for Entra cross-tenant access partners.

pub mod proto {
    //! Generated from `proto/` by build.rs.
    pub mod tfplugin6 {
        tonic::include_proto!("tfplugin6");
    }
    pub mod plugin {
        tonic::include_proto!("plugin");
    }
}

pub mod graph;
pub mod plugin;
pub mod provider;
pub mod resources;
