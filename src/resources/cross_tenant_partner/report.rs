//! The diagnostics of this resource's Graph calls: what failed, for which partner, with the
//! Graph request-id, and what to do about it.

use super::state::PATH_PREFIX;
use crate::graph::{GraphError, PartnerPoll};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::path::AttributePath;

pub fn report(diags: &mut Diagnostics, action: &str, tenant: &str, e: &GraphError) {
    let advice = if e.is_cancelled() && e.create_may_have_happened() {
        "Terraform asked the provider to stop (Ctrl-C) after the request had been sent, and \
         Graph did not answer within the grace period, so it may or may not have taken effect. \
         The state keeps what was last known; the next plan reads what Graph holds and shows \
         what is still to do."
            .to_string()
    } else if e.is_cancelled() {
        "Terraform asked the provider to stop (Ctrl-C) before the request was sent; nothing was changed.".to_string()
    } else if e.is_timeout() {
        "Increase the matching timeouts value on the resource if Graph is slow or throttling, then run again.".to_string()
    } else if matches!(e, GraphError::Auth { .. }) {
        "No access token could be obtained: check the credentials of the sign-in method named above (provider block or ARM_* variables).".to_string()
    } else {
        match e.status() {
            Some(401) => "Graph refused the access token: check that the credentials belong to the tenant being managed (tenant_id / ARM_TENANT_ID) and to the selected cloud (environment).".into(),
            Some(403) => "The identity needs the Microsoft Graph application permission Policy.ReadWrite.CrossTenantAccess (admin consent), or the Security Administrator role for delegated use.".into(),
            Some(400) => "Graph rejected the request body; the message names the property. Sections newer than your cloud supports (e.g. tenant_restrictions in national clouds) are a common cause.".into(),
            _ => "If the problem persists, quote the request-id when contacting Microsoft support.".into(),
        }
    };
    diags.error(
        format!("Could not {action} cross-tenant access partner {tenant}"),
        format!("{e}\n\n{advice}"),
    );
}

/// A POST answered 409: someone else's partner, or our own earlier attempt that worked.
pub fn report_already_exists(diags: &mut Diagnostics, tenant: &str, e: &GraphError) {
    // After a retried POST, the 409 may be our own earlier attempt having worked although
    // Graph answered it with an error. Taking over an existing partner silently could hijack
    // someone else's settings, so say so and let the user import.
    let retried = if e.attempts() > 1 {
        "\n\nAn earlier attempt of this create failed with a server error and may have created it; if this partner is the one you are creating, import it."
    } else {
        ""
    };
    diags.error(
        format!("Cross-tenant access partner {tenant} already exists"),
        format!("{e}\n\nA partner configuration for this tenant already exists in Microsoft Entra. To manage it with Terraform, import it:\n\n  terraform import <resource address> {tenant}\n\nor add to your configuration:\n\n  import {{\n    to = <resource address>\n    id = \"{tenant}\"\n  }}{retried}"),
    );
}

/// Ctrl-C arrived while the POST was in flight and its answer never came.
pub fn report_create_interrupted(diags: &mut Diagnostics, tenant: &str, e: &GraphError) {
    diags.error(
        format!("Interrupted while creating cross-tenant access partner {tenant}"),
        format!(
            "{e}\n\nTerraform was interrupted (Ctrl-C) while the create request was on its way \
             to Microsoft Graph, and Graph did not answer within the grace period, so the \
             partner may or may not exist. It is recorded in the state (as tainted) so that it \
             is not lost: the next plan reads Graph, and either replaces the partner or, if \
             Graph has none, creates it. Run apply again; nothing needs to be imported."
        ),
    );
}

/// The POST's answer was lost and Graph did not show the partner when asked right after.
pub fn report_create_uncertain(diags: &mut Diagnostics, tenant: &str, e: &GraphError) {
    diags.error(
        format!("Could not create cross-tenant access partner {tenant}"),
        format!(
            "{e}\n\nThe create request may have reached Microsoft Graph, and Graph did not show \
             the partner when asked right after (it can take a moment to appear). It is \
             recorded in the state (as tainted) so that it is not lost: the next plan reads \
             Graph, and either replaces the partner or, if Graph has none, creates it. Run \
             apply again; nothing needs to be imported."
        ),
    );
}

/// The partner was created, but the sections Graph only takes on update were not written.
pub fn report_follow_up_missing(
    diags: &mut Diagnostics,
    tenant: &str,
    sections: &[&str],
    why: &str,
) {
    diags.error(
        format!(
            "Cross-tenant access partner {tenant} was created without {}",
            sections.join(", ")
        ),
        format!(
            "Graph created the partner, but {why}, so the setting(s) {} Microsoft documents for \
             update only were not written. The state records the partner as Graph holds it; the \
             next apply writes the rest.",
            sections.join(", ")
        ),
    );
}

/// Graph accepted the PATCH but kept showing other values for some sections until the deadline.
pub fn report_not_applied(
    diags: &mut Diagnostics,
    tenant: &str,
    request_id: &str,
    sections: &[&str],
    poll: &PartnerPoll,
) {
    let seen = if poll.last.is_some() {
        "still showed a different value"
    } else {
        "could not find the partner"
    };
    for section in sections {
        diags.error_at(
            AttributePath::attr(section),
            format!("Graph did not apply the change to {section}"),
            format!(
                "Graph accepted the update of cross-tenant access partner {tenant} (PATCH answered \
                 204, request-id: {request_id}), but after {} read(s) within the update timeout \
                 it {seen} for {section}. The state now records what Graph holds, so the next \
                 plan shows the difference again. Run apply again, or raise timeouts.update if \
                 Graph is slow to show changes; if it persists, quote the request-id to \
                 Microsoft support.",
                poll.reads
            ),
        );
    }
}

/// The delete failed because the partner still has a cross-tenant synchronization policy.
pub fn report_sync_policy(
    diags: &mut Diagnostics,
    tenant: &str,
    policy: &serde_json::Value,
    e: &GraphError,
) {
    let name = policy
        .get("displayName")
        .and_then(|name| name.as_str())
        .map(|name| format!(" ({name:?})"))
        .unwrap_or_default();
    diags.error(
        format!("Could not delete cross-tenant access partner {tenant}: it has a cross-tenant synchronization policy"),
        format!(
            "{e}\n\nThis partner has an identitySynchronization policy{name}, and Graph refuses to \
             delete a partner while it exists. Delete that policy first (Entra admin center: \
             Cross-tenant synchronization, or DELETE {PATH_PREFIX}{tenant}/identitySynchronization), \
             then run the destroy again. The partner stays in the Terraform state until then."
        ),
    );
}
