//! Resource identity under Terraform 1.15 (the CLIs before 1.12, and OpenTofu, ignore it; the
//! rest of the suite shows they keep working): the state records `{ tenant_id }`, an
//! `import { identity = ... }` block imports with reads only and plans empty (the partner and
//! its identity-sync policy), a bad identity is refused before any request, and a state
//! written without identity gains one on refresh.

use crate::harness::{every_section, partner, Tool, Workspace, ADDRESS, TENANT};
use serde_json::{json, Value};

/// The identity Terraform stored for the partner, from `state pull`.
fn stored_identity(ws: &Workspace) -> Value {
    identity_of(ws, "azuread_cross_tenant_partner")
}

fn identity_of(ws: &Workspace, resource_type: &str) -> Value {
    let pulled = ws.ok(&["state", "pull"]);
    let state: Value = serde_json::from_str(&pulled.stdout).expect("state JSON");
    let resources = state["resources"].as_array().cloned().unwrap_or_default();
    resources
        .iter()
        .find(|r| r["type"] == resource_type)
        .map(|r| r["instances"][0]["identity"].clone())
        .unwrap_or(Value::Null)
}

#[test]
fn import_by_identity_plans_empty() {
    let ws = Workspace::new(Tool::Terraform115);
    ws.write_config(&partner(TENANT, &every_section()));
    ws.apply();
    assert_eq!(stored_identity(&ws), json!({ "tenant_id": TENANT }));

    ws.ok(&["state", "rm", ADDRESS]);
    ws.clear_log();
    let upper = TENANT.to_ascii_uppercase();
    ws.write_file(
        "import.tf",
        &format!(
            "import {{\n  to = {ADDRESS}\n  identity = {{\n    tenant_id = \"{upper}\"\n  }}\n}}\n"
        ),
    );
    let plan = ws.plan();
    assert!(plan.stdout.contains("1 to import"), "{}", plan.stdout);
    assert!(
        plan.stdout.contains("0 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    ws.apply();
    assert!(
        ws.writes().is_empty(),
        "an import must not write: {:?}",
        ws.writes()
    );
    ws.remove_file("import.tf");
    ws.assert_plan_empty();
    assert_eq!(stored_identity(&ws), json!({ "tenant_id": TENANT }));
}

#[test]
fn a_bad_identity_is_refused_before_any_request() {
    let ws = Workspace::new(Tool::Terraform115);
    ws.write_config(&format!(
        "import {{\n  to = {ADDRESS}\n  identity = {{\n    tenant_id = \"contoso.com\"\n  }}\n}}\n{}",
        partner(TENANT, "")
    ));
    let run = ws.run(&["plan", "-no-color"]);
    assert!(!run.success, "{}", run.combined());
    assert!(
        run.combined().contains("Invalid import ID"),
        "{}",
        run.combined()
    );
    assert!(run.combined().contains("tenant GUID"), "{}", run.combined());
    assert!(
        ws.partner_requests().is_empty(),
        "{:?}",
        ws.partner_requests()
    );
}

#[test]
fn a_state_without_identity_gains_one() {
    let mut ws = Workspace::new(Tool::Terraform);
    ws.write_config(&partner(TENANT, ""));
    ws.apply();
    assert_eq!(
        stored_identity(&ws),
        Value::Null,
        "Terraform 1.11 stores no identity"
    );
    ws.tool = Tool::Terraform115;
    ws.assert_plan_empty();
    ws.apply();
    assert_eq!(stored_identity(&ws), json!({ "tenant_id": TENANT }));
    ws.assert_plan_empty();
}

#[test]
fn the_sync_policy_imports_by_identity() {
    const SYNC: &str = "azuread_cross_tenant_partner_identity_sync.test";
    let ws = Workspace::new(Tool::Terraform115);
    let config = format!(
        "{}\nresource \"azuread_cross_tenant_partner_identity_sync\" \"test\" {{\n  tenant_id = azuread_cross_tenant_partner.test.tenant_id\n  user_sync_inbound = {{\n    is_sync_allowed = true\n  }}\n}}\n",
        partner(TENANT, "")
    );
    ws.write_config(&config);
    ws.apply();
    let sync_type = "azuread_cross_tenant_partner_identity_sync";
    assert_eq!(identity_of(&ws, sync_type), json!({ "tenant_id": TENANT }));
    ws.ok(&["state", "rm", SYNC]);
    ws.clear_log();
    ws.write_file(
        "import.tf",
        &format!(
            "import {{\n  to = {SYNC}\n  identity = {{\n    tenant_id = \"{TENANT}\"\n  }}\n}}\n"
        ),
    );
    let plan = ws.plan();
    assert!(
        plan.stdout
            .contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    ws.apply();
    assert!(
        ws.writes().is_empty(),
        "an import must not write: {:?}",
        ws.writes()
    );
    ws.remove_file("import.tf");
    ws.assert_plan_empty();
    assert_eq!(identity_of(&ws, sync_type), json!({ "tenant_id": TENANT }));
}
