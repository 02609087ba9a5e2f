//! AutoMTLS as go-plugin does it: a fresh server certificate per process, and a client
//! certificate that must be exactly the one Terraform put in `PLUGIN_CLIENT_CERT`.
//!
//! Terraform's client certificate is a self-signed ECDSA P-521 / SHA-512 CA certificate. A
//! web-PKI verifier would reject it as "CA used as end entity", and a TLS stack that cannot
//! verify P-521 makes Go's client silently send no certificate. So the verifier here accepts
//! one certificate by exact DER match and checks the handshake signature with aws-lc-rs, which
//! supports P-521.

use base64::Engine;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, ServerConfig, SignatureScheme};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("PLUGIN_CLIENT_CERT does not hold a PEM certificate: {0}")]
    BadClientCert(String),
    #[error("could not generate the plugin's server certificate: {0}")]
    CertGeneration(#[from] rcgen::Error),
    #[error("could not build the TLS configuration: {0}")]
    Config(#[from] rustls::Error),
}

/// The server side of AutoMTLS: the rustls configuration and the certificate to announce.
pub struct AutoMtls {
    pub server_config: Arc<ServerConfig>,
    /// The server certificate's DER, base64 without padding, for the handshake line.
    pub announced_cert: String,
}

pub fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Builds the server configuration that requires the client certificate given as PEM. The
/// server certificate names `organization` (the provider) as its subject's organisation.
pub fn auto_mtls(client_cert_pem: &str, organization: &str) -> Result<AutoMtls, TlsError> {
    let client_cert = CertificateDer::from_pem_slice(client_cert_pem.as_bytes())
        .map_err(|e| TlsError::BadClientCert(e.to_string()))?;
    let (server_cert, server_key) = generate_server_cert(organization)?;
    let announced_cert =
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(server_cert.as_ref());

    let verifier = PinnedCertificate::new(client_cert.into_owned());
    let mut config = ServerConfig::builder_with_provider(crypto_provider())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .with_client_cert_verifier(Arc::new(verifier))
        .with_single_cert(vec![server_cert], server_key)?;
    // grpc-go clients insist on ALPN h2.
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(AutoMtls {
        server_config: Arc::new(config),
        announced_cert,
    })
}

/// A certificate shaped like go-plugin's own: self-signed, CA, for `localhost`, so that a Go
/// client that puts it in its root pool and dials "localhost" accepts it.
fn generate_server_cert(
    organization: &str,
) -> Result<(CertificateDer<'static>, PrivateKeyDer<'static>), TlsError> {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let mut params = CertificateParams::new(vec!["localhost".to_string()])?;
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params
        .distinguished_name
        .push(DnType::OrganizationName, organization);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyAgreement,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::seconds(30);
    params.not_after = now + time::Duration::days(365 * 30);
    let cert = params.self_signed(&key)?;
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    Ok((cert.der().clone(), key_der))
}

/// Accepts exactly one certificate, and verifies the peer holds its private key. It is the
/// client check AutoMTLS asks of a plugin (the certificate Terraform announced), and the
/// server check Terraform makes of the plugin's announced certificate, which the protocol
/// tests reuse to talk to the plugin as Terraform does.
#[derive(Debug)]
pub struct PinnedCertificate {
    expected: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinnedCertificate {
    pub fn new(expected: CertificateDer<'static>) -> Self {
        PinnedCertificate {
            expected,
            algorithms: crypto_provider().signature_verification_algorithms,
        }
    }

    fn check(&self, presented: &CertificateDer<'_>) -> Result<(), rustls::Error> {
        if presented.as_ref() == self.expected.as_ref() {
            Ok(())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            ))
        }
    }
}

/// The handshake-signature checks both verifier traits require, the same for either side.
macro_rules! signature_checks {
    () => {
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.algorithms.supported_schemes()
        }
    };
}

impl ClientCertVerifier for PinnedCertificate {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        self.check(end_entity).inspect_err(|_| {
            log::warn!("refused a TLS client whose certificate is not the one Terraform announced")
        })?;
        Ok(ClientCertVerified::assertion())
    }

    signature_checks!();

    fn client_auth_mandatory(&self) -> bool {
        true
    }
}

impl ServerCertVerifier for PinnedCertificate {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.check(end_entity)?;
        Ok(ServerCertVerified::assertion())
    }

    signature_checks!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p521_sha512_is_verifiable() {
        let schemes = crypto_provider()
            .signature_verification_algorithms
            .supported_schemes();
        assert!(schemes.contains(&SignatureScheme::ECDSA_NISTP521_SHA512));
    }

    #[test]
    fn announced_cert_is_unpadded_base64_der() {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).expect("key");
        let cert = CertificateParams::new(vec!["localhost".into()])
            .expect("params")
            .self_signed(&key)
            .expect("cert");
        let tls = auto_mtls(&cert.pem(), "terraform-provider-example").expect("config");
        assert!(!tls.announced_cert.ends_with('='));
        let der = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(&tls.announced_cert)
            .expect("b64");
        assert!(der.len() > 50);
        assert_eq!(tls.server_config.alpn_protocols, vec![b"h2".to_vec()]);
    }

    #[test]
    fn garbage_client_cert_is_an_error() {
        assert!(matches!(
            auto_mtls("not a cert", "terraform-provider-example"),
            Err(TlsError::BadClientCert(_))
        ));
    }
}
