//! Plan computation. The schema declares the defaults (unset flags plan as `false`), the
//! known computed values and the replacement rule (a new tenant, not a new letter case), and
//! the framework applies them; this hook adds what only the partner knows: its ID is its tenant
//! ID, so it is known at plan time whenever the tenant is.

use super::model::PartnerModel;
use crate::plugin::model::Tf;
use crate::plugin::typed::Plan;

pub fn plan(plan: Plan<PartnerModel>) -> PartnerModel {
    let mut planned = plan.planned;
    if planned.id.is_unknown() && planned.tenant_id.is_known() {
        planned.id = planned.tenant_id.clone();
    }
    if planned.id.is_null() {
        planned.id = Tf::Unknown;
    }
    planned
}

#[cfg(test)]
mod tests {
    use crate::graph::GraphHandle;
    use crate::plugin::diagnostics::Diagnostics;
    use crate::plugin::path::AttributePath;
    use crate::plugin::traits::{PlanRequest, PlanResponse, Resource};
    use crate::plugin::typed::Typed;
    use crate::plugin::value::Value;
    use crate::resources::cross_tenant_partner::schema::SECTIONS;
    use crate::resources::cross_tenant_partner::CrossTenantPartner;
    use std::collections::BTreeMap;

    /// A configuration: computed attributes are null in it.
    fn config_of(tenant: &str, trust: Value) -> Value {
        let mut config = state(tenant, trust);
        if let Value::Object(m) = &mut config {
            for computed in [
                "id",
                "is_service_provider",
                "is_in_multi_tenant_organization",
            ] {
                m.insert(computed.into(), Value::Null);
            }
        }
        config
    }

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

    /// The partner's PlanResourceChange, through the framework as Terraform calls it.
    fn plan(req: PlanRequest) -> PlanResponse {
        let partner = Typed(CrossTenantPartner::new(GraphHandle::default()));
        let mut diags = Diagnostics::new();
        let resp = partner.plan(req, &mut diags);
        assert!(!diags.has_errors(), "{diags:?}");
        resp
    }

    fn attr<'a>(value: &'a Value, name: &str) -> &'a Value {
        value.get(name).unwrap_or(&Value::Null)
    }

    const T: &str = "90e29127-71ad-49c7-9ce8-db3f41ea06f1";

    #[test]
    fn create_plans_known_id_and_unknown_computed_values() {
        let config = config_of(T, Value::Null);
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
        let config = config_of(T, trust(Value::Null));
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
        let upper = config_of(&T.to_uppercase(), Value::Null);
        let resp = plan(PlanRequest {
            prior_state: prior.clone(),
            proposed_new_state: upper.clone(),
            config: upper,
        });
        assert!(resp.requires_replace.is_empty());
        let other = config_of("00000000-0000-0000-0000-000000000001", Value::Null);
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
        let config = config_of(T, Value::unknown());
        let resp = plan(PlanRequest {
            prior_state: Value::Null,
            proposed_new_state: config.clone(),
            config,
        });
        assert!(attr(&resp.planned_state, "inbound_trust").is_unknown());
    }

    #[test]
    fn an_unknown_target_element_plans_and_validates() {
        let users = Value::object([
            ("access_type", Value::from("allowed")),
            ("targets", Value::Set(vec![Value::unknown()])),
        ]);
        let b2b = Value::object([("users_and_groups", users), ("applications", Value::Null)]);
        let mut config = config_of(T, Value::Null);
        if let Value::Object(m) = &mut config {
            m.insert("b2b_collaboration_inbound".into(), b2b);
        }
        let partner = Typed(CrossTenantPartner::new(GraphHandle::default()));
        let mut diags = Diagnostics::new();
        partner.validate(&config, &mut diags);
        assert!(!diags.has_errors(), "{diags:?}");
        let resp = plan(PlanRequest {
            prior_state: Value::Null,
            proposed_new_state: config.clone(),
            config,
        });
        assert_eq!(attr(&resp.planned_state, "id"), &Value::String(T.into()));
    }
}
