//! Benchmark: `terraform apply` + `terraform destroy` of 100 partners against the emulator, and of
//! 100 built-in `terraform_data` resources in the same run. Prints both wall times and their ratio,
//! the provider's peak resident memory, what the emulator received per partner, and the CPU time
//! of the provider processes next to Terraform's (kernel accounting: Terraform starts a small
//! shell wrapper that runs the provider as its child and records the child's user and system
//! time with `times` when it exits).
//!
//! Run: `cargo bench --bench apply_destroy` (builds the provider in release). Set TF=tofu to
//! measure OpenTofu instead of Terraform, BENCH_HTTP1=1 for a Graph that speaks HTTP/1.1 only,
//! BENCH_PROVIDER=path to measure another build (the static release of `scripts/release.sh`).

#[path = "support/provider.rs"]
mod provider;

use graph_emulator::{Emulator, EmulatorConfig};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const COUNT: usize = 100;
/// Measurements alternate between the two workloads; the median of each is reported.
const ROUNDS: usize = 5;
const RATIO_TARGET: f64 = 1.3;
const PEAK_RSS_TARGET_MIB: f64 = 20.0;
/// The provider's share of the CPU time of a partner apply+destroy (Terraform + provider).
const CPU_SHARE_TARGET: f64 = 0.06;
/// Linux reports children's CPU time in /proc in ticks of 1/100 s (USER_HZ).
const TICKS_PER_SECOND: f64 = 100.0;

/// CPU seconds (user + system) of this process's children that have exited and been waited
/// for, with their own waited-for children: here, every `terraform` run and its providers.
fn children_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // cutime and cstime are fields 16 and 17 of stat; `rest` starts at field 3.
    let ticks = |i: usize| {
        fields
            .get(i - 3)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(16) + ticks(17)) / TICKS_PER_SECOND
}

/// Writes `dir/terraform-provider-azuread`, a shell wrapper that runs `provider` as its child and
/// writes bash's `times` (the shell's own, then its children's user and system time) to a file
/// of its own in `log`.
fn write_cpu_wrapper(dir: &Path, provider: &Path, log: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir).expect("wrapper dir");
    let script = dir.join("terraform-provider-azuread");
    std::fs::write(
        &script,
        format!(
            "#!/bin/bash\n\"{}\" \"$@\"\nstatus=$?\ntimes > \"{}/$$\"\nexit $status\n",
            provider.display(),
            log.display()
        ),
    )
    .expect("wrapper");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// Sums the wrappers' files: (CPU seconds of the providers, of the wrapper shells, processes).
fn provider_cpu(log: &Path) -> (f64, f64, usize) {
    let text: String = std::fs::read_dir(log)
        .into_iter()
        .flatten()
        .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
        .collect();
    let seconds = |line: &str| -> f64 {
        line.split_whitespace()
            .filter_map(|t| {
                let (m, s) = t.trim_end_matches('s').split_once('m')?;
                Some(m.parse::<f64>().ok()? * 60.0 + s.parse::<f64>().ok()?)
            })
            .sum()
    };
    let lines: Vec<&str> = text.lines().collect();
    let (mut children, mut shells) = (0.0, 0.0);
    for pair in lines.chunks(2) {
        if let [shell, child] = pair {
            shells += seconds(shell);
            children += seconds(child);
        }
    }
    (children, shells, lines.len() / 2)
}

fn tool() -> String {
    std::env::var("TF").unwrap_or_else(|_| "terraform".into())
}

fn run(dir: &Path, env: &[(String, String)], args: &[&str]) -> Duration {
    let started = Instant::now();
    let out = Command::new(tool())
        .args(args)
        .current_dir(dir)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env_remove("TF_LOG")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}. Install it and put it on PATH.", tool()));
    assert!(
        out.status.success(),
        "{} {args:?} failed:\n{}\n{}",
        tool(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    started.elapsed()
}

fn apply_destroy(dir: &Path, env: &[(String, String)]) -> Duration {
    run(dir, env, &["apply", "-auto-approve", "-no-color"])
        + run(dir, env, &["destroy", "-auto-approve", "-no-color"])
}

/// Samples VmHWM (peak RSS) of every running provider process until stopped.
struct RssSampler {
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<(u64, HashSet<u32>)>>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl RssSampler {
    fn start(binary: &Path) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Mutex::new((0u64, HashSet::new())));
        let (s, m, exe) = (stop.clone(), seen.clone(), binary.to_path_buf());
        let handle = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                for (pid, hwm) in provider_processes(&exe) {
                    let mut guard = m.lock().unwrap_or_else(|p| p.into_inner());
                    guard.0 = guard.0.max(hwm);
                    guard.1.insert(pid);
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        RssSampler {
            stop,
            seen,
            handle: Some(handle),
        }
    }

    fn finish(mut self) -> (u64, usize) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        let guard = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        (guard.0, guard.1.len())
    }
}

fn provider_processes(exe: &Path) -> Vec<(u32, u64)> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return vec![];
    };
    entries
        .filter_map(|e| {
            let pid: u32 = e.ok()?.file_name().to_str()?.parse().ok()?;
            let link = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
            if link != exe {
                return None;
            }
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
            let kb: u64 = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))?
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            Some((pid, kb * 1024))
        })
        .collect()
}

fn main() {
    let provider = provider::provider_binary();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    // Graph as graph.microsoft.com serves it: HTTP/2 next to HTTP/1.1 (MC447341). BENCH_HTTP1=1
    // measures an HTTP/1.1-only Graph, where each parallel request needs a connection.
    let http2 = std::env::var_os("BENCH_HTTP1").is_none();
    let emulator = runtime
        .block_on(Emulator::start(
            "127.0.0.1:0".parse().expect("addr"),
            EmulatorConfig {
                http2,
                ..EmulatorConfig::for_tests()
            },
        ))
        .expect("emulator");
    let base = tempfile::tempdir().expect("tempdir");
    let ca = base.path().join("ca.pem");
    emulator.write_ca(&ca).expect("ca");
    let cli = base.path().join("cli.tfrc");
    let wrapper = base.path().join("wrapper");
    let cpu_log = base.path().join("provider-cpu");
    write_cpu_wrapper(&wrapper, &provider, &cpu_log);
    let overrides = wrapper.display().to_string();
    std::fs::write(&cli, format!("provider_installation {{\n  dev_overrides {{\n    \"entra-xtap/azuread\" = \"{overrides}\"\n  }}\n  direct {{}}\n}}\n")).expect("cli");
    let env: Vec<(String, String)> = [
        ("TF_CLI_CONFIG_FILE", cli.display().to_string()),
        ("SSL_CERT_FILE", ca.display().to_string()),
        ("ARM_GRAPH_ENDPOINT", emulator.base_url()),
        ("ARM_AUTHORITY_HOST", emulator.base_url()),
        ("ARM_TENANT_ID", graph_emulator::TEST_TENANT_ID.into()),
        ("ARM_CLIENT_ID", graph_emulator::TEST_CLIENT_ID.into()),
        (
            "ARM_CLIENT_SECRET",
            graph_emulator::TEST_CLIENT_SECRET.into(),
        ),
        ("CHECKPOINT_DISABLE", "1".into()),
        ("TF_IN_AUTOMATION", "1".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();

    let partners = base.path().join("partners");
    let data = base.path().join("data");
    std::fs::create_dir_all(&partners).expect("dir");
    std::fs::create_dir_all(&data).expect("dir");
    std::fs::write(
        partners.join("main.tf"),
        format!("terraform {{\n  required_providers {{\n    azuread = {{ source = \"entra-xtap/azuread\" }}\n  }}\n}}\nprovider \"azuread\" {{}}\nresource \"azuread_cross_tenant_partner\" \"p\" {{\n  count     = {COUNT}\n  tenant_id = format(\"00000000-0000-4000-8000-%012d\", count.index)\n  inbound_trust = {{\n    is_mfa_accepted = true\n  }}\n}}\n"),
    )
    .expect("write");
    std::fs::write(
        data.join("main.tf"),
        format!(
            "resource \"terraform_data\" \"d\" {{\n  count = {COUNT}\n  input = count.index\n}}\n"
        ),
    )
    .expect("write");

    // Warm-up so file-system caches do not favour either workload.
    apply_destroy(&data, &env);

    let sampler = RssSampler::start(&provider);
    let mut ours = Vec::new();
    let mut builtin = Vec::new();
    let mut apply_counts = BTreeMap::new();
    let mut destroy_counts = BTreeMap::new();
    let _ = std::fs::remove_dir_all(&cpu_log);
    std::fs::create_dir_all(&cpu_log).expect("cpu log dir");
    let mut partner_cpu = 0.0;
    for round in 0..ROUNDS {
        emulator.clear_log();
        let cpu_before = children_cpu();
        let apply = run(&partners, &env, &["apply", "-auto-approve", "-no-color"]);
        if round == 0 {
            apply_counts = requests_by_route(&emulator.request_log());
        }
        emulator.clear_log();
        let destroy = run(&partners, &env, &["destroy", "-auto-approve", "-no-color"]);
        partner_cpu += children_cpu() - cpu_before;
        if round == 0 {
            destroy_counts = requests_by_route(&emulator.request_log());
        }
        ours.push(apply + destroy);
        builtin.push(apply_destroy(&data, &env));
    }
    let (peak_rss, processes) = sampler.finish();
    let processes_per_round = processes / ROUNDS;
    let (ours, builtin) = (median(ours), median(builtin));
    let count = |m: &BTreeMap<String, usize>, k: &str| m.get(k).copied().unwrap_or(0);
    let per = |m: &BTreeMap<String, usize>, k: &str| count(m, k) as f64 / COUNT as f64;
    let ratio = ours.as_secs_f64() / builtin.as_secs_f64();
    let peak_mib = peak_rss as f64 / (1024.0 * 1024.0);

    println!(
        "apply+destroy of {COUNT} resources with {} (median of {ROUNDS} alternating rounds), Graph over {}",
        tool(),
        if http2 { "HTTP/2" } else { "HTTP/1.1 (BENCH_HTTP1)" }
    );
    println!(
        "  azuread_cross_tenant_partner: {:.2} s",
        ours.as_secs_f64()
    );
    println!(
        "  terraform_data:               {:.2} s",
        builtin.as_secs_f64()
    );
    println!(
        "  ratio: {ratio:.2} (target <= {RATIO_TARGET}) {}",
        verdict(ratio <= RATIO_TARGET)
    );
    println!("  provider peak RSS: {peak_mib:.1} MiB, max over {processes} provider processes (target < {PEAK_RSS_TARGET_MIB} MiB) {}", verdict(peak_mib < PEAK_RSS_TARGET_MIB));
    println!("  apply requests:   {apply_counts:?}");
    println!("  destroy requests: {destroy_counts:?}");
    let tokens = count(&apply_counts, "token") + count(&destroy_counts, "token");
    println!("  token requests per round: {tokens} for {processes_per_round} provider processes (at most one per process) {}", verdict(tokens <= processes_per_round));
    println!(
        "  per created partner during apply: {:.2} POST, {:.2} GET (target: 1 POST, at most 1 GET) {}",
        per(&apply_counts, "POST partners"),
        per(&apply_counts, "GET partners/{id}"),
        verdict(per(&apply_counts, "POST partners") == 1.0 && per(&apply_counts, "GET partners/{id}") <= 1.0)
    );
    println!(
        "  per partner during destroy: {:.2} GET (Terraform's refresh), {:.2} DELETE",
        per(&destroy_counts, "GET partners/{id}"),
        per(&destroy_counts, "DELETE partners/{id}")
    );
    let (provider_s, shells_s, wrapped) = provider_cpu(&cpu_log);
    let rounds = ROUNDS as f64;
    let terraform_s = (partner_cpu - provider_s - shells_s).max(0.0);
    let share = provider_s / (provider_s + terraform_s).max(f64::MIN_POSITIVE);
    println!(
        "  CPU per partner apply+destroy (mean of {ROUNDS}): provider {:.3} s over {} processes ({:.1} ms each), {} {:.3} s",
        provider_s / rounds,
        wrapped / ROUNDS,
        provider_s * 1000.0 / wrapped.max(1) as f64,
        tool(),
        terraform_s / rounds
    );
    println!(
        "  provider share of that CPU: {:.1} % (target <= {:.0} %) {}",
        share * 100.0,
        CPU_SHARE_TARGET * 100.0,
        verdict(share <= CPU_SHARE_TARGET)
    );
    runtime.block_on(emulator.shutdown());
}

fn requests_by_route(log: &[graph_emulator::LoggedRequest]) -> BTreeMap<String, usize> {
    let mut per_route = BTreeMap::new();
    for r in log {
        let route = if r.path.ends_with("/oauth2/v2.0/token") {
            "token".to_string()
        } else if r.path.ends_with("/partners") {
            format!("{} partners", r.method)
        } else {
            format!("{} partners/{{id}}", r.method)
        };
        *per_route.entry(route).or_default() += 1;
    }
    per_route
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "PASS"
    } else {
        "FAIL"
    }
}
