//! Passthrough import: ImportResourceState puts the import ID into one attribute, every other
//! attribute null, and the ReadResource that Terraform calls next fills in the rest.

use std::collections::BTreeMap;

use crate::plugin::schema::Schema;
use crate::plugin::value::Value;

/// The state an import starts from: every attribute null but `attribute`, which holds `id`.
pub fn passthrough_state(schema: &Schema, attribute: &str, id: String) -> Value {
    let mut state: BTreeMap<String, Value> = schema
        .block
        .attributes
        .iter()
        .map(|a| (a.name.clone(), Value::Null))
        .collect();
    state.insert(attribute.to_owned(), Value::String(id));
    Value::Object(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::schema::{Attribute, Block};
    use crate::plugin::value::Type;

    #[test]
    fn only_the_id_attribute_is_set() {
        let schema = Schema::new(
            0,
            Block::new(
                "r",
                vec![
                    Attribute::primitive("id", Type::String, "id").computed(),
                    Attribute::primitive("name", Type::String, "n").required(),
                ],
            ),
        );
        let state = passthrough_state(&schema, "id", "abc".into());
        assert_eq!(
            state,
            Value::object([("id", Value::from("abc")), ("name", Value::Null)])
        );
    }
}
