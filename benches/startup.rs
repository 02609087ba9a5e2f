//! Startup benchmark (`cargo bench --bench startup`): starts the release binary 20 times exactly
//! as Terraform does and reports the time from spawn to the handshake line, and the resident
//! memory after one GetProviderSchema call, against the targets (< 15 ms, < 15 MiB).
//! Exits non-zero when a target is missed.

#[path = "../tests/protocol/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::process::ExitCode;
use std::time::Duration;

use harness::{rss_bytes, Launch, BINARY};
use terraform_provider_azuread::proto::plugin as goplugin;
use terraform_provider_azuread::proto::tfplugin6 as pb;

const STARTS: usize = 20;
const STARTUP_TARGET: Duration = Duration::from_millis(15);
const RSS_TARGET_MIB: f64 = 15.0;

struct Sample {
    startup: Duration,
    rss: u64,
}

async fn one_start() -> Sample {
    // The client certificate is generated before the clock starts (Terraform does the same).
    let launch = Launch::new();
    let mut plugin = launch.start().await;
    let startup = plugin.startup;
    let schema = plugin
        .provider()
        .await
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .expect("GetProviderSchema")
        .into_inner();
    assert!(
        schema.provider.is_some(),
        "GetProviderSchema returned no provider schema"
    );
    let rss = rss_bytes(plugin.pid()).expect("VmRSS from /proc/<pid>/status");
    let _ = plugin.controller().await.shutdown(goplugin::Empty {}).await;
    let status = plugin.wait_exit().await;
    assert!(
        status.success(),
        "the provider exited with {status} after Shutdown"
    );
    Sample { startup, rss }
}

fn median<T: Copy + Ord>(values: &[T]) -> T {
    let mut sorted = values.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn verdict(pass: bool) -> &'static str {
    if pass {
        "PASS"
    } else {
        "FAIL"
    }
}

fn main() -> ExitCode {
    // `cargo bench` builds the binary with the bench profile (release settings). Anything else
    // (e.g. `cargo test --benches`) measures a debug build, which says nothing about the targets.
    if !std::path::Path::new(BINARY).exists() {
        eprintln!("startup bench: the provider binary {BINARY} does not exist; run `cargo bench --bench startup` so cargo builds it in release.");
        return ExitCode::FAILURE;
    }
    if BINARY.contains("/debug/") {
        eprintln!("startup bench: {BINARY} is a debug build; run `cargo bench --bench startup` to measure the release binary.");
        return ExitCode::FAILURE;
    }
    println!("startup bench: {BINARY}");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let samples = runtime.block_on(async {
        // One warm-up start so the binary is in the page cache.
        let _ = one_start().await;
        let mut samples = Vec::with_capacity(STARTS);
        for _ in 0..STARTS {
            samples.push(one_start().await);
        }
        samples
    });

    let startups: Vec<Duration> = samples.iter().map(|s| s.startup).collect();
    let rss: Vec<u64> = samples.iter().map(|s| s.rss).collect();
    let (startup_median, rss_median) = (median(&startups), median(&rss));
    let startup_ok = startup_median < STARTUP_TARGET;
    let rss_ok = mib(rss_median) < RSS_TARGET_MIB;
    println!(
        "startup: median {} (min {}, max {}) over {STARTS} starts; RSS after GetProviderSchema: median {:.1} MiB (min {:.1}, max {:.1})",
        ms(startup_median),
        ms(*startups.iter().min().expect("samples")),
        ms(*startups.iter().max().expect("samples")),
        mib(rss_median),
        mib(*rss.iter().min().expect("samples")),
        mib(*rss.iter().max().expect("samples")),
    );
    println!(
        "{}: startup median {} < {}",
        verdict(startup_ok),
        ms(startup_median),
        ms(STARTUP_TARGET)
    );
    println!(
        "{}: RSS median {:.1} MiB < {RSS_TARGET_MIB:.0} MiB",
        verdict(rss_ok),
        mib(rss_median)
    );
    if startup_ok && rss_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
