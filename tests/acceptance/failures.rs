//! What users see when things go wrong: existing objects, invalid input, throttling, transient
//! errors, replication lag, and secrets in logs.

use crate::both_tools;
use crate::harness::*;
use graph_emulator::{FaultKind, FaultSpec};
use serde_json::json;

// 10. Create of an existing partner fails with the import hint; nothing else is written.
fn existing_partner_shows_import_hint(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.emulator
        .put_partner(TENANT, json!({ "tenantId": TENANT }));
    ws.write_config(&partner(TENANT, ""));
    let run = ws.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(!run.success);
    let out = run.combined();
    assert!(out.contains("already exists"), "{out}");
    assert!(
        out.contains(&format!("terraform import <resource address> {TENANT}")),
        "{out}"
    );
    assert!(
        out.contains("request-id"),
        "diagnostic must carry the Graph request-id:\n{out}"
    );
    let writes = ws.writes();
    assert_eq!(
        writes
            .iter()
            .map(|r| (r.method.as_str(), r.status))
            .collect::<Vec<_>>(),
        [("POST", 409)]
    );
    assert_eq!(
        ws.state_values(ADDRESS),
        serde_json::Value::Null,
        "nothing written to state"
    );
}
both_tools!(existing_partner_shows_import_hint);

// 11. Invalid values: plan fails naming the attribute; the emulator saw no request.
fn invalid_values_fail_at_plan(tool: Tool) {
    let ws = Workspace::new(tool);
    let users = |t: &str| targets("allowed", &[(t, "user")]);
    let cases: Vec<(String, &str)> = vec![
        (partner("contoso.com", ""), "tenant_id"),
        (
            partner(
                TENANT,
                &b2b(
                    "b2b_collaboration_inbound",
                    &targets("maybe", &[ALL_USERS]),
                    &targets("allowed", &[ALL_APPS]),
                ),
            ),
            "access_type",
        ),
        (
            partner(
                TENANT,
                &b2b(
                    "b2b_collaboration_inbound",
                    &targets("allowed", &[("AllUsers", "robot")]),
                    &targets("allowed", &[ALL_APPS]),
                ),
            ),
            "target_type",
        ),
        (
            partner(
                TENANT,
                &b2b(
                    "b2b_collaboration_inbound",
                    &targets("allowed", &[("AllUsers", "group")]),
                    &targets("allowed", &[ALL_APPS]),
                ),
            ),
            "target_type",
        ),
        (
            partner(
                TENANT,
                &b2b(
                    "b2b_collaboration_inbound",
                    &users("bob@contoso.com"),
                    &targets("allowed", &[ALL_APPS]),
                ),
            ),
            "target",
        ),
        (
            partner(
                TENANT,
                &b2b(
                    "b2b_collaboration_inbound",
                    &targets("allowed", &[]),
                    &targets("allowed", &[ALL_APPS]),
                ),
            ),
            "targets",
        ),
        (
            partner(
                TENANT,
                &b2b(
                    "b2b_collaboration_inbound",
                    &targets("blocked", &[ALL_USERS]),
                    &targets("allowed", &[ALL_APPS]),
                ),
            ),
            "applications",
        ),
        (
            partner(
                TENANT,
                &b2b(
                    "b2b_collaboration_outbound",
                    &users("AllUsers"),
                    &targets("blocked", &[ALL_APPS]),
                ),
            ),
            "applications",
        ),
        (
            partner(
                TENANT,
                &b2b(
                    "tenant_restrictions",
                    &targets("allowed", &[ALL_USERS]),
                    &targets("blocked", &[ALL_APPS]),
                ),
            ),
            "users_and_groups",
        ),
        (
            partner(TENANT, "  timeouts = {\n    create = \"soon\"\n  }\n"),
            "timeouts",
        ),
    ];
    for (config, attribute) in cases {
        ws.write_config(&config);
        let run = ws.run(&["plan", "-no-color"]);
        assert!(!run.success, "plan should fail for:\n{config}");
        assert!(
            run.combined().contains(attribute),
            "error should name {attribute}:\n{}",
            run.combined()
        );
    }
    assert!(
        ws.emulator.request_log().is_empty(),
        "validation must not reach Graph: {:?}",
        ws.emulator.request_log()
    );
}
both_tools!(invalid_values_fail_at_plan);

// 12. A 429 with Retry-After 1.5 on the PATCH is honoured; a 503 on the POST is retried; 404 for
// 2 s after a create is waited out.
fn faults_are_retried(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.emulator.add_fault(fault(
        "partners",
        "POST",
        FaultKind::Status {
            status: 503,
            retry_after: None,
        },
        1,
    ));
    ws.emulator.add_fault(FaultSpec {
        route: "*".into(),
        method: None,
        kind: FaultKind::ReplicationLag { window_ms: 2000 },
        count: None,
        probability: None,
        seed: None,
    });
    ws.write_config(&partner(
        TENANT,
        "  inbound_trust = {\n    is_mfa_accepted = true\n  }\n",
    ));
    ws.apply();
    let log = ws.partner_requests();
    let posts: Vec<u16> = log
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.status)
        .collect();
    assert_eq!(posts, [503, 201]);
    let gets: Vec<&graph_emulator::LoggedRequest> =
        log.iter().filter(|r| r.method == "GET").collect();
    assert!(
        gets.iter().any(|r| r.status == 404),
        "replication lag was exercised: {gets:?}"
    );
    assert_eq!(gets.last().map(|r| r.status), Some(200));
    let created_at = log
        .iter()
        .find(|r| r.status == 201)
        .map(|r| r.time_ms)
        .unwrap_or_default();
    let found_at = gets
        .iter()
        .find(|r| r.status == 200)
        .map(|r| r.time_ms)
        .unwrap_or_default();
    assert!(
        found_at >= created_at + 2000,
        "the read-back waited out the 2 s lag ({created_at} -> {found_at})"
    );
    ws.emulator.clear_faults();

    ws.clear_log();
    ws.emulator.add_fault(fault(
        "partner",
        "PATCH",
        FaultKind::Throttle {
            retry_after: Some("1.5".into()),
        },
        1,
    ));
    ws.write_config(&partner(
        TENANT,
        "  inbound_trust = {\n    is_mfa_accepted = false\n  }\n",
    ));
    ws.apply();
    let patches: Vec<(u16, u128)> = ws
        .partner_requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| (r.status, r.time_ms))
        .collect();
    assert_eq!(patches.iter().map(|p| p.0).collect::<Vec<_>>(), [429, 204]);
    assert!(
        patches[1].1 >= patches[0].1 + 1500,
        "Retry-After 1.5 s honoured: {patches:?}"
    );
    ws.assert_plan_empty();
}
both_tools!(faults_are_retried);

// 14. TF_LOG=trace over a full apply: the client secret and the access token appear nowhere.
fn trace_logs_hold_no_secrets(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&partner(TENANT, &every_section()));
    let run = ws.run_with_env(
        &["apply", "-auto-approve", "-no-color"],
        &[("TF_LOG", "trace")],
    );
    assert!(run.success, "{}", run.combined());
    let out = run.combined();
    assert!(
        out.contains("ApplyResourceChange") || out.contains("apply"),
        "trace output was produced"
    );
    assert!(
        out.contains("provider.terraform-provider-azuread"),
        "provider logs reach TF_LOG:\n{}",
        &out[..out.len().min(2000)]
    );
    assert!(
        !out.contains(graph_emulator::TEST_CLIENT_SECRET),
        "client secret leaked into TF_LOG output"
    );
    let tokens = ws.emulator.issued_tokens();
    assert!(!tokens.is_empty());
    for token in tokens {
        assert!(
            !out.contains(&token),
            "access token leaked into TF_LOG output"
        );
    }
}
both_tools!(trace_logs_hold_no_secrets);

/// (method, path, body, status) of one request, for comparing whole logs.
type RequestSummary = (String, String, Option<serde_json::Value>, u16);

// 15. The same configuration under both Terraform versions and under OpenTofu produces the same
// request log.
#[test]
fn every_cli_sends_the_same_requests() {
    let logs: Vec<Vec<RequestSummary>> = [Tool::Terraform, Tool::Terraform115, Tool::Tofu]
        .into_iter()
        .map(|tool| {
            let ws = Workspace::new(tool);
            ws.write_config(&partner(TENANT, &every_section()));
            ws.apply();
            ws.write_config(&partner(
                TENANT,
                "  inbound_trust = {\n    is_mfa_accepted = true\n  }\n",
            ));
            ws.apply();
            ws.ok(&["destroy", "-auto-approve", "-no-color"]);
            ws.emulator
                .request_log()
                .into_iter()
                .map(|r| (r.method, r.path, r.body, r.status))
                .collect()
        })
        .collect();
    assert_eq!(
        logs[0], logs[1],
        "Terraform 1.11 and 1.15 sent different requests"
    );
    assert_eq!(
        logs[0], logs[2],
        "Terraform and OpenTofu sent different requests"
    );
    assert!(logs[0].len() >= 5);
}

// A POST whose connection drops without an answer is not blindly retried (it may have created
// the partner); the error says so, and the next apply converges.
fn dropped_create_is_reported_and_recovers(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.emulator
        .add_fault(fault("partners", "POST", FaultKind::Drop, 1));
    ws.write_config(&partner(TENANT, ""));
    ws.assert_apply_reports_unknown_create();
    ws.apply();
    assert_eq!(ws.emulator.partners().len(), 1);
    ws.assert_plan_empty();
}
both_tools!(dropped_create_is_reported_and_recovers);

// A POST that Graph carried out but whose answer was lost: the provider looks, finds the
// partner and records it, instead of orphaning it (and never re-POSTs blindly).
fn create_with_lost_answer_is_adopted(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.emulator
        .add_fault(fault("partners", "POST", FaultKind::DropResponse, 1));
    ws.write_config(&partner(
        TENANT,
        "  inbound_trust = {\n    is_mfa_accepted = true\n  }\n",
    ));
    ws.apply();
    let posts: Vec<u16> = ws
        .partner_requests()
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.status)
        .collect();
    assert_eq!(posts, [201], "exactly one POST, carried out by Graph");
    assert_eq!(ws.state_values(ADDRESS)["id"], TENANT);
    ws.assert_plan_empty();
}
both_tools!(create_with_lost_answer_is_adopted);

// A 503 and then a 409 on the retry: the partner may be our own first attempt or someone
// else's; the provider does not take it over silently, and says what probably happened.
fn conflict_after_retry_explains(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.emulator
        .put_partner(TENANT, json!({ "tenantId": TENANT }));
    ws.emulator.add_fault(fault(
        "partners",
        "POST",
        FaultKind::Status {
            status: 503,
            retry_after: Some("0.2".into()),
        },
        1,
    ));
    ws.write_config(&partner(TENANT, ""));
    let run = ws.run(&["apply", "-auto-approve", "-no-color"]);
    assert!(!run.success);
    let out = run.combined();
    assert!(
        out.contains("already exists") && out.contains("earlier attempt"),
        "{out}"
    );
    assert_eq!(ws.state_values(ADDRESS), serde_json::Value::Null);
}
both_tools!(conflict_after_retry_explains);

// A delete that fails leaves the partner in state, so a later destroy can finish the job.
fn failed_delete_keeps_state(tool: Tool) {
    let ws = Workspace::new(tool);
    ws.write_config(&partner(
        TENANT,
        "  timeouts = {\n    delete = \"2s\"\n  }\n",
    ));
    ws.apply();
    ws.emulator.add_fault(fault(
        "partner",
        "DELETE",
        FaultKind::Status {
            status: 500,
            retry_after: Some("0.5".into()),
        },
        100,
    ));
    let run = ws.run(&["destroy", "-auto-approve", "-no-color"]);
    assert!(!run.success, "{}", run.combined());
    assert!(run.combined().contains("request-id"), "{}", run.combined());
    assert_eq!(
        ws.state_values(ADDRESS)["id"],
        TENANT,
        "the partner stays in state"
    );
    ws.emulator.clear_faults();
    ws.ok(&["destroy", "-auto-approve", "-no-color"]);
    assert!(ws.emulator.partners().is_empty());
}
both_tools!(failed_delete_keeps_state);

/// Graph refuses to delete a partner that has a cross-tenant synchronization policy: the destroy
/// says so (naming the policy and how to remove it), keeps the state, and works once it is gone.
fn destroy_with_sync_policy_explains(tool: Tool) {
    // Graph documents that the delete fails, not how: a generic 400, or a status naming it.
    for status in [None, Some(409), Some(403)] {
        destroy_with_sync_policy_refused_by(tool, status);
    }
}

fn destroy_with_sync_policy_refused_by(tool: Tool, sync_delete_status: Option<u16>) {
    let ws = Workspace::new(tool);
    ws.emulator.set_switches(graph_emulator::Switches {
        sync_delete_status,
        ..ws.emulator.switches()
    });
    ws.write_config(&partner(TENANT, ""));
    ws.apply();
    assert!(ws.emulator.put_identity_sync(
        TENANT,
        json!({"displayName": "Fabrikam sync", "userSyncInbound": {"isSyncAllowed": true}})
    ));
    ws.emulator.clear_log();

    let run = ws.run(&["destroy", "-auto-approve", "-no-color"]);
    let out = run.combined();
    assert!(!run.success, "{out}");
    assert!(
        out.contains("has a cross-tenant synchronization policy"),
        "{out}"
    );
    assert!(out.contains("\"Fabrikam sync\""), "{out}");
    assert!(
        out.contains(&format!(
            "/policies/crossTenantAccessPolicy/partners/{TENANT}/identitySynchronization),"
        )),
        "{out}"
    );
    assert!(out.contains("request-id"), "{out}");
    let seen: Vec<String> = ws
        .partner_requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let partner_path = Workspace::partner_url_path(TENANT);
    assert_eq!(
        seen,
        [
            format!("GET {partner_path}"),
            format!("DELETE {partner_path}"),
            format!("GET {partner_path}/identitySynchronization"),
        ],
        "refresh, the refused delete (not retried), then the check for the policy"
    );
    assert_eq!(
        ws.state_values(ADDRESS)["id"],
        TENANT,
        "the partner stays in state"
    );

    assert!(ws.emulator.remove_identity_sync(TENANT));
    ws.ok(&["destroy", "-auto-approve", "-no-color"]);
    assert!(ws.emulator.partners().is_empty());
}
both_tools!(destroy_with_sync_policy_explains);
