//! [`Refinements`]: what Terraform knows about a value that is not known yet, and which of it
//! applies to a given type.

use super::types::Type;
use crate::plugin::number::Number;

/// Extra knowledge about an unknown value (Terraform ≥ 1.6 "refinements").
/// Only refinements meaningful for the value's type are kept by the codec:
/// `string_prefix` for strings, number bounds for numbers, length bounds for
/// lists/sets/maps; `not_null` for any type except `dynamic`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Refinements {
    /// The value will definitely not be null.
    pub not_null: bool,
    /// Known prefix of a string (an empty prefix is treated as absent).
    pub string_prefix: Option<String>,
    /// Lower bound of a number: (bound, inclusive).
    pub number_lower: Option<(Number, bool)>,
    /// Upper bound of a number: (bound, inclusive).
    pub number_upper: Option<(Number, bool)>,
    /// Minimum collection length.
    pub length_lower: Option<i64>,
    /// Maximum collection length.
    pub length_upper: Option<i64>,
}

impl Refinements {
    /// True when nothing is refined (encodes as a plain unknown).
    pub fn is_empty(&self) -> bool {
        !self.not_null
            && self.string_prefix.as_deref().is_none_or(str::is_empty)
            && self.number_lower.is_none()
            && self.number_upper.is_none()
            && self.length_lower.is_none()
            && self.length_upper.is_none()
    }

    /// Only the refinements that apply to `ty` (what the codec writes and reads).
    pub fn for_type(&self, ty: &Type) -> Refinements {
        if *ty == Type::Dynamic {
            return Refinements::default();
        }
        Refinements {
            not_null: self.not_null,
            string_prefix: match ty {
                Type::String => self.string_prefix.clone().filter(|p| !p.is_empty()),
                _ => None,
            },
            number_lower: match ty {
                Type::Number => self.number_lower.clone(),
                _ => None,
            },
            number_upper: match ty {
                Type::Number => self.number_upper.clone(),
                _ => None,
            },
            length_lower: self.length_lower.filter(|_| ty.is_collection()),
            length_upper: self.length_upper.filter(|_| ty.is_collection()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refinements_filter_by_type() {
        let r = Refinements {
            not_null: true,
            string_prefix: Some("p".into()),
            length_lower: Some(1),
            ..Default::default()
        };
        assert_eq!(r.for_type(&Type::Number).string_prefix, None);
        assert_eq!(r.for_type(&Type::String).length_lower, None);
        assert_eq!(r.for_type(&Type::list(Type::Bool)).length_lower, Some(1));
        assert!(r.for_type(&Type::Dynamic).is_empty());
    }
}
