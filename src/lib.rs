//! terraform-provider-azuread: a Terraform plugin (protocol 6) for Entra cross-tenant access partners.

// The plugin serves Terraform over a Unix socket (go-plugin's transport outside Windows); on
// Windows go-plugin uses loopback TCP instead, which this plugin does not implement yet.
#[cfg(not(unix))]
compile_error!(
    "terraform-provider-azuread builds for Unix-like systems only (Linux, macOS): it serves \
     Terraform over a Unix socket, and the Windows transport (loopback TCP) is not implemented"
);

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
