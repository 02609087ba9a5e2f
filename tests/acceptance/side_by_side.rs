//! The documented side-by-side setup with hashicorp/azuread (docs/index.md, "Side by side with
//! hashicorp/azuread"): hashicorp/azuread keeps the local name `azuread`, this provider is
//! `xtap`, and its resources say `provider = xtap`. The test cannot download
//! hashicorp/azuread, so its source address is given to this same binary: what is checked is
//! Terraform's routing of two provider configurations, not hashicorp/azuread itself.

use crate::both_tools;
use crate::harness::*;
use crate::release_support::flat;

const REQUIRED: &str = r#"terraform {
  required_providers {
    azuread = { source = "hashicorp/azuread" }
    xtap    = { source = "entra-xtap/azuread" }
  }
}
"#;

/// A CLI config whose dev_overrides give both source addresses to the binary under test.
fn both_addresses(ws: &mut Workspace) {
    let dir = std::path::Path::new(env!("CARGO_BIN_EXE_terraform-provider-azuread"))
        .parent()
        .expect("bin dir")
        .display()
        .to_string();
    let cli = ws.work_dir().parent().expect("root").join("both.tfrc");
    std::fs::write(
        &cli,
        format!("provider_installation {{\n  dev_overrides {{\n    \"entra-xtap/azuread\" = \"{dir}\"\n    \"hashicorp/azuread\"  = \"{dir}\"\n  }}\n  direct {{}}\n}}\n"),
    )
    .expect("cli config");
    ws.set_env("TF_CLI_CONFIG_FILE", &cli.display().to_string());
}

/// The worked example from docs/index.md, as written, except its hashicorp/azuread resource
/// (`azuread_group`, which this binary cannot serve): that is replaced by a stand-in resource
/// with no `provider` argument, which must go to the provider named `azuread`.
fn docs_example() -> String {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/index.md"))
        .expect("docs/index.md");
    let example = doc
        .split("## Side by side with hashicorp/azuread")
        .nth(1)
        .and_then(|s| s.split("```terraform\n").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("the side-by-side example")
        .to_string();
    let group_start = example
        .find("resource \"azuread_group\"")
        .expect("the example has an azuread_group");
    let group_end = group_start + example[group_start..].find("\n}\n").expect("end") + 3;
    let group_id = "0b2d9c7e-3f41-4a55-8c6d-2e9f1a7b5c30";
    let mut config = format!("{}{}", &example[..group_start], &example[group_end..]).replace(
        "azuread_group.partner_guests.object_id",
        &format!("\"{group_id}\""),
    );
    config.push_str(&format!(
        "\nresource \"azuread_cross_tenant_partner\" \"stands_in\" {{\n  tenant_id = \"{OTHER_TENANT}\"\n}}\n"
    ));
    config
}

fn side_by_side_with_hashicorp_azuread(tool: Tool) {
    let mut ws = Workspace::new(tool);
    both_addresses(&mut ws);
    let config = docs_example();
    assert!(
        config.contains("provider  = xtap")
            && config.contains(&format!("tenant_id = \"{TENANT}\"")),
        "{config}"
    );
    std::fs::write(ws.work_dir().join("main.tf"), config).expect("main.tf");
    ws.apply();
    assert!(ws.emulator.partner(TENANT).is_some());
    assert!(ws.emulator.partner(OTHER_TENANT).is_some());
    let shown = ws.ok(&["show", "-json"]);
    let json: serde_json::Value = serde_json::from_str(&shown.stdout).expect("show -json");
    let provider_of = |address: &str| {
        json.pointer("/values/root_module/resources")
            .and_then(|r| r.as_array())
            .and_then(|rs| rs.iter().find(|r| r["address"] == address))
            .map(|r| r["provider_name"].as_str().unwrap_or_default().to_string())
            .unwrap_or_default()
    };
    let registry = match tool {
        Tool::Terraform | Tool::Terraform115 => "registry.terraform.io",
        Tool::Tofu => "registry.opentofu.org",
    };
    assert_eq!(
        provider_of("azuread_cross_tenant_partner.contoso"),
        format!("{registry}/entra-xtap/azuread")
    );
    assert_eq!(
        provider_of("azuread_cross_tenant_partner.stands_in"),
        format!("{registry}/hashicorp/azuread")
    );
    ws.assert_plan_empty();
}
both_tools!(side_by_side_with_hashicorp_azuread);

/// The likely slip: credentials written only into hashicorp/azuread's block. This provider's
/// own block is configured separately, and its error says so and names the docs section.
fn credentials_only_in_the_other_block_point_to_the_docs(tool: Tool) {
    let mut ws = Workspace::new(tool);
    both_addresses(&mut ws);
    for k in ["ARM_TENANT_ID", "ARM_CLIENT_ID", "ARM_CLIENT_SECRET"] {
        ws.unset_env(k);
    }
    ws.set_env("ARM_USE_CLI", "false");
    let config = format!(
        "{REQUIRED}
provider \"azuread\" {{
  tenant_id     = \"{}\"
  client_id     = \"{}\"
  client_secret = \"{}\"
}}

provider \"xtap\" {{}}

resource \"azuread_cross_tenant_partner\" \"contoso\" {{
  provider  = xtap
  tenant_id = \"{TENANT}\"
}}
",
        graph_emulator::TEST_TENANT_ID,
        graph_emulator::TEST_CLIENT_ID,
        graph_emulator::TEST_CLIENT_SECRET,
    );
    std::fs::write(ws.work_dir().join("main.tf"), config).expect("main.tf");
    let run = ws.run(&["plan", "-no-color"]);
    assert!(!run.success, "{}", run.combined());
    let text = flat(&run.combined());
    assert!(text.contains("No usable credentials"), "{text}");
    assert!(
        text.contains("Side by side with hashicorp/azuread"),
        "the error should point to the side-by-side docs:\n{text}"
    );
    assert!(
        !text.contains(graph_emulator::TEST_CLIENT_SECRET),
        "no secret in output"
    );
}
both_tools!(credentials_only_in_the_other_block_point_to_the_docs);

/// A hashicorp/azuread 1.x argument in this provider's block: the error names it and points to
/// the side-by-side docs (Terraform would otherwise only say the argument is unexpected).
fn a_hashicorp_only_argument_points_to_the_docs(tool: Tool) {
    let ws = Workspace::new(tool);
    std::fs::write(
        ws.work_dir().join("main.tf"),
        format!(
            "terraform {{\n  required_providers {{\n    azuread = {{ source = \"entra-xtap/azuread\" }}\n  }}\n}}\n\nprovider \"azuread\" {{\n  use_microsoft_graph = true\n}}\n\n{}",
            partner(TENANT, "")
        ),
    )
    .expect("main.tf");
    let run = ws.run(&["plan", "-no-color"]);
    assert!(!run.success, "{}", run.combined());
    let text = flat(&run.combined());
    assert!(
        text.contains("use_microsoft_graph is a hashicorp/azuread argument")
            && text.contains("Side by side with hashicorp/azuread"),
        "{text}"
    );
}
both_tools!(a_hashicorp_only_argument_points_to_the_docs);
