//! The unauthenticated control API under `/_emulator/` (loopback peers only): request log,
//! out-of-band partner edits, faults, behaviour switches, latency, reset and counters. Its requests are
//! not logged.

use hyper::Method;
use serde_json::{json, Map, Value};

use crate::config::{Latency, Switches};
use crate::faults::FaultSpec;
use crate::reply::Reply;
use crate::server::Ctx;
use crate::state::{lock, Shared};

fn error(status: u16, message: impl Into<String>) -> Reply {
    Reply::json(status, json!({"error": message.into()}))
}

/// Stores `object` as-is under the lowercase `id` (keeps an existing identitySynchronization).
pub(crate) fn put_partner(shared: &Shared, id: &str, mut object: Map<String, Value>) {
    let key = id.to_ascii_lowercase();
    object.insert("tenantId".into(), Value::String(key.clone()));
    let mut store = lock(&shared.store);
    let identity_sync = store
        .partners
        .get(&key)
        .and_then(|p| p.identity_sync.clone());
    store.partners.insert(
        key,
        crate::state::StoredPartner {
            object,
            identity_sync,
            created: None,
            before_update: None,
            unlisted_until: None,
        },
    );
}

/// Checks switch values serde cannot: `sync_delete_status` must be an error status (400..=599).
pub(crate) fn check_switches(switches: &Switches) -> Result<(), String> {
    match switches.sync_delete_status {
        Some(status) if !(400..=599).contains(&status) => Err(format!(
            "switches.sync_delete_status {status}: must be an error status (400..=599)"
        )),
        _ => Ok(()),
    }
}

/// Parses a `PUT /_emulator/switches` body (unknown fields refused).
fn parse_switches(body: &[u8]) -> Result<Switches, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    if !value.is_object() {
        return Err("the body must be a JSON object".to_string());
    }
    let switches: Switches = serde_json::from_value(value).map_err(|e| e.to_string())?;
    check_switches(&switches)?;
    Ok(switches)
}

/// Parses one fault spec or an array of them.
pub(crate) fn parse_faults(body: &[u8]) -> Result<Vec<FaultSpec>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    match value {
        Value::Array(_) => serde_json::from_value(value).map_err(|e| e.to_string()),
        other => serde_json::from_value(other)
            .map(|f| vec![f])
            .map_err(|e| e.to_string()),
    }
}

pub(crate) fn handle(ctx: &Ctx<'_>) -> Reply {
    let shared = ctx.shared;
    let rest = ctx.path.trim_start_matches("/_emulator").trim_matches('/');
    let segs: Vec<&str> = rest.split('/').collect();
    let m = ctx.method;
    match segs.as_slice() {
        ["requests"] if m == Method::GET => Reply::json(200, json!(lock(&shared.log).entries())),
        ["requests"] if m == Method::DELETE => {
            lock(&shared.log).clear();
            Reply::empty(204)
        }
        ["partners"] if m == Method::GET => Reply::json(200, json!(shared.rendered_partners())),
        ["partners", id] if m == Method::GET => {
            let store = lock(&shared.store);
            match store.partners.get(&id.to_ascii_lowercase()) {
                Some(p) => Reply::json(200, shared.render_partner(&p.object)),
                None => error(404, format!("no partner '{id}'")),
            }
        }
        ["partners", id] if m == Method::PUT => match serde_json::from_slice::<Value>(ctx.body) {
            Ok(Value::Object(object)) => {
                put_partner(shared, id, object);
                Reply::empty(204)
            }
            _ => error(400, "the body must be a JSON object"),
        },
        ["partners", id] if m == Method::DELETE => {
            match lock(&shared.store)
                .partners
                .remove(&id.to_ascii_lowercase())
            {
                Some(_) => Reply::empty(204),
                None => error(404, format!("no partner '{id}'")),
            }
        }
        ["faults"] if m == Method::GET => Reply::json(200, json!(lock(&shared.faults).list())),
        ["faults"] if m == Method::POST => match parse_faults(ctx.body) {
            Ok(specs) => {
                let mut faults = lock(&shared.faults);
                for spec in specs {
                    faults.add(spec);
                }
                Reply::json(200, json!(faults.list()))
            }
            Err(e) => error(400, format!("invalid fault spec: {e}")),
        },
        ["faults"] if m == Method::DELETE => {
            lock(&shared.faults).clear();
            Reply::empty(204)
        }
        ["switches"] if m == Method::GET => Reply::json(200, json!(shared.switches())),
        ["switches"] if m == Method::PUT => match parse_switches(ctx.body) {
            Ok(switches) => {
                *lock(&shared.switches) = switches;
                Reply::empty(204)
            }
            Err(e) => error(400, format!("invalid switches: {e}")),
        },
        ["reset"] if m == Method::POST => {
            shared.reset();
            Reply::empty(204)
        }
        ["latency"] if m == Method::GET => Reply::json(200, json!(*lock(&shared.latency))),
        ["latency"] if m == Method::PUT => match serde_json::from_slice::<Latency>(ctx.body) {
            Ok(latency) => {
                *lock(&shared.latency) = latency;
                Reply::empty(204)
            }
            Err(e) => error(400, format!("invalid latency: {e}")),
        },
        ["policy"] if m == Method::GET => {
            let national = shared.switches().no_allowed_cloud_endpoints;
            Reply::json(
                200,
                crate::policy::render(&lock(&shared.store).policy, national),
            )
        }
        ["policy"] if m == Method::PUT => match serde_json::from_slice::<Value>(ctx.body) {
            Ok(Value::Object(object)) => {
                lock(&shared.store).policy = object;
                Reply::empty(204)
            }
            _ => error(400, "the body must be a JSON object"),
        },
        ["default"] if m == Method::GET => Reply::json(200, shared.rendered_default()),
        ["default"] if m == Method::PUT => match serde_json::from_slice::<Value>(ctx.body) {
            Ok(Value::Object(object)) => {
                lock(&shared.store).default_config = object;
                Reply::empty(204)
            }
            _ => error(400, "the body must be a JSON object"),
        },
        ["counters"] if m == Method::GET => Reply::json(200, lock(&shared.log).counters()),
        ["in_flight"] if m == Method::GET => Reply::json(200, json!(shared.in_flight.list())),
        _ => error(404, format!("unknown control route {} {}", m, ctx.path)),
    }
}
