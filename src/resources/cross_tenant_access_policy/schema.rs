//! The `azuread_cross_tenant_access_policy` schema: the cross-cloud setting, Graph's ID and
//! display name, and the timeouts.

use crate::plugin::plan_modifiers::use_state_for_unknown;
use crate::plugin::schema::{Attribute, Block, Schema};
use crate::plugin::timeouts::{Timeouts, CRUD};
use crate::plugin::validators::custom;
use crate::plugin::value::Type;

pub const TIMEOUTS: Timeouts = CRUD;
/// The values Graph documents for `allowedCloudEndpoints` (reference §6).
pub const CLOUD_ENDPOINTS: &[&str] = &[
    "microsoftonline.com",
    "microsoftonline.us",
    "partner.microsoftonline.cn",
];

pub fn schema() -> Schema {
    let computed = |name: &str, description: &str| {
        Attribute::primitive(name, Type::String, description)
            .computed()
            .plan_modifier(use_state_for_unknown())
    };
    let endpoints = Attribute::primitive(
        "allowed_cloud_endpoints",
        Type::Set(Box::new(Type::String)),
        "The other Microsoft clouds your tenant may collaborate with (cross-cloud B2B): any of `microsoftonline.com` (global), `microsoftonline.us` (US Government) and `partner.microsoftonline.cn` (China, operated by 21Vianet). `[]` allows none. Only the global cloud's Graph has this setting.",
    )
    .required()
    .validate(custom(|value, path, diags| {
        for (i, element) in value.elements().unwrap_or(&[]).iter().enumerate() {
            let Some(endpoint) = element.as_str() else { continue };
            if !CLOUD_ENDPOINTS.contains(&endpoint) {
                diags.error_at(
                    path.push_set_element(i64::try_from(i).unwrap_or(i64::MAX)),
                    "Invalid cloud endpoint",
                    format!("allowed_cloud_endpoints takes {}; got {endpoint:?}.", CLOUD_ENDPOINTS.join(", ")),
                );
            }
        }
    }));
    Schema::new(0, Block::new(
            "Manages the tenant's cross-tenant access policy (`/policies/crossTenantAccessPolicy` in Microsoft Graph): which other Microsoft clouds it may collaborate with. The policy always exists: creating the resource adopts it, destroying it sets `allowed_cloud_endpoints` back to `[]`.",
            vec![
                computed("id", "Graph's ID of the policy."),
                computed("display_name", "The policy's display name, as Graph shows it. Read-only."),
                endpoints,
                TIMEOUTS.attribute(),
            ],
        ))
}
