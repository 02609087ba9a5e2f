//! Pure conversions between Terraform state and the Graph partner JSON, and the PATCH body
//! built from a prior state and a plan. No I/O here; everything is unit-tested.

use super::schema::{Member, Section, Shape, SECTIONS};
use crate::plugin::value::Value;
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;

/// The body of `PATCH /policies/crossTenantAccessPolicy/partners/{id}`: exactly the sections that
/// changed, each sent whole, and `null` for a section removed from the configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerPatch(pub Map<String, Json>);

/// `POST` body: the tenant ID and every configured section Microsoft's create table lists.
/// Unset sections are left out so they inherit the default (and so clouds that lack newer
/// properties are not sent them); update-only sections follow in [`follow_up_patch`].
pub fn create_body(tenant_id: &str, planned: &Value) -> Json {
    let mut body = Map::new();
    body.insert("tenantId".into(), Json::String(tenant_id.to_string()));
    for section in SECTIONS.iter().filter(|section| section.on_create) {
        let value = attr(planned, section.tf);
        if !value.is_null() {
            body.insert(section.graph.into(), section_to_graph(section, value));
        }
    }
    Json::Object(body)
}

/// The PATCH that completes a create: the configured sections documented for update only
/// (`tenantRestrictions`, `appServiceConnectInbound`, `m365Collaboration*`). `None` when none
/// is configured, so a create costs a single write.
pub fn follow_up_patch(planned: &Value) -> Option<PartnerPatch> {
    let body: Map<String, Json> = SECTIONS
        .iter()
        .filter(|section| !section.on_create)
        .filter_map(|section| {
            let value = attr(planned, section.tf);
            (!value.is_null())
                .then(|| (section.graph.to_string(), section_to_graph(section, value)))
        })
        .collect();
    (!body.is_empty()).then_some(PartnerPatch(body))
}

/// Returns `None` when no section changed (then no request is needed).
pub fn partner_patch(prior: &Value, planned: &Value) -> Option<PartnerPatch> {
    let mut body = Map::new();
    for section in SECTIONS {
        let (before, after) = (attr(prior, section.tf), attr(planned, section.tf));
        if !before.semantically_equal(after) {
            let mut json = section_to_graph(section, after);
            clear_removed_halves(section, before, &mut json);
            body.insert(section.graph.into(), json);
        }
    }
    (!body.is_empty()).then_some(PartnerPatch(body))
}

/// A half the configuration no longer sets is sent as an explicit `null`: Graph does not say
/// whether a PATCH replaces a section or merges into it, and a merge would keep the old half.
fn clear_removed_halves(section: &Section, before: &Value, json: &mut Json) {
    let (Shape::Targets(members), Json::Object(out)) = (&section.shape, json) else {
        return;
    };
    for m in *members {
        if !attr(before, m.tf).is_null() && !out.contains_key(m.graph) {
            out.insert(m.graph.into(), Json::Null);
        }
    }
}

impl PartnerPatch {
    pub fn into_json(self) -> Json {
        Json::Object(self.0)
    }

    /// Graph's `tenantRestrictions.devices` is not modelled, and a PATCH sends the section
    /// whole: put back the value Graph held so the update does not wipe it.
    pub fn carry_devices(&mut self, devices: Option<&Json>) {
        let Some(devices) = devices.filter(|d| !d.is_null()) else {
            return;
        };
        if let Some(Json::Object(section)) = self.0.get_mut("tenantRestrictions") {
            section.insert("devices".into(), devices.clone());
        }
    }
}

/// Graph's `tenantRestrictions.devices`, if it holds one.
pub fn tenant_restrictions_devices(partner: &Json) -> Option<&Json> {
    partner
        .get("tenantRestrictions")?
        .get("devices")
        .filter(|d| !d.is_null())
}

pub fn section_to_graph(section: &Section, value: &Value) -> Json {
    if value.is_null() {
        return Json::Null;
    }
    let mut out = Map::new();
    match &section.shape {
        Shape::Flags(members) => {
            for m in *members {
                let flag = attr(value, m.tf)
                    .as_bool()
                    .map(Json::Bool)
                    .unwrap_or(Json::Null);
                out.insert(m.graph.into(), flag);
            }
        }
        Shape::Targets(members) => {
            for m in *members {
                let config = attr(value, m.tf);
                if !config.is_null() {
                    out.insert(m.graph.into(), target_configuration_to_graph(config));
                }
            }
        }
    }
    Json::Object(out)
}

fn target_configuration_to_graph(config: &Value) -> Json {
    let targets: Vec<Json> = attr(config, "targets")
        .elements()
        .unwrap_or(&[])
        .iter()
        .map(|t| {
            json!({
                "target": attr(t, "target").as_str().unwrap_or_default(),
                "targetType": attr(t, "target_type").as_str().unwrap_or_default(),
            })
        })
        .collect();
    json!({ "accessType": attr(config, "access_type").as_str().unwrap_or_default(), "targets": targets })
}

/// Reads every section from a Graph partner object. Strings equal to the prior state's value
/// ignoring case keep the prior spelling (Graph may lowercase GUIDs); unknown fields are ignored.
pub fn sections_from_graph(partner: &Json, prior: &Value) -> BTreeMap<String, Value> {
    SECTIONS
        .iter()
        .map(|s| {
            (
                s.tf.to_string(),
                section_from_graph(s, partner.get(s.graph), attr(prior, s.tf)),
            )
        })
        .collect()
}

fn section_from_graph(section: &Section, json: Option<&Json>, prior: &Value) -> Value {
    let Some(obj) = json.and_then(Json::as_object) else {
        return Value::Null;
    };
    match &section.shape {
        Shape::Flags(members) => {
            // Graph returns automaticUserConsentSettings as an object of nulls when unset.
            if members
                .iter()
                .all(|m| obj.get(m.graph).is_none_or(Json::is_null))
            {
                return Value::Null;
            }
            Value::object(members.iter().map(|m| {
                let flag = obj.get(m.graph).and_then(Json::as_bool).unwrap_or(false);
                (m.tf, Value::Bool(flag))
            }))
        }
        Shape::Targets(members) => {
            if members
                .iter()
                .all(|m| obj.get(m.graph).is_none_or(Json::is_null))
            {
                return Value::Null;
            }
            Value::object(members.iter().map(|m: &Member| {
                (
                    m.tf,
                    target_configuration_from_graph(obj.get(m.graph), attr(prior, m.tf)),
                )
            }))
        }
    }
}

fn target_configuration_from_graph(json: Option<&Json>, prior: &Value) -> Value {
    let Some(obj) = json.and_then(Json::as_object) else {
        return Value::Null;
    };
    let access_type = obj
        .get("accessType")
        .and_then(Json::as_str)
        .unwrap_or_default();
    let prior_targets = attr(prior, "targets").elements().unwrap_or(&[]);
    let mut targets: Vec<Value> = obj
        .get("targets")
        .and_then(Json::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .map(|t| {
            let target = t.get("target").and_then(Json::as_str).unwrap_or_default();
            let target_type = t
                .get("targetType")
                .and_then(Json::as_str)
                .unwrap_or_default();
            Value::object([
                (
                    "target",
                    Value::String(keep_spelling(target, prior_targets, "target")),
                ),
                (
                    "target_type",
                    Value::String(keep_spelling(target_type, prior_targets, "target_type")),
                ),
            ])
        })
        .collect();
    // Graph does not keep order. Keep the prior order when the set is unchanged, so state
    // files do not churn; otherwise sort for a stable result.
    let new_set = Value::Set(targets.clone());
    let prior_set = attr(prior, "targets");
    if !prior_set.is_null() && new_set.semantically_equal(prior_set) {
        targets = prior_targets.to_vec();
    } else {
        targets.sort_by_key(|t| {
            (
                attr(t, "target_type").as_str().map(str::to_owned),
                attr(t, "target").as_str().map(str::to_owned),
            )
        });
    }
    Value::object([
        (
            "access_type",
            Value::String(keep_spelling(
                access_type,
                std::slice::from_ref(prior),
                "access_type",
            )),
        ),
        ("targets", Value::Set(targets)),
    ])
}

/// Returns the prior spelling of `value` when some prior element's `field` equals it ignoring case.
fn keep_spelling(value: &str, prior: &[Value], field: &str) -> String {
    prior
        .iter()
        .filter_map(|p| attr(p, field).as_str())
        .find(|p| p.eq_ignore_ascii_case(value))
        .unwrap_or(value)
        .to_string()
}

/// Object attribute access that treats "absent" and "not an object" as Null.
pub fn attr<'a>(value: &'a Value, name: &str) -> &'a Value {
    const NULL: &Value = &Value::Null;
    value.get(name).unwrap_or(NULL)
}

#[cfg(test)]
#[path = "convert_tests.rs"]
mod tests;
