//! Minimal JWT handling for client assertions: compact-form parsing, PEM/DER public key
//! extraction (certificates and SubjectPublicKeyInfo), signature checks with aws-lc-rs, and
//! certificate thumbprints.

use aws_lc_rs::{digest, signature};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{Map, Value};

/// Why a JWT or key was rejected.
#[derive(Debug, thiserror::Error, PartialEq)]
pub(crate) enum JwtError {
    #[error("the token is not a well-formed JWT")]
    Malformed,
    #[error("unsupported signing algorithm '{0}'")]
    Algorithm(String),
    #[error("the signature is invalid")]
    Signature,
    #[error("the key or certificate could not be parsed")]
    Key,
}

/// A parsed (not yet verified) JWT.
pub(crate) struct Jwt {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    signing_input: String,
    signature: Vec<u8>,
}

fn decode_json(part: &str) -> Result<Map<String, Value>, JwtError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| JwtError::Malformed)?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(JwtError::Malformed),
    }
}

impl Jwt {
    pub fn parse(token: &str) -> Result<Jwt, JwtError> {
        let mut parts = token.split('.');
        let (Some(h), Some(c), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JwtError::Malformed);
        };
        Ok(Jwt {
            header: decode_json(h)?,
            claims: decode_json(c)?,
            signing_input: format!("{h}.{c}"),
            signature: URL_SAFE_NO_PAD
                .decode(s.trim_end_matches('='))
                .map_err(|_| JwtError::Malformed)?,
        })
    }

    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header.get(name).and_then(Value::as_str)
    }

    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }

    pub fn claim_i64(&self, name: &str) -> Option<i64> {
        self.claims.get(name).and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_f64().map(|f| f as i64))
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
    }

    /// `aud` as a list (a string or an array of strings).
    pub fn audiences(&self) -> Vec<&str> {
        match self.claims.get("aud") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// Checks the signature with `key` using the header's `alg`.
    pub fn verify(&self, key: &PublicKey) -> Result<(), JwtError> {
        let alg = self.header_str("alg").unwrap_or("none");
        let algorithm: &dyn signature::VerificationAlgorithm = match (alg, key) {
            ("RS256", PublicKey::Rsa(_)) => &signature::RSA_PKCS1_2048_8192_SHA256,
            ("RS384", PublicKey::Rsa(_)) => &signature::RSA_PKCS1_2048_8192_SHA384,
            ("RS512", PublicKey::Rsa(_)) => &signature::RSA_PKCS1_2048_8192_SHA512,
            ("PS256", PublicKey::Rsa(_)) => &signature::RSA_PSS_2048_8192_SHA256,
            ("PS384", PublicKey::Rsa(_)) => &signature::RSA_PSS_2048_8192_SHA384,
            ("PS512", PublicKey::Rsa(_)) => &signature::RSA_PSS_2048_8192_SHA512,
            ("ES256", PublicKey::EcP256(_)) => &signature::ECDSA_P256_SHA256_FIXED,
            ("ES384", PublicKey::EcP384(_)) => &signature::ECDSA_P384_SHA384_FIXED,
            _ => return Err(JwtError::Algorithm(alg.to_string())),
        };
        signature::UnparsedPublicKey::new(algorithm, key.bytes())
            .verify(self.signing_input.as_bytes(), &self.signature)
            .map_err(|_| JwtError::Signature)
    }
}

/// A public key usable for verification.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PublicKey {
    /// PKCS#1 `RSAPublicKey` DER.
    Rsa(Vec<u8>),
    /// Uncompressed P-256 point.
    EcP256(Vec<u8>),
    /// Uncompressed P-384 point.
    EcP384(Vec<u8>),
}

impl PublicKey {
    fn bytes(&self) -> &[u8] {
        match self {
            PublicKey::Rsa(b) | PublicKey::EcP256(b) | PublicKey::EcP384(b) => b,
        }
    }
}

/// A registered certificate: its key and its SHA-1 / SHA-256 thumbprints (base64url).
#[derive(Debug, Clone)]
pub(crate) struct RegisteredCert {
    pub key: PublicKey,
    pub x5t: String,
    pub x5t_s256: String,
}

/// Decodes the first PEM block: (label, DER).
fn pem_decode(pem: &str) -> Result<(String, Vec<u8>), JwtError> {
    let mut label = None;
    let mut body = String::new();
    for line in pem.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("-----BEGIN ") {
            label = Some(rest.trim_end_matches('-').to_string());
        } else if line.starts_with("-----END ") {
            break;
        } else if label.is_some() {
            body.push_str(line);
        }
    }
    let label = label.ok_or(JwtError::Key)?;
    let der = STANDARD.decode(body).map_err(|_| JwtError::Key)?;
    Ok((label, der))
}

/// Splits one DER TLV off `input`: (tag, contents, rest).
fn der_next(input: &[u8]) -> Result<(u8, &[u8], &[u8]), JwtError> {
    let (&tag, rest) = input.split_first().ok_or(JwtError::Key)?;
    let (&first, rest) = rest.split_first().ok_or(JwtError::Key)?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return Err(JwtError::Key);
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return Err(JwtError::Key);
    }
    Ok((tag, &rest[..len], &rest[len..]))
}

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];

/// Parses the contents of a SubjectPublicKeyInfo SEQUENCE.
fn parse_spki(contents: &[u8]) -> Result<PublicKey, JwtError> {
    let (_, alg, rest) = der_next(contents)?;
    let (bit_tag, bits, _) = der_next(rest)?;
    let (oid_tag, oid, params) = der_next(alg)?;
    if bit_tag != 0x03 || oid_tag != 0x06 {
        return Err(JwtError::Key);
    }
    let key = bits.get(1..).ok_or(JwtError::Key)?.to_vec();
    if oid == OID_RSA {
        return Ok(PublicKey::Rsa(key));
    }
    if oid == OID_EC {
        let (_, curve, _) = der_next(params)?;
        if curve == OID_P256 {
            return Ok(PublicKey::EcP256(key));
        }
        if curve == OID_P384 {
            return Ok(PublicKey::EcP384(key));
        }
    }
    Err(JwtError::Key)
}

/// Extracts the SubjectPublicKeyInfo from an X.509 certificate DER.
fn cert_spki(der: &[u8]) -> Result<PublicKey, JwtError> {
    let (_, cert, _) = der_next(der)?;
    let (_, tbs, _) = der_next(cert)?;
    let mut rest = tbs;
    let (tag, _, after) = der_next(rest)?;
    if tag == 0xa0 {
        rest = after;
    }
    // serial, signature algorithm, issuer, validity, subject
    for _ in 0..5 {
        let (_, _, after) = der_next(rest)?;
        rest = after;
    }
    let (_, spki, _) = der_next(rest)?;
    parse_spki(spki)
}

fn thumbprint(alg: &'static digest::Algorithm, der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(digest::digest(alg, der).as_ref())
}

/// Parses a registered certificate PEM.
pub(crate) fn parse_certificate(pem: &str) -> Result<RegisteredCert, JwtError> {
    let (label, der) = pem_decode(pem)?;
    if label != "CERTIFICATE" {
        return Err(JwtError::Key);
    }
    Ok(RegisteredCert {
        key: cert_spki(&der)?,
        x5t: thumbprint(&digest::SHA1_FOR_LEGACY_USE_ONLY, &der),
        x5t_s256: thumbprint(&digest::SHA256, &der),
    })
}

/// Parses a verification key given as a PEM public key, RSA public key or certificate.
pub(crate) fn parse_public_key(pem: &str) -> Result<PublicKey, JwtError> {
    let (label, der) = pem_decode(pem)?;
    match label.as_str() {
        "CERTIFICATE" => cert_spki(&der),
        "PUBLIC KEY" => {
            let (_, spki, _) = der_next(&der)?;
            parse_spki(spki)
        }
        "RSA PUBLIC KEY" => Ok(PublicKey::Rsa(der)),
        _ => Err(JwtError::Key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_garbage() {
        assert!(Jwt::parse("a.b").is_err());
        assert!(Jwt::parse("!!.!!.!!").is_err());
        assert!(parse_public_key("not a pem").is_err());
    }

    #[test]
    fn reads_rcgen_certificate_key() {
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = rcgen::CertificateParams::new(vec!["x".to_string()])
            .expect("params")
            .self_signed(&key)
            .expect("cert");
        let parsed = parse_certificate(&cert.pem()).expect("parse");
        assert!(matches!(parsed.key, PublicKey::EcP256(_)));
        assert_eq!(
            parse_public_key(&key.public_key_pem()).expect("spki"),
            parsed.key
        );
    }
}
