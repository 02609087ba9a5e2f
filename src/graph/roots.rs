//! The certificate authorities the HTTPS client trusts: the system bundle plus every PEM
//! certificate in `SSL_CERT_FILE` and in the files of `SSL_CERT_DIR`, read once per process.
//!
//! Reading them used to be a tenth of the provider's CPU: a distribution's bundle holds about
//! 150 certificates, and `SSL_CERT_DIR=/etc/ssl/certs` (set on many CI images) names each one
//! again as a file, as a hash link and inside the bundle. So each file is read once (by inode)
//! and each certificate is parsed into a trust anchor once. Certificates are public, so their
//! base64 needs no constant-time decoder.
//!
//! Directories are not read up front: they are recorded ([`RootsLoader::load_deferred`] reads
//! them), because a distribution's directory repeats its bundle and reading some 300 files per
//! process cost more than everything else in building the client. When `SSL_CERT_FILE` holds
//! certificates, the system bundle waits in the same way: a private CA (a TLS-inspecting
//! proxy's, the emulator's) then verifies without decoding the bundle's 150 certificates in
//! every provider process. `super::trust` reads what waits the first time a server's chain
//! does not verify against what was read.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use base64::Engine;
use rustls::pki_types::CertificateDer;
use rustls::RootCertStore;

use super::error::GraphError;

/// Where Linux distributions keep their CA bundle (the first that exists is used).
pub const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/tls/cacert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// Where distributions keep one file per certificate, read as Go reads them when
/// `SSL_CERT_DIR` does not name directories of its own.
pub const SYSTEM_DIRS: &[&str] = &["/etc/ssl/certs", "/etc/pki/tls/certs"];

const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const END: &str = "-----END CERTIFICATE-----";

/// Hashes a certificate (as DER or as PEM text) by its length and last bytes, which hold its
/// signature: hashing every byte of every certificate with SipHash was a third of the cost
/// of loading a bundle, and set equality still compares certificates whole.
type TailHash = BuildHasherDefault<TailHasher>;

#[derive(Default)]
struct TailHasher(u64);

impl Hasher for TailHasher {
    fn write(&mut self, bytes: &[u8]) {
        let tail = &bytes[bytes.len().saturating_sub(16)..];
        for chunk in tail.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        self.0 = (self.0 ^ bytes.len() as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Trust anchors gathered from files, each file and certificate taken once.
pub struct RootsLoader {
    store: RootCertStore,
    files: HashSet<(u64, u64)>,
    certificates: HashSet<CertificateDer<'static>, TailHash>,
    /// PEM bodies already decoded.
    bodies: HashSet<Vec<u8>, TailHash>,
    /// The certificates the store accepted, in the order they were added.
    usable: Vec<CertificateDer<'static>>,
    /// Certificates that rustls cannot use as trust anchors (kept out rather than failing).
    pub skipped: usize,
    /// Directories recorded but not read yet.
    deferred: Vec<PathBuf>,
    /// A bundle file recorded but not read yet.
    deferred_bundle: Option<PathBuf>,
}

impl Default for RootsLoader {
    fn default() -> Self {
        RootsLoader {
            store: RootCertStore::empty(),
            // Sized for a distribution's bundle, so that loading it never rehashes.
            files: HashSet::with_capacity(512),
            certificates: HashSet::with_capacity_and_hasher(256, TailHash::default()),
            bodies: HashSet::with_capacity_and_hasher(256, TailHash::default()),
            usable: Vec::new(),
            skipped: 0,
            deferred: Vec::new(),
            deferred_bundle: None,
        }
    }
}

impl RootsLoader {
    /// Adds the certificates of `SSL_CERT_FILE` (which must exist and hold one) and records the
    /// `:`-separated `SSL_CERT_DIR` directories, whose unreadable entries will be skipped as
    /// OpenSSL and Go skip them. Returns how many certificates `SSL_CERT_FILE` added.
    pub fn add_env(
        &mut self,
        cert_file: Option<&Path>,
        cert_dirs: Option<&OsStr>,
    ) -> Result<usize, GraphError> {
        let before = self.len();
        if let Some(path) = cert_file {
            let found = self.add_file(path)?;
            if found == 0 {
                return Err(GraphError::Config(format!(
                    "SSL_CERT_FILE {} holds no PEM certificate",
                    path.display()
                )));
            }
        }
        self.deferred
            .extend(cert_dirs.map(std::env::split_paths).into_iter().flatten());
        Ok(self.len() - before)
    }

    /// Takes the first system bundle that exists and, with `dirs`, records the system's
    /// certificate directories (a certificate placed there without updating the bundle is
    /// trusted, as Go providers trust it). The bundle is read now when nothing else was found,
    /// else recorded to be read with the directories. Returns the bundle's path, or None when
    /// there is none (or it cannot be read now).
    pub fn add_system_roots(&mut self, dirs: bool) -> Option<PathBuf> {
        let path = SYSTEM_BUNDLES
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())?;
        if !self.add_bundle(&path) {
            return None;
        }
        if dirs {
            self.deferred.extend(SYSTEM_DIRS.iter().map(PathBuf::from));
        }
        Some(path)
    }

    /// Reads the bundle at `path` now if nothing else was found yet, else records it to be
    /// read with the directories once it is known to open as a regular file. False (with a
    /// warning) when it cannot be used.
    pub fn add_bundle(&mut self, path: &Path) -> bool {
        let taken = if self.is_empty() {
            self.add_file(path).map(|_| ())
        } else {
            open_regular(path)
                .map(|_| self.deferred_bundle = Some(path.to_path_buf()))
                .map_err(GraphError::Config)
        };
        match taken {
            Ok(()) => true,
            Err(error) => {
                log::warn!("graph: cannot use the system CA bundle: {error}");
                false
            }
        }
    }

    /// Whether a bundle or directories are recorded that have not been read.
    pub fn has_deferred(&self) -> bool {
        self.deferred_bundle.is_some() || !self.deferred.is_empty()
    }

    /// Reads the recorded bundle and directories; returns how many certificates they added.
    pub fn load_deferred(&mut self) -> usize {
        let before = self.len();
        if let Some(bundle) = self.deferred_bundle.take() {
            if let Err(error) = self.add_file(&bundle) {
                log::warn!("graph: cannot use the system CA bundle: {error}");
            }
        }
        for dir in std::mem::take(&mut self.deferred) {
            self.add_dir(&dir);
        }
        self.len() - before
    }

    /// The certificates of every file in `dir`; what cannot be read is skipped.
    fn add_dir(&mut self, dir: &Path) {
        for path in dir_files(dir) {
            if let Err(error) = self.add_file(&path) {
                log::debug!("graph: skipping {}: {error}", path.display());
            }
        }
    }

    /// Adds every `CERTIFICATE` block of the PEM file at `path` (other blocks and text are
    /// ignored); returns how many certificates the file holds, or 0 for a file read before.
    pub fn add_file(&mut self, path: &Path) -> Result<usize, GraphError> {
        let (mut file, meta) = open_regular(path).map_err(GraphError::Config)?;
        if !self.files.insert((meta.dev(), meta.ino())) {
            return Ok(0);
        }
        let mut text = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        file.read_to_end(&mut text).map_err(|error| {
            GraphError::Config(format!("cannot read {}: {error}", path.display()))
        })?;
        let invalid = |error: String| {
            GraphError::Config(format!("{} is not valid PEM: {error}", path.display()))
        };
        let bodies = pem_bodies(&text).map_err(invalid)?;
        let count = bodies.len();
        for body in bodies {
            // The same certificate in another file has the same text: skip decoding it again.
            if !self.bodies.contains(&body) {
                self.add_der(decode_body(&body).map_err(invalid)?);
                self.bodies.insert(body);
            }
        }
        Ok(count)
    }

    /// Adds one DER certificate unless it was seen before or cannot be a trust anchor.
    pub fn add_der(&mut self, der: CertificateDer<'static>) {
        if !self.certificates.insert(der.clone()) {
            return;
        }
        match self.store.add(der.clone()) {
            Ok(()) => self.usable.push(der),
            Err(_) => self.skipped += 1,
        }
    }

    /// How many trust anchors were gathered so far.
    pub fn len(&self) -> usize {
        self.usable.len()
    }

    pub fn is_empty(&self) -> bool {
        self.usable.is_empty()
    }

    /// The trust anchors gathered so far, parsed; the loader keeps what it has seen, so that
    /// a later [`RootsLoader::load_deferred`] adds only what is new.
    pub fn take_store(&mut self) -> RootCertStore {
        self.warn_skipped();
        self.skipped = 0;
        std::mem::replace(&mut self.store, RootCertStore::empty())
    }

    /// Every certificate behind the trust anchors, recorded directories read, for a verifier
    /// that parses them itself.
    pub fn into_certificates(mut self) -> Vec<CertificateDer<'static>> {
        self.load_deferred();
        self.warn_skipped();
        self.usable
    }

    fn warn_skipped(&self) {
        if self.skipped > 0 {
            log::warn!(
                "graph: ignored {} CA certificate(s) that cannot be trust anchors",
                self.skipped
            );
        }
    }
}

/// `path` opened, if it is a regular file; else why not. One path walk (the open, which
/// follows symlinks); the rest asks the open file.
pub(super) fn open_regular(path: &Path) -> Result<(std::fs::File, std::fs::Metadata), String> {
    let unreadable = |error: std::io::Error| format!("cannot read {}: {error}", path.display());
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", path.display()));
    }
    Ok((file, meta))
}

/// The entries of `dir`, or none if it cannot be read. `add_file` skips what is not a regular
/// file, and the hash-named links that c_rehash creates by inode.
fn dir_files(dir: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries.flatten().map(|entry| entry.path()).collect(),
        Err(error) => {
            log::debug!(
                "graph: skipping SSL_CERT_DIR entry {}: {error}",
                dir.display()
            );
            Vec::new()
        }
    }
}

/// The base64 bodies of the `CERTIFICATE` blocks of a PEM text, line breaks removed; other
/// blocks and text between blocks are ignored. Markers are whole lines, as RFC 7468 has them.
fn pem_bodies(text: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let (begin, end) = (BEGIN.as_bytes(), END.as_bytes());
    let mut bodies = Vec::new();
    let mut rest = text;
    while let Some(at) = memchr::memmem::find(rest, begin) {
        let after = &rest[at + begin.len()..];
        let starts_line = at == 0 || matches!(rest[at - 1], b'\n' | b'\r');
        if !starts_line {
            rest = after;
            continue;
        }
        let stop = memchr::memmem::find(after, end)
            .ok_or_else(|| "a CERTIFICATE block has no END line".to_string())?;
        let (lines, mut body) = (&after[..stop], Vec::with_capacity(stop));
        let mut line_start = 0;
        for line_end in memchr::memchr_iter(b'\n', lines).chain([lines.len()]) {
            body.extend_from_slice(lines[line_start..line_end].trim_ascii());
            line_start = line_end + 1;
        }
        bodies.push(body);
        rest = &after[stop + end.len()..];
    }
    Ok(bodies)
}

/// A block's body as DER. Lines with spaces inside are tolerated, as lax PEM readers do.
fn decode_body(body: &[u8]) -> Result<CertificateDer<'static>, String> {
    let engine = &base64::engine::general_purpose::STANDARD;
    engine
        .decode(body)
        .or_else(|_| {
            let compact: Vec<u8> = body
                .iter()
                .copied()
                .filter(|c| !c.is_ascii_whitespace())
                .collect();
            engine.decode(compact)
        })
        .map(CertificateDer::from)
        .map_err(|error| format!("bad base64 in a CERTIFICATE block: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn self_signed(name: &str) -> rcgen::Certificate {
        let key = rcgen::KeyPair::generate().expect("key");
        rcgen::CertificateParams::new(vec![name.to_owned()])
            .expect("params")
            .self_signed(&key)
            .expect("certificate")
    }

    #[test]
    fn reads_every_certificate_of_a_pem_bundle_once() {
        let (first, second) = (self_signed("one.test"), self_signed("two.test"));
        let mut bundle = tempfile::NamedTempFile::new().expect("temp file");
        write!(
            bundle,
            "# a comment\n{}\nsome text between\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n{}{}",
            first.pem(),
            second.pem(),
            first.pem() // duplicate, counted but added once
        )
        .expect("write");

        let mut loader = RootsLoader::default();
        assert_eq!(loader.add_file(bundle.path()).expect("load"), 3);
        // The same file again (by inode) is not read again.
        assert_eq!(loader.add_file(bundle.path()).expect("again"), 0);
        assert_eq!(loader.take_store().len(), 2);
    }

    #[test]
    fn decodes_what_the_constant_time_decoder_decodes() {
        use rustls::pki_types::pem::PemObject;
        let cert = self_signed("same.test");
        // Lines of 64 characters, CRLF endings: the decoders must agree.
        let pem = cert.pem().replace('\n', "\r\n");
        let ours = decode_body(&pem_bodies(pem.as_bytes()).expect("blocks")[0]).expect("decode");
        let theirs = CertificateDer::from_pem_slice(pem.as_bytes()).expect("pki-types");
        assert_eq!(ours, theirs);
        assert_eq!(&ours, cert.der());
        // A space inside a line, and a marker that does not start its line (ignored).
        let spaced = pem
            .replacen("\r\nMII", "\r\nMI I", 1)
            .replacen("\r\n", " \r\n", 3);
        assert!(
            spaced.contains("MI I"),
            "the test inserts a space inside a line"
        );
        let text = format!("see -----BEGIN CERTIFICATE----- below\n{spaced}");
        let bodies = pem_bodies(text.as_bytes()).expect("blocks");
        assert_eq!(bodies.len(), 1);
        assert_eq!(&decode_body(&bodies[0]).expect("lax decode"), cert.der());
    }

    #[test]
    fn reads_cert_dirs_and_rejects_missing_empty_or_broken_cert_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let cert = self_signed("dir.test");
        std::fs::write(dir.path().join("a.pem"), cert.pem()).expect("write");
        std::os::unix::fs::symlink(dir.path().join("a.pem"), dir.path().join("0a1b2c3d.0"))
            .expect("hash link");
        std::fs::write(dir.path().join("README"), "not a certificate").expect("write");
        std::fs::create_dir(dir.path().join("subdir")).expect("mkdir");
        let dirs = std::env::join_paths([dir.path(), Path::new("/nonexistent/dir")]).expect("join");
        let mut loader = RootsLoader::default();
        assert_eq!(loader.add_env(None, Some(&dirs)).expect("roots"), 0);
        assert!(
            loader.has_deferred() && loader.files.is_empty(),
            "read later"
        );
        assert_eq!(loader.load_deferred(), 1);
        assert!(!loader.has_deferred());
        assert_eq!(
            loader.files.len(),
            2,
            "the hash link is the same file as a.pem"
        );

        let mut loader = RootsLoader::default();
        let missing = loader.add_env(Some(Path::new("/nonexistent/ca.pem")), None);
        assert!(matches!(missing, Err(GraphError::Config(_))));
        let not_a_file = loader
            .add_env(Some(dir.path()), None)
            .expect_err("a directory");
        assert!(
            not_a_file.to_string().contains("not a regular file"),
            "{not_a_file}"
        );
        let empty = dir.path().join("README");
        assert!(loader.add_env(Some(&empty), None).is_err());
        let broken = dir.path().join("broken.pem");
        std::fs::write(&broken, format!("{BEGIN}\n!!!!\n{END}\n")).expect("write");
        let error = loader.add_env(Some(&broken), None).expect_err("bad base64");
        assert!(error.to_string().contains("not valid PEM"), "{error}");
        let unterminated = dir.path().join("unterminated.pem");
        std::fs::write(&unterminated, format!("{BEGIN}\nAAAA\n")).expect("write");
        assert!(loader.add_env(Some(&unterminated), None).is_err());
    }

    #[test]
    fn certificates_that_cannot_be_anchors_are_skipped() {
        let mut loader = RootsLoader::default();
        loader.add_der(CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x01]));
        loader.add_der(self_signed("ok.test").der().clone());
        assert_eq!(loader.skipped, 1);
        assert_eq!(loader.into_certificates().len(), 1);
    }
}
