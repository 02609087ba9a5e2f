//! Starts the real provider binary exactly as Terraform does (go-plugin environment, AutoMTLS
//! client certificate of go-plugin's shape) and talks gRPC to it over the announced unix socket
//! with mutual TLS. The server certificate is verified by exact match with the announced one.

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use hyper_util::rt::TokioIo;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::ClientConfig;
use terraform_provider_azuread::plugin::tls::PinnedCertificate;
use terraform_provider_azuread::proto::plugin::grpc_controller_client::GrpcControllerClient;
use terraform_provider_azuread::proto::tfplugin6::provider_client::ProviderClient;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};
use tokio::net::UnixStream;
use tokio::process::{Child, Command};
use tokio::sync::watch;
use tokio_rustls::TlsConnector;
use tonic::transport::{Channel, Endpoint, Uri};

/// The provider binary cargo built for this test (or bench) target.
pub const BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-azuread");
/// Terraform's magic cookie.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// Upper bound for any single event the tests wait for (startup, exit, a log line).
pub const WAIT: Duration = Duration::from_secs(20);

/// A client identity shaped exactly like the one go-plugin generates for AutoMTLS: a self-signed
/// ECDSA P-521 / SHA-512 CA certificate for `localhost`, usable for client and server auth.
pub struct ClientIdentity {
    pub cert_pem: String,
    pub cert_der: CertificateDer<'static>,
    key_der: PrivatePkcs8KeyDer<'static>,
}

impl ClientIdentity {
    pub fn generate() -> ClientIdentity {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).expect("P-521 key");
        let mut params = CertificateParams::new(vec!["localhost".to_string()]).expect("params");
        params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        params
            .distinguished_name
            .push(DnType::OrganizationName, "HashiCorp");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
            KeyUsagePurpose::KeyAgreement,
            KeyUsagePurpose::KeyCertSign,
        ];
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ClientAuth,
            ExtendedKeyUsagePurpose::ServerAuth,
        ];
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::seconds(30);
        params.not_after = now + time::Duration::days(1);
        let cert = params.self_signed(&key).expect("self-signed certificate");
        ClientIdentity {
            cert_pem: cert.pem(),
            cert_der: cert.der().clone(),
            key_der: PrivatePkcs8KeyDer::from(key.serialize_der()),
        }
    }
}

/// The parsed go-plugin handshake line `1|6|unix|<path>|grpc|<base64 DER>`.
#[derive(Debug, Clone)]
pub struct Handshake {
    pub core_version: u32,
    pub protocol_version: u32,
    pub network: String,
    pub address: String,
    pub protocol: String,
    pub server_cert: CertificateDer<'static>,
}

impl Handshake {
    pub fn parse(line: &str) -> Result<Handshake, String> {
        let fields: Vec<&str> = line.trim_end_matches(['\r', '\n']).split('|').collect();
        let [core, proto, network, address, protocol, cert] = fields[..] else {
            return Err(format!("expected 6 '|'-separated fields, got {line:?}"));
        };
        let number = |s: &str, what: &str| {
            s.parse::<u32>()
                .map_err(|e| format!("{what} {s:?} is not a number: {e}"))
        };
        // go-plugin decodes the certificate with base64.RawStdEncoding: no padding allowed.
        let der = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(cert)
            .map_err(|e| format!("certificate is not raw std base64: {e}"))?;
        Ok(Handshake {
            core_version: number(core, "core protocol version")?,
            protocol_version: number(proto, "app protocol version")?,
            network: network.to_string(),
            address: address.to_string(),
            protocol: protocol.to_string(),
            server_cert: CertificateDer::from(der),
        })
    }
}

/// The process environment Terraform gives a plugin, plus per-test additions.
pub struct Launch {
    env: Vec<(String, String)>,
    pub identity: ClientIdentity,
    pub socket_parent: tempfile::TempDir,
}

impl Default for Launch {
    fn default() -> Self {
        Self::new()
    }
}

impl Launch {
    /// The environment `terraform` (go-plugin) sets, with a fresh client certificate and a
    /// private `PLUGIN_UNIX_SOCKET_DIR`. Nothing is inherited from the test's environment.
    pub fn new() -> Launch {
        let identity = ClientIdentity::generate();
        let socket_parent = tempfile::tempdir().expect("socket parent dir");
        let env = vec![
            (MAGIC_COOKIE_KEY.to_string(), MAGIC_COOKIE.to_string()),
            ("PLUGIN_PROTOCOL_VERSIONS".to_string(), "5,6".to_string()),
            ("PLUGIN_MIN_PORT".to_string(), "10000".to_string()),
            ("PLUGIN_MAX_PORT".to_string(), "25000".to_string()),
            (
                "PLUGIN_UNIX_SOCKET_DIR".to_string(),
                socket_parent.path().display().to_string(),
            ),
            ("PLUGIN_CLIENT_CERT".to_string(), identity.cert_pem.clone()),
        ];
        Launch {
            env,
            identity,
            socket_parent,
        }
    }

    /// Sets (or replaces) an environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Launch {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// Removes an environment variable.
    pub fn without(mut self, key: &str) -> Launch {
        self.env.retain(|(k, _)| k != key);
        self
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(BINARY);
        cmd.env_clear()
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        cmd
    }

    /// Starts the plugin and reads its handshake line.
    pub async fn start(self) -> Plugin {
        let spawned = Instant::now();
        let mut child = self.command().spawn().expect("spawn the provider binary");
        let stderr = capture(child.stderr.take().expect("stderr pipe"));
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout pipe"));
        let mut line = String::new();
        let read = tokio::time::timeout(WAIT, stdout.read_line(&mut line)).await;
        let startup = spawned.elapsed();
        match read {
            Ok(Ok(n)) if n > 0 => {}
            other => {
                let status = child.try_wait().ok().flatten();
                panic!(
                    "no handshake line within {WAIT:?} ({other:?}); exit status {status:?}; stderr:\n{}",
                    String::from_utf8_lossy(&stderr.borrow())
                );
            }
        }
        let handshake =
            Handshake::parse(&line).unwrap_or_else(|e| panic!("bad handshake line {line:?}: {e}"));
        let stdout_rest = capture(stdout);
        Plugin {
            child,
            handshake,
            handshake_line: line,
            startup,
            identity: self.identity,
            socket_parent: self.socket_parent,
            stderr,
            stdout_rest,
        }
    }

    /// Runs the binary expecting it to exit by itself (a refused start).
    pub async fn run_to_exit(self) -> Exited {
        let child = self.command().spawn().expect("spawn the provider binary");
        let output = tokio::time::timeout(WAIT, child.wait_with_output())
            .await
            .unwrap_or_else(|_| panic!("the provider did not exit within {WAIT:?}"))
            .expect("wait for the provider");
        Exited {
            status: output.status,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            socket_parent: self.socket_parent,
        }
    }
}

/// The outcome of a run that ended by itself.
pub struct Exited {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    pub socket_parent: tempfile::TempDir,
}

/// Collects everything a pipe produces; receivers can wait for content with a bound.
fn capture<R: AsyncRead + Unpin + Send + 'static>(mut pipe: R) -> watch::Receiver<Vec<u8>> {
    let (tx, rx) = watch::channel(Vec::new());
    tokio::spawn(async move {
        let mut buf = [0u8; 8192];
        loop {
            match pipe.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => tx.send_modify(|all| all.extend_from_slice(&buf[..n])),
            }
        }
    });
    rx
}

/// A running provider process. Killed when dropped.
pub struct Plugin {
    child: Child,
    pub handshake: Handshake,
    pub handshake_line: String,
    /// Time from spawn to the handshake line (benches/startup.rs reports it).
    #[allow(dead_code)]
    pub startup: Duration,
    pub identity: ClientIdentity,
    pub socket_parent: tempfile::TempDir,
    stderr: watch::Receiver<Vec<u8>>,
    stdout_rest: watch::Receiver<Vec<u8>>,
}

impl Plugin {
    pub async fn start() -> Plugin {
        Launch::new().start().await
    }

    #[allow(dead_code)] // used by benches/startup.rs
    pub fn pid(&self) -> u32 {
        self.child.id().expect("the provider is running")
    }

    pub fn socket_path(&self) -> PathBuf {
        PathBuf::from(&self.handshake.address)
    }

    /// Everything the plugin wrote to stderr so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.borrow()).into_owned()
    }

    /// Everything the plugin wrote to stdout after the handshake line.
    pub fn stdout_after_handshake(&self) -> String {
        String::from_utf8_lossy(&self.stdout_rest.borrow()).into_owned()
    }

    /// Waits (bounded) until stderr contains `needle`.
    pub async fn wait_for_stderr(&self, needle: &str) -> Result<(), String> {
        let mut rx = self.stderr.clone();
        let found = tokio::time::timeout(
            WAIT,
            rx.wait_for(|b| String::from_utf8_lossy(b).contains(needle)),
        )
        .await;
        match found {
            Ok(Ok(_)) => Ok(()),
            _ => Err(format!(
                "stderr did not contain {needle:?} within {WAIT:?}; stderr:\n{}",
                self.stderr()
            )),
        }
    }

    /// Waits (bounded) for the process to exit.
    pub async fn wait_exit(&mut self) -> ExitStatus {
        match tokio::time::timeout(WAIT, self.child.wait()).await {
            Ok(status) => status.expect("wait for the provider"),
            Err(_) => panic!(
                "the provider did not exit within {WAIT:?}; stderr:\n{}",
                self.stderr()
            ),
        }
    }

    /// Connects over the unix socket with the Terraform-side identity.
    pub async fn channel(&self) -> Channel {
        self.connect_as(Some(&self.identity))
            .await
            .unwrap_or_else(|e| {
                panic!("connect to the provider: {e:?}; stderr:\n{}", self.stderr())
            })
    }

    /// Connects presenting `identity` (or no client certificate at all).
    pub async fn connect_as(
        &self,
        identity: Option<&ClientIdentity>,
    ) -> Result<Channel, tonic::transport::Error> {
        assert_eq!(
            self.handshake.network, "unix",
            "the plugin should use a unix socket"
        );
        connect_unix(
            self.socket_path(),
            client_tls_config(self.handshake.server_cert.clone(), identity),
        )
        .await
    }

    pub async fn provider(&self) -> ProviderClient<Channel> {
        ProviderClient::new(self.channel().await)
            .max_decoding_message_size(256 << 20)
            .max_encoding_message_size(256 << 20)
    }

    pub async fn controller(&self) -> GrpcControllerClient<Channel> {
        GrpcControllerClient::new(self.channel().await)
    }
}

/// A tonic channel over a unix socket, TLS by tokio-rustls.
pub async fn connect_unix(
    socket: PathBuf,
    config: ClientConfig,
) -> Result<Channel, tonic::transport::Error> {
    let connector = TlsConnector::from(Arc::new(config));
    Endpoint::from_static("http://localhost")
        .connect_timeout(WAIT)
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let socket = socket.clone();
            let connector = connector.clone();
            async move {
                let stream = UnixStream::connect(&socket).await?;
                let name = ServerName::try_from("localhost").expect("server name");
                let tls = connector.connect(name, stream).await?;
                Ok::<_, std::io::Error>(TokioIo::new(tls))
            }
        }))
        .await
}

/// rustls client configuration: ALPN h2, the server verified by exact DER match, and the
/// given client certificate presented (none when `identity` is `None`).
pub fn client_tls_config(
    server_cert: CertificateDer<'static>,
    identity: Option<&ClientIdentity>,
) -> ClientConfig {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    // The server is checked as Terraform checks it: exactly the certificate it announced.
    let verifier = PinnedCertificate::new(server_cert);
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier));
    let mut config = match identity {
        Some(id) => builder
            .with_client_auth_cert(
                vec![id.cert_der.clone()],
                PrivateKeyDer::Pkcs8(id.key_der.clone_key()),
            )
            .expect("client certificate and key"),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    config
}

/// `VmRSS` of a process in bytes, from `/proc/<pid>/status` (used by benches/startup.rs).
#[allow(dead_code)]
pub fn rss_bytes(pid: u32) -> Option<u64> {
    let status =
        std::fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}
