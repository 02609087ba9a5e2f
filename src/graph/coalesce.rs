//! Coalesced reads of a collection's items: when many reads of single items arrive together in
//! one provider process (Terraform refreshing many resources at its parallelism of 10), they are
//! served from one paged list of the collection, fetched once (single-flight) and shared for a
//! few seconds. This file owns the rule that decides when a list is worth it, the listed
//! snapshot, and its invalidation by writes of this process.
//!
//! The rule (documented in docs/architecture.md):
//! - A read that finds nothing listed opens a *gathering* of [`GATHER_WINDOW`]. As soon as
//!   [`LIST_THRESHOLD`] reads have gathered, or are in progress at once, one list is sent and
//!   they all wait for it. A gathering that closes with fewer reads sends their own GETs, and
//!   from then on reads of this process no longer wait to gather (only concurrency starts a
//!   list), so a configuration of one or two items never pays for a list and pays the window at
//!   most once per process.
//! - A snapshot serves reads for [`SNAPSHOT_TTL`] after its list was sent, never longer.
//! - The semantics of a single GET are kept: an item absent from the list gets its own GET (a
//!   create moments ago may not be listed yet; only its own 404 says it is gone); a failed list
//!   falls back to GETs (and no list is tried again for [`SNAPSHOT_TTL`]); a write through this
//!   client ([`Coalescer::invalidate`]) drops the snapshot, and a list in flight during a write
//!   is not used.
//! - Each waiting read keeps its own deadline and Terraform's cancellation (StopProvider).
//!
//! The coalescer does no I/O itself: the caller passes the single GET and the list
//! (`partners.rs`), which keeps this logic testable on a paused clock.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::watch;
use tokio::time::{sleep_until, Instant};

use super::client::{cancelled, timeout};
use super::context::OpContext;
use super::error::GraphError;

/// A list is sent once this many reads have gathered or are in progress at the same time.
pub const LIST_THRESHOLD: usize = 3;
/// How long the first reads of a process wait for others before sending their own GETs.
pub const GATHER_WINDOW: Duration = Duration::from_millis(20);
/// A listed snapshot serves reads for at most this long after its list was sent.
pub const SNAPSHOT_TTL: Duration = Duration::from_secs(3);
/// The longest a shared list may take before its waiters fall back to their own GETs.
const LIST_BUDGET: Duration = Duration::from_secs(30);

/// Items by lower-cased key, or why the list failed.
type Listed = Result<Arc<HashMap<String, Value>>, String>;

/// One collection's coalesced reads. One per client (so per provider process).
pub struct Coalescer {
    /// The member of a listed item that holds its key (`tenantId`).
    key_field: &'static str,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Bumped by every write; a snapshot or list of an older generation is not used.
    generation: u64,
    /// Reads in progress.
    reading: usize,
    snapshot: Option<Snapshot>,
    listing: Option<Listing>,
    gathering: Option<Gathering>,
    /// No gathering waits any more: one closed with too few reads.
    gathered_too_few: bool,
    list_failed_at: Option<Instant>,
    next_id: u64,
}

struct Snapshot {
    sent: Instant,
    generation: u64,
    items: Arc<HashMap<String, Value>>,
}

#[derive(Clone)]
struct Listing {
    id: u64,
    generation: u64,
    done: watch::Receiver<Option<Listed>>,
}

struct Gathering {
    id: u64,
    closes: Instant,
    reads: usize,
    outcome: watch::Sender<Gathered>,
}

#[derive(Clone)]
enum Gathered {
    Open,
    Listing(Listing),
    TooFew,
}

/// What a read does next, decided under the lock.
enum Step {
    Found(Value),
    Get,
    Wait(Listing),
    Gather(u64, Instant, watch::Receiver<Gathered>),
    List(Listing, watch::Sender<Option<Listed>>),
}

/// Counts a read in progress until dropped.
struct Reading<'a>(&'a Coalescer);

impl Drop for Reading<'_> {
    fn drop(&mut self) {
        let mut state = self.0.state();
        state.reading = state.reading.saturating_sub(1);
    }
}

impl Coalescer {
    pub fn new(key_field: &'static str) -> Self {
        Self {
            key_field,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forgets what was listed: called before and after every write through the client.
    pub fn invalidate(&self) {
        let mut state = self.state();
        state.generation += 1;
        state.snapshot = None;
    }

    /// Reads the item `key`: from a snapshot or a shared list when reads arrive together, else
    /// with `get` (its own GET; `None` = 404). `list` fetches every item; it runs in a task of
    /// its own, bounded by a budget of its own and the cancellation of the read that started it
    /// (in the provider, Terraform's StopProvider, shared by every read).
    pub async fn read<G, GF, L, LF>(
        self: &Arc<Self>,
        key: &str,
        ctx: &OpContext,
        get: G,
        list: L,
    ) -> Result<Option<Value>, GraphError>
    where
        G: FnOnce() -> GF,
        GF: Future<Output = Result<Option<Value>, GraphError>>,
        L: FnOnce(OpContext) -> LF,
        LF: Future<Output = Result<Vec<Value>, GraphError>> + Send + 'static,
    {
        let key = key.to_ascii_lowercase();
        let _reading = {
            self.state().reading += 1;
            Reading(self)
        };
        let mut list = Some(list);
        let mut step = self.next_step(&key);
        loop {
            step = match step {
                Step::Found(value) => return Ok(Some(value)),
                Step::Get => return get().await,
                Step::List(listing, done) => {
                    if let Some(list) = list.take() {
                        self.start_list(&listing, done, ctx, list);
                    }
                    Step::Wait(listing)
                }
                Step::Wait(listing) => match self.wait_for_list(&listing, &key, ctx).await? {
                    Some(value) => Step::Found(value),
                    None => Step::Get,
                },
                Step::Gather(id, closes, outcome) => self.gather(id, closes, outcome, ctx).await?,
            };
        }
    }

    /// Waits in a gathering until it turns into a list or closes with too few reads.
    async fn gather(
        &self,
        id: u64,
        closes: Instant,
        mut outcome: watch::Receiver<Gathered>,
        ctx: &OpContext,
    ) -> Result<Step, GraphError> {
        let gathered = tokio::select! {
            biased;
            () = ctx.cancel.cancelled() => return Err(cancelled(GATHERING, false)),
            () = sleep_until(ctx.deadline) => return Err(timeout(GATHERING, 1, None)),
            () = sleep_until(closes) => None,
            seen = outcome.wait_for(|g| !matches!(g, Gathered::Open)) => seen.ok().map(|g| g.clone()),
        };
        Ok(match gathered {
            Some(Gathered::Listing(listing)) => Step::Wait(listing),
            Some(Gathered::TooFew) => Step::Get,
            // The window has passed (or the gathering vanished): close it if it is still ours.
            Some(Gathered::Open) | None => {
                let mut state = self.state();
                match state.gathering.as_ref().map(|g| g.id) {
                    Some(open) if open == id => {
                        if let Some(gathering) = state.gathering.take() {
                            gathering.outcome.send_replace(Gathered::TooFew);
                        }
                        state.gathered_too_few = true;
                        Step::Get
                    }
                    _ => match outcome.borrow().clone() {
                        Gathered::Listing(listing) => Step::Wait(listing),
                        _ => Step::Get,
                    },
                }
            }
        })
    }

    /// The first decision of a read (see the module documentation for the rule).
    fn next_step(&self, key: &str) -> Step {
        let mut guard = self.state();
        let state = &mut *guard;
        let now = Instant::now();
        let generation = state.generation;
        if let Some(snapshot) = state
            .snapshot
            .as_ref()
            .filter(|s| s.generation == generation && now < s.sent + SNAPSHOT_TTL)
        {
            return match snapshot.items.get(key) {
                Some(value) => Step::Found(value.clone()),
                None => Step::Get,
            };
        }
        if let Some(listing) = state
            .listing
            .as_ref()
            .filter(|l| l.generation == generation)
        {
            return Step::Wait(listing.clone());
        }
        if state
            .list_failed_at
            .is_some_and(|at| now < at + SNAPSHOT_TTL)
        {
            return Step::Get;
        }
        if let Some(gathering) = state.gathering.as_mut() {
            gathering.reads += 1;
            if gathering.reads >= LIST_THRESHOLD || state.reading >= LIST_THRESHOLD {
                return Self::begin_list(state);
            }
            let (id, closes) = (gathering.id, gathering.closes);
            return Step::Gather(id, closes, gathering.outcome.subscribe());
        }
        if state.reading >= LIST_THRESHOLD {
            return Self::begin_list(state);
        }
        if state.gathered_too_few {
            return Step::Get;
        }
        state.next_id += 1;
        let (outcome, waiting) = watch::channel(Gathered::Open);
        let id = state.next_id;
        let closes = now + GATHER_WINDOW;
        state.gathering = Some(Gathering {
            id,
            closes,
            reads: 1,
            outcome,
        });
        Step::Gather(id, closes, waiting)
    }

    /// Records a new list as in flight (ending any gathering, whose reads join it); the caller
    /// starts it.
    fn begin_list(state: &mut State) -> Step {
        state.next_id += 1;
        let (done, waiting) = watch::channel(None);
        let listing = Listing {
            id: state.next_id,
            generation: state.generation,
            done: waiting,
        };
        state.listing = Some(listing.clone());
        if let Some(gathering) = state.gathering.take() {
            gathering
                .outcome
                .send_replace(Gathered::Listing(listing.clone()));
        }
        Step::List(listing, done)
    }

    fn start_list<L, LF>(
        self: &Arc<Self>,
        listing: &Listing,
        done: watch::Sender<Option<Listed>>,
        ctx: &OpContext,
        list: L,
    ) where
        L: FnOnce(OpContext) -> LF,
        LF: Future<Output = Result<Vec<Value>, GraphError>> + Send + 'static,
    {
        let sent = Instant::now();
        // Its own budget, not the starter's deadline: a read that gives up early must not take
        // the list away from the others (each still waits only within its own deadline).
        let budget = OpContext::new(sent + LIST_BUDGET, ctx.cancel.clone());
        let fetch = list(budget);
        let this = Arc::clone(self);
        let (id, generation) = (listing.id, listing.generation);
        tokio::spawn(async move {
            let listed: Listed = match fetch.await {
                Ok(items) => Ok(Arc::new(this.index(items))),
                Err(error) => {
                    log::debug!(
                        "graph: shared list failed; reads fall back to their own GETs: {error}"
                    );
                    Err(error.to_string())
                }
            };
            {
                let mut state = this.state();
                if state.listing.as_ref().is_some_and(|l| l.id == id) {
                    state.listing = None;
                }
                match &listed {
                    Ok(items) if state.generation == generation => {
                        state.snapshot = Some(Snapshot {
                            sent,
                            generation,
                            items: items.clone(),
                        });
                    }
                    Ok(_) => {}
                    Err(_) => state.list_failed_at = Some(Instant::now()),
                }
            }
            done.send_replace(Some(listed));
        });
    }

    fn index(&self, items: Vec<Value>) -> HashMap<String, Value> {
        items
            .into_iter()
            .filter_map(|item| {
                let key = item.get(self.key_field)?.as_str()?.to_ascii_lowercase();
                Some((key, item))
            })
            .collect()
    }

    /// Waits for a shared list within this read's own bounds. `Some` is the item as listed;
    /// `None` sends the read's own GET (not listed, list failed, or a write came in between).
    async fn wait_for_list(
        &self,
        listing: &Listing,
        key: &str,
        ctx: &OpContext,
    ) -> Result<Option<Value>, GraphError> {
        let mut done = listing.done.clone();
        let listed = tokio::select! {
            biased;
            () = ctx.cancel.cancelled() => return Err(cancelled(LISTING, false)),
            () = sleep_until(ctx.deadline) => return Err(timeout(LISTING, 1, None)),
            listed = done.wait_for(Option::is_some) => listed.ok().and_then(|l| l.clone()),
        };
        if self.state().generation != listing.generation {
            return Ok(None);
        }
        Ok(match listed {
            Some(Ok(items)) => items.get(key).cloned(),
            _ => None,
        })
    }
}

/// How a wait for a shared list is named in a Cancelled or Timeout error.
const LISTING: &str = "GET (shared list of the collection)";
/// How a wait for other reads is named in a Cancelled or Timeout error.
const GATHERING: &str = "waiting to share a list with other reads";
