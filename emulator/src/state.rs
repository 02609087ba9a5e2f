//! Shared server state: stored objects, issued tokens, the request log, the faults and the
//! behaviour switches.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use serde_json::{Map, Value};

use crate::config::{EmulatorConfig, Latency, Switches};
use crate::faults::FaultSet;
use crate::log::RequestLog;

/// One stored partner.
#[derive(Debug, Clone)]
pub(crate) struct StoredPartner {
    pub object: Map<String, Value>,
    pub identity_sync: Option<Map<String, Value>>,
    /// When it was created through Graph (None for out-of-band edits).
    pub created: Option<Instant>,
    /// The object as it was before the last PATCH, and when that PATCH happened (what reads
    /// show during an update-lag fault).
    pub before_update: Option<(Map<String, Value>, Instant)>,
    /// Lists leave it out until then (created during a `list_lag` fault).
    pub unlisted_until: Option<Instant>,
}

/// Directory objects.
pub(crate) struct Store {
    /// Keyed by lowercase tenant id.
    pub partners: BTreeMap<String, StoredPartner>,
    /// When each (lowercase) tenant id was last deleted.
    pub deleted: HashMap<String, Instant>,
    pub default_config: Map<String, Value>,
    /// The cross-tenant access policy singleton.
    pub policy: Map<String, Value>,
}

impl Store {
    pub fn new() -> Store {
        Store {
            partners: BTreeMap::new(),
            deleted: HashMap::new(),
            default_config: crate::schema::system_default(),
            policy: crate::policy::service_default(),
        }
    }
}

/// An issued access token.
#[derive(Debug, Clone)]
pub(crate) struct IssuedToken {
    pub roles: Vec<String>,
    pub expires: Instant,
}

/// Everything the request handlers share.
pub(crate) struct Shared {
    pub config: EmulatorConfig,
    pub base_url: String,
    pub started: Instant,
    pub store: Mutex<Store>,
    pub tokens: Mutex<HashMap<String, IssuedToken>>,
    pub log: Mutex<RequestLog>,
    pub faults: Mutex<FaultSet>,
    /// The switches in force (start-up value: `config.switches`).
    pub switches: Mutex<Switches>,
    /// The fixed delay per request in force (start-up value: `config.latency`).
    pub latency: Mutex<Latency>,
    /// Graph requests received and not answered yet.
    pub in_flight: crate::in_flight::InFlight,
}

/// Locks a mutex, recovering the data if another thread panicked while holding it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    pub fn new(config: EmulatorConfig, base_url: String) -> Shared {
        let capacity = config.log_capacity;
        let switches = config.switches.clone();
        let latency = config.latency.clone();
        Shared {
            config,
            base_url,
            started: Instant::now(),
            store: Mutex::new(Store::new()),
            tokens: Mutex::new(HashMap::new()),
            log: Mutex::new(RequestLog::new(capacity)),
            faults: Mutex::new(FaultSet::default()),
            switches: Mutex::new(switches),
            latency: Mutex::new(latency),
            in_flight: Default::default(),
        }
    }

    /// Resets objects, log and faults, and restores the start-up switches and latency (issued
    /// tokens stay valid).
    pub fn reset(&self) {
        *lock(&self.store) = Store::new();
        lock(&self.log).clear();
        lock(&self.faults).clear();
        *lock(&self.switches) = self.config.switches.clone();
        *lock(&self.latency) = self.config.latency.clone();
    }

    /// The switches in force.
    pub fn switches(&self) -> Switches {
        lock(&self.switches).clone()
    }

    /// The list page size: `switches.page_size`, else `config.page_size` (at least 1).
    pub fn page_size(&self) -> usize {
        lock(&self.switches)
            .page_size
            .unwrap_or(self.config.page_size)
            .max(1)
    }

    /// A stored partner object as Graph returns it (without `@odata.context`).
    pub fn render_partner(&self, object: &Map<String, Value>) -> Value {
        crate::schema::render_partner(object, lock(&self.switches).nested_nulls)
    }

    /// The default configuration as Graph returns it (without `@odata.context`).
    pub fn rendered_default(&self) -> Value {
        let nested_nulls = lock(&self.switches).nested_nulls;
        Value::Object(crate::schema::render_object(
            &lock(&self.store).default_config,
            crate::schema::DEFAULT_CONFIG,
            nested_nulls,
        ))
    }

    /// All partners, rendered as Graph returns them.
    pub fn rendered_partners(&self) -> Vec<Value> {
        let nested_nulls = lock(&self.switches).nested_nulls;
        lock(&self.store)
            .partners
            .values()
            .map(|p| crate::schema::render_partner(&p.object, nested_nulls))
            .collect()
    }
}
