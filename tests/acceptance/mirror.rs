//! `init` from a provider network mirror over HTTPS, the way users install a released provider
//! (no dev_overrides): the release zip made by `scripts/package.sh` is what gets installed, the
//! lock file records its hashes, plan and apply run the installed binary, and a zip whose bytes
//! differ from the published hash is refused.

use crate::both_tools;
use crate::harness::*;
use crate::release_support::*;

fn host(tool: Tool) -> &'static str {
    match tool {
        Tool::Terraform | Tool::Terraform115 => "registry.terraform.io",
        Tool::Tofu => "registry.opentofu.org",
    }
}

/// A workspace whose CLI config installs from `mirror` only, trusting the mirror's CA and the
/// emulator's (both through SSL_CERT_FILE, which Go reads on Linux).
fn workspace_using(tool: Tool, mirror: &Mirror) -> Workspace {
    let mut ws = Workspace::new(tool);
    let root = ws.work_dir().parent().expect("root").to_path_buf();
    let emulator_ca = std::fs::read_to_string(ws.ca_path()).expect("emulator CA");
    let bundle = root.join("ca-bundle.pem");
    std::fs::write(&bundle, format!("{emulator_ca}\n{}", mirror.ca_pem)).expect("bundle");
    let cli = root.join("mirror.tfrc");
    std::fs::write(
        &cli,
        format!(
            "provider_installation {{\n  network_mirror {{\n    url = \"{}\"\n  }}\n}}\n",
            mirror.url()
        ),
    )
    .expect("cli config");
    ws.set_env("TF_CLI_CONFIG_FILE", &cli.display().to_string());
    ws.set_env("SSL_CERT_FILE", &bundle.display().to_string());
    ws.unset_env("TF_PLUGIN_CACHE_DIR");
    ws
}

fn install_from_a_network_mirror(tool: Tool) {
    let release = release();
    let zip = std::fs::read(release.dir.join(zip_name())).expect("release zip");
    let zh = sha256_hex(&zip);
    let binary = std::fs::read(&release.binary).expect("packaged binary");
    let member = format!("terraform-provider-azuread_v{VERSION}");
    let mirror = Mirror::start(mirror_files(&zip, &zh));
    let ws = workspace_using(tool, &mirror);
    ws.write_config(&partner(
        TENANT,
        "  inbound_trust = {\n    is_mfa_accepted = true\n  }\n",
    ));

    let init = ws.ok(&["init", "-no-color"]);
    let zip_path = format!("/{}/entra-xtap/azuread/{}", host(tool), zip_name());
    assert!(
        mirror.requests().contains(&zip_path),
        "the zip was not downloaded from the mirror: {:?}\n{}",
        mirror.requests(),
        init.combined()
    );
    let installed = ws.work_dir().join(format!(
        ".terraform/providers/{}/entra-xtap/azuread/{VERSION}/linux_amd64/{member}",
        host(tool)
    ));
    assert!(
        std::fs::read(&installed).ok().as_deref() == Some(&binary[..]),
        "{} is not the packaged binary",
        installed.display()
    );
    let lock = std::fs::read_to_string(ws.work_dir().join(".terraform.lock.hcl"))
        .expect("lock file written");
    assert!(
        lock.contains(&format!("\"{}/entra-xtap/azuread\"", host(tool)))
            && lock.contains(&format!("version = \"{VERSION}\"")),
        "{lock}"
    );
    // The lock records the package's h1: hash, computed here independently (Go's dirhash of
    // the one file); a mirror's zh: hash is checked at download (see the tampered-zip test)
    // and, when a tool records it, must be the zip's.
    let h1 = h1_of_single_file(&member, &binary);
    assert!(
        lock.contains(&format!("\"{h1}\"")),
        "the lock file should record the package's {h1}:\n{lock}"
    );
    for recorded in lock.split('"').filter(|h| h.starts_with("zh:")) {
        assert_eq!(recorded, format!("zh:{zh}"), "{lock}");
    }

    ws.apply();
    assert!(ws.emulator.partner(TENANT).is_some(), "partner created");
    let agent = ws
        .partner_requests()
        .first()
        .and_then(|r| r.headers.get("user-agent").cloned())
        .unwrap_or_default();
    assert!(
        agent.contains(&format!("terraform-provider-azuread/{VERSION}")),
        "User-Agent of the installed binary: {agent:?}"
    );
    let plan = ws.plan();
    assert_eq!(plan.code, Some(0), "plan after apply:\n{}", plan.stdout);
    assert!(
        !plan.combined().contains("development overrides"),
        "the mirror, not dev_overrides, was used"
    );
}
both_tools!(install_from_a_network_mirror);

/// The mirror publishes the real zip's hash but serves other bytes: the same zip with a comment
/// added (still a valid zip, so only the checksum can catch it).
fn a_tampered_zip_fails_init(tool: Tool) {
    let release = release();
    let genuine = std::fs::read(release.dir.join(zip_name())).expect("release zip");
    let tampered = with_zip_comment(&genuine, b"tampered");
    assert_ne!(sha256_hex(&tampered), sha256_hex(&genuine));

    let mirror = Mirror::start(mirror_files(&tampered, &sha256_hex(&genuine)));
    let ws = workspace_using(tool, &mirror);
    ws.write_config(&partner(TENANT, ""));
    let init = ws.run(&["init", "-no-color"]);
    assert!(
        !init.success,
        "init accepted a tampered zip:\n{}",
        init.combined()
    );
    let text = flat(&init.combined());
    assert!(
        text.contains("doesn't match") || text.contains("does not match"),
        "init should say the checksum does not match:\n{}",
        init.combined()
    );
    assert!(
        !ws.work_dir().join(".terraform.lock.hcl").exists(),
        "no lock file for a refused package"
    );
    assert!(!ws
        .work_dir()
        .join(format!(
            ".terraform/providers/{}/entra-xtap/azuread/{VERSION}",
            host(tool)
        ))
        .exists());
}
both_tools!(a_tampered_zip_fails_init);

/// The zip with `comment` set in its end-of-central-directory record (which has none).
fn with_zip_comment(zip: &[u8], comment: &[u8]) -> Vec<u8> {
    let eocd = zip.len() - 22;
    assert_eq!(&zip[eocd..eocd + 4], b"PK\x05\x06", "zip without a comment");
    let mut out = zip.to_vec();
    let len = u16::try_from(comment.len()).expect("short comment");
    out[eocd + 20..eocd + 22].copy_from_slice(&len.to_le_bytes());
    out.extend_from_slice(comment);
    out
}
