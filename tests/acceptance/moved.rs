//! Taking over partners that microsoft/msgraph's `msgraph_resource` managed.
//!
//! - A `moved` block (Terraform 1.8+: here 1.11 and 1.15) turns the msgraph state into ours
//!   with no request but GETs, and the configuration then plans empty. Terraform will not
//!   plan while the state names a provider that is not installed, and msgraph cannot be
//!   downloaded here, so a stand-in built from this project's plugin framework
//!   (`tests/stand_in/msgraph.rs`, built by `cargo test`) takes its place through a
//!   dev_override. It serves msgraph_resource's schema and is never asked to do anything else.
//! - A partner's sync policy (msgraph's `create_method = "PUT"` on `.../identitySynchronization`)
//!   moves to `azuread_cross_tenant_partner_identity_sync` in the same plan.
//! - A `moved` block from an msgraph_resource that is no partner is refused before any write.
//! - Without the msgraph provider (OpenTofu 1.6 has no cross-type moves): `state rm` and an
//!   `import` block, under every CLI.

use crate::both_tools;
use crate::harness::{Tool, Workspace, TENANT};
use serde_json::{json, Value};
use std::path::PathBuf;

const MSGRAPH_ADDRESS: &str = "msgraph_resource.partner";
const ADDRESS_PARTNER: &str = "azuread_cross_tenant_partner.partner";

/// The stand-in's directory; a missing build fails loudly with what to run.
fn stand_in_dir() -> PathBuf {
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_terraform-provider-azuread"))
        .parent()
        .expect("bin dir")
        .join("examples");
    assert!(
        bin_dir.join("terraform-provider-msgraph").is_file(),
        "the msgraph stand-in is not built in {}: run `cargo test` (which builds examples) or `cargo build --examples` first",
        bin_dir.display()
    );
    bin_dir
}

/// Adds a dev_override that serves `microsoft/msgraph` from the stand-in.
pub(crate) fn install_stand_in(ws: &Workspace) {
    let cli = ws
        .env()
        .find(|(k, _)| *k == "TF_CLI_CONFIG_FILE")
        .map(|(_, v)| PathBuf::from(v))
        .expect("cli config");
    let text = std::fs::read_to_string(&cli).expect("read cli config");
    let text = text.replace(
        "dev_overrides {\n",
        &format!(
            "dev_overrides {{\n    \"microsoft/msgraph\" = \"{}\"\n",
            stand_in_dir().display()
        ),
    );
    std::fs::write(&cli, text).expect("write cli config");
}

/// The partner body as the msgraph configuration in provider-anchors sent it.
fn body() -> Value {
    json!({
        "tenantId": TENANT,
        "inboundTrust": {"isMfaAccepted": true, "isCompliantDeviceAccepted": false, "isHybridAzureADJoinedDeviceAccepted": false},
        "b2bCollaborationInbound": {
            "usersAndGroups": {"accessType": "allowed", "targets": [{"target": "AllUsers", "targetType": "user"}]},
            "applications": {"accessType": "allowed", "targets": [{"target": "AllApplications", "targetType": "application"}]},
        },
    })
}

/// Our configuration of the same partner.
fn our_partner() -> String {
    format!(
        "resource \"azuread_cross_tenant_partner\" \"partner\" {{\n  tenant_id = \"{TENANT}\"\n  inbound_trust = {{\n    is_mfa_accepted                          = true\n    is_compliant_device_accepted             = false\n    is_hybrid_azure_ad_joined_device_accepted = false\n  }}\n  b2b_collaboration_inbound = {{\n    users_and_groups = {{\n      access_type = \"allowed\"\n      targets     = [{{ target = \"AllUsers\", target_type = \"user\" }}]\n    }}\n    applications = {{\n      access_type = \"allowed\"\n      targets     = [{{ target = \"AllApplications\", target_type = \"application\" }}]\n    }}\n  }}\n}}\n"
    )
}

/// A state file as Terraform writes it for `msgraph_resource.NAME`: the dynamic `body` kept
/// with its type, `id` (the tenant) from the create's Location, and msgraph's other attributes.
pub(crate) fn msgraph_state(name: &str, url: &str, body: &Value) -> String {
    msgraph_states(&[(name, url, TENANT, None, body)])
}

/// The state of several msgraph resources: `(name, url, id, create_method, body)` each.
fn msgraph_states(resources: &[(&str, &str, &str, Option<&str>, &Value)]) -> String {
    let resources: Vec<Value> = resources
        .iter()
        .map(|(name, url, id, create_method, body)| {
            let attributes = json!({
                "id": id,
                "url": url,
                "api_version": "v1.0",
                "body": {"value": body, "type": ["object", {}]},
                "ignore_missing_property": true,
                "create_query_parameters": null,
                "read_query_parameters": null,
                "update_query_parameters": null,
                "delete_query_parameters": null,
                "response_export_values": {"all": "@"},
                "create_method": create_method,
                "update_method": null,
                "retry": null,
                "output": {"value": {}, "type": ["object", {}]},
                "resource_url": format!("{url}/{id}"),
            });
            json!({
                "mode": "managed",
                "type": "msgraph_resource",
                "name": name,
                "provider": "provider[\"registry.terraform.io/microsoft/msgraph\"]",
                "instances": [{"schema_version": 0, "attributes": attributes, "sensitive_attributes": []}],
            })
        })
        .collect();
    json!({
        "version": 4,
        "terraform_version": "1.11.0",
        "serial": 1,
        "lineage": "8e0c53cb-1f0e-4b61-9e1c-2a3f1f1b8a10",
        "outputs": {},
        "resources": resources,
        "check_results": null,
    })
    .to_string()
}

/// A workspace whose emulator holds the partner msgraph created, and whose state is msgraph's.
fn migrated_from_msgraph(tool: Tool, url: &str) -> Workspace {
    let ws = Workspace::new(tool);
    ws.emulator.put_partner(TENANT, body());
    ws.write_file("terraform.tfstate", &msgraph_state("partner", url, &body()));
    ws.clear_log();
    ws
}

fn moved_config() -> String {
    format!(
        "terraform {{\n  required_providers {{\n    azuread = {{ source = \"entra-xtap/azuread\" }}\n    msgraph = {{ source = \"microsoft/msgraph\" }}\n  }}\n}}\n\nprovider \"azuread\" {{}}\n\nmoved {{\n  from = {MSGRAPH_ADDRESS}\n  to   = azuread_cross_tenant_partner.partner\n}}\n\n{}",
        our_partner()
    )
}

fn a_moved_block_takes_over_the_partner(tool: Tool) {
    let ws = migrated_from_msgraph(tool, "policies/crossTenantAccessPolicy/partners");
    install_stand_in(&ws);
    ws.write_file("main.tf", &moved_config());
    let plan = ws.plan();
    assert!(
        plan.stdout
            .contains("msgraph_resource.partner has moved to azuread_cross_tenant_partner.partner"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("0 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    ws.apply();
    assert!(
        ws.writes().is_empty(),
        "a move writes nothing: {:?}",
        ws.writes()
    );
    let state = ws.state_values("azuread_cross_tenant_partner.partner");
    assert_eq!(state["tenant_id"], json!(TENANT));
    assert_eq!(state["inbound_trust"]["is_mfa_accepted"], json!(true));

    // The move is done: without the block and without msgraph, nothing is left to do.
    ws.write_config(&our_partner());
    ws.assert_plan_empty();
}

#[test]
fn a_moved_block_takes_over_the_partner_terraform() {
    a_moved_block_takes_over_the_partner(Tool::Terraform);
}

#[test]
fn a_moved_block_takes_over_the_partner_terraform_1_15() {
    a_moved_block_takes_over_the_partner(Tool::Terraform115);
}

#[test]
fn a_move_of_anything_but_a_partner_is_refused() {
    let ws = migrated_from_msgraph(Tool::Terraform115, "groups");
    install_stand_in(&ws);
    ws.write_file("main.tf", &moved_config());
    let run = ws.run(&["plan", "-no-color"]);
    assert!(!run.success, "{}", run.combined());
    assert!(
        run.combined().contains("Unsupported move source"),
        "{}",
        run.combined()
    );
    assert!(
        run.combined()
            .contains("policies/crossTenantAccessPolicy/partners"),
        "the error names what is accepted: {}",
        run.combined()
    );
    assert!(ws.writes().is_empty(), "{:?}", ws.writes());
}

fn state_rm_and_import_take_over_without_msgraph(tool: Tool) {
    let ws = migrated_from_msgraph(tool, "policies/crossTenantAccessPolicy/partners");
    ws.write_config(&format!(
        "import {{\n  to = {ADDRESS_PARTNER}\n  id = \"{TENANT}\"\n}}\n\n{}",
        our_partner()
    ));
    ws.ok(&["state", "rm", MSGRAPH_ADDRESS]);
    let plan = ws.plan();
    assert!(
        plan.stdout
            .contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    ws.apply();
    assert!(ws.writes().is_empty(), "{:?}", ws.writes());
    ws.write_config(&our_partner());
    ws.assert_plan_empty();
}

both_tools!(state_rm_and_import_take_over_without_msgraph);

#[test]
fn a_partner_and_its_sync_policy_move_together() {
    let ws = migrated_from_msgraph(
        Tool::Terraform115,
        "policies/crossTenantAccessPolicy/partners",
    );
    let sync_body = json!({"userSyncInbound": {"isSyncAllowed": true}});
    assert!(ws.emulator.put_identity_sync(TENANT, sync_body.clone()));
    let sync_url =
        format!("policies/crossTenantAccessPolicy/partners/{TENANT}/identitySynchronization");
    ws.write_file(
        "terraform.tfstate",
        &msgraph_states(&[
            (
                "partner",
                "policies/crossTenantAccessPolicy/partners",
                TENANT,
                None,
                &body(),
            ),
            (
                "sync",
                &sync_url,
                "identitySynchronization",
                Some("PUT"),
                &sync_body,
            ),
        ]),
    );
    install_stand_in(&ws);
    let sync = "resource \"azuread_cross_tenant_partner_identity_sync\" \"sync\" {\n  tenant_id = azuread_cross_tenant_partner.partner.tenant_id\n  user_sync_inbound = {\n    is_sync_allowed = true\n  }\n}\n";
    ws.write_file(
        "main.tf",
        &format!("{}\nmoved {{\n  from = msgraph_resource.sync\n  to   = azuread_cross_tenant_partner_identity_sync.sync\n}}\n\n{sync}", moved_config()),
    );
    ws.clear_log();
    let plan = ws.plan();
    assert!(
        plan.stdout.contains(
            "msgraph_resource.sync has moved to azuread_cross_tenant_partner_identity_sync.sync"
        ),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("0 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    ws.apply();
    assert!(ws.writes().is_empty(), "{:?}", ws.writes());
    ws.write_config(&format!("{}\n{sync}", our_partner()));
    ws.assert_plan_empty();
}
