//! The server-certificate check of the HTTPS client: rustls's WebPKI verifier over the roots
//! read up front, and, only when a chain does not verify against those, over every root: the
//! certificate directories, and the system bundle when `SSL_CERT_FILE` let it wait
//! (see [`super::roots`]).
//!
//! What is trusted is the union, as in Go. Reading the rest is deferred because on a typical
//! system the directories hold the bundle's certificates again, one file each, and reading
//! them was most of what it cost to build the client in every provider process. A chain that
//! verifies against part of the union verifies against the union, so checking the part first
//! accepts nothing more; a chain it refuses is checked again against the whole union.

use std::sync::{Arc, Mutex, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::error::GraphError;
use super::roots::RootsLoader;

/// Verifies against the roots read so far, and against every root once a chain needs it.
pub(crate) struct DeferredRootsVerifier {
    provider: Arc<CryptoProvider>,
    first: Arc<WebPkiServerVerifier>,
    first_roots: Arc<RootCertStore>,
    /// The loader with the bundle or directories still to read; taken by the first fallback.
    pending: Mutex<Option<RootsLoader>>,
    /// The verifier over every root, or None when what waited added no certificate.
    all: OnceLock<Option<Arc<WebPkiServerVerifier>>>,
}

/// The HTTPS client's server-certificate verifier over `roots`: plain WebPKI when nothing waits
/// to be read (or nothing else was found), else one that reads what waits on demand.
pub(crate) fn server_verifier(
    mut roots: RootsLoader,
    provider: Arc<CryptoProvider>,
) -> Result<Arc<dyn ServerCertVerifier>, GraphError> {
    if roots.is_empty() {
        // Nothing to check against before what waits: read it now.
        roots.load_deferred();
    }
    if !roots.has_deferred() {
        return Ok(webpki(Arc::new(roots.take_store()), &provider)?);
    }
    Ok(Arc::new(DeferredRootsVerifier::new(roots, provider)?))
}

impl DeferredRootsVerifier {
    /// Verifies against what `roots` holds now; what it recorded waits for a need.
    fn new(mut roots: RootsLoader, provider: Arc<CryptoProvider>) -> Result<Self, GraphError> {
        let first_roots = Arc::new(roots.take_store());
        Ok(DeferredRootsVerifier {
            first: webpki(first_roots.clone(), &provider)?,
            provider,
            first_roots,
            pending: Mutex::new(Some(roots)),
            all: OnceLock::new(),
        })
    }

    fn all(&self) -> Option<&Arc<WebPkiServerVerifier>> {
        self.all
            .get_or_init(|| {
                let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
                let mut loader = pending.take()?;
                let added = loader.load_deferred();
                log::debug!(
                    "graph: a server's certificate needed the roots not read yet (system bundle or certificate directories); they added {added} CA certificate(s)"
                );
                if added == 0 {
                    return None;
                }
                let mut store = (*self.first_roots).clone();
                store.roots.extend(loader.take_store().roots);
                match webpki(Arc::new(store), &self.provider) {
                    Ok(verifier) => Some(verifier),
                    Err(error) => {
                        log::warn!("{error}");
                        None
                    }
                }
            })
            .as_ref()
    }
}

fn webpki(
    roots: Arc<RootCertStore>,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<WebPkiServerVerifier>, GraphError> {
    WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
        .build()
        .map_err(|error| GraphError::Config(format!("TLS certificate verifier: {error}")))
}

impl std::fmt::Debug for DeferredRootsVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeferredRootsVerifier")
            .field("first_roots", &self.first_roots.len())
            .field("rest_read", &self.all.get().is_some())
            .finish()
    }
}

impl ServerCertVerifier for DeferredRootsVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verify = |verifier: &WebPkiServerVerifier| {
            verifier.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        };
        match verify(&self.first) {
            Err(rustls::Error::InvalidCertificate(refusal)) => match self.all() {
                Some(all) => verify(all),
                None => Err(rustls::Error::InvalidCertificate(refusal)),
            },
            verdict => verdict,
        }
    }

    // Signatures over the handshake do not depend on the roots.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.first.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.first.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.first.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::test_server::TestTls;

    fn provider() -> Arc<CryptoProvider> {
        Arc::new(rustls::crypto::aws_lc_rs::default_provider())
    }

    fn verify(verifier: &dyn ServerCertVerifier, tls: &TestTls) -> Result<(), rustls::Error> {
        let name = ServerName::try_from("localhost").expect("name");
        verifier
            .verify_server_cert(&tls.leaf_der(), &[], &name, &[], UnixTime::now())
            .map(|_| ())
    }

    /// A loader trusting `first` directly, with a directory holding `in_dir`'s CA recorded.
    fn loader(first: &TestTls, in_dir: &TestTls, dir: &std::path::Path) -> RootsLoader {
        std::fs::write(dir.join("ca.pem"), in_dir.ca_pem()).expect("write");
        let mut roots = RootsLoader::default();
        roots.add_der(first.ca_der());
        roots
            .add_env(None, Some(dir.as_os_str()))
            .expect("SSL_CERT_DIR");
        roots
    }

    #[test]
    fn a_chain_the_first_roots_verify_reads_no_directory() {
        let (first, in_dir) = (TestTls::generate(), TestTls::generate());
        let dir = tempfile::tempdir().expect("temp dir");
        let verifier = DeferredRootsVerifier::new(loader(&first, &in_dir, dir.path()), provider())
            .expect("verifier");
        verify(&verifier, &first).expect("trusted directly");
        assert!(verifier.all.get().is_none(), "the directory was read");
        assert!(format!("{verifier:?}").contains("rest_read: false"));
    }

    #[test]
    fn a_ca_only_in_a_directory_is_trusted_and_an_unknown_one_is_not() {
        let (first, in_dir, unknown) = (
            TestTls::generate(),
            TestTls::generate(),
            TestTls::generate(),
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let verifier = DeferredRootsVerifier::new(loader(&first, &in_dir, dir.path()), provider())
            .expect("verifier");
        let refused = verify(&verifier, &unknown).expect_err("an unknown CA");
        // The test CAs share a name, so webpki tries each and reports a bad signature.
        assert!(
            matches!(refused, rustls::Error::InvalidCertificate(_)),
            "{refused:?}"
        );
        assert!(matches!(verifier.all.get(), Some(Some(_))), "read once");
        verify(&verifier, &in_dir).expect("trusted through the directory");
        verify(&verifier, &first).expect("still trusted directly");
        verify(&verifier, &unknown).expect_err("still unknown");
    }

    #[test]
    fn a_directory_that_adds_nothing_leaves_the_refusal_as_it_was() {
        let first = TestTls::generate();
        let dir = tempfile::tempdir().expect("temp dir");
        let verifier = DeferredRootsVerifier::new(loader(&first, &first, dir.path()), provider())
            .expect("verifier");
        let other = TestTls::generate();
        verify(&verifier, &other).expect_err("unknown");
        assert!(
            matches!(verifier.all.get(), Some(None)),
            "nothing new was found"
        );
    }

    #[test]
    fn a_bundle_that_waits_behind_ssl_cert_file_is_read_when_a_chain_needs_it() {
        let (own, in_bundle) = (TestTls::generate(), TestTls::generate());
        let dir = tempfile::tempdir().expect("temp dir");
        let (own_file, bundle) = (dir.path().join("own.pem"), dir.path().join("bundle.pem"));
        std::fs::write(&own_file, own.ca_pem()).expect("write");
        std::fs::write(&bundle, in_bundle.ca_pem()).expect("write");
        let mut roots = RootsLoader::default();
        roots.add_env(Some(&own_file), None).expect("SSL_CERT_FILE");
        assert!(
            !roots.add_bundle(dir.path()),
            "a bundle that does not open as a file is refused, not left to fail later"
        );
        assert!(!roots.has_deferred());
        assert!(roots.add_bundle(&bundle));
        assert_eq!(roots.len(), 1, "the bundle waits");
        let verifier = server_verifier(roots, provider()).expect("verifier");
        verify(verifier.as_ref(), &own).expect("trusted through SSL_CERT_FILE");
        assert!(format!("{verifier:?}").contains("rest_read: false"));
        verify(verifier.as_ref(), &in_bundle).expect("trusted through the bundle");
        assert!(format!("{verifier:?}").contains("rest_read: true"));
    }

    #[test]
    fn without_other_roots_the_bundle_is_read_at_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (tls, bundle) = (TestTls::generate(), dir.path().join("bundle.pem"));
        std::fs::write(&bundle, tls.ca_pem()).expect("write");
        let mut roots = RootsLoader::default();
        assert!(roots.add_bundle(&bundle));
        assert_eq!(roots.len(), 1);
        assert!(!roots.has_deferred());
        let missing = dir.path().join("missing.pem");
        assert!(
            !RootsLoader::default().add_bundle(&missing),
            "unreadable now"
        );
    }

    #[test]
    fn without_other_roots_the_directories_are_read_at_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let in_dir = TestTls::generate();
        std::fs::write(dir.path().join("ca.pem"), in_dir.ca_pem()).expect("write");
        let mut roots = RootsLoader::default();
        roots
            .add_env(None, Some(dir.path().as_os_str()))
            .expect("SSL_CERT_DIR");
        let verifier = server_verifier(roots, provider()).expect("verifier");
        verify(verifier.as_ref(), &in_dir).expect("trusted");
    }
}
