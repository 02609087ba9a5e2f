//! Host names in endpoints are resolved by the provider itself (`/etc/hosts`, then the name
//! servers of `/etc/resolv.conf`), not by glibc: `localhost` in both endpoints must work end to
//! end, sign-in included.

use crate::harness::{partners, Tool, Workspace};

#[test]
fn endpoints_named_by_host_name_resolve_from_the_hosts_file() {
    let mut ws = Workspace::new(Tool::Terraform);
    let by_name = ws.emulator.base_url().replace("127.0.0.1", "localhost");
    assert!(by_name.starts_with("https://localhost:"), "{by_name}");
    ws.set_env("ARM_GRAPH_ENDPOINT", &by_name);
    ws.set_env("ARM_AUTHORITY_HOST", &by_name);
    ws.set_env("TF_LOG_PROVIDER", "debug");
    ws.write_config(&partners(2));
    let run = ws.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(run.success, "{}", run.combined());
    assert!(
        run.combined().contains("dns: localhost resolved to"),
        "the provider's own resolver answered:\n{}",
        run.combined()
    );
    assert_eq!(ws.emulator.partners().len(), 2);
    let log = ws.emulator.request_log();
    assert!(
        log.iter().any(|r| r.path.ends_with("/oauth2/v2.0/token")),
        "the token came through localhost too: {log:?}"
    );
    let plan = ws.run(&["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(plan.code, Some(0), "{}", plan.combined());
}
