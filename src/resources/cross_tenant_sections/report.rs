//! Diagnostics of Graph calls on sections, shared by the resources that write them: what
//! failed, on which object (`what`, e.g. "cross-tenant access partner {tenant}"), with the
//! Graph request-id, and what to do about it.

use crate::graph::{GraphError, ReadBack};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::path::AttributePath;

/// A failed call: `Could not {action} {what}`, with Graph's error and advice.
pub fn report(diags: &mut Diagnostics, action: &str, what: &str, e: &GraphError) {
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
        format!("Could not {action} {what}"),
        format!("{e}\n\n{advice}"),
    );
}

/// Graph accepted the PATCH but kept showing other values for some sections until the deadline.
pub fn report_not_applied(
    diags: &mut Diagnostics,
    what: &str,
    request_id: &str,
    sections: &[&str],
    poll: &ReadBack,
) {
    let seen = if poll.last.is_some() {
        "still showed a different value"
    } else {
        "could not find it"
    };
    for section in sections {
        diags.error_at(
            AttributePath::attr(section),
            format!("Graph did not apply the change to {section}"),
            format!(
                "Graph accepted the update of {what} (PATCH answered \
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
