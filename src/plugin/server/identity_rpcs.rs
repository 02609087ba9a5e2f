//! The resource identity RPCs (protocol 6.9): the identity schema of every resource that has
//! one, and upgrading a stored identity (there is one identity version so far, so the upgrade
//! checks it and passes it through).

use super::shared::{encode, ProviderRpc};
use crate::plugin::codec::decode_json;
use crate::plugin::diagnostics::Diagnostics;
use crate::proto::tfplugin6 as pb;

pub(super) async fn get_resource_identity_schemas(
    rpc: &ProviderRpc,
    _req: pb::get_resource_identity_schemas::Request,
) -> pb::get_resource_identity_schemas::Response {
    let identity_schemas = rpc
        .resources
        .iter()
        .filter_map(|(name, r)| Some((name.to_string(), r.identity_schema()?.to_proto())))
        .collect();
    pb::get_resource_identity_schemas::Response {
        identity_schemas,
        diagnostics: Vec::new(),
    }
}

pub(super) async fn upgrade_resource_identity(
    rpc: &ProviderRpc,
    req: pb::upgrade_resource_identity::Request,
) -> pb::upgrade_resource_identity::Response {
    let mut diags = Diagnostics::new();
    let mut upgraded_identity = None;
    if let Some(r) = rpc.resource(&req.type_name, &mut diags) {
        match r.identity_schema() {
            None => diags.error(
                "Resource identity is not supported",
                format!("{} has no resource identity, but the state holds one. Remove the resource with `terraform state rm` and import it again.", req.type_name),
            ),
            Some(schema) if req.version > schema.version => diags.error(
                "Resource identity is from a newer provider",
                format!("The identity of this {} was written by identity version {}, but this provider knows only up to {}. Upgrade the provider.", req.type_name, req.version, schema.version),
            ),
            Some(schema) => {
                let ty = schema.value_type();
                let raw = req.raw_identity.map(|raw| raw.json).unwrap_or_default();
                match decode_json(&raw, &ty) {
                    Ok(identity) => {
                        upgraded_identity = encode(&identity, &ty, "upgraded identity", &mut diags)
                            .map(|data| pb::ResourceIdentityData {
                                identity_data: Some(data),
                            })
                    }
                    Err(e) => diags.error(
                        "Stored resource identity could not be read",
                        format!("The stored identity of this {} is not valid: {e}. Remove it with `terraform state rm` and import it again.", req.type_name),
                    ),
                }
            }
        }
    }
    pb::upgrade_resource_identity::Response {
        upgraded_identity,
        diagnostics: diags.into_proto(),
    }
}
