//! Resource identity (protocol 6.9+): the few attributes that name a remote object, which
//! Terraform 1.12+ stores beside the state and accepts in `import { identity = { ... } }`.
//!
//! An identity here is a projection of the state: each identity attribute is the state
//! attribute of the same name. So a resource declares only which attributes identify it, and
//! the read, plan, apply and import responses carry the identity without resource code.
//! Clients that predate identity (Terraform ≤ 1.11, OpenTofu) ignore it.

use std::collections::BTreeMap;

use crate::plugin::value::{Type, Value};
use crate::proto::tfplugin6 as pb;

/// One identity attribute; it names a state attribute of the same name and type.
#[derive(Clone, Debug)]
pub struct IdentityAttribute {
    pub name: &'static str,
    pub ty: Type,
    pub description: &'static str,
    /// Whether `import { identity = ... }` must give it.
    pub required_for_import: bool,
    /// A string compared without letter case (a GUID): the identity holds it in lower case,
    /// so a configuration or import in upper case names the same object as Graph's answer.
    pub case_insensitive: bool,
}

#[derive(Clone, Debug)]
pub struct IdentitySchema {
    pub version: i64,
    pub attributes: Vec<IdentityAttribute>,
}

impl IdentitySchema {
    /// An identity of one required string attribute compared without letter case, the usual
    /// case: a remote object's GUID.
    pub fn single_guid(name: &'static str, description: &'static str) -> Self {
        IdentitySchema {
            version: 0,
            attributes: vec![IdentityAttribute {
                name,
                ty: Type::String,
                description,
                required_for_import: true,
                case_insensitive: true,
            }],
        }
    }

    pub fn value_type(&self) -> Type {
        Type::Object(
            self.attributes
                .iter()
                .map(|a| (a.name.to_string(), a.ty.clone()))
                .collect(),
        )
    }

    /// The identity of the object whose state is `state`, or `None` while the state does not
    /// name it yet (null state, or an identity attribute null or unknown).
    pub fn from_state(&self, state: &Value) -> Option<Value> {
        let mut identity = BTreeMap::new();
        for attribute in &self.attributes {
            let value = state.get(attribute.name)?;
            if value.is_null() || !value.is_wholly_known() {
                return None;
            }
            let value = match value.as_str() {
                Some(text) if attribute.case_insensitive => Value::from(text.to_lowercase()),
                _ => value.clone(),
            };
            identity.insert(attribute.name.to_string(), value);
        }
        Some(Value::Object(identity))
    }

    /// The string an identity of one string attribute amounts to: that attribute's value, which
    /// such a resource accepts as its import ID. `None` for any other identity.
    pub fn as_import_id(&self, identity: &Value) -> Option<String> {
        match self.attributes.as_slice() {
            [only] if only.ty == Type::String => {
                identity.get(only.name)?.as_str().map(str::to_owned)
            }
            _ => None,
        }
    }

    /// The reverse of [`Self::as_import_id`]: the one attribute and its value, as the identity
    /// holds it, for an import ID.
    pub fn from_import_id(&self, id: &str) -> Option<(&'static str, Value)> {
        match self.attributes.as_slice() {
            [only] if only.ty == Type::String => {
                let id = if only.case_insensitive {
                    id.to_lowercase()
                } else {
                    id.to_owned()
                };
                Some((only.name, Value::String(id)))
            }
            _ => None,
        }
    }

    pub fn to_proto(&self) -> pb::ResourceIdentitySchema {
        pb::ResourceIdentitySchema {
            version: self.version,
            identity_attributes: self
                .attributes
                .iter()
                .map(|a| pb::resource_identity_schema::IdentityAttribute {
                    name: a.name.to_string(),
                    r#type: a.ty.to_json(),
                    required_for_import: a.required_for_import,
                    optional_for_import: !a.required_for_import,
                    description: a.description.to_string(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> IdentitySchema {
        IdentitySchema::single_guid("tenant_id", "the tenant")
    }

    #[test]
    fn identity_is_projected_from_state() {
        let state = Value::object([
            ("id", Value::from("abc")),
            ("tenant_id", Value::from("abc")),
            ("name", Value::from("n")),
        ]);
        assert_eq!(
            schema().from_state(&state),
            Some(Value::object([("tenant_id", Value::from("abc"))]))
        );
    }

    #[test]
    fn a_case_insensitive_attribute_is_held_in_lower_case() {
        let state = Value::object([("tenant_id", Value::from("ABC"))]);
        assert_eq!(
            schema().from_state(&state),
            Some(Value::object([("tenant_id", Value::from("abc"))]))
        );
    }

    #[test]
    fn no_identity_until_the_state_names_the_object() {
        let s = schema();
        assert_eq!(s.from_state(&Value::Null), None);
        assert_eq!(
            s.from_state(&Value::object([("tenant_id", Value::Null)])),
            None
        );
        assert_eq!(
            s.from_state(&Value::object([("tenant_id", Value::unknown())])),
            None
        );
        assert_eq!(
            s.from_state(&Value::object([("id", Value::from("x"))])),
            None
        );
    }

    #[test]
    fn a_single_string_identity_is_an_import_id() {
        let identity = Value::object([("tenant_id", Value::from("abc"))]);
        assert_eq!(schema().as_import_id(&identity).as_deref(), Some("abc"));
        assert_eq!(schema().as_import_id(&Value::Null), None);
        assert_eq!(
            schema().from_import_id("ABC"),
            Some(("tenant_id", Value::from("abc")))
        );
    }

    #[test]
    fn proto_lists_attributes_with_their_type() {
        let proto = schema().to_proto();
        assert_eq!(proto.version, 0);
        let attr = &proto.identity_attributes[0];
        assert_eq!(attr.name, "tenant_id");
        assert_eq!(attr.r#type, b"\"string\"");
        assert!(attr.required_for_import && !attr.optional_for_import);
    }
}
