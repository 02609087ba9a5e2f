//! The `azuread_cross_tenant_partner_identity_sync` schema and its typed model, with the plan
//! behaviour declared on each attribute.

use serde::{Deserialize, Serialize};

use crate::plugin::model::Tf;
use crate::plugin::plan_modifiers::{
    differs_ignoring_case, requires_replace_if, use_state_for_unknown,
};
use crate::plugin::schema::{Attribute, Block, NestingMode, Schema};
use crate::plugin::timeouts::{CrudTimeouts, Timeouts, CRUD};
use crate::plugin::validators::guid;
use crate::plugin::value::Type;

pub const TIMEOUTS: Timeouts = CRUD;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct SyncModel {
    pub id: Tf<String>,
    pub tenant_id: Tf<String>,
    pub display_name: Tf<String>,
    pub user_sync_inbound: Tf<UserSyncInbound>,
    pub timeouts: Tf<CrudTimeouts>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct UserSyncInbound {
    pub is_sync_allowed: Tf<bool>,
}

pub fn schema() -> Schema {
    let attributes = vec![
        Attribute::primitive("id", Type::String, "The partner's tenant ID; the same as `tenant_id`.")
            .computed()
            .plan_modifier(use_state_for_unknown()),
        Attribute::primitive(
            "tenant_id",
            Type::String,
            "The partner tenant's ID (a GUID). The partner's cross-tenant access configuration (`azuread_cross_tenant_partner`) must exist first: reference it (`tenant_id = azuread_cross_tenant_partner.example.tenant_id`) so that Terraform creates it before this policy and deletes it after. Changing it (other than letter case) replaces the resource.",
        )
        .required()
        .validate(guid("Invalid tenant ID", "a tenant GUID", ""))
        .plan_modifier(requires_replace_if(differs_ignoring_case)),
        Attribute::primitive(
            "display_name",
            Type::String,
            "A name for the policy, usually the partner organisation's. Optional: when left out, the state shows what Graph holds and nothing is sent; removing it from the configuration later leaves Graph's value as it is.",
        )
        .optional()
        .computed()
        .plan_modifier(use_state_for_unknown()),
        Attribute::nested(
            "user_sync_inbound",
            NestingMode::Single,
            vec![Attribute::primitive(
                "is_sync_allowed",
                Type::Bool,
                "Whether the partner tenant may synchronize its users into this tenant (cross-tenant synchronization).",
            )
            .required()],
            "Inbound user synchronization from the partner tenant.",
        )
        .required(),
        TIMEOUTS.attribute(),
    ];
    Schema::new(0, Block::new(
            "Manages a partner's cross-tenant synchronization policy (`/policies/crossTenantAccessPolicy/partners/{tenantId}/identitySynchronization` in Microsoft Graph): whether the partner tenant may synchronize users into this one. Graph refuses to delete a partner while it has this policy, so Terraform must delete this resource first.",
            attributes,
        ))
}
