//! What the latency benchmarks share: an emulator (with a fixed delay per request when asked),
//! a working directory wired to the release provider through `dev_overrides`, and a runner
//! for `terraform` (or `tofu` with `TF=tofu`) that times each command.

mod provider;

use graph_emulator::{Emulator, EmulatorConfig, Latency, LoggedRequest};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub const COUNT: usize = 100;

pub fn tool() -> String {
    std::env::var("TF").unwrap_or_else(|_| "terraform".into())
}

pub struct Bench {
    pub emulator: Emulator,
    pub dir: PathBuf,
    env: Vec<(String, String)>,
    base: tempfile::TempDir,
    // Declared last so the emulator stops before its runtime.
    _runtime: tokio::runtime::Runtime,
}

impl Bench {
    /// An emulator and a directory holding `COUNT` partners.
    pub fn new() -> Self {
        let provider = provider::provider_binary();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let emulator = runtime
            .block_on(Emulator::start(
                "127.0.0.1:0".parse().expect("addr"),
                EmulatorConfig::for_tests(),
            ))
            .expect("emulator");
        let base = tempfile::tempdir().expect("tempdir");
        let ca = base.path().join("ca.pem");
        emulator.write_ca(&ca).expect("ca");
        let cli = base.path().join("cli.tfrc");
        let overrides = provider.parent().expect("bin dir").display().to_string();
        std::fs::write(&cli, format!("provider_installation {{\n  dev_overrides {{\n    \"entra-xtap/azuread\" = \"{overrides}\"\n  }}\n  direct {{}}\n}}\n")).expect("cli");
        let env = [
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
        let dir = base.path().join("partners");
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(
            dir.join("main.tf"),
            format!("terraform {{\n  required_providers {{\n    azuread = {{ source = \"entra-xtap/azuread\" }}\n  }}\n}}\nprovider \"azuread\" {{}}\nresource \"azuread_cross_tenant_partner\" \"p\" {{\n  count     = {COUNT}\n  tenant_id = format(\"00000000-0000-4000-8000-%012d\", count.index)\n  inbound_trust = {{\n    is_mfa_accepted = true\n  }}\n}}\n"),
        )
        .expect("write");
        Bench {
            emulator,
            dir,
            env,
            base,
            _runtime: runtime,
        }
    }

    /// Every Graph request (token included) is delayed by `ms`.
    pub fn set_latency_ms(&self, ms: u64) {
        self.emulator.set_latency(Latency {
            ms,
            ..Latency::default()
        });
    }

    /// Runs the tool with `args`; returns its exit code and wall time. Panics on a failure
    /// other than `plan -detailed-exitcode`'s 2.
    pub fn run(&self, args: &[&str]) -> (i32, Duration) {
        self.run_in(&self.dir, args)
    }

    /// [`Bench::run`] in another directory, with the same environment.
    pub fn run_in(&self, dir: &Path, args: &[&str]) -> (i32, Duration) {
        let started = Instant::now();
        let out = Command::new(tool())
            .args(args)
            .current_dir(dir)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env_remove("TF_LOG")
            .output()
            .unwrap_or_else(|e| {
                panic!("cannot run {}: {e}. Install it and put it on PATH.", tool())
            });
        let elapsed = started.elapsed();
        let code = out.status.code().unwrap_or(-1);
        assert!(
            code == 0 || (code == 2 && args.contains(&"-detailed-exitcode")),
            "{} {args:?} failed:\n{}\n{}",
            tool(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (code, elapsed)
    }

    /// A directory beside the partners' holding `COUNT` built-in `terraform_data` resources:
    /// what Terraform costs with no provider process at all.
    #[allow(dead_code)]
    pub fn terraform_data_dir(&self) -> PathBuf {
        let dir = self.base.path().join("terraform_data");
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(
            dir.join("main.tf"),
            format!("resource \"terraform_data\" \"d\" {{\n  count = {COUNT}\n  input = count.index\n}}\n"),
        )
        .expect("write");
        dir
    }

    /// A first command, so that file-system caches do not favour later ones.
    pub fn warm_up(&self) {
        self.run(&["validate", "-no-color"]);
    }
}

/// Requests by kind: `token`, `GET partners` (a list page), `GET partners/{id}`, `POST partners`...
pub fn requests_by_route(log: &[LoggedRequest]) -> BTreeMap<String, usize> {
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

/// Graph requests only (sign-in excluded).
pub fn graph_requests(log: &[LoggedRequest]) -> usize {
    log.iter().filter(|r| r.path.starts_with("/v1.0/")).count()
}

// Each bench compiles this module on its own; apply_latency has no target to judge.
#[allow(dead_code)]
pub fn verdict(ok: bool) -> &'static str {
    if ok {
        "PASS"
    } else {
        "FAIL"
    }
}
