//! The diagnostics of this resource's Graph calls: what failed, for which partner, with the
//! Graph request-id, and what to do about it.

use super::state::PATH_PREFIX;
use crate::graph::GraphError;
use crate::plugin::diagnostics::Diagnostics;
use crate::resources::cross_tenant_sections::report as sections;

pub fn report(diags: &mut Diagnostics, action: &str, tenant: &str, e: &GraphError) {
    sections::report(diags, action, &partner(tenant), e);
}

/// How diagnostics name a partner.
pub fn partner(tenant: &str) -> String {
    format!("cross-tenant access partner {tenant}")
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
