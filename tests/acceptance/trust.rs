//! Trusting certificate authorities: a wrong `SSL_CERT_FILE` is one error at configuration,
//! naming the variable and the path, before any request, rather than one per partner.

use crate::harness::{partners, Tool, Workspace};

#[test]
fn a_missing_ssl_cert_file_is_one_error_before_any_request() {
    let mut ws = Workspace::new(Tool::Terraform);
    let missing = ws.work_dir().join("no-such-ca.pem");
    ws.set_env("SSL_CERT_FILE", missing.to_str().expect("utf-8"));
    ws.write_config(&partners(5));
    let run = ws.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(!run.success, "apply must fail");
    let out = run.combined();
    assert_eq!(out.matches("Error: ").count(), 1, "one error:\n{out}");
    assert!(out.contains("Invalid SSL_CERT_FILE"), "{out}");
    assert!(out.contains("no-such-ca.pem"), "the path is named:\n{out}");
    assert!(
        ws.emulator.request_log().is_empty(),
        "nothing was sent: {:?}",
        ws.emulator.request_log()
    );

    // A directory is refused the same way.
    ws.set_env("SSL_CERT_FILE", ws.work_dir().to_str().expect("utf-8"));
    let out = ws.run(&["apply", "-auto-approve", "-no-color"]).combined();
    assert_eq!(out.matches("Error: ").count(), 1, "one error:\n{out}");
    assert!(out.contains("not a regular file"), "{out}");
    assert!(ws.emulator.partners().is_empty());
}
