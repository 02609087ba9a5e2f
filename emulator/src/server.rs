//! The HTTPS server: accept loop, TLS handshake, per-connection hyper service, the fixed latency
//! and fault application (including dropping the connection), request logging and the standard Graph response headers.
//! Each received request is handled in a task of its own, so a client that closes the connection
//! (e.g. during a latency fault) does not cancel it: like a real server, a received write still
//! takes effect.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::http::request::Parts;
use hyper::{HeaderMap, Method, Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use crate::errors::graph_error;
use crate::faults::FaultAction;
use crate::in_flight::InFlightRequest;
use crate::log::{log_body, log_headers, LoggedRequest};
use crate::reply::{format_time_iso, Reply, ReplyBody};
use crate::routes::{dispatch, Route};
use crate::state::{lock, Shared};

const AGS_DIAGNOSTIC: &str = r#"{"ServerInfo":{"DataCenter":"Emulator","Slice":"E","Ring":"0","ScaleUnit":"000","RoleInstance":"graph-emulator"}}"#;

/// What a handler sees of a request.
pub(crate) struct Ctx<'a> {
    pub shared: &'a Shared,
    pub method: &'a Method,
    pub path: &'a str,
    pub query: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

impl Ctx<'_> {
    /// A request header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// A decoded query parameter.
    pub fn query_param(&self, name: &str) -> Option<String> {
        form_urlencoded::parse(self.query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

/// Accepts connections until `shutdown` changes (or its sender is dropped).
pub(crate) async fn serve(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((tcp, peer)) = accepted {
                    let _ = tcp.set_nodelay(true);
                    conns.spawn(connection(tcp, peer, acceptor.clone(), shared.clone()));
                }
            }
            _ = shutdown.changed() => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.shutdown().await;
}

async fn connection(
    tcp: tokio::net::TcpStream,
    peer: SocketAddr,
    acceptor: TlsAcceptor,
    shared: Arc<Shared>,
) {
    let Ok(Ok(tls)) = tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await
    else {
        return;
    };
    let http2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
    let abort = Arc::new(Notify::new());
    let service_abort = abort.clone();
    let service = hyper::service::service_fn(move |req| {
        let shared = shared.clone();
        let abort = service_abort.clone();
        async move {
            match receive(req, peer, shared).await {
                Some(response) => Ok::<_, DroppedRequest>(response),
                // Over HTTP/2 only this request's stream is reset; over HTTP/1.1 the
                // connection is closed without a response.
                None if http2 => Err(DroppedRequest),
                None => {
                    abort.notify_one();
                    std::future::pending().await
                }
            }
        }
    });
    let io = TokioIo::new(tls);
    if http2 {
        let conn = hyper::server::conn::http2::Builder::new(hyper_util::rt::TokioExecutor::new())
            .serve_connection(io, service);
        let _ = conn.await;
    } else {
        let conn = hyper::server::conn::http1::Builder::new()
            .keep_alive(true)
            .serve_connection(io, service);
        tokio::select! {
            _ = conn => {}
            _ = abort.notified() => {}
        }
    }
}

/// A request answered with nothing: hyper resets its HTTP/2 stream.
#[derive(Debug, thiserror::Error)]
#[error("request dropped by a fault")]
struct DroppedRequest;

fn fault_reply(status: u16, retry_after: Option<String>) -> Reply {
    let (code, message) = match status {
        429 => ("TooManyRequests", "Please retry again later."),
        500 => ("InternalServerError", "An internal server error occurred."),
        502 => ("BadGateway", "The gateway received an invalid response."),
        503 => (
            "ServiceUnavailable",
            "The service is currently unavailable. Please retry later.",
        ),
        504 => (
            "GatewayTimeout",
            "The gateway did not receive a response in time.",
        ),
        _ => ("UnknownError", "An injected fault occurred."),
    };
    let reply = graph_error(status, code, message);
    match retry_after {
        Some(v) => reply.with_header("retry-after", v),
        None => reply,
    }
}

/// Reads the whole request, then handles it in a spawned task and waits for that task: if the
/// client goes away meanwhile, only this wait is cancelled, not the handling. None means "close
/// the connection without a response" (a drop fault, or a request whose body never arrived).
async fn receive(
    req: Request<Incoming>,
    peer: SocketAddr,
    shared: Arc<Shared>,
) -> Option<Response<Full<Bytes>>> {
    let time_ms = shared.started.elapsed().as_millis();
    let (parts, body) = req.into_parts();
    let body = body.collect().await.ok()?.to_bytes();
    tokio::spawn(handle(parts, body, peer, shared, time_ms))
        .await
        .ok()
        .flatten()
}

async fn handle(
    parts: Parts,
    body: Bytes,
    peer: SocketAddr,
    shared: Arc<Shared>,
    time_ms: u128,
) -> Option<Response<Full<Bytes>>> {
    let shared: &Shared = &shared;
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().unwrap_or_default().to_string();
    let request_id = uuid::Uuid::new_v4().to_string();
    let client_request_id = parts
        .headers
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let ctx = Ctx {
        shared,
        method: &parts.method,
        path: &path,
        query: &query,
        headers: &parts.headers,
        body: &body,
    };
    let route = Route::parse(&path);
    if route == Route::Control {
        let reply = if peer.ip().is_loopback() {
            crate::control::handle(&ctx)
        } else {
            graph_error(
                403,
                "Forbidden",
                "The control API only accepts loopback clients.",
            )
        };
        return Some(build_response(
            reply,
            &request_id,
            client_request_id.as_deref(),
        ));
    }
    let method = parts.method.as_str();
    let _in_flight = shared.in_flight.enter(InFlightRequest {
        method: method.to_string(),
        path: path.clone(),
    });
    let decision = lock(&shared.faults).decide(route.name(), route.template(), method);
    let delay = lock(&shared.latency).for_route(route.name(), route.template()) + decision.latency;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let content_type = ctx.header("content-type").unwrap_or_default();
    let mut entry = LoggedRequest {
        method: method.to_string(),
        path: path.clone(),
        query: query.clone(),
        headers: log_headers(&parts.headers),
        body: log_body(content_type, &body),
        status: 0,
        time_ms,
        version: format!("{:?}", parts.version),
    };
    let reply = match decision.action {
        Some(FaultAction::Drop) => {
            lock(&shared.log).push(route.name(), entry);
            return None;
        }
        Some(FaultAction::DropResponse) => {
            entry.status = dispatch(&ctx, &route).status;
            lock(&shared.log).push(route.name(), entry);
            return None;
        }
        Some(FaultAction::Respond {
            status,
            retry_after,
        }) => fault_reply(status, retry_after),
        Some(FaultAction::IgnoreWrite) => Reply::empty(204),
        None => dispatch(&ctx, &route),
    };
    entry.status = reply.status;
    lock(&shared.log).push(route.name(), entry);
    Some(build_response(
        reply,
        &request_id,
        client_request_id.as_deref(),
    ))
}

fn build_response(
    reply: Reply,
    request_id: &str,
    client_request_id: Option<&str>,
) -> Response<Full<Bytes>> {
    let body: Option<Value> = match reply.body {
        ReplyBody::Empty => None,
        ReplyBody::Json(v) => Some(v),
        ReplyBody::GraphError {
            code,
            message,
            details,
        } => {
            let mut error = json!({
                "code": code,
                "message": message,
                "innerError": {
                    "date": format_time_iso(SystemTime::now()),
                    "request-id": request_id,
                    "client-request-id": client_request_id.unwrap_or(request_id),
                },
            });
            if let Some(details) = details {
                error["details"] = details;
            }
            Some(json!({ "error": error }))
        }
    };
    let mut builder = Response::builder()
        .status(reply.status)
        .header("request-id", request_id)
        .header("x-ms-ags-diagnostic", AGS_DIAGNOSTIC);
    if let Some(id) = client_request_id {
        builder = builder.header("client-request-id", id);
    }
    for (name, value) in &reply.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let bytes = match body {
        Some(v) => {
            builder = builder.header("content-type", "application/json");
            Bytes::from(serde_json::to_vec(&v).unwrap_or_default())
        }
        None => Bytes::new(),
    };
    builder.body(Full::new(bytes)).unwrap_or_else(|_| {
        let mut resp = Response::new(Full::new(Bytes::new()));
        *resp.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
        resp
    })
}
