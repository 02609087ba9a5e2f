//! Behaviour tests for coalesced reads (`coalesce.rs`) on a paused clock, with a fake GET and a
//! fake list that count their calls: when a list is sent, who shares it, and that a single
//! GET's semantics survive (absent items, failures, writes, deadlines, cancellation).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::coalesce::{Coalescer, GATHER_WINDOW, SNAPSHOT_TTL};
use super::{GraphError, OpContext};

const ROUND_TRIP: Duration = Duration::from_millis(100);

/// The fake Graph: `listed` are the keys the list returns; every key exists for a GET except
/// `missing`. Counts GETs and lists.
#[derive(Clone, Default)]
struct Fake {
    listed: Arc<Vec<String>>,
    missing: Option<&'static str>,
    list_fails: bool,
    gets: Arc<AtomicUsize>,
    lists: Arc<AtomicUsize>,
}

impl Fake {
    fn listing(keys: &[&str]) -> Self {
        Fake {
            listed: Arc::new(keys.iter().map(|k| k.to_string()).collect()),
            ..Fake::default()
        }
    }

    fn gets(&self) -> usize {
        self.gets.load(Ordering::SeqCst)
    }

    fn lists(&self) -> usize {
        self.lists.load(Ordering::SeqCst)
    }

    async fn read(
        &self,
        coalescer: &Arc<Coalescer>,
        key: &str,
        ctx: &OpContext,
    ) -> Result<Option<Value>, GraphError> {
        let (get_fake, list_fake) = (self.clone(), self.clone());
        coalescer
            .read(
                key,
                ctx,
                || async move {
                    get_fake.gets.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(ROUND_TRIP).await;
                    Ok((get_fake.missing != Some(key))
                        .then(|| json!({"tenantId": key, "via": "get"})))
                },
                move |budget| async move {
                    list_fake.lists.fetch_add(1, Ordering::SeqCst);
                    tokio::select! {
                        () = budget.cancel.cancelled() => {
                            return Err(super::client::cancelled("list", false));
                        }
                        () = tokio::time::sleep(ROUND_TRIP) => {}
                    }
                    if list_fake.list_fails {
                        return Err(super::client::timeout("list", 3, None));
                    }
                    Ok(list_fake
                        .listed
                        .iter()
                        .map(|k| json!({"tenantId": k.to_uppercase(), "via": "list"}))
                        .collect())
                },
            )
            .await
    }

    /// Reads `keys` at the same moment; each result's `via`, in the order of `keys`.
    async fn burst(&self, coalescer: &Arc<Coalescer>, keys: &[&'static str]) -> Vec<String> {
        let mut reads = JoinSet::new();
        for (i, key) in keys.iter().enumerate() {
            let (fake, coalescer) = (self.clone(), coalescer.clone());
            let key = *key;
            reads.spawn(async move { (i, fake.read(&coalescer, key, &ctx(60)).await) });
        }
        let mut seen = vec![String::new(); keys.len()];
        while let Some(joined) = reads.join_next().await {
            let (i, result) = joined.expect("read task");
            seen[i] = via(&result.expect("read"));
        }
        seen
    }
}

fn via(value: &Option<Value>) -> String {
    match value {
        Some(value) => value["via"].as_str().unwrap_or_default().to_owned(),
        None => "404".to_owned(),
    }
}

fn ctx(secs: u64) -> OpContext {
    OpContext::with_timeout(Duration::from_secs(secs), CancellationToken::new())
}

fn coalescer() -> Arc<Coalescer> {
    Arc::new(Coalescer::new("tenantId"))
}

const KEYS: [&str; 7] = ["a", "b", "c", "d", "e", "f", "g"];

#[tokio::test(start_paused = true)]
async fn one_or_two_reads_never_list() {
    let fake = Fake::listing(&KEYS);
    let reads = coalescer();
    assert_eq!(fake.burst(&reads, &["a", "b"]).await, ["get", "get"]);
    assert_eq!(fake.burst(&reads, &["a"]).await, ["get"]);
    assert_eq!((fake.lists(), fake.gets()), (0, 3));
}

#[tokio::test(start_paused = true)]
async fn the_first_reads_wait_to_gather_once_per_process() {
    let fake = Fake::listing(&KEYS);
    let reads = coalescer();
    let started = tokio::time::Instant::now();
    fake.burst(&reads, &["a"]).await;
    assert_eq!(started.elapsed(), GATHER_WINDOW + ROUND_TRIP);
    let started = tokio::time::Instant::now();
    fake.burst(&reads, &["b"]).await;
    assert_eq!(
        started.elapsed(),
        ROUND_TRIP,
        "no second wait once a gathering ended alone"
    );
}

#[tokio::test(start_paused = true)]
async fn a_burst_is_served_by_one_list() {
    let fake = Fake::listing(&KEYS);
    let reads = coalescer();
    let started = tokio::time::Instant::now();
    assert!(fake.burst(&reads, &KEYS).await.iter().all(|v| v == "list"));
    assert_eq!((fake.lists(), fake.gets()), (1, 0));
    assert_eq!(
        started.elapsed(),
        ROUND_TRIP,
        "the third read starts the list at once"
    );
    // The tail of the burst (a lone read moments later) shares the snapshot too.
    assert_eq!(fake.burst(&reads, &["c"]).await, ["list"]);
    assert_eq!((fake.lists(), fake.gets()), (1, 0));
}

#[tokio::test(start_paused = true)]
async fn a_key_absent_from_the_list_gets_its_own_get() {
    let fake = Fake {
        missing: Some("z"),
        ..Fake::listing(&["a", "b", "c"])
    };
    let reads = coalescer();
    let seen = fake.burst(&reads, &["a", "b", "new", "z"]).await;
    assert_eq!(seen, ["list", "list", "get", "404"]);
    assert_eq!((fake.lists(), fake.gets()), (1, 2));
    // Also from the snapshot afterwards.
    assert_eq!(fake.burst(&reads, &["z"]).await, ["404"]);
    assert_eq!(fake.gets(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_snapshot_is_not_served_after_its_time() {
    let fake = Fake::listing(&KEYS);
    let reads = coalescer();
    fake.burst(&reads, &KEYS).await;
    tokio::time::sleep(SNAPSHOT_TTL).await;
    assert_eq!(fake.burst(&reads, &["a"]).await, ["get"]);
    assert_eq!((fake.lists(), fake.gets()), (1, 1));
}

#[tokio::test(start_paused = true)]
async fn a_write_drops_the_snapshot() {
    let fake = Fake::listing(&KEYS);
    let reads = coalescer();
    fake.burst(&reads, &KEYS).await;
    reads.invalidate();
    assert_eq!(fake.burst(&reads, &["a"]).await, ["get"]);
    assert_eq!((fake.lists(), fake.gets()), (1, 1));
    // That lone read closed its gathering: from now on only concurrency starts a list, so the
    // first two reads of the next burst send their own GETs and the third starts the list.
    let seen = fake.burst(&reads, &KEYS).await;
    assert_eq!(seen.iter().filter(|v| *v == "list").count(), KEYS.len() - 2);
    assert_eq!((fake.lists(), fake.gets()), (2, 3));
}

#[tokio::test(start_paused = true)]
async fn a_list_in_flight_during_a_write_is_not_used() {
    let fake = Fake::listing(&KEYS);
    let reads = coalescer();
    let burst = {
        let (fake, reads) = (fake.clone(), reads.clone());
        tokio::spawn(async move { fake.burst(&reads, &["a", "b", "c"]).await })
    };
    tokio::time::sleep(ROUND_TRIP / 2).await;
    reads.invalidate();
    assert_eq!(burst.await.expect("burst"), ["get", "get", "get"]);
    assert_eq!((fake.lists(), fake.gets()), (1, 3));
}

#[tokio::test(start_paused = true)]
async fn a_failed_list_falls_back_to_gets_and_is_not_retried_at_once() {
    let fake = Fake {
        list_fails: true,
        ..Fake::listing(&KEYS)
    };
    let reads = coalescer();
    assert!(fake.burst(&reads, &KEYS).await.iter().all(|v| v == "get"));
    assert_eq!((fake.lists(), fake.gets()), (1, KEYS.len()));
    fake.burst(&reads, &KEYS).await;
    assert_eq!(fake.lists(), 1, "no list for a while after one failed");
}

#[tokio::test(start_paused = true)]
async fn a_waiting_read_keeps_its_own_deadline_and_cancellation() {
    let fake = Fake::listing(&KEYS);
    let reads = coalescer();
    // Two reads start the list with a long deadline...
    let long = {
        let (fake, reads) = (fake.clone(), reads.clone());
        tokio::spawn(async move { fake.burst(&reads, &["a", "b"]).await })
    };
    tokio::time::sleep(Duration::from_millis(1)).await;
    // ...a third joins it with a deadline shorter than the list takes...
    let short = OpContext::with_timeout(ROUND_TRIP / 2, CancellationToken::new());
    let error = fake.read(&reads, "c", &short).await.expect_err("times out");
    assert!(error.is_timeout(), "{error}");
    // ...and a fourth is stopped by Terraform while it waits.
    let stop = CancellationToken::new();
    let stopping = OpContext::new(short.deadline + ROUND_TRIP, stop.clone());
    let waiting = {
        let (fake, reads) = (fake.clone(), reads.clone());
        tokio::spawn(async move { fake.read(&reads, "d", &stopping).await })
    };
    tokio::time::sleep(Duration::from_millis(1)).await;
    stop.cancel();
    let error = waiting.await.expect("task").expect_err("cancelled");
    assert!(error.is_cancelled(), "{error}");
    assert_eq!(long.await.expect("burst"), ["list", "list"]);
    assert_eq!(fake.lists(), 1);
}

#[tokio::test(start_paused = true)]
async fn keys_match_whatever_their_case() {
    let fake = Fake::listing(&KEYS);
    let reads = coalescer();
    assert!(fake
        .burst(&reads, &["A", "b", "C"])
        .await
        .iter()
        .all(|v| v == "list"));
}
