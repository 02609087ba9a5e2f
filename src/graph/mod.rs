//! Typed Microsoft Graph client: the only code in the provider that does HTTP.
//!
//! One [`GraphClient`] per provider process shares one `reqwest` client (built by
//! [`build_http_client`]) with the token source, retries throttling and transient failures
//! within each operation's deadline ([`OpContext`]), and turns Graph's error envelope into a
//! [`GraphError`] that reads well in a Terraform diagnostic.

mod assertion;
mod client;
mod cloud_metadata;
mod context;
mod credential;
mod envelope;
mod error;
mod federated;
mod handle;
mod managed_identity;
mod partners;
mod retry;
mod tls;
mod token;

#[cfg(test)]
mod client_tests;
#[cfg(test)]
mod test_server;

pub use assertion::{certificate_token_source, AssertionForm, CertificateError, ClientCertificate};
pub use client::{GraphClient, GraphConfig};
pub use cloud_metadata::{discover_cloud, DiscoveredCloud};
pub use context::OpContext;
pub use credential::{
    azure_cli_token_source, azure_client_options, azure_credential_token_source,
    client_secret_token_source, token_endpoint,
};
pub use error::{ErrorDetail, GraphError, HttpFailure};
pub use federated::{federated_token_source, FederatedSource};
pub use handle::{ClientSource, GraphHandle};
pub use managed_identity::{managed_identity_token_source, DEFAULT_IMDS_ENDPOINT};
pub use partners::PartnerPoll;
pub use retry::{parse_retry_after, RetryPolicy};
pub use tls::{build_http_client, extra_root_certificates, load_pem_certificates};
pub use token::{CachedTokenSource, FetchedToken, TokenFetcher, TokenSource};
