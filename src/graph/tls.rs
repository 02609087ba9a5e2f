//! The one `reqwest` client shared by token requests and Graph calls, and the trust roots it uses.
//!
//! Roots are the system's (through rustls-platform-verifier) plus every PEM certificate in
//! `SSL_CERT_FILE` and in the files of `SSL_CERT_DIR`, which is how Go providers let users and
//! tests trust a private CA (such as the local Graph emulator's). Verification is never disabled.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

use super::error::GraphError;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest silence while reading a response; whole requests are bounded by operation deadlines.
const READ_TIMEOUT: Duration = Duration::from_secs(120);
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// Where Linux distributions keep their CA bundle. When `SSL_CERT_FILE` or `SSL_CERT_DIR` is set,
/// the system loader reads only those, so the bundle is added back to keep the system roots.
const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/tls/cacert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// Builds the process's HTTP client: rustls, verification on, system roots plus
/// `SSL_CERT_FILE` / `SSL_CERT_DIR`, HTTP/2 allowed, sane timeouts, `TCP_NODELAY`.
pub fn build_http_client() -> Result<reqwest::Client, GraphError> {
    let cert_file = std::env::var_os("SSL_CERT_FILE").filter(|value| !value.is_empty());
    let cert_dirs = std::env::var_os("SSL_CERT_DIR").filter(|value| !value.is_empty());
    let mut roots =
        extra_root_certificates(cert_file.as_deref().map(Path::new), cert_dirs.as_deref())?;
    if cert_file.is_some() || cert_dirs.is_some() {
        roots.extend(system_bundle_certificates());
        roots = usable_roots(roots);
    }
    build_http_client_with_roots(roots)
}

/// The client, trusting `extra_roots` on top of the system roots.
pub(crate) fn build_http_client_with_roots(
    extra_roots: Vec<CertificateDer<'static>>,
) -> Result<reqwest::Client, GraphError> {
    let certificates = extra_roots
        .iter()
        .map(|der| reqwest::Certificate::from_der(der))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| GraphError::Config(format!("CA certificate: {error}")))?;
    log::debug!(
        "graph: HTTP client trusts the system roots plus {} extra CA certificate(s)",
        certificates.len()
    );
    reqwest::Client::builder()
        .tls_backend_rustls()
        .tls_certs_merge(certificates)
        .connect_timeout(CONNECT_TIMEOUT)
        .read_timeout(READ_TIMEOUT)
        .pool_idle_timeout(POOL_IDLE_TIMEOUT)
        .tcp_nodelay(true)
        // Graph does not redirect these calls; a redirect is shown as the 3xx it is.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|error| GraphError::Config(format!("HTTP client: {error}")))
}

/// Certificates from `cert_file` (an unreadable file is an error: the user named it) and from
/// every file in the `:`-separated `cert_dirs` (unreadable entries are skipped, as OpenSSL
/// and Go do). Duplicates and certificates that cannot be trust anchors are dropped.
pub fn extra_root_certificates(
    cert_file: Option<&Path>,
    cert_dirs: Option<&OsStr>,
) -> Result<Vec<CertificateDer<'static>>, GraphError> {
    let mut found = Vec::new();
    if let Some(path) = cert_file {
        let certificates = load_pem_certificates(path)?;
        if certificates.is_empty() {
            return Err(GraphError::Config(format!(
                "SSL_CERT_FILE {} holds no PEM certificate",
                path.display()
            )));
        }
        found.extend(certificates);
    }
    for dir in cert_dirs.map(std::env::split_paths).into_iter().flatten() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) => {
                log::debug!(
                    "graph: skipping SSL_CERT_DIR entry {}: {error}",
                    dir.display()
                );
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            // metadata() follows the hash-named symlinks that c_rehash creates.
            if path.metadata().is_ok_and(|meta| meta.is_file()) {
                found.extend(load_pem_certificates(&path).unwrap_or_default());
            }
        }
    }
    Ok(usable_roots(found))
}

/// Every `CERTIFICATE` block of a PEM file; other blocks (keys, CRLs) and text are ignored.
pub fn load_pem_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, GraphError> {
    let pem = std::fs::read(path)
        .map_err(|error| GraphError::Config(format!("cannot read {}: {error}", path.display())))?;
    CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| {
            GraphError::Config(format!("{} is not valid PEM: {error}", path.display()))
        })
}

fn system_bundle_certificates() -> Vec<CertificateDer<'static>> {
    SYSTEM_BUNDLES
        .iter()
        .map(Path::new)
        .find(|path| path.is_file())
        .and_then(|path| load_pem_certificates(path).ok())
        .unwrap_or_default()
}

/// Drops duplicates and certificates rustls cannot use as trust anchors, which would otherwise
/// make the whole client fail to build.
fn usable_roots(certificates: Vec<CertificateDer<'static>>) -> Vec<CertificateDer<'static>> {
    let mut seen = HashSet::new();
    let mut skipped = 0usize;
    let usable: Vec<_> = certificates
        .into_iter()
        .filter(|der| seen.insert(der.as_ref().to_vec()))
        .filter(|der| {
            let accepted = rustls::RootCertStore::empty().add(der.clone()).is_ok();
            skipped += usize::from(!accepted);
            accepted
        })
        .collect();
    if skipped > 0 {
        log::warn!("graph: ignored {skipped} CA certificate(s) that cannot be trust anchors");
    }
    usable
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_server::{Reply, TestServer, TestTls};
    use std::io::Write;

    fn self_signed(name: &str) -> rcgen::Certificate {
        let key = rcgen::KeyPair::generate().expect("key");
        rcgen::CertificateParams::new(vec![name.to_owned()])
            .expect("params")
            .self_signed(&key)
            .expect("certificate")
    }

    #[test]
    fn reads_every_certificate_of_a_pem_bundle() {
        let (first, second) = (self_signed("one.test"), self_signed("two.test"));
        let mut bundle = tempfile::NamedTempFile::new().expect("temp file");
        write!(
            bundle,
            "# a comment\n{}\nsome text between\n{}{}",
            first.pem(),
            second.pem(),
            first.pem() // duplicate, dropped
        )
        .expect("write");

        let loaded = load_pem_certificates(bundle.path()).expect("load");
        assert_eq!(loaded.len(), 3);
        let roots = extra_root_certificates(Some(bundle.path()), None).expect("roots");
        assert_eq!(roots, vec![first.der().clone(), second.der().clone()]);
    }

    #[test]
    fn reads_cert_dirs_and_rejects_missing_or_empty_cert_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cert = self_signed("dir.test");
        std::fs::write(dir.path().join("a.pem"), cert.pem()).expect("write");
        std::fs::write(dir.path().join("README"), "not a certificate").expect("write");
        let dirs = std::env::join_paths([dir.path(), Path::new("/nonexistent/dir")]).expect("join");
        let roots = extra_root_certificates(None, Some(&dirs)).expect("roots");
        assert_eq!(roots, vec![cert.der().clone()]);

        let missing = extra_root_certificates(Some(Path::new("/nonexistent/ca.pem")), None);
        assert!(matches!(missing, Err(GraphError::Config(_))));
        let empty = dir.path().join("README");
        assert!(extra_root_certificates(Some(&empty), None).is_err());
    }

    #[tokio::test]
    async fn trusts_an_extra_ca_and_still_verifies_others() {
        let tls = TestTls::generate();
        let server = TestServer::start_tls(&tls, vec![Reply::json(200, "{}")]).await;
        let trusted = build_http_client_with_roots(vec![tls.ca_der()]).expect("client");
        let response = trusted
            .get(server.url())
            .send()
            .await
            .expect("trusted request");
        assert_eq!(response.status().as_u16(), 200);

        let untrusted = build_http_client_with_roots(Vec::new()).expect("client");
        assert!(untrusted.get(server.url()).send().await.is_err());
    }
}
