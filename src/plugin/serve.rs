//! Runs the plugin: handshake, listener, TLS accept loop and the gRPC router, until Terraform
//! calls GRPCController.Shutdown (or, in debug mode, until Ctrl-C).

use crate::plugin::goplugin::{Broker, Controller, Stdio};
use crate::plugin::handshake::{self, HandshakeError, PluginListener};
use crate::plugin::server::ProviderRpc;
use crate::plugin::tls::{self, TlsError};
use crate::plugin::traits::Provider;
use crate::plugin::unix_conn::QuietUnixStream;
use crate::proto::plugin::{
    grpc_broker_server::GrpcBrokerServer, grpc_controller_server::GrpcControllerServer,
    grpc_stdio_server::GrpcStdioServer,
};
use crate::proto::tfplugin6::provider_server::ProviderServer;
use std::io::Write;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;

/// Terraform core uses the same limit.
const MAX_MESSAGE_BYTES: usize = 256 << 20;
/// h2 writes each frame of a response on its own; buffered until h2 flushes, the frames of one
/// flush leave as one TLS record and one system call.
const WRITE_BUFFER_BYTES: usize = 16 << 10;
/// A peer that does not finish the TLS handshake in this time is dropped.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Handshake(#[from] HandshakeError),
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error("gRPC server failed: {0}")]
    Transport(#[from] tonic::transport::Error),
    #[error("could not write the handshake: {0}")]
    Stdout(std::io::Error),
}

/// How to serve, and who is serving: the framework names no provider of its own.
pub struct ServeOptions {
    /// Serve without Terraform and print TF_REATTACH_PROVIDERS instead of the handshake.
    pub debug: bool,
    /// Full provider source address, e.g. `registry.terraform.io/example/example`.
    pub provider_address: String,
    /// The plugin's name as Terraform installs it, `terraform-provider-<type>` (e.g.
    /// `terraform-provider-example`). Error messages name it (unsupported RPCs, a panic in an
    /// RPC), it is the organisation of the AutoMTLS server certificate, and the socket
    /// directory's name is derived from it (see [`ServeOptions::socket_dir_prefix`]).
    pub provider_name: String,
}

impl ServeOptions {
    /// The prefix of the private socket directory's name: `tf<type>-` for a name
    /// `terraform-provider-<type>` (e.g. `tfexample-`), else `tf<name>-`; only ASCII letters,
    /// digits, `-` and `_` of the name are kept, so it stays one path component.
    pub fn socket_dir_prefix(&self) -> String {
        let short = self
            .provider_name
            .strip_prefix("terraform-provider-")
            .unwrap_or(&self.provider_name);
        let short: String = short
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        format!("tf{short}-")
    }
}

pub async fn serve(provider: Arc<dyn Provider>, opts: ServeOptions) -> Result<(), ServeError> {
    let tls = if opts.debug {
        None
    } else {
        handshake::check_magic_cookie(std::env::var(handshake::MAGIC_COOKIE_KEY).ok().as_deref())?;
        let client_cert = std::env::var("PLUGIN_CLIENT_CERT")
            .ok()
            .filter(|c| !c.trim().is_empty());
        Some(tls::auto_mtls(
            &client_cert.ok_or(HandshakeError::NoClientCertificate)?,
            &opts.provider_name,
        )?)
    };
    let protocol = if opts.debug {
        handshake::PROTOCOL_VERSION
    } else {
        handshake::negotiate_protocol(std::env::var("PLUGIN_PROTOCOL_VERSIONS").ok().as_deref())?
    };
    let socket_parent = std::env::var_os("PLUGIN_UNIX_SOCKET_DIR")
        .filter(|d| !d.is_empty())
        .map(Into::into);
    let listener = handshake::listen(
        socket_parent,
        &opts.socket_dir_prefix(),
        handshake::port_range_from_env(),
    )?;
    let (network, address) = listener.address();

    let shutdown = CancellationToken::new();
    let (health, health_service) = tonic_health::server::health_reporter();
    health
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;
    let router = tonic::transport::Server::builder()
        .layer(super::panic_guard::layer(&opts.provider_name))
        .add_service(health_service)
        .add_service(
            ProviderServer::new(ProviderRpc::new(provider, &opts.provider_name))
                .max_decoding_message_size(MAX_MESSAGE_BYTES)
                .max_encoding_message_size(MAX_MESSAGE_BYTES),
        )
        .add_service(GrpcControllerServer::new(Controller {
            shutdown: shutdown.clone(),
            ignore_shutdown: opts.debug,
        }))
        .add_service(GrpcStdioServer::new(Stdio {
            shutdown: shutdown.clone(),
        }))
        .add_service(GrpcBrokerServer::new(Broker {
            shutdown: shutdown.clone(),
        }));

    let mut stdout = std::io::stdout().lock();
    match &tls {
        Some(tls) => {
            let line = handshake::handshake_line(protocol, network, &address, &tls.announced_cert);
            writeln!(stdout, "{line}")
                .and_then(|_| stdout.flush())
                .map_err(ServeError::Stdout)?;
        }
        None => {
            let reattach = reattach_line(&opts.provider_address, network, &address);
            writeln!(stdout, "Provider started in debug mode. To attach Terraform or OpenTofu, run this in another shell:\n\n\texport TF_REATTACH_PROVIDERS='{reattach}'\n\nPress Ctrl-C to stop.")
                .and_then(|_| stdout.flush())
                .map_err(ServeError::Stdout)?;
        }
    }
    drop(stdout);
    spawn_signal_handler(shutdown.clone(), opts.debug);

    let acceptor = tls.map(|t| TlsAcceptor::from(t.server_config));
    let (incoming_tx, incoming_rx) =
        tokio::sync::mpsc::channel::<Result<Connection, std::io::Error>>(16);
    let accept_loop = tokio::spawn(accept_connections(
        listener,
        acceptor,
        incoming_tx,
        shutdown.clone(),
    ));
    let served = router
        .serve_with_incoming_shutdown(
            tokio_stream::wrappers::ReceiverStream::new(incoming_rx),
            shutdown.clone().cancelled_owned(),
        )
        .await;
    shutdown.cancel();
    // The accept loop owns the listener and its private directory; wait so it is removed.
    let _ = accept_loop.await;
    served.map_err(ServeError::from)
}

fn reattach_line(provider_address: &str, network: &str, address: &str) -> String {
    serde_json::json!({
        provider_address: {
            "Protocol": "grpc",
            "ProtocolVersion": handshake::PROTOCOL_VERSION,
            "Pid": std::process::id(),
            "Test": true,
            "Addr": { "Network": network, "String": address },
        }
    })
    .to_string()
}

/// go-plugin hosts own Ctrl-C: they call StopProvider and then Shutdown, so a plugin started by
/// Terraform ignores SIGINT. In debug mode Ctrl-C ends the process.
fn spawn_signal_handler(shutdown: CancellationToken, debug: bool) {
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut int), Ok(mut term)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return;
        };
        loop {
            tokio::select! {
                _ = int.recv() => if debug { shutdown.cancel(); return } else { log::debug!("ignoring SIGINT; Terraform will ask the provider to stop") },
                _ = term.recv() => { shutdown.cancel(); return }
                _ = shutdown.cancelled() => return,
            }
        }
    });
}

async fn accept_connections(
    listener: PluginListener,
    acceptor: Option<TlsAcceptor>,
    incoming: tokio::sync::mpsc::Sender<Result<Connection, std::io::Error>>,
    shutdown: CancellationToken,
) {
    loop {
        let accepted: std::io::Result<Box<dyn Io>> = tokio::select! {
            _ = shutdown.cancelled() => return,
            r = accept_one(&listener) => r,
        };
        let stream = match accepted {
            Ok(s) => s,
            Err(e) => {
                log::warn!("accept failed: {e}");
                continue;
            }
        };
        let acceptor = acceptor.clone();
        let incoming = incoming.clone();
        // Handshake off the accept loop so one slow peer cannot block others.
        tokio::spawn(async move {
            let conn = match acceptor {
                None => Connection(stream),
                Some(acceptor) => {
                    match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await
                    {
                        Ok(Ok(tls)) => Connection(Box::new(tokio::io::BufWriter::with_capacity(
                            WRITE_BUFFER_BYTES,
                            tls,
                        ))),
                        Ok(Err(e)) => {
                            log::warn!("refused a connection that failed mutual TLS: {e}");
                            return;
                        }
                        Err(_) => {
                            log::warn!("refused a connection that did not complete the TLS handshake in time");
                            return;
                        }
                    }
                }
            };
            let _ = incoming.send(Ok(conn)).await;
        });
    }
}

async fn accept_one(listener: &PluginListener) -> std::io::Result<Box<dyn Io>> {
    match listener {
        PluginListener::Unix { listener, .. } => {
            Ok(Box::new(QuietUnixStream::new(listener.accept().await?.0)?))
        }
        PluginListener::Tcp { listener, .. } => {
            let (s, _) = listener.accept().await?;
            // Terraform makes many small RPCs; Nagle would add delayed-ACK waits to each.
            s.set_nodelay(true)?;
            Ok(Box::new(s))
        }
    }
}

/// Any byte stream tonic can serve: plain or TLS, unix or TCP.
trait Io: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Io for T {}

struct Connection(Box<dyn Io>);

impl tonic::transport::server::Connected for Connection {
    type ConnectInfo = ();
    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut *self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut *self.0).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut *self.0).poll_shutdown(cx)
    }
    // Not vectored, on purpose: h2 then copies DATA frames under 1 KiB into its write buffer
    // instead of chaining them, so several responses leave in one flush instead of one each.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(provider_name: &str) -> ServeOptions {
        ServeOptions {
            debug: false,
            provider_address: "registry.terraform.io/example/example".to_string(),
            provider_name: provider_name.to_string(),
        }
    }

    #[test]
    fn socket_dir_prefix_comes_from_the_provider_name() {
        assert_eq!(
            named("terraform-provider-example").socket_dir_prefix(),
            "tfexample-"
        );
        assert_eq!(named("other").socket_dir_prefix(), "tfother-");
        assert_eq!(named("../a b/c").socket_dir_prefix(), "tfabc-");
    }
}
