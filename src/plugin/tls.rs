//! AutoMTLS as go-plugin does it: a fresh server certificate per process, and a client
//! certificate that must be exactly the one Terraform put in `PLUGIN_CLIENT_CERT`.
//!
//! Terraform's client certificate is a self-signed ECDSA P-521 / SHA-512 CA certificate. A
//! web-PKI verifier would reject it as "CA used as end entity", and a TLS stack that cannot
//! verify P-521 makes Go's client silently send no certificate. So the verifier here accepts
//! one certificate by exact DER match and checks the handshake signature with aws-lc-rs, which
//! supports P-521.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair as _, ECDSA_P256_SHA256_ASN1_SIGNING};
use base64::Engine;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyUsagePurpose,
};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use rustls::{DigitallySignedStruct, DistinguishedName, ServerConfig, SignatureScheme};
use std::fmt;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("PLUGIN_CLIENT_CERT does not hold a PEM certificate: {0}")]
    BadClientCert(String),
    #[error("could not generate the plugin's server key")]
    KeyGeneration,
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
    let certified = CertifiedKey::new(vec![server_cert], Arc::new(server_key));
    let mut config = ServerConfig::builder_with_provider(crypto_provider())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .with_client_cert_verifier(Arc::new(verifier))
        .with_cert_resolver(Arc::new(SingleCertAndKey::from(certified)));
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
) -> Result<(CertificateDer<'static>, ServerKey), TlsError> {
    let key = ServerKey::generate()?;
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
    Ok((cert.der().clone(), key))
}

/// The server certificate's P-256 key, generated once with aws-lc-rs and used as it is, to sign
/// the certificate (rcgen) and then the handshakes (rustls). Handing it over as PKCS#8 instead
/// had each library parse and check the fresh key again: 6 % of the instructions of a plugin
/// run that only answers one RPC.
#[derive(Clone)]
struct ServerKey(Arc<EcdsaKeyPair>);

impl ServerKey {
    const SCHEME: SignatureScheme = SignatureScheme::ECDSA_NISTP256_SHA256;

    fn generate() -> Result<Self, TlsError> {
        EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING)
            .map(|key| ServerKey(Arc::new(key)))
            .map_err(|_| TlsError::KeyGeneration)
    }

    /// An ASN.1 DER ECDSA signature of `message` with SHA-256.
    fn sign_message(&self, message: &[u8]) -> Option<Vec<u8>> {
        let signature = self.0.sign(&SystemRandom::new(), message).ok()?;
        Some(signature.as_ref().to_vec())
    }
}

impl fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerKey(ECDSA P-256)")
    }
}

impl rcgen::PublicKeyData for ServerKey {
    fn der_bytes(&self) -> &[u8] {
        self.0.public_key().as_ref()
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_ECDSA_P256_SHA256
    }
}

impl rcgen::SigningKey for ServerKey {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        self.sign_message(message)
            .ok_or(rcgen::Error::RingUnspecified)
    }
}

impl rustls::sign::SigningKey for ServerKey {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn rustls::sign::Signer>> {
        offered
            .contains(&Self::SCHEME)
            .then(|| Box::new(self.clone()) as Box<dyn rustls::sign::Signer>)
    }

    fn algorithm(&self) -> rustls::SignatureAlgorithm {
        rustls::SignatureAlgorithm::ECDSA
    }
}

impl rustls::sign::Signer for ServerKey {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rustls::Error> {
        self.sign_message(message)
            .ok_or_else(|| rustls::Error::General("the server key could not sign".into()))
    }

    fn scheme(&self) -> SignatureScheme {
        Self::SCHEME
    }
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
    fn the_server_key_signs_for_the_key_its_certificate_carries() {
        use aws_lc_rs::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_ASN1};
        let (cert, key) = generate_server_cert("terraform-provider-example").expect("cert");
        let public = key.0.public_key().as_ref().to_vec();
        assert!(
            cert.as_ref()
                .windows(public.len())
                .any(|w| w == public.as_slice()),
            "the certificate holds the server key's public point"
        );
        let signer = rustls::sign::SigningKey::choose_scheme(&key, &[ServerKey::SCHEME])
            .expect("P-256 is offered");
        let signature = signer.sign(b"handshake transcript").expect("signature");
        let verifier = UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, &public);
        assert!(verifier.verify(b"handshake transcript", &signature).is_ok());
        assert!(verifier.verify(b"another transcript", &signature).is_err());
        // Only ECDSA P-256 with SHA-256 is offered to clients.
        assert!(
            rustls::sign::SigningKey::choose_scheme(&key, &[SignatureScheme::ED25519]).is_none()
        );
    }

    #[test]
    fn announced_cert_is_unpadded_base64_der() {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).expect("key");
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
