//! Where the cross-tenant access policy family lives in Graph (reference §8). Each object is
//! only a path here; the verbs are the endpoint layer's and the models are in `resources/`.

use super::endpoint::{Collection, Singleton};

/// `/policies/crossTenantAccessPolicy`: the top-level policy (GET, PATCH 204).
pub const POLICY: Singleton = Singleton::new(
    "cross-tenant access policy",
    &["policies", "crossTenantAccessPolicy"],
);

/// `…/default`: the default configuration (GET, PATCH 204, [`RESET_TO_SYSTEM_DEFAULT`]).
pub const DEFAULT_POLICY: Singleton = Singleton::new(
    "default cross-tenant access configuration",
    &["policies", "crossTenantAccessPolicy", "default"],
);

/// The action on [`DEFAULT_POLICY`] that restores the service defaults (POST, 204).
pub const RESET_TO_SYSTEM_DEFAULT: &str = "resetToSystemDefault";

/// `…/partners/{tenantId}`: one configuration per partner tenant (POST 201, GET, PATCH 204,
/// DELETE 204; list paged).
pub const PARTNERS: Collection = Collection::new(
    "partner",
    &["policies", "crossTenantAccessPolicy", "partners"],
);

/// `…/partners/{tenantId}/identitySynchronization`: a partner's cross-tenant synchronization
/// policy (PUT 204 creates it, GET, PATCH 204, DELETE 204). Graph refuses to delete a partner
/// while it exists.
pub const IDENTITY_SYNC: Singleton = Singleton::new(
    "identity synchronization policy",
    &["identitySynchronization"],
);
