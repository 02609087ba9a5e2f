//! The typed state of `azuread_cross_tenant_partner`. Identity, computed values, sections and
//! timeouts are fields; a section's members are keyed by their Terraform names, because the
//! SECTIONS table (`cross_tenant_sections`) is what says which members a section has and what
//! Graph calls them, for the schema, the mapping and the validation alike.

use serde::{Deserialize, Serialize};

use crate::plugin::model::Tf;
use crate::resources::cross_tenant_sections::{section_model, SECTIONS};
pub use crate::resources::cross_tenant_sections::{Flags, Halves, Timeouts};

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct PartnerModel {
    pub id: Tf<String>,
    pub tenant_id: Tf<String>,
    pub inbound_trust: Tf<Flags>,
    pub automatic_user_consent_settings: Tf<Flags>,
    pub b2b_collaboration_inbound: Tf<Halves>,
    pub b2b_collaboration_outbound: Tf<Halves>,
    pub b2b_direct_connect_inbound: Tf<Halves>,
    pub b2b_direct_connect_outbound: Tf<Halves>,
    pub tenant_restrictions: Tf<Halves>,
    pub app_service_connect_inbound: Tf<Halves>,
    pub m365_collaboration_inbound: Tf<Halves>,
    pub m365_collaboration_outbound: Tf<Halves>,
    pub is_service_provider: Tf<bool>,
    pub is_in_multi_tenant_organization: Tf<bool>,
    pub timeouts: Tf<Timeouts>,
}

section_model!(PartnerModel, SECTIONS, {
    inbound_trust: Flags,
    automatic_user_consent_settings: Flags,
    b2b_collaboration_inbound: Targets,
    b2b_collaboration_outbound: Targets,
    b2b_direct_connect_inbound: Targets,
    b2b_direct_connect_outbound: Targets,
    tenant_restrictions: Targets,
    app_service_connect_inbound: Targets,
    m365_collaboration_inbound: Targets,
    m365_collaboration_outbound: Targets,
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::model::{from_value, to_value};
    use crate::resources::cross_tenant_partner::schema::{schema, SECTIONS};
    use crate::resources::cross_tenant_sections::SectionModel;

    #[test]
    fn the_model_fits_the_schema_and_names_every_section() {
        let model = PartnerModel::default();
        let value = to_value(&model, schema().value_type()).expect("fits the schema");
        let back: PartnerModel = from_value(&value).expect("reads back");
        assert_eq!(back, model);
        for section in SECTIONS {
            assert!(model.section(section.tf).is_some(), "{}", section.tf);
        }
        assert!(model.section("no_such_section").is_none());
    }
}
