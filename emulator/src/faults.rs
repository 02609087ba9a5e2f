//! Fault injection: fault specs (the `POST /_emulator/faults` JSON), matching per route and
//! method, by count or seeded probability, and the time-window lag faults.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What a fault does.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// 429 `TooManyRequests`, with a `Retry-After` header when `retry_after` is set (sent verbatim,
    /// so fractional values such as `"1.5"` are possible).
    Throttle {
        #[serde(default)]
        retry_after: Option<String>,
    },
    /// Any error status (500, 503, ...) with a Graph error body; 503 also honours `retry_after`.
    Status {
        status: u16,
        #[serde(default)]
        retry_after: Option<String>,
    },
    /// Close the TCP connection without an HTTP response (logged with status 0).
    Drop,
    /// Handle the request (it takes effect), then close the connection before the response is
    /// sent: the client cannot tell whether it worked. Logged with the status it would have had.
    DropResponse,
    /// Delay the request by `ms` milliseconds, then handle it normally.
    Latency { ms: u64 },
    /// GET of a partner returns 404 for `window_ms` after its successful create.
    ReplicationLag { window_ms: u64 },
    /// POST of a partner returns 409 for `window_ms` after a delete of the same tenant id.
    DeleteLag { window_ms: u64 },
    /// GET of a partner shows it as it was before its last PATCH for `window_ms` after that
    /// PATCH (eventual consistency of updates).
    UpdateLag { window_ms: u64 },
    /// A partner created (POST) while this fault is active is missing from lists for
    /// `window_ms` after its create, while GET already finds it (a list that lags behind).
    ListLag { window_ms: u64 },
    /// Answer a write with 204 No Content without carrying it out (an update Graph accepted
    /// but did not apply).
    IgnoreWrite,
}

/// A fault as posted to `/_emulator/faults`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FaultSpec {
    /// Route name (`token`, `imds`, `msi`, `partners`, `partner`, `identitySynchronization`,
    /// `default`, `resetToSystemDefault`), its path template, or `*` for any route.
    #[serde(default = "any")]
    pub route: String,
    /// HTTP method; absent or `*` means any.
    #[serde(default)]
    pub method: Option<String>,
    /// The effect.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Apply to the next `count` matching requests only (then the fault is used up).
    #[serde(default)]
    pub count: Option<u64>,
    /// Apply each matching request with this probability (0.0 ..= 1.0).
    #[serde(default)]
    pub probability: Option<f64>,
    /// Seed for the probability draw (deterministic sequences).
    #[serde(default)]
    pub seed: Option<u64>,
}

fn any() -> String {
    "*".to_string()
}

/// The terminal effect of the faults matching a request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FaultAction {
    Respond {
        status: u16,
        retry_after: Option<String>,
    },
    Drop,
    DropResponse,
    IgnoreWrite,
}

/// What to do with one request.
#[derive(Debug, Default)]
pub(crate) struct FaultDecision {
    pub latency: Duration,
    pub action: Option<FaultAction>,
}

struct ActiveFault {
    spec: FaultSpec,
    remaining: Option<u64>,
    rng: fastrand::Rng,
}

/// All active faults.
#[derive(Default)]
pub(crate) struct FaultSet {
    faults: Vec<ActiveFault>,
}

impl FaultSet {
    pub fn add(&mut self, spec: FaultSpec) {
        let rng = match spec.seed {
            Some(seed) => fastrand::Rng::with_seed(seed),
            None => fastrand::Rng::new(),
        };
        self.faults.push(ActiveFault {
            remaining: spec.count,
            spec,
            rng,
        });
    }

    pub fn clear(&mut self) {
        self.faults.clear();
    }

    pub fn list(&self) -> Vec<FaultSpec> {
        self.faults
            .iter()
            .map(|f| {
                let mut spec = f.spec.clone();
                spec.count = f.remaining;
                spec
            })
            .collect()
    }

    /// Decides the fault effects for a request on `route` (name and template) with `method`.
    pub fn decide(&mut self, route: &str, template: &str, method: &str) -> FaultDecision {
        let mut decision = FaultDecision::default();
        for fault in &mut self.faults {
            let spec = &fault.spec;
            let route_ok = spec.route == "*" || spec.route == route || spec.route == template;
            let method_ok = spec
                .method
                .as_deref()
                .is_none_or(|m| m == "*" || m.eq_ignore_ascii_case(method));
            if !route_ok || !method_ok || fault.remaining == Some(0) {
                continue;
            }
            let action = match &spec.kind {
                FaultKind::Throttle { retry_after } => Some(FaultAction::Respond {
                    status: 429,
                    retry_after: retry_after.clone(),
                }),
                FaultKind::Status {
                    status,
                    retry_after,
                } => Some(FaultAction::Respond {
                    status: *status,
                    retry_after: retry_after.clone(),
                }),
                FaultKind::Drop => Some(FaultAction::Drop),
                FaultKind::DropResponse => Some(FaultAction::DropResponse),
                FaultKind::IgnoreWrite => Some(FaultAction::IgnoreWrite),
                FaultKind::Latency { .. } => None,
                FaultKind::ReplicationLag { .. }
                | FaultKind::DeleteLag { .. }
                | FaultKind::UpdateLag { .. }
                | FaultKind::ListLag { .. } => continue,
            };
            if action.is_some() && decision.action.is_some() {
                continue;
            }
            if let Some(p) = spec.probability {
                if fault.rng.f64() >= p {
                    continue;
                }
            }
            if let Some(n) = fault.remaining.as_mut() {
                *n -= 1;
            }
            if let FaultKind::Latency { ms } = &spec.kind {
                decision.latency += Duration::from_millis(*ms);
            }
            if action.is_some() {
                decision.action = action;
            }
        }
        decision
    }

    /// The replication-lag window (404 on GET after create), when such a fault is active.
    pub fn replication_lag(&self) -> Option<Duration> {
        self.faults.iter().find_map(|f| match f.spec.kind {
            FaultKind::ReplicationLag { window_ms } => Some(Duration::from_millis(window_ms)),
            _ => None,
        })
    }

    /// The update-lag window (reads show the object before its last PATCH), when active.
    pub fn update_lag(&self) -> Option<Duration> {
        self.faults.iter().find_map(|f| match f.spec.kind {
            FaultKind::UpdateLag { window_ms } => Some(Duration::from_millis(window_ms)),
            _ => None,
        })
    }

    /// The list-lag window (new partners missing from lists), when such a fault is active.
    pub fn list_lag(&self) -> Option<Duration> {
        self.faults.iter().find_map(|f| match f.spec.kind {
            FaultKind::ListLag { window_ms } => Some(Duration::from_millis(window_ms)),
            _ => None,
        })
    }

    /// The delete-lag window (409 on POST after delete), when such a fault is active.
    pub fn delete_lag(&self) -> Option<Duration> {
        self.faults.iter().find_map(|f| match f.spec.kind {
            FaultKind::DeleteLag { window_ms } => Some(Duration::from_millis(window_ms)),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: &str) -> FaultSpec {
        serde_json::from_str(json).expect("valid spec")
    }

    #[test]
    fn count_limits_and_method_filter() {
        let mut set = FaultSet::default();
        set.add(spec(
            r#"{"route":"partner","method":"GET","kind":"status","status":503,"count":1}"#,
        ));
        assert!(set.decide("partner", "", "PATCH").action.is_none());
        assert!(set.decide("partner", "", "GET").action.is_some());
        assert!(set.decide("partner", "", "GET").action.is_none());
    }

    #[test]
    fn seeded_probability_is_deterministic() {
        let run = || {
            let mut set = FaultSet::default();
            set.add(spec(r#"{"kind":"drop","probability":0.5,"seed":7}"#));
            (0..32)
                .map(|_| set.decide("partners", "", "GET").action.is_some())
                .collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        assert!(a.iter().any(|x| *x) && a.iter().any(|x| !*x));
    }
}
