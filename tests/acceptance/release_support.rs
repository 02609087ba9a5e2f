//! Release artifacts for the install tests: the provider binary these tests already build,
//! packaged by `scripts/package.sh` exactly as a release is (signed with a throwaway GPG key),
//! and a small HTTPS server that serves a provider network mirror
//! (`/{hostname}/{namespace}/{type}/index.json`, `.../{version}.json`, and the zip).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex, OnceLock};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-azuread");

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn zip_name() -> String {
    format!("terraform-provider-azuread_{VERSION}_linux_amd64.zip")
}

pub fn sums_name() -> String {
    format!("terraform-provider-azuread_{VERSION}_SHA256SUMS")
}

/// Output with Terraform's diagnostic frame and line wrapping removed, for phrase matching.
pub fn flat(text: &str) -> String {
    text.replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn sha256_hex(data: &[u8]) -> String {
    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Terraform's `h1:` hash of a zip holding one file (Go's dirhash.Hash1): the SHA-256 of the
/// line `"<sha256 of the file>  <name>\n"`, in base64.
pub fn h1_of_single_file(name: &str, contents: &[u8]) -> String {
    use base64::Engine;
    let summary = format!("{}  {name}\n", sha256_hex(contents));
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, summary.as_bytes());
    format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
    )
}

/// Runs `scripts/package.sh VERSION OUT linux_amd64=BINARY` with `env`.
pub fn package(version: &str, binary: &Path, out: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(repo().join("scripts/package.sh"));
    cmd.arg(version)
        .arg(out)
        .arg(format!("linux_amd64={}", binary.display()))
        .env_remove("GPG_FINGERPRINT")
        .env_remove("GPG_PASSPHRASE")
        // Stored, not deflated: the tests' binaries are large and compression is not tested.
        .env("ZIP_LEVEL", "0");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run scripts/package.sh")
}

/// A throwaway GPG home with one signing key and no passphrase.
pub struct Gpg {
    pub home: tempfile::TempDir,
    pub fingerprint: String,
}

impl Gpg {
    pub fn generate() -> Gpg {
        let home = tempfile::Builder::new()
            .prefix("gpg")
            .tempdir_in("/tmp")
            .expect("gpg home");
        let gpg = |args: &[&str]| {
            Command::new("gpg")
                .env("GNUPGHOME", home.path())
                .args(["--batch", "--no-tty"])
                .args(args)
                .output()
                .unwrap_or_else(|e| {
                    panic!("cannot run gpg ({e}): install it with `apt-get install gnupg`")
                })
        };
        let made = gpg(&[
            "--passphrase",
            "",
            "--quick-gen-key",
            "Release Test <release-test@example.invalid>",
            "ed25519",
            "sign",
            "never",
        ]);
        assert!(made.status.success(), "gpg key: {made:?}");
        let listed = gpg(&["--with-colons", "--list-secret-keys"]);
        let fingerprint = String::from_utf8_lossy(&listed.stdout)
            .lines()
            .find_map(|l| {
                l.strip_prefix("fpr:")
                    .map(|r| r.trim_matches(':').to_string())
            })
            .expect("fingerprint");
        Gpg { home, fingerprint }
    }

    /// `gpg --verify SIG FILE` in this home.
    pub fn verify(&self, sig: &Path, file: &Path) -> Output {
        Command::new("gpg")
            .env("GNUPGHOME", self.home.path())
            .args(["--batch", "--no-tty", "--verify"])
            .arg(sig)
            .arg(file)
            .output()
            .expect("gpg --verify")
    }
}

impl Gpg {
    /// Stops the agent this home started; it would otherwise outlive the test.
    pub fn stop_agent(&self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", self.home.path())
            .args(["--kill", "gpg-agent"])
            .output();
    }
}

impl Drop for Gpg {
    fn drop(&mut self) {
        self.stop_agent();
    }
}

pub struct Release {
    pub dir: PathBuf,
    /// The binary inside the zip: the debug binary without its debug info (as release builds
    /// are), ~8 times smaller, so packaging and `init` stay quick.
    pub binary: PathBuf,
    pub gpg: Gpg,
}

/// The signed release of the debug binary, packaged once per test process.
pub fn release() -> &'static Release {
    static RELEASE: OnceLock<Release> = OnceLock::new();
    RELEASE.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("release-test");
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("release-test dir");
        let (dir, binary) = (root.join("dist"), root.join("terraform-provider-azuread"));
        let stripped = Command::new("strip")
            .args(["--strip-debug", "-o"])
            .arg(&binary)
            .arg(BINARY)
            .status()
            .is_ok_and(|s| s.success());
        if !stripped {
            eprintln!("strip (binutils) is not available: packaging the unstripped debug binary");
            std::fs::copy(BINARY, &binary).expect("copy binary");
        }
        let gpg = Gpg::generate();
        let home = gpg.home.path().display().to_string();
        let out = package(
            VERSION,
            &binary,
            &dir,
            &[
                ("GPG_FINGERPRINT", gpg.fingerprint.as_str()),
                ("GNUPGHOME", home.as_str()),
            ],
        );
        assert!(out.status.success(), "scripts/package.sh failed: {out:?}");
        // This Release lives in a static and is never dropped: stop the agent now (verifying
        // a signature needs none).
        gpg.stop_agent();
        Release { dir, binary, gpg }
    })
}

/// An HTTPS server of fixed files (path → bytes) with its own CA; every request path is logged.
pub struct Mirror {
    pub ca_pem: String,
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
    // Dropping the runtime stops the server.
    _runtime: tokio::runtime::Runtime,
}

impl Mirror {
    pub fn start(files: HashMap<String, Arc<[u8]>>) -> Mirror {
        let (ca_pem, tls) = tls_config();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind mirror");
        let port = listener.local_addr().expect("addr").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let acceptor = tokio_rustls::TlsAcceptor::from(tls);
        let files = Arc::new(files);
        let served = log.clone();
        runtime.spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (acceptor, files, log) = (acceptor.clone(), files.clone(), served.clone());
                tokio::spawn(async move {
                    if let Ok(stream) = acceptor.accept(tcp).await {
                        let _ = serve(stream, &files, &log).await;
                    }
                });
            }
        });
        Mirror {
            ca_pem,
            port,
            log,
            _runtime: runtime,
        }
    }

    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}/", self.port)
    }

    pub fn requests(&self) -> Vec<String> {
        self.log.lock().expect("log").clone()
    }
}

/// One GET per connection: enough for Terraform's and OpenTofu's mirror clients.
async fn serve<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    mut stream: S,
    files: &HashMap<String, Arc<[u8]>>,
    log: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head);
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let path = path.split('?').next().unwrap_or("/").to_string();
    log.lock().expect("log").push(path.clone());
    let mut header = Vec::new();
    let body: &[u8] = match files.get(&path) {
        Some(body) => {
            let kind = if path.ends_with(".json") {
                "application/json"
            } else {
                "application/zip"
            };
            write!(header, "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len())?;
            body
        }
        None => {
            write!(
                header,
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )?;
            &[]
        }
    };
    stream.write_all(&header).await?;
    stream.write_all(body).await?;
    stream.shutdown().await
}

fn tls_config() -> (String, Arc<rustls::ServerConfig>) {
    let ca_key = KeyPair::generate().expect("key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "provider mirror test CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca.self_signed(&ca_key).expect("CA");
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().expect("key");
    let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_string()]).expect("params");
    leaf.distinguished_name
        .push(DnType::CommonName, "provider mirror");
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let cert = leaf.signed_by(&key, &issuer).expect("leaf");
    let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], der)
        .expect("server config");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    (ca_cert.pem(), Arc::new(config))
}

/// The network-mirror files for `entra-xtap/azuread` under both registries' host names:
/// the version list, the version's archive (named `zip`, with the `zh:` hash `hash`), and the
/// zip bytes to serve.
pub fn mirror_files(zip: &[u8], hash: &str) -> HashMap<String, Arc<[u8]>> {
    let zip: Arc<[u8]> = Arc::from(zip);
    let mut files = HashMap::new();
    for host in ["registry.terraform.io", "registry.opentofu.org"] {
        let base = format!("/{host}/entra-xtap/azuread");
        files.insert(
            format!("{base}/index.json"),
            Arc::from(
                serde_json::json!({ "versions": { VERSION: {} } })
                    .to_string()
                    .into_bytes(),
            ),
        );
        files.insert(
            format!("{base}/{VERSION}.json"),
            Arc::from(
                serde_json::json!({ "archives": { "linux_amd64": {
                    "url": zip_name(), "hashes": [format!("zh:{hash}")] } } })
                .to_string()
                .into_bytes(),
            ),
        );
        files.insert(format!("{base}/{}", zip_name()), zip.clone());
    }
    files
}
