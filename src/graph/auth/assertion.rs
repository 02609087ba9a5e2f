//! Client certificates: a PKCS#12 (.pfx) file read in pure Rust (`p12-keystore`: PBES2/AES and
//! the legacy RC2/3DES encryptions), and the signed client-assertion JWT Entra expects
//! (reference §5.3), handed to `azure_identity::ClientAssertionCredential`.
//!
//! The primary form is `PS256` with an `x5t#S256` thumbprint; the older `RS256` + `x5t` form is
//! kept as [`AssertionForm::Legacy`]. azure_identity's own certificate credential needs OpenSSL,
//! which this provider avoids. The private key never leaves this module and is never logged.

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use aws_lc_rs::digest;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{KeyPair, RsaKeyPair, RSA_PKCS1_SHA256, RSA_PSS_SHA256};
use azure_core::credentials::Secret;
use azure_core::error::ErrorKind;
use azure_core::http::ClientMethodOptions;
use azure_identity::{
    ClientAssertion, ClientAssertionCredential, ClientAssertionCredentialOptions,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p12_keystore::error::Error as P12Error;
use p12_keystore::Pkcs12Archive;

use super::credential::{azure_client_options, azure_credential_token_source, token_endpoint};
use super::token::TokenSource;
use crate::graph::error::GraphError;

/// How long a signed assertion is valid (Microsoft suggests 5 to 10 minutes).
const ASSERTION_LIFETIME_SECS: u64 = 600;

/// Why a client certificate could not be used. Never contains key material or the password.
#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    #[error("client_certificate is not valid base64 (it must be a base64-encoded PKCS#12 / .pfx file): {0}")]
    Base64(String),
    #[error("cannot read client_certificate_path {path:?}: {cause}")]
    Read { path: String, cause: String },
    #[error("the PKCS#12 (.pfx) integrity check failed: client_certificate_password (ARM_CLIENT_CERTIFICATE_PASSWORD) is wrong for this certificate")]
    WrongPassword,
    #[error("the client certificate could not be read as PKCS#12 (.pfx): {0}. Check that it is a .pfx file and that client_certificate_password (ARM_CLIENT_CERTIFICATE_PASSWORD) is right")]
    Pkcs12(String),
    #[error("the PKCS#12 (.pfx) file holds no private key; export the certificate together with its private key")]
    NoPrivateKey,
    #[error("the PKCS#12 (.pfx) file holds no certificate matching its private key")]
    NoCertificate,
    #[error("the private key is not a usable RSA key ({0}); Entra client assertions are signed with RSA (PS256/RS256)")]
    UnsupportedKey(String),
    #[error("signing the client assertion failed")]
    Signing,
}

/// The JWT header form of a client assertion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssertionForm {
    /// `alg: PS256` with `x5t#S256` (SHA-256 thumbprint): what Entra documents today.
    Current,
    /// `alg: RS256` with `x5t` (SHA-1 thumbprint): the older form.
    Legacy,
}

/// A certificate and its RSA private key, loaded from PKCS#12.
pub struct ClientCertificate {
    key: RsaKeyPair,
    certificate_der: Vec<u8>,
}

impl fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("x5t#S256", &self.thumbprint_sha256())
            .field("key", &"<redacted>")
            .finish()
    }
}

impl ClientCertificate {
    /// Reads base64 PKCS#12 text (as in `client_certificate`).
    pub fn from_base64(text: &str, password: &str) -> Result<Self, CertificateError> {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(compact.as_bytes())
            .map_err(|e| CertificateError::Base64(e.to_string()))?;
        Self::from_pkcs12(&der, password)
    }

    /// Reads a .pfx file (as in `client_certificate_path`).
    pub fn from_file(path: &str, password: &str) -> Result<Self, CertificateError> {
        let der = std::fs::read(path).map_err(|e| CertificateError::Read {
            path: path.to_owned(),
            cause: e.to_string(),
        })?;
        Self::from_pkcs12(&der, password)
    }

    /// Decodes PKCS#12 bytes: the first private key and the certificate that belongs to it
    /// (same `localKeyId`, else same public key).
    pub fn from_pkcs12(der: &[u8], password: &str) -> Result<Self, CertificateError> {
        let archive = Pkcs12Archive::from_pkcs12(der, password).map_err(|e| match e {
            P12Error::MacError(_) => CertificateError::WrongPassword,
            other => CertificateError::Pkcs12(other.to_string()),
        })?;
        let bag = archive.keys.first().ok_or(CertificateError::NoPrivateKey)?;
        let key = RsaKeyPair::from_pkcs8(bag.key.as_der())
            .map_err(|e| CertificateError::UnsupportedKey(e.to_string()))?;
        let public = key.public_key().as_ref();
        let by_id = bag.local_key_id.as_ref().and_then(|id| {
            archive
                .certs
                .iter()
                .find(|c| c.local_key_id.as_deref() == Some(id.as_ref()))
        });
        let certificate = by_id
            .or_else(|| {
                archive.certs.iter().find(|c| {
                    c.cert
                        .as_der()
                        .windows(public.len())
                        .any(|window| window == public)
                })
            })
            .ok_or(CertificateError::NoCertificate)?;
        Ok(ClientCertificate {
            certificate_der: certificate.cert.as_der().to_vec(),
            key,
        })
    }

    /// The certificate's DER encoding (public).
    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    /// `x5t#S256`: base64url SHA-256 of the certificate DER.
    pub fn thumbprint_sha256(&self) -> String {
        URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, &self.certificate_der))
    }

    /// `x5t`: base64url SHA-1 of the certificate DER.
    pub fn thumbprint_sha1(&self) -> String {
        URL_SAFE_NO_PAD.encode(digest::digest(
            &digest::SHA1_FOR_LEGACY_USE_ONLY,
            &self.certificate_der,
        ))
    }

    /// A signed client assertion for `client_id` at the token endpoint `audience`, issued at
    /// `now` (Unix seconds) and valid for ten minutes.
    pub fn assertion(
        &self,
        form: AssertionForm,
        client_id: &str,
        audience: &str,
        now: u64,
    ) -> Result<String, CertificateError> {
        let header = match form {
            AssertionForm::Current => serde_json::json!({
                "alg": "PS256", "typ": "JWT", "x5t#S256": self.thumbprint_sha256(),
            }),
            AssertionForm::Legacy => serde_json::json!({
                "alg": "RS256", "typ": "JWT", "x5t": self.thumbprint_sha1(),
            }),
        };
        let claims = serde_json::json!({
            "aud": audience,
            "iss": client_id,
            "sub": client_id,
            "jti": uuid::Uuid::new_v4().to_string(),
            "nbf": now,
            "iat": now,
            "exp": now + ASSERTION_LIFETIME_SECS,
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let padding: &'static dyn aws_lc_rs::signature::RsaEncoding = match form {
            AssertionForm::Current => &RSA_PSS_SHA256,
            AssertionForm::Legacy => &RSA_PKCS1_SHA256,
        };
        let mut signature = vec![0; self.key.public_modulus_len()];
        self.key
            .sign(
                padding,
                &SystemRandom::new(),
                signing_input.as_bytes(),
                &mut signature,
            )
            .map_err(|_| CertificateError::Signing)?;
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        ))
    }
}

/// Signs a fresh assertion whenever azure_identity asks for one.
struct CertificateAssertion {
    certificate: Arc<ClientCertificate>,
    client_id: String,
    audience: String,
}

impl fmt::Debug for CertificateAssertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertificateAssertion")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl ClientAssertion for CertificateAssertion {
    async fn secret(&self, _: Option<ClientMethodOptions<'_>>) -> azure_core::Result<String> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        self.certificate
            .assertion(AssertionForm::Current, &self.client_id, &self.audience, now)
            .map_err(|e| azure_core::Error::with_message(ErrorKind::Credential, e.to_string()))
    }
}

/// A token source that authenticates as `client_id` with a certificate assertion.
pub fn certificate_token_source(
    authority_host: &url::Url,
    tenant_id: &str,
    client_id: &str,
    certificate: Arc<ClientCertificate>,
    scope: &str,
    http: reqwest::Client,
) -> Result<Arc<dyn TokenSource>, GraphError> {
    let client_options = azure_client_options(authority_host, http)?;
    let origin = token_endpoint(authority_host, tenant_id);
    let assertion = CertificateAssertion {
        certificate,
        client_id: client_id.to_owned(),
        audience: origin.clone(),
    };
    let credential = ClientAssertionCredential::new(
        tenant_id.to_owned(),
        client_id.to_owned(),
        assertion,
        Some(ClientAssertionCredentialOptions { client_options }),
    )
    .map_err(|e| GraphError::Config(format!("client certificate credential: {e}")))?;
    Ok(azure_credential_token_source(
        credential,
        scope,
        &format!("client certificate: token request to {origin}"),
        Vec::<Secret>::new(),
    ))
}

#[cfg(test)]
#[path = "assertion_tests.rs"]
mod tests;
