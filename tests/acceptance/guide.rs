//! The worked examples of docs/guides/migrating-existing-partners.md, run as written: each
//! `# file: NAME` code block is written to its file, and the commands the guide gives run
//! against an emulator holding the partner the guide names. What the guide promises is
//! checked: GETs only, the plan lines it quotes, and an empty plan afterwards.

use crate::both_tools;
use crate::harness::{Tool, Workspace, TENANT};
use crate::moved::{install_stand_in, msgraph_state};
use serde_json::json;

const GUIDE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/docs/guides/migrating-existing-partners.md"
);
const CONTOSO: &str = "azuread_cross_tenant_partner.contoso";

/// The code block of the guide whose first line is `# file: NAME`, without that line.
fn example(name: &str) -> String {
    let guide = std::fs::read_to_string(GUIDE).expect("the migration guide");
    let marker = format!("# file: {name}\n");
    guide
        .split("```terraform\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .find_map(|block| block.strip_prefix(&marker))
        .unwrap_or_else(|| panic!("the guide has no `# file: {name}` example"))
        .to_string()
}

/// The guide's partner, as someone made it by hand: MFA trusted, every other section inherited.
fn workspace(tool: Tool) -> Workspace {
    let ws = Workspace::new(tool);
    ws.emulator.put_partner(
        TENANT,
        json!({"tenantId": TENANT, "inboundTrust": {"isMfaAccepted": true}}),
    );
    ws.emulator.put_partner(
        "0b5d3c3e-8f4a-4d3c-9a55-3f1a2c9e7b10",
        json!({"tenantId": "0b5d3c3e-8f4a-4d3c-9a55-3f1a2c9e7b10"}),
    );
    ws.clear_log();
    ws
}

#[track_caller]
fn assert_reads_only(ws: &Workspace) {
    assert!(
        ws.writes().is_empty(),
        "the guide promises no writes: {:?}",
        ws.writes()
    );
}

#[track_caller]
fn assert_imports_one(ws: &Workspace) {
    let plan = ws.plan();
    assert!(
        plan.stdout
            .contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
}

#[test]
fn query_and_generated_configuration() {
    let ws = workspace(Tool::Terraform115);
    ws.write_config("");
    ws.write_file("partners.tfquery.hcl", &example("partners.tfquery.hcl"));
    let listed = ws.ok(&["query", "-no-color"]);
    assert!(listed.stdout.contains(TENANT), "{}", listed.stdout);
    assert!(listed.stdout.contains("inbound_trust"), "{}", listed.stdout);
    ws.ok(&["query", "-no-color", "-generate-config-out=partners.tf"]);
    let apply = ws.apply();
    assert!(
        apply
            .stdout
            .contains("2 imported, 0 added, 0 changed, 0 destroyed"),
        "{}",
        apply.stdout
    );
    assert_reads_only(&ws);
    ws.assert_plan_empty();

    ws.remove_file("partners.tfquery.hcl");
    ws.write_file("some.tfquery.hcl", &example("some.tfquery.hcl"));
    let some = ws.ok(&["query", "-no-color"]);
    assert!(some.stdout.contains(TENANT), "{}", some.stdout);
    assert!(!some.stdout.contains("0b5d3c3e"), "{}", some.stdout);
}

#[test]
fn import_by_identity() {
    let ws = workspace(Tool::Terraform115);
    ws.write_config(&example("import.tf"));
    assert_imports_one(&ws);
    ws.apply();
    assert_reads_only(&ws);
    let import = example("import.tf");
    ws.write_config(&import[import.find("resource").expect("resource")..]);
    ws.assert_plan_empty();
}

fn moved_from_msgraph(tool: Tool) {
    let ws = workspace(tool);
    let before = example("before.tf");
    assert!(
        before.contains("msgraph_resource\" \"contoso\""),
        "{before}"
    );
    let body = json!({"tenantId": TENANT, "inboundTrust": {"isMfaAccepted": true}});
    ws.write_file(
        "terraform.tfstate",
        &msgraph_state(
            "contoso",
            "policies/crossTenantAccessPolicy/partners",
            &body,
        ),
    );
    install_stand_in(&ws);
    let after = example("after.tf");
    ws.write_file("main.tf", &after);
    let plan = ws.plan();
    assert!(
        plan.stdout
            .contains(&format!("msgraph_resource.contoso has moved to {CONTOSO}")),
        "{}",
        plan.stdout
    );
    ws.apply();
    assert_reads_only(&ws);
    let resource = &after[after.find("resource \"azuread").expect("resource")..];
    ws.write_config(resource);
    ws.assert_plan_empty();
}

#[test]
fn moved_from_msgraph_terraform() {
    moved_from_msgraph(Tool::Terraform);
}

#[test]
fn moved_from_msgraph_terraform_1_15() {
    moved_from_msgraph(Tool::Terraform115);
}

fn takeover_without_msgraph(tool: Tool) {
    let ws = workspace(tool);
    let body = json!({"tenantId": TENANT, "inboundTrust": {"isMfaAccepted": true}});
    ws.write_file(
        "terraform.tfstate",
        &msgraph_state(
            "contoso",
            "policies/crossTenantAccessPolicy/partners",
            &body,
        ),
    );
    ws.ok(&["state", "rm", "msgraph_resource.contoso"]);
    let takeover = example("takeover.tf");
    ws.write_config(&takeover);
    assert_imports_one(&ws);
    ws.apply();
    assert_reads_only(&ws);
    ws.write_config(&takeover[takeover.find("resource").expect("resource")..]);
    ws.assert_plan_empty();
}

both_tools!(takeover_without_msgraph);

#[test]
fn the_list_resource_example_runs() {
    let ws = workspace(Tool::Terraform115);
    ws.write_config("");
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/list-resources/azuread_cross_tenant_partner/list-resource.tfquery.hcl"
    ))
    .expect("the list resource example");
    ws.write_file("partners.tfquery.hcl", &example);
    let run = ws.ok(&["query", "-no-color"]);
    for list in [
        "list.azuread_cross_tenant_partner.all",
        "list.azuread_cross_tenant_partner.suppliers",
    ] {
        assert!(run.stdout.contains(list), "{}", run.stdout);
    }
    assert_reads_only(&ws);
}
