//! Benchmark: `terraform plan` (a refresh) of 100 partners that exist and match, with the
//! emulator answering every request after 100 ms, as Microsoft Graph does from far away.
//! Prints the Graph requests it took and the wall time against the targets (at most 3
//! requests, at most 0.6 s), and for comparison the same plan without the delay and a plan of
//! as many built-in `terraform_data` resources (Terraform's own time, with no plugin at all).
//!
//! Run: `cargo bench --bench refresh` (builds the provider in release). TF=tofu for OpenTofu;
//! BENCH_PROVIDER=path measures another build (the static release of `scripts/release.sh`).

#[path = "support/mod.rs"]
mod support;

use support::{graph_requests, requests_by_route, tool, verdict, Bench, COUNT};

const LATENCY_MS: u64 = 100;
const REQUESTS_TARGET: usize = 3;
const WALL_TARGET_S: f64 = 0.6;
/// Plans measured at each latency; the median is reported.
const ROUNDS: usize = 3;

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    let bench = Bench::new();
    bench.warm_up();
    bench.run(&["apply", "-auto-approve", "-no-color"]);
    assert_eq!(bench.emulator.partners().len(), COUNT);
    let plan = || {
        let (code, wall) = bench.run(&["plan", "-no-color", "-detailed-exitcode"]);
        assert_eq!(code, 0, "the plan of unchanged partners must be empty");
        wall.as_secs_f64()
    };

    let without: Vec<f64> = (0..ROUNDS).map(|_| plan()).collect();
    // Terraform's own floor on this machine: the same plan of built-in resources, no plugin.
    let data = bench.terraform_data_dir();
    bench.run_in(&data, &["apply", "-auto-approve", "-no-color"]);
    let builtin: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let (code, wall) = bench.run_in(&data, &["plan", "-no-color", "-detailed-exitcode"]);
            assert_eq!(
                code, 0,
                "the plan of unchanged terraform_data must be empty"
            );
            wall.as_secs_f64()
        })
        .collect();

    bench.set_latency_ms(LATENCY_MS);
    let mut walls = Vec::new();
    let mut first_log = Vec::new();
    for round in 0..ROUNDS {
        bench.emulator.clear_log();
        walls.push(plan());
        if round == 0 {
            first_log = bench.emulator.request_log();
        }
    }
    let requests = graph_requests(&first_log);
    let wall = median(walls);
    println!(
        "refresh plan of {COUNT} partners at {LATENCY_MS} ms per request with {} (median of {ROUNDS})",
        tool()
    );
    println!(
        "  Graph requests: {requests} (target <= {REQUESTS_TARGET}) {}",
        verdict(requests <= REQUESTS_TARGET)
    );
    println!("  requests by route: {:?}", requests_by_route(&first_log));
    println!(
        "  wall time: {wall:.2} s (target <= {WALL_TARGET_S} s) {}",
        verdict(wall <= WALL_TARGET_S)
    );
    println!(
        "  the same plan without the delay: {:.2} s ({}'s and the provider's own time)",
        median(without),
        tool()
    );
    println!(
        "  a plan of {COUNT} built-in terraform_data resources: {:.2} s ({} alone, no provider)",
        median(builtin),
        tool()
    );
}
