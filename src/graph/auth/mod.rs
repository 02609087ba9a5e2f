//! Sign-in: everything that turns provider settings into a bearer token for Graph.
//!
//! It owns the credentials (client secret, client certificate with its signed assertion,
//! workload identity federation, managed identity, Azure CLI), the process-wide single-flight
//! token cache every credential is wrapped in ([`TokenSource`], [`CachedTokenSource`]), and cloud
//! discovery from an ARM metadata document (`metadata_host`). It shares the one HTTP client built
//! in `graph::tls` and reports failures as [`GraphError::Auth`](crate::graph::GraphError); it knows
//! nothing about Graph's API, which lives beside it in `graph/`.

mod assertion;
mod cloud_metadata;
mod credential;
mod federated;
mod managed_identity;
mod token;

pub use assertion::{certificate_token_source, AssertionForm, CertificateError, ClientCertificate};
pub use cloud_metadata::{discover_cloud, DiscoveredCloud};
pub use credential::{
    azure_cli_token_source, azure_client_options, azure_credential_token_source,
    client_secret_token_source, token_endpoint,
};
pub use federated::{federated_token_source, FederatedSource};
pub use managed_identity::{managed_identity_token_source, DEFAULT_IMDS_ENDPOINT};
pub use token::{CachedTokenSource, FetchedToken, TokenFetcher, TokenSource};
