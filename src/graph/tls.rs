//! The one `reqwest` client shared by token requests and Graph calls.
//!
//! It trusts the system's CA bundle plus `SSL_CERT_FILE` / `SSL_CERT_DIR` (see [`super::roots`]),
//! which is how Go providers let users and tests trust a private CA such as the local Graph
//! emulator's. The roots are parsed once into the rustls configuration the client uses, and
//! the certificate directories (and the system bundle, when `SSL_CERT_FILE` names roots of its
//! own) only when a chain needs them (see [`super::trust`]). Only a system without a known
//! bundle file falls back to rustls-platform-verifier, which finds the system's roots itself.
//! Verification is never disabled.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::error::GraphError;
use super::roots::{open_regular, RootsLoader};
use super::trust::server_verifier;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest silence while reading a response; whole requests are bounded by operation deadlines.
const READ_TIMEOUT: Duration = Duration::from_secs(120);
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// Builds the process's HTTP client: rustls, verification on, system roots plus
/// `SSL_CERT_FILE` / `SSL_CERT_DIR`, HTTP/2 allowed, sane timeouts, `TCP_NODELAY`.
pub fn build_http_client() -> Result<reqwest::Client, GraphError> {
    let mut roots = RootsLoader::default();
    let cert_file = non_empty_env("SSL_CERT_FILE");
    let cert_dirs = non_empty_env("SSL_CERT_DIR");
    roots.add_env(cert_file.as_deref().map(Path::new), cert_dirs.as_deref())?;
    // As in Go, SSL_CERT_DIR replaces the system's certificate directories (not its bundle).
    client_trusting(roots, cert_dirs.is_none())
}

/// Checks, without reading it, that `SSL_CERT_FILE` (when set) opens as a regular file. The
/// client is built at the first Graph call, once per resource that makes one; a wrong path
/// found at configuration is one error instead of one per resource.
pub fn check_cert_file() -> Result<(), String> {
    match non_empty_env("SSL_CERT_FILE") {
        Some(path) => open_regular(Path::new(&path))
            .map(drop)
            .map_err(|why| format!("SSL_CERT_FILE: {why}")),
        None => Ok(()),
    }
}

/// The client, trusting the system roots (with its certificate directories when
/// `system_dirs`) on top of what `roots` holds already.
pub(crate) fn client_trusting(
    mut roots: RootsLoader,
    system_dirs: bool,
) -> Result<reqwest::Client, GraphError> {
    let extra = roots.len();
    let bundle = roots.add_system_roots(system_dirs);
    let builder = match usable(bundle, &mut roots) {
        Some(bundle) => {
            log::debug!(
                "graph: HTTP client trusts {} plus {extra} extra CA certificate(s), and the certificate directories if a chain needs them",
                bundle.display()
            );
            base_builder().tls_backend_preconfigured(rustls_config(roots)?)
        }
        None => {
            log::debug!(
                "graph: no usable system CA bundle file; HTTP client trusts the platform's roots plus {extra} extra CA certificate(s)"
            );
            let certificates = roots
                .into_certificates()
                .iter()
                .map(|der| reqwest::Certificate::from_der(der))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|error| GraphError::Config(format!("CA certificate: {error}")))?;
            base_builder()
                .tls_backend_rustls()
                .tls_certs_merge(certificates)
        }
    };
    builder
        .build()
        .map_err(|error| GraphError::Config(format!("HTTP client: {error}")))
}

/// The bundle, if there is one and something to trust came with it. A bundle without a usable
/// certificate (and nothing in `SSL_CERT_FILE` or the directories) is treated as no bundle, so
/// the platform verifier finds the system's roots rather than every server being refused.
fn usable(bundle: Option<PathBuf>, roots: &mut RootsLoader) -> Option<PathBuf> {
    if bundle.is_some() && roots.is_empty() {
        roots.load_deferred();
    }
    bundle.filter(|_| !roots.is_empty())
}

fn non_empty_env(name: &str) -> Option<OsString> {
    std::env::var_os(name).filter(|value| !value.is_empty())
}

fn base_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .dns_resolver(super::dns::system_resolver())
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(READ_TIMEOUT)
        .pool_idle_timeout(POOL_IDLE_TIMEOUT)
        .tcp_nodelay(true)
        // Graph does not redirect these calls; a redirect is shown as the 3xx it is.
        .redirect(reqwest::redirect::Policy::none())
}

/// What reqwest would configure for rustls, with our roots: TLS 1.2 and 1.3, aws-lc-rs, ALPN
/// offering HTTP/2 then HTTP/1.1. The verifier is rustls's own WebPKI verifier, given the
/// certificate directories only when a chain needs them.
fn rustls_config(roots: RootsLoader) -> Result<rustls::ClientConfig, GraphError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = server_verifier(roots, provider.clone())?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(|error| GraphError::Config(format!("TLS configuration: {error}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_server::{Reply, TestServer, TestTls};

    fn trusting(extra: Vec<rustls::pki_types::CertificateDer<'static>>) -> reqwest::Client {
        let mut roots = RootsLoader::default();
        extra.into_iter().for_each(|der| roots.add_der(der));
        client_trusting(roots, false).expect("client")
    }

    #[test]
    fn a_bundle_with_nothing_usable_counts_as_no_bundle() {
        let bundle = Some(PathBuf::from("/etc/ssl/certs/ca-certificates.crt"));
        assert_eq!(usable(bundle.clone(), &mut RootsLoader::default()), None);
        assert_eq!(usable(None, &mut RootsLoader::default()), None);
        let mut roots = RootsLoader::default();
        roots.add_der(TestTls::generate().ca_der());
        assert_eq!(usable(bundle.clone(), &mut roots), bundle);
        // The directories are read before the bundle is given up on.
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("ca.pem"), TestTls::generate().ca_pem()).expect("write");
        let mut roots = RootsLoader::default();
        roots
            .add_env(None, Some(dir.path().as_os_str()))
            .expect("SSL_CERT_DIR");
        assert_eq!(usable(bundle.clone(), &mut roots), bundle);
    }

    #[tokio::test]
    async fn trusts_an_extra_ca_and_still_verifies_others() {
        let tls = TestTls::generate();
        let server = TestServer::start_tls(&tls, vec![Reply::json(200, "{}")]).await;
        let response = trusting(vec![tls.ca_der()])
            .get(server.url())
            .send()
            .await
            .expect("trusted request");
        assert_eq!(response.status().as_u16(), 200);

        let untrusted = trusting(Vec::new()).get(server.url()).send().await;
        let error = untrusted.expect_err("an unknown CA is refused");
        assert!(format!("{error:?}").contains("UnknownIssuer"), "{error:?}");
    }
}
