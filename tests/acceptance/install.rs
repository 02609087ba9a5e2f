//! `init` through a local filesystem mirror, the way an offline or air-gapped user installs the
//! provider: Terraform's real install path, lock file included (no dev_overrides).

use crate::both_tools;
use crate::harness::*;

fn init_and_plan_from_a_local_mirror(tool: Tool) {
    let ws = Workspace::new(tool);
    let mirror = ws
        .work_dir()
        .parent()
        .expect("workspace root")
        .join("mirror");
    let version = env!("CARGO_PKG_VERSION");
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_terraform-provider-azuread"));
    for host in ["registry.terraform.io", "registry.opentofu.org"] {
        let dir = mirror.join(format!("{host}/entra-xtap/azuread/{version}/linux_amd64"));
        std::fs::create_dir_all(&dir).expect("mirror dir");
        std::fs::copy(
            binary,
            dir.join(format!("terraform-provider-azuread_v{version}")),
        )
        .expect("copy provider");
    }
    let cli = ws
        .work_dir()
        .parent()
        .expect("workspace root")
        .join("mirror.tfrc");
    std::fs::write(
        &cli,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n  }}\n}}\n",
            mirror.display()
        ),
    )
    .expect("cli config");
    let cli = cli.display().to_string();
    let env = [("TF_CLI_CONFIG_FILE", cli.as_str())];

    ws.write_config(&partner(
        TENANT,
        "  inbound_trust = {\n    is_mfa_accepted = true\n  }\n",
    ));
    let init = ws.run_with_env(&["init", "-no-color"], &env);
    assert!(init.success, "init failed:\n{}", init.combined());
    let lock = std::fs::read_to_string(ws.work_dir().join(".terraform.lock.hcl"))
        .expect("lock file written");
    assert!(
        lock.contains("entra-xtap/azuread") && lock.contains(version),
        "{lock}"
    );
    let plan = ws.run_with_env(&["plan", "-no-color", "-detailed-exitcode"], &env);
    assert_eq!(plan.code, Some(2), "plan after init:\n{}", plan.combined());
    assert!(plan.stdout.contains("1 to add"), "{}", plan.stdout);
    assert!(
        !plan.combined().contains("development overrides"),
        "the mirror, not dev_overrides, was used"
    );
}
both_tools!(init_and_plan_from_a_local_mirror);

/// Kills the debug-mode provider when the test ends, pass or fail.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

// `--debug`: the provider runs on its own (as under a debugger) and prints TF_REATTACH_PROVIDERS;
// terraform/tofu attach to it and apply through it.
fn debug_mode_reattach(tool: Tool) {
    use std::io::BufRead;
    let ws = Workspace::new(tool);
    let host = match tool {
        Tool::Terraform | Tool::Terraform115 => "registry.terraform.io",
        Tool::Tofu => "registry.opentofu.org",
    };
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_terraform-provider-azuread"));
    cmd.args([
        "--debug",
        "--provider-address",
        &format!("{host}/entra-xtap/azuread"),
    ])
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::null())
    .env_remove("TF_PLUGIN_MAGIC_COOKIE");
    // A reattached provider does not inherit Terraform's environment: give it the credentials.
    for (k, v) in ws.env() {
        cmd.env(k, v);
    }
    let mut child = Child(cmd.spawn().expect("start provider in debug mode"));
    let stdout = child.0.stdout.take().expect("stdout");
    let reattach = std::io::BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| {
            l.trim()
                .strip_prefix("export TF_REATTACH_PROVIDERS='")
                .map(|r| r.trim_end_matches('\'').to_string())
        })
        .expect("debug mode prints TF_REATTACH_PROVIDERS");
    let parsed: serde_json::Value = serde_json::from_str(&reattach).expect("reattach JSON");
    assert_eq!(
        parsed[format!("{host}/entra-xtap/azuread")]["ProtocolVersion"],
        6,
        "{parsed}"
    );

    ws.write_config(&partner(TENANT, ""));
    // An empty CLI config: without the reattached process, the provider could not be found.
    let empty_cli = ws.work_dir().join("empty.tfrc");
    std::fs::write(&empty_cli, "").expect("cli config");
    let empty_cli = empty_cli.display().to_string();
    let without = ws.run_with_env(
        &["plan", "-no-color"],
        &[("TF_CLI_CONFIG_FILE", empty_cli.as_str())],
    );
    assert!(
        !without.success,
        "the provider must not be found without reattaching"
    );
    let env = [
        ("TF_REATTACH_PROVIDERS", reattach.as_str()),
        ("TF_CLI_CONFIG_FILE", empty_cli.as_str()),
    ];
    let run = ws.run_with_env(&["apply", "-auto-approve", "-no-color"], &env);
    assert!(run.success, "{}", run.combined());
    assert_eq!(ws.emulator.partners().len(), 1);
    assert!(
        child.0.try_wait().expect("status").is_none(),
        "the debug provider keeps running after Terraform is done"
    );
}
both_tools!(debug_mode_reattach);
