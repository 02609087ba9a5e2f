//! Test-only HTTP/1.1 server on 127.0.0.1 with canned replies (plain or TLS), recording requests.

use std::sync::{Arc, Mutex};

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use url::Url;

/// What the server does with one request.
#[derive(Clone, Debug)]
pub(crate) enum Reply {
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Read the request, then never answer.
    Hang,
    /// Read the request, then close the connection without answering.
    Drop,
    /// Read the request, wait, then give the inner reply.
    After(std::time::Duration, Box<Reply>),
}

impl Reply {
    pub(crate) fn json(status: u16, body: &str) -> Self {
        Reply::Respond {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_owned(),
        }
    }

    pub(crate) fn empty(status: u16) -> Self {
        Reply::Respond {
            status,
            headers: Vec::new(),
            body: String::new(),
        }
    }

    pub(crate) fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }
}

#[derive(Clone, Debug)]
pub(crate) struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// Names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RecordedRequest {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// A CA and a certificate for 127.0.0.1/localhost that it signed.
pub(crate) struct TestTls {
    ca: CertificateDer<'static>,
    ca_pem: String,
    leaf: CertificateDer<'static>,
    acceptor: TlsAcceptor,
}

impl TestTls {
    pub(crate) fn generate() -> Self {
        use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "graph client test CA");
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("CA key"))
            .expect("CA certificate");
        let leaf_key = KeyPair::generate().expect("leaf key");
        let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .expect("leaf params")
            .signed_by(&leaf_key, &ca)
            .expect("leaf certificate");

        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![leaf.der().clone(), ca.der().clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
            )
            .expect("server config");
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Self {
            ca: ca.der().clone(),
            ca_pem: ca.pem(),
            leaf: leaf.der().clone(),
            acceptor: TlsAcceptor::from(Arc::new(config)),
        }
    }

    pub(crate) fn ca_der(&self) -> CertificateDer<'static> {
        self.ca.clone()
    }

    pub(crate) fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The server's certificate, which the CA signed for 127.0.0.1 and localhost.
    pub(crate) fn leaf_der(&self) -> CertificateDer<'static> {
        self.leaf.clone()
    }

    /// Our production client builder, trusting this CA on top of the system roots.
    pub(crate) fn trusting_client(&self) -> reqwest::Client {
        let mut roots = super::roots::RootsLoader::default();
        roots.add_der(self.ca_der());
        super::tls::client_trusting(roots, false).expect("HTTP client")
    }
}

pub(crate) struct TestServer {
    url: Url,
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
    accept_loop: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Plain HTTP; the n-th request gets `replies[n]`, the last reply repeats.
    pub(crate) async fn start(replies: Vec<Reply>) -> Self {
        Self::start_inner(None, |_| replies).await
    }

    pub(crate) async fn start_tls(tls: &TestTls, replies: Vec<Reply>) -> Self {
        Self::start_inner(Some(tls.acceptor.clone()), |_| replies).await
    }

    /// Plain HTTP, with replies that may name the server's own URL (such as a next-page link).
    pub(crate) async fn start_with(replies: impl FnOnce(&Url) -> Vec<Reply>) -> Self {
        Self::start_inner(None, replies).await
    }

    async fn start_inner(
        acceptor: Option<TlsAcceptor>,
        replies: impl FnOnce(&Url) -> Vec<Reply>,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let scheme = if acceptor.is_some() { "https" } else { "http" };
        let url = Url::parse(&format!("{scheme}://{address}/")).expect("url");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let replies = Arc::new(replies(&url));
        let recorded = requests.clone();
        let accept_loop = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (replies, recorded, acceptor) =
                    (replies.clone(), recorded.clone(), acceptor.clone());
                tokio::spawn(async move {
                    match acceptor {
                        Some(acceptor) => {
                            if let Ok(tls_stream) = acceptor.accept(stream).await {
                                serve(tls_stream, &replies, &recorded).await;
                            }
                        }
                        None => serve(stream, &replies, &recorded).await,
                    }
                });
            }
        });
        Self {
            url,
            requests,
            accept_loop,
        }
    }

    pub(crate) fn url(&self) -> Url {
        self.url.clone()
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        self.requests.lock().expect("lock").clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

/// Serves one request per connection (`Connection: close`), which keeps the parser tiny.
async fn serve<S>(mut stream: S, replies: &[Reply], recorded: &Mutex<Vec<RecordedRequest>>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    let reply = {
        let mut log = recorded.lock().expect("lock");
        log.push(request);
        replies
            .get(log.len() - 1)
            .or(replies.last())
            .cloned()
            .unwrap_or(Reply::empty(500))
    };
    let reply = match reply {
        Reply::After(wait, inner) => {
            tokio::time::sleep(wait).await;
            *inner
        }
        other => other,
    };
    match reply {
        Reply::Respond {
            status,
            headers,
            body,
        } => {
            let reason = reqwest::StatusCode::from_u16(status)
                .ok()
                .and_then(|code| code.canonical_reason())
                .unwrap_or("Unknown");
            let mut head = format!(
                "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(body.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
        Reply::Hang => std::future::pending::<()>().await,
        Reply::Drop | Reply::After(..) => {}
    }
}

async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> Option<RecordedRequest> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(position) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break position + 4;
        }
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let (method, path) = (
        request_line.next()?.to_owned(),
        request_line.next()?.to_owned(),
    );
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let body_end = buffer.len().min(head_end + length);
    Some(RecordedRequest {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&buffer[head_end..body_end]).into_owned(),
    })
}
