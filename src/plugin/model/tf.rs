//! [`Tf`], the field wrapper of typed models: a value that keeps Terraform's null and unknown
//! apart from a known value, and its serde impls.
//!
//! With this module's `Value` (de)serializer, `Tf` carries all three states. With other
//! formats it behaves like `Option`: null and unknown both serialize as none (JSON `null`),
//! and none deserializes as `Tf::Null`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

/// Newtype-struct name under which `Tf` asks a deserializer for its value. Only this
/// module's deserializer recognises it (and then visits none / unit / some for null /
/// unknown / known); other formats pass the newtype through.
pub(super) const TF_TOKEN: &str = "$__terraform_model_private_Tf";

/// Newtype-struct name under which `Tf::Unknown` serializes (wrapping a none). Only this
/// module's serializer recognises it; other formats see a plain none.
pub(super) const UNKNOWN_TOKEN: &str = "$__terraform_model_private_Unknown";

/// A Terraform value that keeps null and unknown apart from a known value.
///
/// Use it for every model field whose attribute may be null (optional) or unknown during
/// plan (computed). A field without `Tf` is required: null or unknown there is an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tf<T> {
    /// The attribute is null (absent in configuration, or unset).
    Null,
    /// The attribute's value is not known yet (only during plan).
    Unknown,
    /// A known, non-null value.
    Known(T),
}

impl<T> Default for Tf<T> {
    /// `Tf::Null`, for any `T` (also one without `Default`).
    fn default() -> Self {
        Tf::Null
    }
}

impl<T> Tf<T> {
    pub fn is_null(&self) -> bool {
        matches!(self, Tf::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Tf::Unknown)
    }

    pub fn is_known(&self) -> bool {
        matches!(self, Tf::Known(_))
    }

    /// The value, only when known.
    pub fn known(&self) -> Option<&T> {
        match self {
            Tf::Known(v) => Some(v),
            _ => None,
        }
    }

    /// The value, only when known.
    pub fn into_known(self) -> Option<T> {
        match self {
            Tf::Known(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_ref(&self) -> Tf<&T> {
        match self {
            Tf::Null => Tf::Null,
            Tf::Unknown => Tf::Unknown,
            Tf::Known(v) => Tf::Known(v),
        }
    }

    /// Maps a known value; null and unknown stay as they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Tf<U> {
        match self {
            Tf::Null => Tf::Null,
            Tf::Unknown => Tf::Unknown,
            Tf::Known(v) => Tf::Known(f(v)),
        }
    }
}

/// There is deliberately no `From<T>`: beside this impl it would make `Tf::from(Some(x))`
/// ambiguous wherever the target type is not spelled out. Write `Tf::Known(x)`.
impl<T> From<Option<T>> for Tf<T> {
    /// `None` becomes `Tf::Null`, `Some(v)` becomes `Tf::Known(v)`.
    fn from(value: Option<T>) -> Self {
        match value {
            Some(v) => Tf::Known(v),
            None => Tf::Null,
        }
    }
}

impl<T: Serialize> Serialize for Tf<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Tf::Null => serializer.serialize_none(),
            Tf::Unknown => serializer.serialize_newtype_struct(UNKNOWN_TOKEN, &None::<()>),
            Tf::Known(v) => serializer.serialize_some(v),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Tf<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(TF_TOKEN, TfVisitor(PhantomData))
    }
}

struct TfVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for TfVisitor<T> {
    type Value = Tf<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Terraform value (null, unknown or known)")
    }

    /// Our deserializer: null.
    fn visit_none<E: serde::de::Error>(self) -> Result<Tf<T>, E> {
        Ok(Tf::Null)
    }

    /// Our deserializer: unknown.
    fn visit_unit<E: serde::de::Error>(self) -> Result<Tf<T>, E> {
        Ok(Tf::Unknown)
    }

    /// Our deserializer: known.
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Tf<T>, D::Error> {
        T::deserialize(deserializer).map(Tf::Known)
    }

    /// Other formats pass the newtype through: read it like an `Option`.
    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Tf<T>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Tf::from)
    }
}

#[cfg(test)]
mod tests {
    use super::Tf;

    #[test]
    fn tf_helpers() {
        let k: Tf<String> = Tf::Known("x".into());
        assert!(k.is_known() && !k.is_null() && !k.is_unknown());
        assert_eq!(k.known().map(String::as_str), Some("x"));
        assert_eq!(k.as_ref().map(|s| s.len()), Tf::Known(1));
        assert_eq!(k.clone().into_known(), Some("x".to_string()));
        assert_eq!(Tf::<u8>::Unknown.map(|x| x + 1), Tf::Unknown);
        assert_eq!(Tf::<u8>::Unknown.known(), None);
        assert_eq!(Tf::<u8>::Null.into_known(), None);
        assert_eq!(Tf::<u8>::from(None), Tf::Null);
        assert_eq!(Tf::from(Some(2u8)), Tf::Known(2));
        struct NoDefault;
        assert!(Tf::<NoDefault>::default().is_null());
    }

    #[test]
    fn tf_alone_with_serde_json() {
        assert_eq!(
            serde_json::from_str::<Tf<String>>("null").unwrap(),
            Tf::Null
        );
        assert_eq!(serde_json::to_string(&Tf::Known("x")).unwrap(), "\"x\"");
        assert_eq!(serde_json::to_string(&Tf::<u8>::Null).unwrap(), "null");
        assert_eq!(serde_json::from_str::<Tf<u8>>("7").unwrap(), Tf::Known(7));
        assert!(serde_json::from_str::<Tf<u8>>("\"x\"").is_err());
        assert_eq!(serde_json::to_string(&Tf::<u8>::Unknown).unwrap(), "null");
    }
}
