//! Protocol-level integration tests: the real provider binary, started as Terraform starts it,
//! driven over gRPC with mutual TLS (`cargo test --test protocol`).

mod harness;
mod values;

mod data_sources;
mod emulator;
mod garbage;
mod identity;
mod lifecycle;
mod list_and_move;
mod mtls;
mod schema;
mod startup;
mod stop;
mod unsupported;
