//! Requests received and not yet answered, so a test can act while one is in flight (send
//! Ctrl-C to Terraform while a slowed POST is on its way) instead of guessing with a sleep.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use serde::Serialize;

/// A Graph request the emulator has received and not answered yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InFlightRequest {
    pub method: String,
    pub path: String,
}

/// The requests in flight, by arrival number.
#[derive(Default)]
pub(crate) struct InFlight {
    requests: Mutex<(u64, BTreeMap<u64, InFlightRequest>)>,
}

/// A poisoned lock still holds a usable list: a panicking handler must not stop the others.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl InFlight {
    /// Records `request` until the returned guard is dropped (answered, or the handler ended).
    pub fn enter(&self, request: InFlightRequest) -> InFlightGuard<'_> {
        let mut requests = lock(&self.requests);
        requests.0 += 1;
        let id = requests.0;
        requests.1.insert(id, request);
        InFlightGuard { owner: self, id }
    }

    pub fn list(&self) -> Vec<InFlightRequest> {
        lock(&self.requests).1.values().cloned().collect()
    }
}

pub(crate) struct InFlightGuard<'a> {
    owner: &'a InFlight,
    id: u64,
}

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        lock(&self.owner.requests).1.remove(&self.id);
    }
}
