//! Acceptance tests: real `terraform` and real `tofu` drive the provider binary against the
//! local Graph emulator. Every scenario runs under Terraform 1.11, Terraform 1.15 and OpenTofu
//! 1.6, except those of features only newer Terraform has (resource identity).

#[path = "harness.rs"]
pub mod harness;

#[path = "lifecycle.rs"]
mod lifecycle;

#[path = "failures.rs"]
mod failures;

#[path = "consistency.rs"]
mod consistency;

#[path = "fidelity.rs"]
mod fidelity;

#[path = "interrupt.rs"]
mod interrupt;

#[path = "install.rs"]
mod install;

#[path = "auth.rs"]
mod auth;

#[path = "identity.rs"]
mod identity;

#[path = "release_support.rs"]
pub mod release_support;

#[path = "mirror.rs"]
mod mirror;

#[path = "side_by_side.rs"]
mod side_by_side;

#[path = "release.rs"]
mod release;

#[path = "identity_sync.rs"]
mod identity_sync;

#[path = "data_sources.rs"]
mod data_sources;

#[path = "refresh.rs"]
mod refresh;

#[path = "singletons.rs"]
mod singletons;

#[path = "query.rs"]
mod query;

#[path = "moved.rs"]
mod moved;

#[path = "guide.rs"]
mod guide;

#[path = "http2.rs"]
mod http2;

#[path = "trust.rs"]
mod trust;

#[path = "dns.rs"]
mod dns;
