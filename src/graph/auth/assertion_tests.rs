//! Unit tests for PKCS#12 loading and the client-assertion JWT.

use super::*;
use aws_lc_rs::signature::{
    UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PSS_2048_8192_SHA256,
};
use p12_keystore::{
    Certificate, EncryptionAlgorithm, KeyStore, KeyStoreEntry, MacAlgorithm, PrivateKey,
    PrivateKeyChain,
};
use serde_json::Value;

const PASSWORD: &str = "pfx-pass-Ω-123";
const CLIENT: &str = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const AUDIENCE: &str = "https://login.microsoftonline.com/tenant/oauth2/v2.0/token";

/// A fresh RSA key (PKCS#8 DER) and a self-signed certificate (DER) for it.
fn key_and_cert() -> (Vec<u8>, Vec<u8>) {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).expect("RSA key");
    let cert = rcgen::CertificateParams::new(vec!["client.example".to_string()])
        .expect("params")
        .self_signed(&key)
        .expect("certificate");
    (key.serialize_der(), cert.der().to_vec())
}

fn pfx(key: &[u8], cert: &[u8], algorithm: EncryptionAlgorithm, with_key: bool) -> Vec<u8> {
    let cert = Certificate::from_der(cert).expect("cert");
    let mut store = KeyStore::new();
    if with_key {
        let chain = PrivateKeyChain::new(
            b"key-1".as_slice(),
            PrivateKey::from_der(key).expect("key"),
            [cert],
        );
        store.add_entry("client", KeyStoreEntry::PrivateKeyChain(chain));
    } else {
        store.add_entry("client", KeyStoreEntry::Certificate(cert));
    }
    store
        .writer(PASSWORD)
        .encryption_algorithm(algorithm)
        .mac_algorithm(MacAlgorithm::HmacSha1)
        .write()
        .expect("pfx")
}

fn decode_part(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("json")
}

fn public_key(certificate: &ClientCertificate) -> Vec<u8> {
    certificate.key.public_key().as_ref().to_vec()
}

#[test]
fn loads_modern_and_legacy_encryptions() {
    let (key, cert) = key_and_cert();
    for algorithm in [
        EncryptionAlgorithm::PbeWithHmacSha256AndAes256,
        EncryptionAlgorithm::PbeWithShaAnd3KeyTripleDesCbc,
        EncryptionAlgorithm::PbeWithShaAnd40BitRc4Cbc,
    ] {
        let loaded = ClientCertificate::from_pkcs12(&pfx(&key, &cert, algorithm, true), PASSWORD)
            .unwrap_or_else(|e| panic!("{algorithm:?}: {e}"));
        assert_eq!(loaded.certificate_der(), cert.as_slice(), "{algorithm:?}");
    }
}

#[test]
fn wrong_password_is_named() {
    let (key, cert) = key_and_cert();
    let file = pfx(
        &key,
        &cert,
        EncryptionAlgorithm::PbeWithHmacSha256AndAes256,
        true,
    );
    let error = ClientCertificate::from_pkcs12(&file, "not-the-password").expect_err("fails");
    assert!(matches!(error, CertificateError::WrongPassword), "{error}");
    let text = error.to_string();
    assert!(text.contains("client_certificate_password"), "{text}");
    assert!(!text.contains("not-the-password"), "{text}");
}

#[test]
fn file_without_private_key_is_a_clear_error() {
    let (key, cert) = key_and_cert();
    let file = pfx(
        &key,
        &cert,
        EncryptionAlgorithm::PbeWithHmacSha256AndAes256,
        false,
    );
    let error = ClientCertificate::from_pkcs12(&file, PASSWORD).expect_err("fails");
    assert!(matches!(error, CertificateError::NoPrivateKey), "{error}");
    assert!(error.to_string().contains("no private key"));
}

#[test]
fn garbage_and_bad_base64_are_errors() {
    let error = ClientCertificate::from_base64("not base64 !!", "").expect_err("fails");
    assert!(matches!(error, CertificateError::Base64(_)), "{error}");
    let error = ClientCertificate::from_pkcs12(b"\x30\x03\x02\x01\x09", "").expect_err("fails");
    assert!(matches!(error, CertificateError::Pkcs12(_)), "{error}");
    let error = ClientCertificate::from_file("/nonexistent/cert.pfx", "").expect_err("fails");
    assert!(error.to_string().contains("/nonexistent/cert.pfx"));
}

#[test]
fn base64_with_line_breaks_is_accepted() {
    let (key, cert) = key_and_cert();
    let file = pfx(
        &key,
        &cert,
        EncryptionAlgorithm::PbeWithHmacSha256AndAes256,
        true,
    );
    let text = base64::engine::general_purpose::STANDARD.encode(file);
    let wrapped: Vec<String> = text
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    let loaded = ClientCertificate::from_base64(&wrapped.join("\n"), PASSWORD).expect("loads");
    assert_eq!(loaded.certificate_der(), cert.as_slice());
}

#[test]
fn assertion_is_ps256_with_sha256_thumbprint_and_verifies() {
    let (key, cert) = key_and_cert();
    let file = pfx(
        &key,
        &cert,
        EncryptionAlgorithm::PbeWithHmacSha256AndAes256,
        true,
    );
    let certificate = ClientCertificate::from_pkcs12(&file, PASSWORD).expect("loads");
    let now = 1_800_000_000;
    let jwt = certificate
        .assertion(AssertionForm::Current, CLIENT, AUDIENCE, now)
        .expect("signs");
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header = decode_part(parts[0]);
    assert_eq!(header["alg"], "PS256");
    assert_eq!(header["typ"], "JWT");
    let expected = URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, &cert));
    assert_eq!(header["x5t#S256"], expected.as_str());
    assert!(header.get("x5t").is_none());

    let claims = decode_part(parts[1]);
    assert_eq!(claims["aud"], AUDIENCE);
    assert_eq!(claims["iss"], CLIENT);
    assert_eq!(claims["sub"], CLIENT);
    assert_eq!(claims["nbf"], now);
    assert_eq!(claims["iat"], now);
    assert_eq!(claims["exp"], now + ASSERTION_LIFETIME_SECS);
    let jti = claims["jti"].as_str().expect("jti");
    assert!(uuid::Uuid::parse_str(jti).is_ok());
    let again = certificate
        .assertion(AssertionForm::Current, CLIENT, AUDIENCE, now)
        .expect("signs");
    assert_ne!(
        decode_part(again.split('.').nth(1).expect("claims"))["jti"],
        jti
    );

    let signature = URL_SAFE_NO_PAD.decode(parts[2]).expect("signature");
    let signed = format!("{}.{}", parts[0], parts[1]);
    UnparsedPublicKey::new(&RSA_PSS_2048_8192_SHA256, public_key(&certificate))
        .verify(signed.as_bytes(), &signature)
        .expect("signature verifies with the certificate's key");
    // The certificate in the file carries the same public key.
    let spki = public_key(&certificate);
    assert!(cert.windows(spki.len()).any(|w| w == spki.as_slice()));
}

#[test]
fn legacy_assertion_is_rs256_with_sha1_thumbprint() {
    let (key, cert) = key_and_cert();
    let file = pfx(
        &key,
        &cert,
        EncryptionAlgorithm::PbeWithShaAnd3KeyTripleDesCbc,
        true,
    );
    let certificate = ClientCertificate::from_pkcs12(&file, PASSWORD).expect("loads");
    let jwt = certificate
        .assertion(AssertionForm::Legacy, CLIENT, AUDIENCE, 1_800_000_000)
        .expect("signs");
    let parts: Vec<&str> = jwt.split('.').collect();
    let header = decode_part(parts[0]);
    assert_eq!(header["alg"], "RS256");
    let expected = URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, &cert));
    assert_eq!(header["x5t"], expected.as_str());
    let signature = URL_SAFE_NO_PAD.decode(parts[2]).expect("signature");
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, public_key(&certificate))
        .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
        .expect("verifies");
}

#[test]
fn debug_output_hides_the_key() {
    let (key, cert) = key_and_cert();
    let file = pfx(
        &key,
        &cert,
        EncryptionAlgorithm::PbeWithHmacSha256AndAes256,
        true,
    );
    let certificate = ClientCertificate::from_pkcs12(&file, PASSWORD).expect("loads");
    let text = format!("{certificate:?}");
    assert!(text.contains("<redacted>"), "{text}");
    assert!(!text.contains(&URL_SAFE_NO_PAD.encode(&key[..32])));
}

/// Files made by the `openssl` tool (what users export), when it is installed: the OpenSSL 3
/// default (PBES2/AES-256, SHA-256 MAC) and the older 3DES form (`-certpbe/-keypbe`).
#[test]
fn reads_openssl_exports() {
    if std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_err()
    {
        eprintln!("openssl not installed; PKCS#12 interop with OpenSSL not checked");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).expect("key");
    let cert = rcgen::CertificateParams::new(vec!["client.example".to_string()])
        .expect("params")
        .self_signed(&key)
        .expect("cert");
    let key_path = dir.path().join("key.pem");
    let cert_path = dir.path().join("cert.pem");
    std::fs::write(&key_path, key.serialize_pem()).expect("key");
    std::fs::write(&cert_path, cert.pem()).expect("cert");
    let variants: [&[&str]; 2] = [
        &[],
        &[
            "-certpbe",
            "PBE-SHA1-3DES",
            "-keypbe",
            "PBE-SHA1-3DES",
            "-macalg",
            "sha1",
        ],
    ];
    for (i, extra) in variants.iter().enumerate() {
        let out = dir.path().join(format!("{i}.pfx"));
        let status = std::process::Command::new("openssl")
            .args(["pkcs12", "-export", "-passout", &format!("pass:{PASSWORD}")])
            .arg("-inkey")
            .arg(&key_path)
            .arg("-in")
            .arg(&cert_path)
            .arg("-out")
            .arg(&out)
            .args(*extra)
            .status()
            .expect("openssl runs");
        assert!(status.success(), "openssl pkcs12 {extra:?}");
        let path = out.to_str().expect("utf-8");
        let loaded = ClientCertificate::from_file(path, PASSWORD)
            .unwrap_or_else(|e| panic!("openssl variant {extra:?}: {e}"));
        assert_eq!(loaded.certificate_der(), cert.der().as_ref());
        assert!(matches!(
            ClientCertificate::from_file(path, "wrong"),
            Err(CertificateError::WrongPassword)
        ));
    }
}
