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

impl PartnerPatch {
    pub fn into_json(self) -> Json {
        Json::Object(self.0)
    }
}

/// `POST` body: the tenant ID and every configured section; unset sections are left out so
/// they inherit the default (and so clouds that lack newer properties are not sent them).
pub fn create_body(tenant_id: &str, planned: &Value) -> Json {
    let mut body = Map::new();
    body.insert("tenantId".into(), Json::String(tenant_id.to_string()));
    for section in SECTIONS {
        let value = attr(planned, section.tf);
        if !value.is_null() {
            body.insert(section.graph.into(), section_to_graph(section, value));
        }
    }
    Json::Object(body)
}

/// Returns `None` when no section changed (then no request is needed).
pub fn partner_patch(prior: &Value, planned: &Value) -> Option<PartnerPatch> {
    let mut body = Map::new();
    for section in SECTIONS {
        let (before, after) = (attr(prior, section.tf), attr(planned, section.tf));
        if !before.semantically_equal(after) {
            body.insert(section.graph.into(), section_to_graph(section, after));
        }
    }
    (!body.is_empty()).then_some(PartnerPatch(body))
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
