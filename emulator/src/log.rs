//! The request log (what the control API and `Emulator::request_log` return, secrets redacted)
//! and the per-route / per-client counters.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// One logged request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LoggedRequest {
    /// HTTP method.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Raw query string (may be empty).
    pub query: String,
    /// Request headers, lowercase names; `authorization` and identity headers redacted.
    pub headers: BTreeMap<String, String>,
    /// JSON body (form bodies as an object of fields, secrets redacted; other text as a string).
    pub body: Option<Value>,
    /// Response status; 0 for a dropped connection.
    pub status: u16,
    /// Milliseconds since the emulator started, when the request arrived.
    pub time_ms: u128,
    /// The protocol it came over: `HTTP/1.1`, or `HTTP/2.0` with the `http2` option.
    #[serde(default)]
    pub version: String,
}

/// Placeholder for redacted values.
pub const REDACTED: &str = "REDACTED";

const REDACTED_HEADERS: &[&str] = &["authorization", "x-identity-header", "secret"];
const REDACTED_FORM_FIELDS: &[&str] = &["client_secret", "client_assertion"];

/// Headers as logged.
pub(crate) fn log_headers(headers: &hyper::HeaderMap) -> BTreeMap<String, String> {
    headers
        .iter()
        .map(|(name, value)| {
            let name = name.as_str().to_ascii_lowercase();
            let value = if REDACTED_HEADERS.contains(&name.as_str()) {
                REDACTED.to_string()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name, value)
        })
        .collect()
}

/// Body as logged: JSON when it parses, form fields (redacted) for form bodies, else text.
pub(crate) fn log_body(content_type: &str, body: &[u8]) -> Option<Value> {
    if body.is_empty() {
        return None;
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let mut map = Map::new();
        for (k, v) in form_urlencoded::parse(body) {
            let v = if REDACTED_FORM_FIELDS.contains(&k.as_ref()) {
                REDACTED.to_string()
            } else {
                v.into_owned()
            };
            map.insert(k.into_owned(), Value::String(v));
        }
        return Some(Value::Object(map));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => Some(v),
        Err(_) => Some(Value::String(String::from_utf8_lossy(body).into_owned())),
    }
}

/// Log entries plus counters.
pub(crate) struct RequestLog {
    entries: VecDeque<LoggedRequest>,
    capacity: usize,
    requests: HashMap<(String, String, u16), u64>,
    tokens: HashMap<String, u64>,
}

impl RequestLog {
    pub fn new(capacity: usize) -> RequestLog {
        RequestLog {
            entries: VecDeque::new(),
            capacity: capacity.max(1),
            requests: HashMap::new(),
            tokens: HashMap::new(),
        }
    }

    pub fn push(&mut self, route: &str, entry: LoggedRequest) {
        *self
            .requests
            .entry((route.to_string(), entry.method.clone(), entry.status))
            .or_insert(0) += 1;
        if self.entries.len() >= self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    pub fn count_token(&mut self, client_id: &str) {
        *self
            .tokens
            .entry(client_id.to_ascii_lowercase())
            .or_insert(0) += 1;
    }

    pub fn entries(&self) -> Vec<LoggedRequest> {
        self.entries.iter().cloned().collect()
    }

    /// Clears the entries (counters too).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.requests.clear();
        self.tokens.clear();
    }

    /// `{"requests":[{"route","method","status","count"}],"token_requests":{client_id: n}}`.
    pub fn counters(&self) -> Value {
        let mut rows: Vec<_> = self.requests.iter().collect();
        rows.sort();
        let requests: Vec<Value> = rows
            .into_iter()
            .map(|((route, method, status), count)| {
                json!({"route": route, "method": method, "status": status, "count": count})
            })
            .collect();
        let tokens: BTreeMap<&String, &u64> = self.tokens.iter().collect();
        json!({"requests": requests, "token_requests": tokens})
    }
}
