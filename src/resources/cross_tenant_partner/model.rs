//! The typed state of `azuread_cross_tenant_partner`. Identity, computed values, target
//! configurations and timeouts are fields; a section's members are keyed by their Terraform
//! names, because the SECTIONS table (schema.rs) is what says which members a section has and
//! what Graph calls them, for the schema, the mapping and the validation alike.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::plugin::model::Tf;

/// A flag section such as `inbound_trust`: member name → flag.
pub type Flags = BTreeMap<String, Tf<bool>>;
/// A target section such as `b2b_collaboration_inbound`: half name → target configuration.
pub type Halves = BTreeMap<String, Tf<TargetConfiguration>>;

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

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct TargetConfiguration {
    pub access_type: Tf<String>,
    /// A set in the schema: order carries no meaning. An element may be unknown at plan time
    /// (a conditional expression), never at apply.
    pub targets: Tf<Vec<Tf<Target>>>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Target {
    pub target: Tf<String>,
    pub target_type: Tf<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Timeouts {
    pub create: Tf<String>,
    pub read: Tf<String>,
    pub update: Tf<String>,
    pub delete: Tf<String>,
}

/// One section of a model, as the table-driven mapping sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SectionRef<'a> {
    Flags(&'a Tf<Flags>),
    Targets(&'a Tf<Halves>),
}

impl SectionRef<'_> {
    pub fn is_null(&self) -> bool {
        match self {
            SectionRef::Flags(v) => v.is_null(),
            SectionRef::Targets(v) => v.is_null(),
        }
    }
}

/// A section's value, owned.
#[derive(Clone, Debug, PartialEq)]
pub enum SectionValue {
    Flags(Tf<Flags>),
    Targets(Tf<Halves>),
}

impl SectionValue {
    pub fn as_ref(&self) -> SectionRef<'_> {
        match self {
            SectionValue::Flags(v) => SectionRef::Flags(v),
            SectionValue::Targets(v) => SectionRef::Targets(v),
        }
    }
}

impl PartnerModel {
    /// The section named `tf` in the SECTIONS table.
    pub fn section(&self, tf: &str) -> Option<SectionRef<'_>> {
        Some(match tf {
            "inbound_trust" => SectionRef::Flags(&self.inbound_trust),
            "automatic_user_consent_settings" => {
                SectionRef::Flags(&self.automatic_user_consent_settings)
            }
            _ => SectionRef::Targets(self.halves(tf)?),
        })
    }

    fn halves(&self, tf: &str) -> Option<&Tf<Halves>> {
        Some(match tf {
            "b2b_collaboration_inbound" => &self.b2b_collaboration_inbound,
            "b2b_collaboration_outbound" => &self.b2b_collaboration_outbound,
            "b2b_direct_connect_inbound" => &self.b2b_direct_connect_inbound,
            "b2b_direct_connect_outbound" => &self.b2b_direct_connect_outbound,
            "tenant_restrictions" => &self.tenant_restrictions,
            "app_service_connect_inbound" => &self.app_service_connect_inbound,
            "m365_collaboration_inbound" => &self.m365_collaboration_inbound,
            "m365_collaboration_outbound" => &self.m365_collaboration_outbound,
            _ => return None,
        })
    }

    /// Replaces the section named `tf`; a value of the other kind is ignored.
    pub fn set_section(&mut self, tf: &str, value: SectionValue) {
        match (tf, value) {
            ("inbound_trust", SectionValue::Flags(v)) => self.inbound_trust = v,
            ("automatic_user_consent_settings", SectionValue::Flags(v)) => {
                self.automatic_user_consent_settings = v
            }
            (tf, SectionValue::Targets(v)) => {
                let slot = match tf {
                    "b2b_collaboration_inbound" => &mut self.b2b_collaboration_inbound,
                    "b2b_collaboration_outbound" => &mut self.b2b_collaboration_outbound,
                    "b2b_direct_connect_inbound" => &mut self.b2b_direct_connect_inbound,
                    "b2b_direct_connect_outbound" => &mut self.b2b_direct_connect_outbound,
                    "tenant_restrictions" => &mut self.tenant_restrictions,
                    "app_service_connect_inbound" => &mut self.app_service_connect_inbound,
                    "m365_collaboration_inbound" => &mut self.m365_collaboration_inbound,
                    "m365_collaboration_outbound" => &mut self.m365_collaboration_outbound,
                    _ => return,
                };
                *slot = v;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::model::{from_value, to_value};
    use crate::resources::cross_tenant_partner::schema::{schema, SECTIONS};

    #[test]
    fn the_model_fits_the_schema_and_names_every_section() {
        let model = PartnerModel::default();
        let value = to_value(&model, &schema().value_type()).expect("fits the schema");
        let back: PartnerModel = from_value(&value).expect("reads back");
        assert_eq!(back, model);
        for section in SECTIONS {
            assert!(model.section(section.tf).is_some(), "{}", section.tf);
        }
        assert!(model.section("no_such_section").is_none());
    }
}
