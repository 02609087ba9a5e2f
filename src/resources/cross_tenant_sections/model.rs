//! The typed values of a section, shared by every model that holds sections: flags, target
//! configurations, the invitation redemption order, and [`SectionModel`], the trait through
//! which the table-driven mapping reaches a model's sections by their Terraform names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::table::Section;
use crate::plugin::model::Tf;

/// A flag section such as `inbound_trust`: member name → flag.
pub type Flags = BTreeMap<String, Tf<bool>>;
/// A target section such as `b2b_collaboration_inbound`: half name → target configuration.
pub type Halves = BTreeMap<String, Tf<TargetConfiguration>>;

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

/// The invitation redemption order of the default configuration (`Shape::Providers`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Providers {
    pub primary_identity_provider_precedence_order: Tf<Vec<Tf<String>>>,
    pub fallback_identity_provider: Tf<String>,
}

/// The `timeouts` attribute of a resource with create, read, update and delete timeouts.
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
    Providers(&'a Tf<Providers>),
}

impl SectionRef<'_> {
    pub fn is_null(&self) -> bool {
        match self {
            SectionRef::Flags(v) => v.is_null(),
            SectionRef::Targets(v) => v.is_null(),
            SectionRef::Providers(v) => v.is_null(),
        }
    }

    pub fn is_known(&self) -> bool {
        match self {
            SectionRef::Flags(v) => v.is_known(),
            SectionRef::Targets(v) => v.is_known(),
            SectionRef::Providers(v) => v.is_known(),
        }
    }

    pub fn to_owned(self) -> SectionValue {
        match self {
            SectionRef::Flags(v) => SectionValue::Flags(v.clone()),
            SectionRef::Targets(v) => SectionValue::Targets(v.clone()),
            SectionRef::Providers(v) => SectionValue::Providers(v.clone()),
        }
    }
}

/// A section's value, owned.
#[derive(Clone, Debug, PartialEq)]
pub enum SectionValue {
    Flags(Tf<Flags>),
    Targets(Tf<Halves>),
    Providers(Tf<Providers>),
}

impl SectionValue {
    pub fn as_ref(&self) -> SectionRef<'_> {
        match self {
            SectionValue::Flags(v) => SectionRef::Flags(v),
            SectionValue::Targets(v) => SectionRef::Targets(v),
            SectionValue::Providers(v) => SectionRef::Providers(v),
        }
    }

    /// An unknown value of the same kind.
    pub fn unknown_like(&self) -> SectionValue {
        match self {
            SectionValue::Flags(_) => SectionValue::Flags(Tf::Unknown),
            SectionValue::Targets(_) => SectionValue::Targets(Tf::Unknown),
            SectionValue::Providers(_) => SectionValue::Providers(Tf::Unknown),
        }
    }
}

/// A model whose sections the shared mapping reads and writes by Terraform name.
pub trait SectionModel: Default + Clone {
    /// The sections this model holds, in the order they are sent.
    const SECTIONS: &'static [Section];

    /// The section named `tf`, if the model has it.
    fn section(&self, tf: &str) -> Option<SectionRef<'_>>;

    /// Replaces the section named `tf`; a value of another kind is ignored.
    fn set_section(&mut self, tf: &str, value: SectionValue);
}

/// Implements [`SectionModel`] for a model struct whose section fields are named as the
/// sections are: `section_model!(Model, TABLE, { field: Flags, other: Targets, .. })`.
macro_rules! section_model {
    ($model:ty, $table:expr, { $($field:ident : $kind:ident),* $(,)? }) => {
        impl $crate::resources::cross_tenant_sections::SectionModel for $model {
            const SECTIONS: &'static [$crate::resources::cross_tenant_sections::Section] = $table;

            fn section(&self, tf: &str) -> Option<$crate::resources::cross_tenant_sections::SectionRef<'_>> {
                use $crate::resources::cross_tenant_sections::SectionRef;
                match tf {
                    $(stringify!($field) => Some(SectionRef::$kind(&self.$field)),)*
                    _ => None,
                }
            }

            fn set_section(&mut self, tf: &str, value: $crate::resources::cross_tenant_sections::SectionValue) {
                use $crate::resources::cross_tenant_sections::SectionValue;
                match (tf, value) {
                    $((stringify!($field), SectionValue::$kind(v)) => self.$field = v,)*
                    _ => {}
                }
            }
        }
    };
}
pub(crate) use section_model;
