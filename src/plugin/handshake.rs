//! The go-plugin handshake: the magic cookie, protocol version negotiation, the listener
//! (a unix socket in a private directory, TCP on loopback as a fallback) and the one line
//! Terraform reads from stdout.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use tokio::net::{TcpListener, UnixListener};

pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// The only plugin protocol this provider serves.
pub const PROTOCOL_VERSION: u32 = 6;
/// go-plugin's core protocol version, the first handshake field.
const CORE_PROTOCOL_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum HandshakeError {
    #[error("This binary is a Terraform/OpenTofu provider plugin and is started by terraform or tofu, not directly. To run it for a debugger, use --debug.")]
    NotLaunchedByTerraform,
    #[error("Terraform offered plugin protocol versions {offered:?}, but this provider speaks only version 6. Use Terraform 1.0+ or OpenTofu 1.6+.")]
    UnsupportedProtocol { offered: String },
    #[error("PLUGIN_CLIENT_CERT is not set, so the connection could not be authenticated. This provider refuses to serve without mutual TLS; unset TF_DISABLE_PLUGIN_TLS, or use --debug for local debugging.")]
    NoClientCertificate,
    #[error("could not listen for Terraform: {0}")]
    Listen(#[from] io::Error),
}

/// Refuses to run unless started by a go-plugin host that knows the Terraform cookie.
pub fn check_magic_cookie(value: Option<&str>) -> Result<(), HandshakeError> {
    match value {
        Some(v) if v == MAGIC_COOKIE_VALUE => Ok(()),
        _ => Err(HandshakeError::NotLaunchedByTerraform),
    }
}

/// Picks protocol 6 from `PLUGIN_PROTOCOL_VERSIONS` ("5,6"); absent means the host's default (6).
pub fn negotiate_protocol(offered: Option<&str>) -> Result<u32, HandshakeError> {
    let Some(offered) = offered.filter(|s| !s.trim().is_empty()) else {
        return Ok(PROTOCOL_VERSION);
    };
    let speaks_6 = offered
        .split(',')
        .any(|v| v.trim().parse::<u32>() == Ok(PROTOCOL_VERSION));
    if speaks_6 {
        Ok(PROTOCOL_VERSION)
    } else {
        Err(HandshakeError::UnsupportedProtocol {
            offered: offered.to_string(),
        })
    }
}

/// Where the plugin listens. The unix variant owns its private directory and removes it on drop.
pub enum PluginListener {
    Unix {
        listener: UnixListener,
        socket: PathBuf,
        dir: PrivateDir,
    },
    Tcp {
        listener: TcpListener,
        addr: SocketAddr,
    },
}

impl PluginListener {
    /// `(network, address)` as the handshake line and TF_REATTACH_PROVIDERS name them.
    pub fn address(&self) -> (&'static str, String) {
        match self {
            PluginListener::Unix { socket, .. } => ("unix", socket.display().to_string()),
            PluginListener::Tcp { addr, .. } => ("tcp", addr.to_string()),
        }
    }
}

/// A directory only the current user can enter; removed when dropped.
pub struct PrivateDir(PathBuf);

impl PrivateDir {
    /// A fresh `<prefix><16 hex digits>` directory in `parent`.
    fn create_in(parent: &Path, prefix: &str) -> io::Result<PrivateDir> {
        use std::os::unix::fs::DirBuilderExt;
        for _ in 0..16 {
            let dir = parent.join(format!("{prefix}{:016x}", fastrand::u64(..)));
            match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
                Ok(()) => return Ok(PrivateDir(dir)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free socket directory name",
        ))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Binds a unix socket in a fresh private directory whose name starts with `dir_prefix` (under
/// `PLUGIN_UNIX_SOCKET_DIR` when set), falling back to TCP on 127.0.0.1 within
/// `PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT`.
pub fn listen(
    socket_parent: Option<PathBuf>,
    dir_prefix: &str,
    port_range: (u16, u16),
) -> Result<PluginListener, HandshakeError> {
    let parent = socket_parent.unwrap_or_else(std::env::temp_dir);
    match bind_unix(&parent, dir_prefix) {
        Ok(l) => return Ok(l),
        Err(e) => log::warn!(
            "unix socket in {} unavailable ({e}); falling back to TCP",
            parent.display()
        ),
    }
    bind_tcp(port_range)
}

fn bind_unix(parent: &Path, dir_prefix: &str) -> io::Result<PluginListener> {
    let dir = PrivateDir::create_in(parent, dir_prefix)?;
    let socket = dir.path().join("plugin.sock");
    let listener = UnixListener::bind(&socket)?;
    if let Ok(group) = std::env::var("PLUGIN_UNIX_SOCKET_GROUP") {
        log::debug!(
            "PLUGIN_UNIX_SOCKET_GROUP={group} is ignored: the socket stays private to this user"
        );
    }
    Ok(PluginListener::Unix {
        listener,
        socket,
        dir,
    })
}

fn bind_tcp((min, max): (u16, u16)) -> Result<PluginListener, HandshakeError> {
    let mut last_err = io::Error::new(
        io::ErrorKind::AddrNotAvailable,
        "empty PLUGIN_MIN_PORT..PLUGIN_MAX_PORT range",
    );
    for port in min..=max {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        match std::net::TcpListener::bind(addr).and_then(|l| {
            l.set_nonblocking(true)?;
            TcpListener::from_std(l)
        }) {
            Ok(listener) => {
                let addr = listener.local_addr()?;
                return Ok(PluginListener::Tcp { listener, addr });
            }
            Err(e) => last_err = e,
        }
    }
    Err(HandshakeError::Listen(last_err))
}

/// Reads `PLUGIN_MIN_PORT`/`PLUGIN_MAX_PORT`, with go-plugin's defaults.
pub fn port_range_from_env() -> (u16, u16) {
    let read = |key: &str, default: u16| {
        std::env::var(key)
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(default)
    };
    (
        read("PLUGIN_MIN_PORT", 10000),
        read("PLUGIN_MAX_PORT", 25000),
    )
}

/// `1|6|unix|/tmp/.../plugin.sock|grpc|<cert>`
pub fn handshake_line(protocol: u32, network: &str, address: &str, cert: &str) -> String {
    format!("{CORE_PROTOCOL_VERSION}|{protocol}|{network}|{address}|grpc|{cert}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_must_match_exactly() {
        assert!(check_magic_cookie(Some(MAGIC_COOKIE_VALUE)).is_ok());
        assert!(check_magic_cookie(None).is_err());
        assert!(check_magic_cookie(Some("nope")).is_err());
    }

    #[test]
    fn protocol_negotiation() {
        assert_eq!(negotiate_protocol(None).ok(), Some(6));
        assert_eq!(negotiate_protocol(Some("5,6")).ok(), Some(6));
        assert_eq!(negotiate_protocol(Some(" 6 ")).ok(), Some(6));
        let err = negotiate_protocol(Some("4,5")).expect_err("6 not offered");
        assert!(err.to_string().contains("4,5"));
    }

    #[test]
    fn handshake_line_shape() {
        assert_eq!(
            handshake_line(6, "unix", "/tmp/x/plugin.sock", "AAA"),
            "1|6|unix|/tmp/x/plugin.sock|grpc|AAA"
        );
    }

    #[tokio::test]
    async fn unix_socket_directory_is_private_and_removed() {
        use std::os::unix::fs::PermissionsExt;
        let parent = std::env::temp_dir();
        let l = listen(Some(parent), "tfexample-", (10000, 10010)).expect("listen");
        let dir = match &l {
            PluginListener::Unix { dir, .. } => dir.path().to_path_buf(),
            PluginListener::Tcp { .. } => panic!("expected a unix socket"),
        };
        let mode = std::fs::metadata(&dir).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        drop(l);
        assert!(!dir.exists());
    }

    #[tokio::test]
    async fn tcp_fallback_uses_the_port_range() {
        let l = bind_tcp((0, 0)).expect("bind");
        let (network, addr) = l.address();
        assert_eq!(network, "tcp");
        assert!(addr.starts_with("127.0.0.1:"));
    }
}
