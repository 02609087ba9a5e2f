//! Acceptance tests: real `terraform` and real `tofu` drive the provider binary against the
//! local Graph emulator. Every scenario runs under both tools.

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

#[path = "singletons.rs"]
mod singletons;
