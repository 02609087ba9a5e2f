//! Diagnostics: what a handler reports back to Terraform, each optionally tied to an attribute.

use crate::plugin::path::{AttributePath, PathStep};
use crate::proto::tfplugin6 as pb;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub summary: String,
    pub detail: String,
    pub path: Option<AttributePath>,
}

/// Collects diagnostics for one RPC; handlers push into it and the server returns them all.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn error(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Severity::Error, summary.into(), detail.into(), None);
    }

    pub fn error_at(
        &mut self,
        path: AttributePath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Severity::Error, summary.into(), detail.into(), Some(path));
    }

    pub fn warning(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Severity::Warning, summary.into(), detail.into(), None);
    }

    pub fn warning_at(
        &mut self,
        path: AttributePath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Severity::Warning, summary.into(), detail.into(), Some(path));
    }

    fn push(
        &mut self,
        severity: Severity,
        summary: String,
        detail: String,
        path: Option<AttributePath>,
    ) {
        self.0.push(Diagnostic {
            severity,
            summary,
            detail,
            path,
        });
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// How many diagnostics there are, for [`Self::annotate_since`].
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Appends `note` to the detail of every diagnostic added after the first `start`.
    pub fn annotate_since(&mut self, start: usize, note: &str) {
        for d in self.0.iter_mut().skip(start) {
            d.detail.push_str(note);
        }
    }

    /// Puts `attribute` in front of every path: the diagnostics were found in a value that
    /// Terraform holds under that attribute (a list resource's `config` block).
    pub fn nest_under(&mut self, attribute: &str) {
        for d in &mut self.0 {
            if let Some(path) = &mut d.path {
                path.0.insert(0, PathStep::Attribute(attribute.into()));
            }
        }
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_proto(self) -> Vec<pb::Diagnostic> {
        self.0.into_iter().map(to_proto).collect()
    }
}

fn to_proto(d: Diagnostic) -> pb::Diagnostic {
    let severity = match d.severity {
        Severity::Error => pb::diagnostic::Severity::Error,
        Severity::Warning => pb::diagnostic::Severity::Warning,
    };
    pb::Diagnostic {
        severity: severity as i32,
        summary: d.summary,
        detail: d.detail,
        attribute: d.path.as_ref().map(pb::AttributePath::from),
    }
}
