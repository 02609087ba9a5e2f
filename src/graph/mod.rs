//! Typed Microsoft Graph client: the only code in the provider that does HTTP.
//!
//! One [`GraphClient`] per provider process shares one `reqwest` client (built by
//! [`build_http_client`]) with the token source, retries throttling and transient failures
//! within each operation's deadline ([`OpContext`]), and turns Graph's error envelope into a
//! [`GraphError`] that reads well in a Terraform diagnostic.
//!
//! Sign-in (credentials, token cache, cloud discovery) is [`auth`]. The API side is a small
//! generic endpoint layer ([`Collection`], [`Singleton`], [`Object`]: items, singletons,
//! actions, paged lists, read-back polling) with the cross-tenant family's paths in
//! `cross_tenant.rs` and thin typed wrappers per object (`partners.rs`).

pub mod auth;
mod client;
mod coalesce;
mod context;
mod cross_tenant;
mod dns;
mod endpoint;
mod envelope;
mod error;
mod exchange;
mod handle;
mod pager;
mod partners;
mod read_back;
mod retry;
mod roots;
mod tls;
mod trust;

#[cfg(test)]
mod client_tests;
#[cfg(test)]
mod coalesce_tests;
#[cfg(test)]
mod endpoint_tests;
#[cfg(test)]
mod paging_tests;
#[cfg(test)]
mod test_server;

pub use auth::{
    azure_cli_token_source, azure_client_options, azure_credential_token_source,
    certificate_token_source, client_secret_token_source, discover_cloud, federated_token_source,
    managed_identity_token_source, token_endpoint, AssertionForm, CachedTokenSource,
    CertificateError, ClientCertificate, DiscoveredCloud, FederatedSource, FetchedToken,
    TokenFetcher, TokenSource, DEFAULT_IMDS_ENDPOINT,
};
pub use client::{GraphClient, GraphConfig};
pub use coalesce::{GATHER_WINDOW, LIST_THRESHOLD, SNAPSHOT_TTL};
pub use context::OpContext;
pub use cross_tenant::{DEFAULT_POLICY, IDENTITY_SYNC, PARTNERS, POLICY, RESET_TO_SYSTEM_DEFAULT};
pub use endpoint::{Collection, Object, Singleton};
pub use error::{ErrorDetail, GraphError, HttpFailure};
pub use handle::{ClientSource, GraphHandle};
pub use pager::Pager;
pub use partners::PartnerPoll;
pub use read_back::ReadBack;
pub use retry::{parse_retry_after, RetryPolicy};
pub use roots::{RootsLoader, SYSTEM_BUNDLES, SYSTEM_DIRS};
pub use tls::{build_http_client, check_cert_file};
