//! The schemas of the partner data sources, derived from the `azuread_cross_tenant_partner`
//! resource's: every attribute computed, without validators, defaults or plan modifiers, and the
//! descriptions reworded where they speak of configuring. A section or member the resource
//! gains shows up here too.

use crate::plugin::schema::{Attribute, AttributeKind, Block, NestingMode, Schema};
use crate::plugin::timeouts::READ;
use crate::plugin::typed_data::read_only;
use crate::plugin::validators::guid;
use crate::plugin::value::Type;
use crate::resources::cross_tenant_partner::schema::schema as resource_schema;

/// The resource's attributes as a data source shows them (no `timeouts`).
pub fn partner_attributes() -> Vec<Attribute> {
    resource_schema()
        .block
        .attributes
        .iter()
        .filter(|a| a.name != "timeouts")
        .map(|a| reworded(read_only(a)))
        .collect()
}

/// A description of what is read, not of what to configure.
pub fn reworded(mut attribute: Attribute) -> Attribute {
    const DROPPED: [&str; 4] = ["Defaults to", "Optional:", "Changing it", "Leave it out"];
    let mut description = String::with_capacity(attribute.description.len());
    for sentence in attribute.description.split_inclusive(". ").map(str::trim) {
        if DROPPED.iter().any(|start| sentence.starts_with(start)) {
            continue;
        }
        if !description.is_empty() {
            description.push(' ');
        }
        description.push_str(if sentence.starts_with("Omit to inherit") {
            "Null when the partner inherits the default configuration."
        } else {
            sentence
        });
    }
    attribute.description = description;
    if let AttributeKind::Nested(mode, inner) = attribute.kind {
        attribute.kind = AttributeKind::Nested(mode, inner.into_iter().map(reworded).collect());
    }
    attribute
}

const TENANT: &str = "The partner organisation's Microsoft Entra tenant ID (a GUID).";

/// `azuread_cross_tenant_partner`: the partner whose `tenant_id` is given.
pub fn partner() -> Schema {
    let mut attributes: Vec<Attribute> = partner_attributes()
        .into_iter()
        .map(|a| match a.name.as_str() {
            "tenant_id" => Attribute::primitive(
                "tenant_id",
                Type::String,
                &format!("{TENANT} The partner to read."),
            )
            .required()
            .validate(guid("Invalid tenant ID", "a tenant GUID", "")),
            _ => a,
        })
        .collect();
    attributes.push(READ.attribute());
    Schema::new(0, Block::new(
            "Reads the cross-tenant access settings for one partner organisation (`/policies/crossTenantAccessPolicy/partners/{tenantId}` in Microsoft Graph). It is an error if the tenant has no partner configuration.",
            attributes,
        ))
}

/// `azuread_cross_tenant_partners`: every partner.
pub fn partners() -> Schema {
    let attributes = vec![
        Attribute::primitive("tenant_ids", Type::Set(Box::new(Type::String)), "The tenant IDs of every partner configuration.").computed(),
        Attribute::nested("partners", NestingMode::List, partner_attributes(), "Every partner configuration, ordered by tenant ID, with the attributes of the `azuread_cross_tenant_partner` data source.").computed(),
        READ.attribute(),
    ];
    Schema::new(0, Block::new(
            "Reads every partner organisation's cross-tenant access settings (`/policies/crossTenantAccessPolicy/partners` in Microsoft Graph, all pages).",
            attributes,
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_source_mirrors_the_resource_computed() {
        let resource = resource_schema();
        let data = partner();
        for a in resource
            .block
            .attributes
            .iter()
            .filter(|a| a.name != "timeouts")
        {
            let d = data
                .block
                .attribute(&a.name)
                .unwrap_or_else(|| panic!("{} missing", a.name));
            assert_eq!(d.value_type(), a.value_type(), "{}", a.name);
            if a.name != "tenant_id" {
                assert!(d.computed && !d.optional && !d.required, "{}", a.name);
            }
        }
        let tenant = data.block.attribute("tenant_id").expect("tenant_id");
        assert!(tenant.required && !tenant.computed);
        let trust = data
            .block
            .attribute("inbound_trust")
            .expect("inbound_trust");
        assert!(!trust.description.contains("Omit"), "{}", trust.description);
        assert!(trust
            .description
            .ends_with("Null when the partner inherits the default configuration."));
        let AttributeKind::Nested(_, flags) = &trust.kind else {
            panic!("nested")
        };
        assert!(flags
            .iter()
            .all(|f| !f.description.contains("Defaults to") && f.description.len() > 10));
    }

    #[test]
    fn the_list_holds_the_same_attributes() {
        let list = partners();
        let Some(Attribute {
            kind: AttributeKind::Nested(NestingMode::List, inner),
            ..
        }) = list.block.attribute("partners")
        else {
            panic!("partners is a nested list");
        };
        assert_eq!(inner.len(), partner_attributes().len());
        assert!(inner
            .iter()
            .all(|a| a.computed && a.validators.0.is_empty()));
    }
}
