//! How the binary starts and stops: refusals without Terraform's environment, the private
//! socket directory, and GRPCController.Shutdown.

use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};

use crate::harness::{Launch, MAGIC_COOKIE_KEY};
use terraform_provider_azuread::proto::plugin as goplugin;
use terraform_provider_azuread::proto::tfplugin6 as pb;

fn entries(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read socket parent")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

#[tokio::test]
async fn without_the_magic_cookie_it_explains_and_exits_1() {
    let run = Launch::new().without(MAGIC_COOKIE_KEY).run_to_exit().await;
    assert_eq!(run.status.code(), Some(1), "stderr: {}", run.stderr);
    assert_eq!(run.stdout, "", "nothing on stdout");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stderr, got {:?}", run.stderr);
    let line = lines[0].to_ascii_lowercase();
    assert!(
        line.contains("terraform") && line.contains("plugin"),
        "the line should say this is a Terraform plugin: {:?}",
        lines[0]
    );
    assert_eq!(entries(run.socket_parent.path()), Vec::<String>::new());

    // A wrong cookie is the same as none.
    let run = Launch::new()
        .env(MAGIC_COOKIE_KEY, "nope")
        .run_to_exit()
        .await;
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(run.stdout, "");
    assert_eq!(entries(run.socket_parent.path()), Vec::<String>::new());
}

#[tokio::test]
async fn without_protocol_6_it_names_version_6_and_exits() {
    let run = Launch::new()
        .env("PLUGIN_PROTOCOL_VERSIONS", "4,5")
        .run_to_exit()
        .await;
    assert!(
        !run.status.success(),
        "should refuse; stderr: {}",
        run.stderr
    );
    assert_eq!(run.stdout, "", "no handshake line");
    assert!(
        run.stderr.contains("version 6"),
        "the message should name protocol version 6: {:?}",
        run.stderr
    );
    assert_eq!(entries(run.socket_parent.path()), Vec::<String>::new());
}

#[tokio::test]
async fn without_a_client_certificate_it_refuses_to_serve() {
    let run = Launch::new()
        .without("PLUGIN_CLIENT_CERT")
        .run_to_exit()
        .await;
    assert!(
        !run.status.success(),
        "should refuse; stderr: {}",
        run.stderr
    );
    assert_eq!(run.stdout, "", "no handshake line");
    assert!(
        run.stderr.contains("PLUGIN_CLIENT_CERT"),
        "the message should name PLUGIN_CLIENT_CERT: {:?}",
        run.stderr
    );
    assert_eq!(entries(run.socket_parent.path()), Vec::<String>::new());

    let run = Launch::new()
        .env("PLUGIN_CLIENT_CERT", "not a certificate")
        .run_to_exit()
        .await;
    assert!(
        !run.status.success(),
        "garbage certificate; stderr: {}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
}

#[tokio::test]
async fn socket_directory_is_private_and_removed_on_shutdown() {
    let mut plugin = Launch::new().start().await;
    let socket = plugin.socket_path();
    let dir = socket.parent().expect("socket directory").to_path_buf();
    assert_ne!(
        dir,
        plugin.socket_parent.path(),
        "a fresh directory, not the parent itself"
    );
    assert!(dir.starts_with(plugin.socket_parent.path()));

    let meta = std::fs::metadata(&dir).expect("socket directory exists");
    assert!(meta.is_dir());
    assert_eq!(
        meta.permissions().mode() & 0o777,
        0o700,
        "mode of {}",
        dir.display()
    );
    let me = std::fs::metadata(plugin.socket_parent.path())
        .expect("parent")
        .uid();
    assert_eq!(meta.uid(), me, "owned by the current user");
    assert!(std::fs::symlink_metadata(&socket)
        .expect("socket")
        .file_type()
        .is_socket());

    // The provider works, then Terraform asks it to exit.
    let mut client = plugin.provider().await;
    client
        .get_metadata(pb::get_metadata::Request {})
        .await
        .expect("GetMetadata");
    let shutdown = plugin.controller().await.shutdown(goplugin::Empty {}).await;
    // go-plugin ignores this call's result; the process may close the connection first.
    if let Err(e) = &shutdown {
        eprintln!("Shutdown returned {e:?}");
    }
    let status = plugin.wait_exit().await;
    assert_eq!(status.code(), Some(0), "stderr: {}", plugin.stderr());
    assert!(!dir.exists(), "{} should be removed", dir.display());
    assert_eq!(entries(plugin.socket_parent.path()), Vec::<String>::new());
    assert_eq!(
        plugin.stdout_after_handshake(),
        "",
        "stdout holds only the handshake"
    );
}
