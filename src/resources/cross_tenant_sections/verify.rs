//! Whether Graph shows an update of sections (a partner's or the default configuration's):
//! compares a read-back with the planned state, section by section. A `204` only says Graph accepted the PATCH (azuread#1517 is a setting that was
//! accepted and not applied), and reads are eventually consistent, so the update handler polls
//! until this says every changed section is there.
//!
//! The comparison is deliberately one-sided: what the plan sets must be in Graph, while what the
//! plan leaves unset inside a section may come back filled in, and an unset flag may come back
//! as `false` or `null`. Graph documents neither detail, and a false alarm here would fail
//! every update.

use super::convert::{read_sections, same_half, SectionPatch};
use super::model::{SectionModel, SectionRef};
use super::table::Section;
use crate::plugin::model::Tf;
use serde_json::Value as Json;

/// The Terraform names of the `changed` sections whose planned value `partner` does not show.
/// A half that `sent` removed explicitly (`null`) must read back as removed, whatever the plan
/// allows elsewhere: that is the one case where a merging PATCH would silently keep old data.
pub fn sections_not_applied<M: SectionModel>(
    partner: &Json,
    planned: &M,
    changed: &[&'static Section],
    sent: &SectionPatch,
) -> Vec<&'static str> {
    let mut shown = M::default();
    read_sections(partner, planned, &mut shown);
    changed
        .iter()
        .filter(|section| {
            let applied = match (shown.section(section.tf), planned.section(section.tf)) {
                (Some(in_graph), Some(planned)) => shows(in_graph, planned),
                _ => false,
            };
            !applied || !removed_halves_gone(section, partner, sent)
        })
        .map(|section| section.tf)
        .collect()
}

fn removed_halves_gone(section: &Section, partner: &Json, sent: &SectionPatch) -> bool {
    let Some(Json::Object(sent_section)) = sent.0.get(section.graph) else {
        return true;
    };
    let shown = partner.get(section.graph);
    sent_section
        .iter()
        .filter(|(_, value)| value.is_null())
        .all(|(half, _)| shown.and_then(|s| s.get(half)).is_none_or(Json::is_null))
}

/// A section planned as null (reset to inherit) must read as null; a configured one must be
/// covered by what Graph holds.
fn shows(in_graph: SectionRef<'_>, planned: SectionRef<'_>) -> bool {
    if planned.is_null() {
        return in_graph.is_null();
    }
    match (in_graph, planned) {
        (SectionRef::Flags(shown), SectionRef::Flags(Tf::Known(flags))) => {
            flags.iter().all(|(name, flag)| {
                let shown = shown.known().and_then(|s| s.get(name)).and_then(Tf::known);
                match flag {
                    Tf::Known(true) => shown == Some(&true),
                    Tf::Known(false) => shown != Some(&true),
                    _ => true,
                }
            })
        }
        (SectionRef::Providers(shown), SectionRef::Providers(planned)) => shown == planned,
        (SectionRef::Targets(shown), SectionRef::Targets(Tf::Known(halves))) => {
            halves.iter().all(|(name, half)| {
                if half.is_null() {
                    return true;
                }
                let shown_half = shown.known().and_then(|s| s.get(name)).cloned();
                same_half(&shown_half.unwrap_or_default(), half)
            })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::value::Value;
    use crate::resources::cross_tenant_partner::test_support::model;
    use crate::resources::cross_tenant_partner::PartnerModel;
    use crate::resources::cross_tenant_sections::SECTIONS;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn none() -> SectionPatch {
        SectionPatch(serde_json::Map::new())
    }

    fn section(tf: &str) -> &'static Section {
        SECTIONS
            .iter()
            .find(|section| section.tf == tf)
            .expect("known section")
    }

    fn object(members: &[(&str, Value)]) -> Value {
        Value::Object(
            members
                .iter()
                .map(|(name, value)| (name.to_string(), value.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    fn target(target: &str, kind: &str) -> Value {
        object(&[
            ("target", Value::String(target.into())),
            ("target_type", Value::String(kind.into())),
        ])
    }

    fn planned(sections: &[(&str, Value)]) -> PartnerModel {
        model(&planned_value(sections))
    }

    fn planned_value(sections: &[(&str, Value)]) -> Value {
        let mut state: Vec<(&str, Value)> = SECTIONS.iter().map(|s| (s.tf, Value::Null)).collect();
        for (name, value) in sections {
            if let Some(slot) = state.iter_mut().find(|(tf, _)| tf == name) {
                slot.1 = value.clone();
            }
        }
        object(&state)
    }

    fn trust(mfa: bool) -> Value {
        object(&[
            ("is_compliant_device_accepted", Value::Bool(false)),
            (
                "is_hybrid_azure_ad_joined_device_accepted",
                Value::Bool(false),
            ),
            ("is_mfa_accepted", Value::Bool(mfa)),
        ])
    }

    #[test]
    fn a_stale_flag_is_reported_and_the_applied_one_is_not() {
        let plan = planned(&[("inbound_trust", trust(true))]);
        let changed = [section("inbound_trust")];
        let stale = json!({"tenantId": "t", "inboundTrust": {"isMfaAccepted": false}});
        let applied = json!({"tenantId": "t", "inboundTrust": {"isMfaAccepted": true}});
        assert_eq!(
            sections_not_applied(&stale, &plan, &changed, &none()),
            ["inbound_trust"]
        );
        assert!(sections_not_applied(&applied, &plan, &changed, &none()).is_empty());
    }

    #[test]
    fn a_reset_section_must_read_as_null() {
        let plan = planned(&[]);
        let changed = [
            section("inbound_trust"),
            section("automatic_user_consent_settings"),
        ];
        let still_set = json!({"inboundTrust": {"isMfaAccepted": true},
            "automaticUserConsentSettings": {"inboundAllowed": null, "outboundAllowed": null}});
        let reset = json!({"inboundTrust": null,
            "automaticUserConsentSettings": {"inboundAllowed": null, "outboundAllowed": null}});
        assert_eq!(
            sections_not_applied(&still_set, &plan, &changed, &none()),
            ["inbound_trust"]
        );
        assert!(sections_not_applied(&reset, &plan, &changed, &none()).is_empty());
    }

    #[test]
    fn false_flags_may_read_back_as_null() {
        let consent = object(&[
            ("inbound_allowed", Value::Bool(false)),
            ("outbound_allowed", Value::Bool(false)),
        ]);
        let plan = planned(&[("automatic_user_consent_settings", consent)]);
        let changed = [section("automatic_user_consent_settings")];
        for shown in [
            json!({"automaticUserConsentSettings": {"inboundAllowed": false, "outboundAllowed": false}}),
            json!({"automaticUserConsentSettings": {"inboundAllowed": null, "outboundAllowed": null}}),
        ] {
            assert!(
                sections_not_applied(&shown, &plan, &changed, &none()).is_empty(),
                "{shown}"
            );
        }
    }

    #[test]
    fn targets_compare_as_sets_and_an_unplanned_half_may_be_filled_in() {
        let users = object(&[
            ("access_type", Value::String("allowed".into())),
            (
                "targets",
                Value::Set(vec![target("AllUsers", "user"), target("g-1", "group")]),
            ),
        ]);
        let b2b = object(&[("users_and_groups", users), ("applications", Value::Null)]);
        let plan = planned(&[("b2b_collaboration_inbound", b2b)]);
        let changed = [section("b2b_collaboration_inbound")];
        let shown = json!({"b2bCollaborationInbound": {
            "usersAndGroups": {"accessType": "allowed", "targets": [
                {"target": "g-1", "targetType": "group"},
                {"target": "AllUsers", "targetType": "user"}]},
            "applications": {"accessType": "allowed", "targets": [
                {"target": "AllApplications", "targetType": "application"}]}}});
        assert!(sections_not_applied(&shown, &plan, &changed, &none()).is_empty());

        let missing_target = json!({"b2bCollaborationInbound": {
            "usersAndGroups": {"accessType": "allowed", "targets": [
                {"target": "AllUsers", "targetType": "user"}]}}});
        assert_eq!(
            sections_not_applied(&missing_target, &plan, &changed, &none()),
            ["b2b_collaboration_inbound"]
        );
    }

    #[test]
    fn only_changed_sections_are_checked() {
        let plan = planned(&[("inbound_trust", trust(true))]);
        let shown = json!({"inboundTrust": {"isMfaAccepted": true},
            "tenantRestrictions": {"usersAndGroups": {"accessType": "blocked"}}});
        assert!(
            sections_not_applied(&shown, &plan, &[section("inbound_trust")], &none()).is_empty()
        );
    }

    #[test]
    fn a_half_sent_as_null_must_read_back_as_removed() {
        let apps = object(&[
            ("access_type", Value::String("allowed".into())),
            (
                "targets",
                Value::Set(vec![target("Office365", "application")]),
            ),
        ]);
        let b2b = object(&[("users_and_groups", Value::Null), ("applications", apps)]);
        let plan = planned(&[("b2b_direct_connect_inbound", b2b)]);
        let changed = [section("b2b_direct_connect_inbound")];
        let mut sent = none();
        sent.0.insert(
            "b2bDirectConnectInbound".into(),
            json!({"usersAndGroups": null, "applications": {}}),
        );
        let apps_json = json!({"accessType": "allowed", "targets": [{"target": "Office365", "targetType": "application"}]});
        let kept = json!({"b2bDirectConnectInbound": {"usersAndGroups": {"accessType": "allowed", "targets": []}, "applications": apps_json}});
        let removed = json!({"b2bDirectConnectInbound": {"applications": apps_json}});
        assert_eq!(
            sections_not_applied(&kept, &plan, &changed, &sent),
            ["b2b_direct_connect_inbound"]
        );
        assert!(sections_not_applied(&removed, &plan, &changed, &sent).is_empty());
        // Without the explicit null, a filled-in half is Graph's business (one-sided check).
        assert!(sections_not_applied(&kept, &plan, &changed, &none()).is_empty());
    }
}
