//! Attribute paths: where inside a Terraform value something happened
//! (used by codec errors and diagnostics), convertible to the tfplugin6 wire form.

use std::fmt;

use crate::proto::tfplugin6 as pb;

/// One step of an [`AttributePath`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// An object attribute, by name.
    Attribute(String),
    /// A map element, by key.
    ElementKeyString(String),
    /// A list/tuple element by index.
    ElementKeyInt(i64),
    /// A set element, by its position in the value. The protocol cannot address set elements
    /// (Terraform would need the element's value), so the path sent to Terraform stops at the
    /// set and the diagnostic's text names the element.
    SetElement(i64),
}

/// A path from the root of a value to a nested position. The empty path is the root.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct AttributePath(pub Vec<PathStep>);

impl AttributePath {
    /// The empty path (the value itself).
    pub fn root() -> Self {
        AttributePath(Vec::new())
    }

    /// A path with a single attribute step.
    pub fn attr(name: &str) -> Self {
        AttributePath(vec![PathStep::Attribute(name.to_string())])
    }

    /// Returns a clone of this path extended with an attribute step.
    pub fn push_attr(&self, name: &str) -> Self {
        self.with(PathStep::Attribute(name.to_string()))
    }

    /// Returns a clone of this path extended with a map-key step.
    pub fn push_key(&self, k: &str) -> Self {
        self.with(PathStep::ElementKeyString(k.to_string()))
    }

    /// Returns a clone of this path extended with an index step.
    pub fn push_index(&self, i: i64) -> Self {
        self.with(PathStep::ElementKeyInt(i))
    }

    /// Returns a clone of this path extended with a set element's position.
    pub fn push_set_element(&self, i: i64) -> Self {
        self.with(PathStep::SetElement(i))
    }

    /// Whether Terraform can be shown this path as is (it holds no set element step).
    pub fn is_addressable(&self) -> bool {
        !self.0.iter().any(|s| matches!(s, PathStep::SetElement(_)))
    }

    /// The steps of this path, root first.
    pub fn steps(&self) -> &[PathStep] {
        &self.0
    }

    /// True for the empty path.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    fn with(&self, step: PathStep) -> Self {
        let mut steps = Vec::with_capacity(self.0.len() + 1);
        steps.extend(self.0.iter().cloned());
        steps.push(step);
        AttributePath(steps)
    }
}

impl fmt::Display for AttributePath {
    /// Renders `a.b[3]["k"].c`; the root path renders as the empty string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Attribute(name) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                PathStep::ElementKeyString(k) => write!(f, "[{k:?}]")?,
                PathStep::ElementKeyInt(n) | PathStep::SetElement(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

impl From<&PathStep> for pb::attribute_path::Step {
    fn from(step: &PathStep) -> Self {
        use pb::attribute_path::step::Selector;
        let selector = match step {
            PathStep::Attribute(name) => Selector::AttributeName(name.clone()),
            PathStep::ElementKeyString(k) => Selector::ElementKeyString(k.clone()),
            PathStep::ElementKeyInt(n) | PathStep::SetElement(n) => Selector::ElementKeyInt(*n),
        };
        pb::attribute_path::Step {
            selector: Some(selector),
        }
    }
}

impl From<&AttributePath> for pb::AttributePath {
    fn from(path: &AttributePath) -> Self {
        pb::AttributePath {
            steps: path
                .0
                .iter()
                .take_while(|s| !matches!(s, PathStep::SetElement(_)))
                .map(pb::attribute_path::Step::from)
                .collect(),
        }
    }
}

impl From<AttributePath> for pb::AttributePath {
    fn from(path: AttributePath) -> Self {
        pb::AttributePath::from(&path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_mixes_attributes_keys_and_indexes() {
        let p = AttributePath::attr("b2b_collaboration_inbound")
            .push_attr("users_and_groups")
            .push_attr("targets");
        assert_eq!(
            p.to_string(),
            "b2b_collaboration_inbound.users_and_groups.targets"
        );
        let q = AttributePath::root()
            .push_attr("tags")
            .push_key("k")
            .push_index(3)
            .push_attr("x");
        assert_eq!(q.to_string(), "tags[\"k\"][3].x");
        assert_eq!(AttributePath::root().to_string(), "");
        assert_eq!(AttributePath::root().push_index(0).to_string(), "[0]");
    }

    #[test]
    fn push_returns_extended_clone() {
        let base = AttributePath::attr("a");
        let ext = base.push_attr("b");
        assert_eq!(base.0.len(), 1);
        assert_eq!(ext.0.len(), 2);
        assert!(AttributePath::root().is_root());
    }

    #[test]
    fn converts_to_proto() {
        use pb::attribute_path::step::Selector;
        let p = AttributePath::attr("a").push_key("k").push_index(7);
        let proto = pb::AttributePath::from(&p);
        let sels: Vec<_> = proto.steps.into_iter().map(|s| s.selector).collect();
        assert_eq!(
            sels,
            vec![
                Some(Selector::AttributeName("a".into())),
                Some(Selector::ElementKeyString("k".into())),
                Some(Selector::ElementKeyInt(7)),
            ]
        );
    }
}
