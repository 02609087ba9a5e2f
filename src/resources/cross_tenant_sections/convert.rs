//! The table-driven Graph mapping of sections, for any [`SectionModel`]: a section to Graph's
//! JSON and back, the PATCH of the sections that changed, and set-aware comparison. No I/O
//! here; the partner's tests cover it through the partner model.

use super::model::{
    Flags, Halves, Providers, SectionModel, SectionRef, SectionValue, Target, TargetConfiguration,
};
use super::table::{Section, Shape, FALLBACK_PROVIDER, PRIMARY_PROVIDERS};
use crate::plugin::model::Tf;
use serde_json::{json, Map, Value as Json};

/// The body of a PATCH of sections: exactly the sections that changed, each sent whole, and
/// `null` for a section removed from the configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionPatch(pub Map<String, Json>);

impl SectionPatch {
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

/// The sections of `model`, in table order.
pub fn sections<M: SectionModel>(
    model: &M,
) -> impl Iterator<Item = (&'static Section, SectionRef<'_>)> {
    M::SECTIONS
        .iter()
        .filter_map(move |section| Some((section, model.section(section.tf)?)))
}

/// The sections `patch` writes.
pub fn sections_in<M: SectionModel>(patch: &SectionPatch) -> Vec<&'static Section> {
    M::SECTIONS
        .iter()
        .filter(|section| patch.0.contains_key(section.graph))
        .collect()
}

/// The sections that differ between `prior` and `planned`; `None` when none does (then no
/// request is needed).
pub fn changed_sections<M: SectionModel>(prior: &M, planned: &M) -> Option<SectionPatch> {
    let mut body = Map::new();
    for (section, after) in sections(planned) {
        let Some(before) = prior.section(section.tf) else {
            continue;
        };
        if !same_section(before, after) {
            let mut json = section_to_graph(section, after);
            clear_removed_halves(before, &mut json, section);
            body.insert(section.graph.into(), json);
        }
    }
    (!body.is_empty()).then_some(SectionPatch(body))
}

/// A half the configuration no longer sets is sent as an explicit `null`: Graph does not say
/// whether a PATCH replaces a section or merges into it, and a merge would keep the old half.
pub fn clear_removed_halves(before: SectionRef<'_>, json: &mut Json, section: &Section) {
    let (Shape::Targets(members), SectionRef::Targets(Tf::Known(halves)), Json::Object(out)) =
        (&section.shape, before, json)
    else {
        return;
    };
    for m in *members {
        let was_set = halves.get(m.tf).is_some_and(|h| !h.is_null());
        if was_set && !out.contains_key(m.graph) {
            out.insert(m.graph.into(), Json::Null);
        }
    }
}

/// Equal as Terraform compares them: targets are sets, so their order does not count.
pub fn same_section(a: SectionRef<'_>, b: SectionRef<'_>) -> bool {
    match (a, b) {
        (SectionRef::Flags(a), SectionRef::Flags(b)) => a == b,
        (SectionRef::Targets(a), SectionRef::Targets(b)) => normalised(a) == normalised(b),
        (SectionRef::Providers(a), SectionRef::Providers(b)) => a == b,
        _ => false,
    }
}

fn normalised(halves: &Tf<Halves>) -> Tf<Halves> {
    halves.clone().map(|halves| {
        halves
            .into_iter()
            .map(|(name, half)| (name, normalised_half(&half)))
            .collect()
    })
}

/// Equal as Terraform compares them: the targets are a set.
pub fn same_half(a: &Tf<TargetConfiguration>, b: &Tf<TargetConfiguration>) -> bool {
    normalised_half(a) == normalised_half(b)
}

fn normalised_half(half: &Tf<TargetConfiguration>) -> Tf<TargetConfiguration> {
    half.clone().map(|mut config| {
        if let Tf::Known(targets) = &mut config.targets {
            targets.sort();
            targets.dedup();
        }
        config
    })
}

/// Graph's `tenantRestrictions.devices`, if it holds one.
pub fn tenant_restrictions_devices(partner: &Json) -> Option<&Json> {
    partner
        .get("tenantRestrictions")?
        .get("devices")
        .filter(|d| !d.is_null())
}

pub fn section_to_graph(section: &Section, value: SectionRef<'_>) -> Json {
    let mut out = Map::new();
    match (&section.shape, value) {
        (Shape::Flags(members), SectionRef::Flags(Tf::Known(flags))) => {
            for m in *members {
                let flag = flags
                    .get(m.tf)
                    .and_then(|f| f.known())
                    .map(|f| Json::Bool(*f))
                    .unwrap_or(Json::Null);
                out.insert(m.graph.into(), flag);
            }
        }
        (Shape::Targets(members), SectionRef::Targets(Tf::Known(halves))) => {
            for m in *members {
                if let Some(Tf::Known(config)) = halves.get(m.tf) {
                    out.insert(m.graph.into(), target_configuration_to_graph(config));
                }
            }
        }
        (Shape::Providers, SectionRef::Providers(Tf::Known(providers))) => {
            let order: Vec<Json> = providers
                .primary_identity_provider_precedence_order
                .known()
                .into_iter()
                .flatten()
                .filter_map(Tf::known)
                .map(|p| Json::String(p.clone()))
                .collect();
            out.insert(PRIMARY_PROVIDERS.graph.into(), Json::Array(order));
            let fallback = providers.fallback_identity_provider.known();
            out.insert(FALLBACK_PROVIDER.graph.into(), json!(fallback));
        }
        _ => return Json::Null,
    }
    Json::Object(out)
}

fn text(value: &Tf<String>) -> &str {
    value.known().map(String::as_str).unwrap_or_default()
}

fn target_configuration_to_graph(config: &TargetConfiguration) -> Json {
    let targets: Vec<Json> = config
        .targets
        .known()
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .filter_map(Tf::known)
        .map(|t| json!({ "target": text(&t.target), "targetType": text(&t.target_type) }))
        .collect();
    json!({ "accessType": text(&config.access_type), "targets": targets })
}

/// Reads every section of `M` from a Graph object into `model`. Strings equal to the prior
/// value ignoring case keep the prior spelling (Graph may lowercase GUIDs); unknown fields are
/// ignored.
pub fn read_sections<M: SectionModel>(partner: &Json, prior: &M, model: &mut M) {
    for section in M::SECTIONS {
        let prior_section = prior.section(section.tf);
        let value = read_section(section, partner.get(section.graph), prior_section);
        model.set_section(section.tf, value);
    }
}

/// One section of a Graph object (`json` is its member, if any); `prior` keeps spellings.
pub fn read_section(
    section: &Section,
    json: Option<&Json>,
    prior: Option<SectionRef<'_>>,
) -> SectionValue {
    let obj = json.and_then(Json::as_object);
    match &section.shape {
        Shape::Flags(members) => {
            let Some(obj) = obj else {
                return SectionValue::Flags(Tf::Null);
            };
            // Graph returns automaticUserConsentSettings as an object of nulls when unset.
            if members
                .iter()
                .all(|m| obj.get(m.graph).is_none_or(Json::is_null))
            {
                return SectionValue::Flags(Tf::Null);
            }
            let flags: Flags = members
                .iter()
                .map(|m| {
                    let flag = obj.get(m.graph).and_then(Json::as_bool).unwrap_or(false);
                    (m.tf.to_string(), Tf::Known(flag))
                })
                .collect();
            SectionValue::Flags(Tf::Known(flags))
        }
        Shape::Targets(members) => {
            let Some(obj) = obj else {
                return SectionValue::Targets(Tf::Null);
            };
            if members
                .iter()
                .all(|m| obj.get(m.graph).is_none_or(Json::is_null))
            {
                return SectionValue::Targets(Tf::Null);
            }
            let prior_halves = match prior {
                Some(SectionRef::Targets(Tf::Known(halves))) => Some(halves),
                _ => None,
            };
            let halves: Halves = members
                .iter()
                .map(|m| {
                    let prior_half = prior_halves.and_then(|h| h.get(m.tf)).and_then(Tf::known);
                    let half = target_configuration_from_graph(obj.get(m.graph), prior_half);
                    (m.tf.to_string(), half)
                })
                .collect();
            SectionValue::Targets(Tf::Known(halves))
        }
        Shape::Providers => SectionValue::Providers(providers_from_graph(obj)),
    }
}

/// Graph's invitation redemption order; an object of nulls reads as null.
fn providers_from_graph(obj: Option<&Map<String, Json>>) -> Tf<Providers> {
    let Some(obj) = obj else { return Tf::Null };
    let order = obj.get(PRIMARY_PROVIDERS.graph).and_then(Json::as_array);
    let fallback = obj.get(FALLBACK_PROVIDER.graph).and_then(Json::as_str);
    if order.is_none() && fallback.is_none() {
        return Tf::Null;
    }
    let order = order
        .map(|o| {
            o.iter()
                .filter_map(Json::as_str)
                .map(|p| Tf::Known(p.to_string()))
                .collect()
        })
        .unwrap_or_default();
    Tf::Known(Providers {
        primary_identity_provider_precedence_order: Tf::Known(order),
        fallback_identity_provider: fallback
            .map(|f| Tf::Known(f.to_string()))
            .unwrap_or(Tf::Null),
    })
}

fn target_configuration_from_graph(
    json: Option<&Json>,
    prior: Option<&TargetConfiguration>,
) -> Tf<TargetConfiguration> {
    let Some(obj) = json.and_then(Json::as_object) else {
        return Tf::Null;
    };
    let access_type = obj
        .get("accessType")
        .and_then(Json::as_str)
        .unwrap_or_default();
    let prior_targets: Vec<Target> = prior
        .and_then(|p| p.targets.known())
        .into_iter()
        .flatten()
        .filter_map(Tf::known)
        .cloned()
        .collect();
    let mut targets: Vec<Target> = obj
        .get("targets")
        .and_then(Json::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .map(|t| {
            let field = |name: &str| t.get(name).and_then(Json::as_str).unwrap_or_default();
            Target {
                target: Tf::Known(keep_spelling(
                    field("target"),
                    prior_targets.iter().map(|p| &p.target),
                )),
                target_type: Tf::Known(keep_spelling(
                    field("targetType"),
                    prior_targets.iter().map(|p| &p.target_type),
                )),
            }
        })
        .collect();
    // Graph does not keep order. Keep the prior order when the set is unchanged, so state
    // files do not churn; otherwise sort for a stable result.
    let mut sorted_new = targets.clone();
    sorted_new.sort();
    sorted_new.dedup();
    let mut sorted_prior = prior_targets.to_vec();
    sorted_prior.sort();
    sorted_prior.dedup();
    if prior.is_some_and(|p| p.targets.is_known()) && sorted_new == sorted_prior {
        targets = prior_targets;
    } else {
        targets.sort_by(|a, b| (&a.target_type, &a.target).cmp(&(&b.target_type, &b.target)));
    }
    let prior_access = prior.map(|p| &p.access_type);
    Tf::Known(TargetConfiguration {
        access_type: Tf::Known(keep_spelling(access_type, prior_access.into_iter())),
        targets: Tf::Known(targets.into_iter().map(Tf::Known).collect()),
    })
}

/// Returns the prior spelling of `value` when some prior value equals it ignoring case.
fn keep_spelling<'a>(value: &str, prior: impl Iterator<Item = &'a Tf<String>>) -> String {
    prior
        .filter_map(Tf::known)
        .find(|p| p.eq_ignore_ascii_case(value))
        .map(String::as_str)
        .unwrap_or(value)
        .to_string()
}
