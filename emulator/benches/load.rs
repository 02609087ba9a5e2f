//! Load test (`cargo bench -p graph-emulator --bench load`): 16 concurrent clients drive mixed
//! partner traffic (create, get, patch, list, get, delete) against an in-process emulator over
//! loopback HTTPS, bounded in request count and time, and print req/s and p50/p99 latency.

use std::time::{Duration, Instant};

use graph_emulator::{Emulator, EmulatorConfig, TEST_CLIENT_ID, TEST_CLIENT_SECRET};
use serde_json::{json, Value};

const CLIENTS: usize = 16;
const ITERATIONS_PER_CLIENT: usize = 250;
const TIME_LIMIT: Duration = Duration::from_secs(60);
const PARTNERS: &str = "/v1.0/policies/crossTenantAccessPolicy/partners";

struct Outcome {
    latencies: Vec<Duration>,
    errors: usize,
}

async fn client_loop(
    n: usize,
    base: String,
    token: String,
    client: reqwest::Client,
    deadline: Instant,
) -> Outcome {
    let mut out = Outcome {
        latencies: Vec::with_capacity(ITERATIONS_PER_CLIENT * 6),
        errors: 0,
    };
    for i in 0..ITERATIONS_PER_CLIENT {
        if Instant::now() >= deadline {
            break;
        }
        let id = format!("{n:08x}-0000-4000-8000-{i:012x}");
        let one = format!("{base}{PARTNERS}/{id}");
        let steps: [(reqwest::Method, String, Option<Value>, u16); 6] = [
            (
                reqwest::Method::POST,
                format!("{base}{PARTNERS}"),
                Some(json!({"tenantId": id, "inboundTrust": {"isMfaAccepted": true}})),
                201,
            ),
            (reqwest::Method::GET, one.clone(), None, 200),
            (
                reqwest::Method::PATCH,
                one.clone(),
                Some(
                    json!({"b2bCollaborationInbound": {"usersAndGroups": {"accessType": "allowed", "targets": [{"target": "AllUsers", "targetType": "user"}]}}}),
                ),
                204,
            ),
            (
                reqwest::Method::GET,
                format!("{base}{PARTNERS}?$top=10"),
                None,
                200,
            ),
            (reqwest::Method::GET, one.clone(), None, 200),
            (reqwest::Method::DELETE, one, None, 204),
        ];
        for (method, url, body, expected) in steps {
            let mut req = client.request(method, url).bearer_auth(&token);
            if let Some(b) = body {
                req = req.json(&b);
            }
            let started = Instant::now();
            let ok = match req.send().await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    resp.bytes().await.is_ok() && status == expected
                }
                Err(_) => false,
            };
            out.latencies.push(started.elapsed());
            if !ok {
                out.errors += 1;
            }
        }
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn main() {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("runtime: {e}");
            std::process::exit(1);
        }
    };
    runtime.block_on(async {
        let config = EmulatorConfig {
            log_capacity: 10_000,
            ..EmulatorConfig::for_tests()
        };
        let emu =
            match Emulator::start("127.0.0.1:0".parse().expect("literal address"), config).await {
                Ok(e) => e,
                Err(e) => {
                    eprintln!("emulator: {e}");
                    std::process::exit(1);
                }
            };
        let ca = reqwest::Certificate::from_pem(emu.ca_pem().as_bytes()).expect("ca pem");
        let make_client = || {
            reqwest::Client::builder()
                .add_root_certificate(ca.clone())
                .build()
                .expect("client")
        };
        let token_resp: Value = make_client()
            .post(emu.token_url())
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", TEST_CLIENT_ID),
                ("client_secret", TEST_CLIENT_SECRET),
                ("scope", "https://graph.microsoft.com/.default"),
            ])
            .send()
            .await
            .expect("token")
            .json()
            .await
            .expect("token json");
        let token = token_resp["access_token"]
            .as_str()
            .expect("access token")
            .to_string();

        // Warm-up: establish connections and TLS sessions before measuring.
        let clients: Vec<reqwest::Client> = (0..CLIENTS).map(|_| make_client()).collect();
        for c in &clients {
            let _ = c
                .get(format!("{}{PARTNERS}?$top=1", emu.base_url()))
                .bearer_auth(&token)
                .send()
                .await;
        }
        emu.clear_log();

        let started = Instant::now();
        let deadline = started + TIME_LIMIT;
        let tasks: Vec<_> = clients
            .into_iter()
            .enumerate()
            .map(|(n, c)| tokio::spawn(client_loop(n, emu.base_url(), token.clone(), c, deadline)))
            .collect();
        let mut latencies = Vec::new();
        let mut errors = 0;
        for t in tasks {
            let out = t.await.expect("client task");
            latencies.extend(out.latencies);
            errors += out.errors;
        }
        let elapsed = started.elapsed();
        latencies.sort();
        let rps = latencies.len() as f64 / elapsed.as_secs_f64();
        let p50 = percentile(&latencies, 0.50);
        let p99 = percentile(&latencies, 0.99);
        println!(
            "graph-emulator load: {CLIENTS} clients, {} requests in {:.2} s, {errors} errors",
            latencies.len(),
            elapsed.as_secs_f64()
        );
        println!("throughput: {rps:.0} req/s");
        println!(
            "latency: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3
        );
        let met = rps >= 2000.0 && p99 < Duration::from_millis(10) && errors == 0;
        println!(
            "target (>= 2000 req/s, p99 < 10 ms, no errors): {}",
            if met { "met" } else { "NOT met" }
        );
        emu.shutdown().await;
    });
}
