//! The two singletons, `azuread_cross_tenant_access_default` and
//! `azuread_cross_tenant_access_policy`: create (adopt) → empty plan → import → update (one
//! PATCH with only the change) → drift → destroy, checked in Terraform's output and state and
//! in the requests the emulator received, under terraform and tofu.

use crate::both_tools;
use crate::harness::*;
use graph_emulator::{LoggedRequest, Switches};
use serde_json::{json, Value};

const DEFAULT: &str = "azuread_cross_tenant_access_default.test";
const POLICY: &str = "azuread_cross_tenant_access_policy.test";
const DEFAULT_PATH: &str = "/v1.0/policies/crossTenantAccessPolicy/default";
const POLICY_PATH: &str = "/v1.0/policies/crossTenantAccessPolicy";

/// Requests other than reads to `path` (exactly) or below it, since the last `clear_log`.
fn writes_to(ws: &Workspace, path: &str) -> Vec<LoggedRequest> {
    ws.emulator
        .request_log()
        .into_iter()
        .filter(|r| {
            r.method != "GET" && (r.path == path || r.path.starts_with(&format!("{path}/")))
        })
        .collect()
}

fn body(r: &LoggedRequest) -> Value {
    r.body.clone().unwrap_or(Value::Null)
}

fn default_config(body: &str) -> String {
    format!("resource \"azuread_cross_tenant_access_default\" \"test\" {{\n{body}\n}}\n")
}

const TRUST_MFA: &str = "  inbound_trust = {\n    is_mfa_accepted = true\n  }\n";
const INVITATION: &str = "  invitation_redemption_identity_provider_configuration = {\n    primary_identity_provider_precedence_order = [\"externalFederation\", \"azureActiveDirectory\"]\n    fallback_identity_provider                 = \"emailOneTimePasscode\"\n  }\n";

fn destroy(ws: &Workspace) -> Run {
    ws.ok(&["destroy", "-auto-approve", "-no-color"])
}

// The default: adopted with one PATCH of the configured section, the others shown and never
// sent; import, update, drift of a managed and of an unmanaged section; destroy forgets it.
fn default_lifecycle(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&default_config(TRUST_MFA));
    ws.apply();
    let writes = writes_to(&ws, DEFAULT_PATH);
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(
        (writes[0].method.as_str(), writes[0].status),
        ("PATCH", 204)
    );
    assert_eq!(
        body(&writes[0]),
        json!({"inboundTrust": {"isMfaAccepted": true, "isCompliantDeviceAccepted": false, "isHybridAzureADJoinedDeviceAccepted": false}})
    );
    ws.assert_plan_empty();
    let state = ws.state_values(DEFAULT);
    assert_eq!(state["id"], "default");
    assert_eq!(state["is_service_default"], false);
    assert_eq!(state["reset_on_destroy"], false);
    assert_eq!(
        state["automatic_user_consent_settings"],
        json!({"inbound_allowed": false, "outbound_allowed": false})
    );
    assert_eq!(
        state["b2b_collaboration_inbound"]["users_and_groups"],
        json!({"access_type": "allowed", "targets": [{"target": "AllUsers", "target_type": "user"}]}),
        "an unmanaged section shows what Graph holds"
    );

    // Import, by both IDs: no write, and the plan afterwards is empty.
    for id in ["default", "/policies/crossTenantAccessPolicy/default"] {
        ws.ok(&["state", "rm", DEFAULT]);
        ws.clear_log();
        ws.ok(&["import", "-no-color", DEFAULT, id]);
        assert!(
            writes_to(&ws, DEFAULT_PATH).is_empty(),
            "import must not write"
        );
        ws.assert_plan_empty();
    }

    // Update: one PATCH holding only the added section.
    ws.clear_log();
    ws.write_config(&default_config(&format!("{TRUST_MFA}{INVITATION}")));
    ws.apply();
    let writes = writes_to(&ws, DEFAULT_PATH);
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(
        body(&writes[0]),
        json!({"invitationRedemptionIdentityProviderConfiguration": {
            "primaryIdentityProviderPrecedenceOrder": ["externalFederation", "azureActiveDirectory"],
            "fallbackIdentityProvider": "emailOneTimePasscode"}})
    );
    ws.assert_plan_empty();

    // Drift of a managed section is shown and repaired; of an unmanaged one, only recorded.
    let mut held = ws.emulator.default_config();
    held["inboundTrust"]["isMfaAccepted"] = json!(false);
    held["b2bDirectConnectInbound"] = json!(null);
    ws.emulator.put_default_config(held);
    let plan = ws.plan();
    assert_eq!(plan.code, Some(2), "{}", plan.stdout);
    assert!(plan.stdout.contains("is_mfa_accepted"), "{}", plan.stdout);
    ws.clear_log();
    ws.apply();
    let writes = writes_to(&ws, DEFAULT_PATH);
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(
        body(&writes[0])
            .as_object()
            .map(|b| b.keys().cloned().collect::<Vec<_>>()),
        Some(vec!["inboundTrust".to_string()])
    );
    assert_eq!(
        ws.emulator.default_config()["inboundTrust"]["isMfaAccepted"],
        true
    );
    assert_eq!(
        ws.emulator.default_config()["b2bDirectConnectInbound"],
        Value::Null
    );
    ws.assert_plan_empty();

    // Destroy only forgets, and says so.
    ws.clear_log();
    let run = destroy(&ws);
    assert!(
        writes_to(&ws, DEFAULT_PATH).is_empty(),
        "destroy must send nothing"
    );
    assert!(
        run.combined().contains("was not reset"),
        "{}",
        run.combined()
    );
    let held = ws.emulator.default_config();
    assert_eq!(held["isServiceDefault"], false);
    assert_eq!(held["inboundTrust"]["isMfaAccepted"], true);
}
both_tools!(default_lifecycle);

// reset_on_destroy = true: destroy is one POST of resetToSystemDefault.
fn default_reset_on_destroy(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&default_config(&format!(
        "  reset_on_destroy = true\n{INVITATION}"
    )));
    ws.apply();
    ws.assert_plan_empty();
    assert_eq!(ws.emulator.default_config()["isServiceDefault"], false);
    ws.clear_log();
    destroy(&ws);
    let writes = writes_to(&ws, DEFAULT_PATH);
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(
        (
            writes[0].method.as_str(),
            writes[0].path.as_str(),
            writes[0].status
        ),
        (
            "POST",
            "/v1.0/policies/crossTenantAccessPolicy/default/resetToSystemDefault",
            204
        )
    );
    let held = ws.emulator.default_config();
    assert_eq!(held["isServiceDefault"], true);
    assert_eq!(
        held["invitationRedemptionIdentityProviderConfiguration"]["fallbackIdentityProvider"],
        "defaultConfiguredIdp"
    );
}
both_tools!(default_reset_on_destroy);

fn policy_config(endpoints: &str) -> String {
    format!("resource \"azuread_cross_tenant_access_policy\" \"test\" {{\n  allowed_cloud_endpoints = [{endpoints}]\n}}\n")
}

// The policy: one PATCH per change, import, drift, and destroy back to [].
fn policy_lifecycle(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&policy_config("\"microsoftonline.us\""));
    ws.apply();
    let writes = writes_to(&ws, POLICY_PATH);
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(
        (writes[0].method.as_str(), writes[0].path.as_str()),
        ("PATCH", POLICY_PATH)
    );
    assert_eq!(
        body(&writes[0]),
        json!({"allowedCloudEndpoints": ["microsoftonline.us"]})
    );
    ws.assert_plan_empty();
    let state = ws.state_values(POLICY);
    assert_eq!(state["display_name"], "CrossTenantAccessPolicy");
    assert!(state["id"].is_string(), "{state}");

    ws.ok(&["state", "rm", POLICY]);
    ws.clear_log();
    ws.ok(&[
        "import",
        "-no-color",
        POLICY,
        "/policies/crossTenantAccessPolicy",
    ]);
    assert!(
        writes_to(&ws, POLICY_PATH).is_empty(),
        "import must not write"
    );
    ws.assert_plan_empty();

    ws.clear_log();
    ws.write_config(&policy_config(
        "\"partner.microsoftonline.cn\", \"microsoftonline.us\"",
    ));
    ws.apply();
    let writes = writes_to(&ws, POLICY_PATH);
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(
        body(&writes[0]),
        json!({"allowedCloudEndpoints": ["microsoftonline.us", "partner.microsoftonline.cn"]})
    );
    ws.assert_plan_empty();

    let mut held = ws.emulator.policy();
    held["allowedCloudEndpoints"] = json!(["microsoftonline.us"]);
    ws.emulator.put_policy(held);
    let plan = ws.plan();
    assert_eq!(plan.code, Some(2), "{}", plan.stdout);
    ws.apply();
    let mut held = ws.emulator.policy()["allowedCloudEndpoints"].clone();
    if let Some(endpoints) = held.as_array_mut() {
        endpoints.sort_by_key(|v| v.to_string());
    }
    assert_eq!(
        held,
        json!(["microsoftonline.us", "partner.microsoftonline.cn"])
    );
    ws.assert_plan_empty();

    ws.clear_log();
    destroy(&ws);
    let writes = writes_to(&ws, POLICY_PATH);
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(body(&writes[0]), json!({"allowedCloudEndpoints": []}));
    assert_eq!(ws.emulator.policy()["allowedCloudEndpoints"], json!([]));
}
both_tools!(policy_lifecycle);

// A US Government provider: the plan fails naming the cloud, before any Graph request.
fn policy_in_a_national_cloud(tool: Tool) {
    let mut ws = Workspace::new(tool);
    ws.set_env("ARM_ENVIRONMENT", "usgovernment");
    ws.write_config(&policy_config("\"microsoftonline.com\""));
    ws.clear_log();
    let run = ws.run(&["plan", "-no-color"]);
    assert!(!run.success, "{}", run.combined());
    let out = run.combined();
    assert!(
        out.contains("usgovernmentl4 cloud has no cross-cloud setting"),
        "{out}"
    );
    assert!(out.contains("allowed_cloud_endpoints"), "{out}");
    assert!(
        ws.emulator.request_log().is_empty(),
        "no request may be sent"
    );
}
both_tools!(policy_in_a_national_cloud);

// A Graph without the property (the emulator as a national cloud's): its 400 is explained.
fn policy_refused_by_graph(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.emulator.set_switches(Switches {
        no_allowed_cloud_endpoints: true,
        ..ws.emulator.switches()
    });
    ws.write_config(&policy_config("\"microsoftonline.us\""));
    let run = ws.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(!run.success, "{}", run.combined());
    let out = run.combined();
    assert!(out.contains("has no cross-cloud setting"), "{out}");
    assert!(
        out.contains("Invalid property 'allowedCloudEndpoints'"),
        "{out}"
    );
    assert!(out.contains("request-id"), "{out}");
    assert!(ws.state_values(POLICY).is_null(), "nothing is recorded");
}
both_tools!(policy_refused_by_graph);
