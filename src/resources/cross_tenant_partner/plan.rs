//! Plan computation: defaults for unset flags, known computed values, and replacement when the
//! tenant changes (other than letter case).

use super::convert::attr;
use super::schema::{Shape, SECTIONS};
use crate::plugin::path::AttributePath;
use crate::plugin::traits::{PlanRequest, PlanResponse};
use crate::plugin::value::Value;
use std::collections::BTreeMap;

pub fn plan(req: PlanRequest) -> PlanResponse {
    let PlanRequest {
        prior_state,
        proposed_new_state,
        config,
    } = req;
    let Value::Object(mut planned) = proposed_new_state else {
        return PlanResponse {
            planned_state: proposed_new_state,
            requires_replace: vec![],
        };
    };

    // Sections come from the configuration, not the proposal: for optional+computed flags
    // Terraform proposes the prior value when the configuration drops them, but a dropped flag
    // means "false" to the user.
    for section in SECTIONS {
        if let Shape::Flags(members) = &section.shape {
            let configured = attr(&config, section.tf);
            let planned_section = match configured {
                Value::Object(flags) => Value::Object(
                    members
                        .iter()
                        .map(|m| {
                            let v = match flags.get(m.tf) {
                                None | Some(Value::Null) => Value::Bool(false),
                                Some(v) => v.clone(),
                            };
                            (m.tf.to_string(), v)
                        })
                        .collect::<BTreeMap<_, _>>(),
                ),
                other => other.clone(),
            };
            planned.insert(section.tf.to_string(), planned_section);
        }
    }

    let tenant = attr(&config, "tenant_id").clone();
    let prior_tenant = attr(&prior_state, "tenant_id");
    let creating = prior_state.is_null();
    let replacing = !creating && !same_tenant(prior_tenant, &tenant);
    let mut requires_replace = Vec::new();
    if creating || replacing {
        if replacing {
            requires_replace.push(AttributePath::attr("tenant_id"));
        }
        // The ID is the tenant ID, so it is known at plan time whenever the tenant is.
        planned.insert(
            "id".into(),
            if tenant.is_unknown() {
                Value::unknown()
            } else {
                tenant
            },
        );
        planned.insert("is_service_provider".into(), Value::unknown());
        planned.insert("is_in_multi_tenant_organization".into(), Value::unknown());
    } else {
        for computed in [
            "id",
            "is_service_provider",
            "is_in_multi_tenant_organization",
        ] {
            planned.insert(computed.into(), attr(&prior_state, computed).clone());
        }
    }
    PlanResponse {
        planned_state: Value::Object(planned),
        requires_replace,
    }
}

/// Tenant IDs are GUIDs: letter case does not make a different tenant.
pub fn same_tenant(a: &Value, b: &Value) -> bool {
    match (a.as_str(), b.as_str()) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(tenant: &str, trust: Value) -> Value {
        let mut m: BTreeMap<String, Value> = SECTIONS
            .iter()
            .map(|s| (s.tf.to_string(), Value::Null))
            .collect();
        m.insert("id".into(), Value::String(tenant.into()));
        m.insert("tenant_id".into(), Value::String(tenant.into()));
        m.insert("inbound_trust".into(), trust);
        m.insert("is_service_provider".into(), Value::Bool(false));
        m.insert("is_in_multi_tenant_organization".into(), Value::Bool(false));
        m.insert("timeouts".into(), Value::Null);
        Value::Object(m)
    }

    fn trust(mfa: Value) -> Value {
        Value::object([
            ("is_mfa_accepted", mfa),
            ("is_compliant_device_accepted", Value::Null),
            ("is_hybrid_azure_ad_joined_device_accepted", Value::Null),
        ])
    }

    const T: &str = "90e29127-71ad-49c7-9ce8-db3f41ea06f1";

    #[test]
    fn create_plans_known_id_and_unknown_computed_values() {
        let config = state(T, Value::Null);
        let resp = plan(PlanRequest {
            prior_state: Value::Null,
            proposed_new_state: config.clone(),
            config,
        });
        assert_eq!(attr(&resp.planned_state, "id"), &Value::String(T.into()));
        assert!(attr(&resp.planned_state, "is_service_provider").is_unknown());
        assert!(
            attr(&resp.planned_state, "inbound_trust").is_null(),
            "a null section stays null"
        );
        assert!(resp.requires_replace.is_empty());
    }

    #[test]
    fn dropped_flag_plans_false_and_computed_values_stay_known() {
        let prior = state(T, trust(Value::Bool(true)).clone());
        let config = state(T, trust(Value::Null));
        let proposed = state(T, trust(Value::Bool(true)));
        let resp = plan(PlanRequest {
            prior_state: prior,
            proposed_new_state: proposed,
            config,
        });
        let planned_trust = attr(&resp.planned_state, "inbound_trust");
        assert_eq!(attr(planned_trust, "is_mfa_accepted"), &Value::Bool(false));
        assert_eq!(
            attr(&resp.planned_state, "is_service_provider"),
            &Value::Bool(false)
        );
    }

    #[test]
    fn tenant_change_replaces_but_case_change_does_not() {
        let prior = state(T, Value::Null);
        let upper = state(&T.to_uppercase(), Value::Null);
        let resp = plan(PlanRequest {
            prior_state: prior.clone(),
            proposed_new_state: upper.clone(),
            config: upper,
        });
        assert!(resp.requires_replace.is_empty());
        let other = state("00000000-0000-0000-0000-000000000001", Value::Null);
        let resp = plan(PlanRequest {
            prior_state: prior,
            proposed_new_state: other.clone(),
            config: other,
        });
        assert_eq!(
            resp.requires_replace,
            vec![AttributePath::attr("tenant_id")]
        );
        assert!(attr(&resp.planned_state, "is_service_provider").is_unknown());
    }

    #[test]
    fn unknown_section_stays_unknown() {
        let config = state(T, Value::unknown());
        let resp = plan(PlanRequest {
            prior_state: Value::Null,
            proposed_new_state: config.clone(),
            config,
        });
        assert!(attr(&resp.planned_state, "inbound_trust").is_unknown());
    }
}
