//! Benchmark: `terraform apply` creating 100 partners, with the emulator answering every
//! request after 100 ms. Prints the requests per partner and the wall time (reported, no
//! target: each create is one POST and one read-back GET, which makes sure Graph can read the
//! partner before Terraform records it, so the next plan does not lose it to replication lag).
//!
//! Run: `cargo bench --bench apply_latency` (builds the provider in release). TF=tofu for OpenTofu;
//! BENCH_PROVIDER=path measures another build (the static release of `scripts/release.sh`).

#[path = "support/mod.rs"]
mod support;

use support::{graph_requests, requests_by_route, tool, Bench, COUNT};

const LATENCY_MS: u64 = 100;

fn main() {
    let bench = Bench::new();
    bench.warm_up();
    bench.set_latency_ms(LATENCY_MS);
    bench.emulator.clear_log();
    let (_, wall) = bench.run(&["apply", "-auto-approve", "-no-color"]);
    assert_eq!(bench.emulator.partners().len(), COUNT);
    let log = bench.emulator.request_log();
    let by_route = requests_by_route(&log);
    let per = |route: &str| by_route.get(route).copied().unwrap_or(0) as f64 / COUNT as f64;
    println!(
        "apply of {COUNT} new partners at {LATENCY_MS} ms per request with {}",
        tool()
    );
    println!(
        "  Graph requests per partner: {:.2} ({:.2} POST, {:.2} GET read-back)",
        graph_requests(&log) as f64 / COUNT as f64,
        per("POST partners"),
        per("GET partners/{id}")
    );
    println!("  requests by route: {by_route:?}");
    println!(
        "  wall time: {:.2} s (report only; the floor at parallelism 10 is {} partners / 10 x 2 round trips x {LATENCY_MS} ms = {:.1} s)",
        wall.as_secs_f64(),
        COUNT,
        (COUNT as f64 / 10.0) * 2.0 * LATENCY_MS as f64 / 1000.0
    );
}
