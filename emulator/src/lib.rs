//! `graph-emulator`: a local HTTPS stand-in for Microsoft Graph v1.0 (cross-tenant access
//! partners, identity synchronization, default configuration), the Entra v2.0 token endpoint and
//! the managed-identity endpoints, with fault injection and a control API for tests.
//!
//! ```no_run
//! # async fn demo() -> Result<(), graph_emulator::EmulatorError> {
//! use graph_emulator::{Emulator, EmulatorConfig};
//! let emu = Emulator::start("127.0.0.1:0".parse().expect("addr"), EmulatorConfig::for_tests()).await?;
//! println!("{}", emu.base_url());
//! emu.shutdown().await;
//! # Ok(()) }
//! ```

mod config;
mod control;
mod default_config;
mod errors;
mod faults;
mod identity_sync;
mod in_flight;
mod jwt;
mod log;
mod managed_identity;
mod partners;
mod policy;
mod reply;
mod routes;
mod schema;
mod server;
mod state;
mod tls;
mod token;
mod wire;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::{
    AppRegistration, EmulatorConfig, FederatedCredential, Latency, ManagedIdentity, Switches,
    ROLE_READ, ROLE_READ_WRITE, TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_IDENTITY_HEADER,
    TEST_MANAGED_IDENTITY_CLIENT_ID, TEST_NOROLE_CLIENT_ID, TEST_NOROLE_CLIENT_SECRET,
    TEST_READER_CLIENT_ID, TEST_READER_CLIENT_SECRET, TEST_TENANT_ID,
};
pub use errors::EmulatorError;
pub use faults::{FaultKind, FaultSpec};
pub use in_flight::InFlightRequest;
pub use log::{LoggedRequest, REDACTED};

use state::{lock, Shared};

/// A running emulator. Dropping it stops the server too; `shutdown` waits for it.
pub struct Emulator {
    shared: Arc<Shared>,
    ca_pem: String,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

fn validate(config: &EmulatorConfig) -> Result<(), EmulatorError> {
    control::check_switches(&config.switches).map_err(EmulatorError::Config)?;
    for app in &config.apps {
        for pem in &app.certificates {
            jwt::parse_certificate(pem).map_err(|e| {
                EmulatorError::Config(format!("app {}: certificate: {e}", app.client_id))
            })?;
        }
        for fic in &app.federated_credentials {
            jwt::parse_public_key(&fic.key_pem).map_err(|e| {
                EmulatorError::Config(format!(
                    "app {}: federated credential key: {e}",
                    app.client_id
                ))
            })?;
        }
    }
    Ok(())
}

impl Emulator {
    /// Binds `listen`, creates the CA and server certificate and starts serving.
    pub async fn start(
        listen: SocketAddr,
        config: EmulatorConfig,
    ) -> Result<Emulator, EmulatorError> {
        validate(&config)?;
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let host = if addr.ip().is_unspecified() {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            addr.ip()
        };
        let base_url = match host {
            IpAddr::V4(ip) => format!("https://{ip}:{}", addr.port()),
            IpAddr::V6(ip) => format!("https://[{ip}]:{}", addr.port()),
        };
        let (ca_pem, tls_config) = tls::build(host, config.http2)?;
        let shared = Arc::new(Shared::new(config, base_url));
        let (stop, stop_rx) = watch::channel(false);
        let acceptor = tokio_rustls::TlsAcceptor::from(tls_config);
        let task = tokio::spawn(server::serve(listener, acceptor, shared.clone(), stop_rx));
        Ok(Emulator {
            shared,
            ca_pem,
            addr,
            stop,
            task: Some(task),
        })
    }

    /// `https://127.0.0.1:PORT` (no trailing slash): the Graph endpoint and the authority host.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The bound socket address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The tenant id the token endpoint serves.
    pub fn tenant_id(&self) -> &str {
        &self.shared.config.tenant_id
    }

    /// `{base}/{tenant}/oauth2/v2.0/token`.
    pub fn token_url(&self) -> String {
        format!(
            "{}/{}/oauth2/v2.0/token",
            self.shared.base_url, self.shared.config.tenant_id
        )
    }

    /// The CA certificate (PEM) that signed the server certificate.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// Writes the CA PEM to `path`.
    pub fn write_ca(&self, path: &Path) -> std::io::Result<()> {
        std::fs::write(path, &self.ca_pem)
    }

    /// The request log (same data as `GET /_emulator/requests`).
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log).entries()
    }

    /// Empties the request log and the counters.
    pub fn clear_log(&self) {
        lock(&self.shared.log).clear();
    }

    /// Stored partners as Graph would return them in a list.
    pub fn partners(&self) -> Vec<Value> {
        self.shared.rendered_partners()
    }

    /// One stored partner as Graph would return it.
    pub fn partner(&self, tenant_id: &str) -> Option<Value> {
        let object = lock(&self.shared.store)
            .partners
            .get(&tenant_id.to_ascii_lowercase())
            .map(|p| p.object.clone())?;
        Some(self.shared.render_partner(&object))
    }

    /// Out-of-band edit (drift): stores `object` as-is under `tenant_id`. Non-objects are ignored.
    pub fn put_partner(&self, tenant_id: &str, object: Value) {
        if let Value::Object(map) = object {
            control::put_partner(&self.shared, tenant_id, map);
        }
    }

    /// Out-of-band cross-tenant sync setup: gives the partner an identitySynchronization policy
    /// (which blocks its deletion). False when the partner does not exist or is not an object.
    pub fn put_identity_sync(&self, tenant_id: &str, policy: Value) -> bool {
        let (Value::Object(mut policy), key) = (policy, tenant_id.to_ascii_lowercase()) else {
            return false;
        };
        let mut store = lock(&self.shared.store);
        let Some(partner) = store.partners.get_mut(&key) else {
            return false;
        };
        policy.insert("tenantId".into(), Value::String(key));
        partner.identity_sync = Some(policy);
        true
    }

    /// A partner's identitySynchronization policy as stored, if it has one.
    pub fn identity_sync(&self, tenant_id: &str) -> Option<Value> {
        lock(&self.shared.store)
            .partners
            .get(&tenant_id.to_ascii_lowercase())
            .and_then(|partner| partner.identity_sync.clone())
            .map(Value::Object)
    }

    /// Out-of-band removal of a partner's identitySynchronization policy; true when one existed.
    pub fn remove_identity_sync(&self, tenant_id: &str) -> bool {
        lock(&self.shared.store)
            .partners
            .get_mut(&tenant_id.to_ascii_lowercase())
            .and_then(|partner| partner.identity_sync.take())
            .is_some()
    }

    /// Out-of-band delete; true when something was removed.
    pub fn remove_partner(&self, tenant_id: &str) -> bool {
        lock(&self.shared.store)
            .partners
            .remove(&tenant_id.to_ascii_lowercase())
            .is_some()
    }

    /// The default configuration as Graph returns it (same as `GET /_emulator/default`).
    pub fn default_config(&self) -> Value {
        self.shared.rendered_default()
    }

    /// Out-of-band edit (drift) of the default configuration: stores `object` as-is (same as
    /// `PUT /_emulator/default`). Non-objects are ignored.
    pub fn put_default_config(&self, object: Value) {
        if let Value::Object(map) = object {
            lock(&self.shared.store).default_config = map;
        }
    }

    /// The cross-tenant access policy as Graph returns it (same as `GET /_emulator/policy`).
    pub fn policy(&self) -> Value {
        let national = self.shared.switches().no_allowed_cloud_endpoints;
        policy::render(&lock(&self.shared.store).policy, national)
    }

    /// Out-of-band edit (drift) of the cross-tenant access policy: stores `object` as-is (same
    /// as `PUT /_emulator/policy`). Non-objects are ignored.
    pub fn put_policy(&self, object: Value) {
        if let Value::Object(map) = object {
            lock(&self.shared.store).policy = map;
        }
    }

    /// Active faults (same as `GET /_emulator/faults`; `count` is what is left).
    pub fn faults(&self) -> Vec<FaultSpec> {
        lock(&self.shared.faults).list()
    }

    /// Adds a fault (same as `POST /_emulator/faults`).
    pub fn add_fault(&self, fault: FaultSpec) {
        lock(&self.shared.faults).add(fault);
    }

    /// Removes all faults.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Clears objects, log, counters and faults, and restores the switches the emulator was
    /// started with (`EmulatorConfig::switches`).
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// The behaviour switches in force (same as `GET /_emulator/switches`).
    pub fn switches(&self) -> Switches {
        self.shared.switches()
    }

    /// Replaces all behaviour switches (same as `PUT /_emulator/switches`). A
    /// `sync_delete_status` outside 400..=599 is not checked here; it is answered as 500.
    pub fn set_switches(&self, switches: Switches) {
        *lock(&self.shared.switches) = switches;
    }

    /// The fixed delay per request in force (same as `GET /_emulator/latency`).
    pub fn latency(&self) -> Latency {
        lock(&self.shared.latency).clone()
    }

    /// Replaces the fixed delay per request (same as `PUT /_emulator/latency`).
    pub fn set_latency(&self, latency: Latency) {
        *lock(&self.shared.latency) = latency;
    }

    /// Every access token issued so far, so tests can prove none leaks into logs.
    pub fn issued_tokens(&self) -> Vec<String> {
        lock(&self.shared.tokens).keys().cloned().collect()
    }

    /// Graph requests received and not answered yet (control requests excluded). Same JSON as
    /// `GET /_emulator/in_flight`.
    pub fn requests_in_flight(&self) -> Vec<InFlightRequest> {
        self.shared.in_flight.list()
    }

    /// Same JSON as `GET /_emulator/counters`.
    pub fn counters(&self) -> Value {
        lock(&self.shared.log).counters()
    }

    /// Stops accepting, closes all connections and waits for the server task.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
