//! The typed state of `azuread_cross_tenant_access_default`, its state from Graph, and the plan
//! rule only this resource has: a section the configuration leaves out keeps what the state
//! holds (it is not managed), and is unknown until the first read when creating.

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::plugin::model::Tf;
use crate::plugin::typed::Plan;
use crate::resources::cross_tenant_sections::convert::{
    changed_sections, read_section, read_sections,
};
use crate::resources::cross_tenant_sections::write::GraphState;
use crate::resources::cross_tenant_sections::{
    section_model, Flags, Halves, Providers, SectionModel, Timeouts, AUTOMATIC_USER_CONSENT,
    DEFAULT_SECTIONS,
};

/// The ID of the one default configuration.
pub const ID: &str = "default";

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct DefaultModel {
    pub id: Tf<String>,
    pub inbound_trust: Tf<Flags>,
    pub b2b_collaboration_inbound: Tf<Halves>,
    pub b2b_collaboration_outbound: Tf<Halves>,
    pub b2b_direct_connect_inbound: Tf<Halves>,
    pub b2b_direct_connect_outbound: Tf<Halves>,
    pub tenant_restrictions: Tf<Halves>,
    pub app_service_connect_inbound: Tf<Halves>,
    pub m365_collaboration_inbound: Tf<Halves>,
    pub m365_collaboration_outbound: Tf<Halves>,
    pub invitation_redemption_identity_provider_configuration: Tf<Providers>,
    pub automatic_user_consent_settings: Tf<Flags>,
    pub is_service_default: Tf<bool>,
    pub reset_on_destroy: Tf<bool>,
    pub timeouts: Tf<Timeouts>,
}

section_model!(DefaultModel, DEFAULT_SECTIONS, {
    inbound_trust: Flags,
    b2b_collaboration_inbound: Targets,
    b2b_collaboration_outbound: Targets,
    b2b_direct_connect_inbound: Targets,
    b2b_direct_connect_outbound: Targets,
    tenant_restrictions: Targets,
    app_service_connect_inbound: Targets,
    m365_collaboration_inbound: Targets,
    m365_collaboration_outbound: Targets,
    invitation_redemption_identity_provider_configuration: Providers,
});

fn consent(json: &Json) -> Tf<Flags> {
    let value = read_section(
        &AUTOMATIC_USER_CONSENT,
        json.get(AUTOMATIC_USER_CONSENT.graph),
        None,
    );
    match value {
        crate::resources::cross_tenant_sections::SectionValue::Flags(flags) => flags,
        _ => Tf::Null,
    }
}

impl GraphState for DefaultModel {
    fn from_graph(json: &Json, base: &Self) -> Self {
        let mut state = DefaultModel::default();
        read_sections(json, base, &mut state);
        state.id = Tf::Known(ID.into());
        state.automatic_user_consent_settings = consent(json);
        state.is_service_default =
            Tf::Known(json.get("isServiceDefault") == Some(&Json::Bool(true)));
        state.reset_on_destroy = Tf::Known(base.reset_on_destroy.known() == Some(&true));
        state.timeouts = base.timeouts.clone();
        state
    }

    /// Unknown values (the computed ones, and sections left unmanaged on create) come from
    /// Graph; without a read, from nothing (null), since a state may hold no unknown.
    fn with_computed(planned: &Self, json: Option<&Json>) -> Self {
        let shown = json
            .map(|json| Self::from_graph(json, planned))
            .unwrap_or_default();
        let mut state = planned.clone();
        for section in DEFAULT_SECTIONS {
            let unknown = state
                .section(section.tf)
                .is_some_and(|s| !s.is_known() && !s.is_null());
            if let (true, Some(value)) = (unknown, shown.section(section.tf)) {
                let value = value.to_owned();
                state.set_section(section.tf, value);
            }
        }
        if state.automatic_user_consent_settings.is_unknown() {
            state.automatic_user_consent_settings = shown.automatic_user_consent_settings;
        }
        if state.is_service_default.is_unknown() {
            state.is_service_default = shown.is_service_default;
        }
        state.id = Tf::Known(ID.into());
        state
    }
}

/// Sections left out keep the state's value (or are unknown on create: Graph's, read at
/// apply); writing any section may change `is_service_default`.
pub fn plan(plan: Plan<DefaultModel>) -> DefaultModel {
    let Plan {
        config,
        prior,
        mut planned,
    } = plan;
    planned.id = Tf::Known(ID.into());
    for section in DEFAULT_SECTIONS {
        if !config.section(section.tf).is_some_and(|s| s.is_null()) {
            continue;
        }
        let kept = match (&prior, planned.section(section.tf)) {
            (Some(prior), _) => prior.section(section.tf).map(|s| s.to_owned()),
            (None, current) => current.map(|s| s.to_owned().unknown_like()),
        };
        if let Some(kept) = kept {
            planned.set_section(section.tf, kept);
        }
    }
    match &prior {
        Some(prior) if changed_sections(prior, &planned).is_none() => {}
        _ => planned.is_service_default = Tf::Unknown,
    }
    planned
}
