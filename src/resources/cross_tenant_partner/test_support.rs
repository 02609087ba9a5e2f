//! Test helpers: tests describe states as Terraform values (what the protocol carries), and
//! the code under test works on the typed model.

use super::model::PartnerModel;
use super::schema::schema;
use crate::plugin::model::{from_value, to_value};
use crate::plugin::value::Value;

/// The model of `value`, whose missing attributes are null.
pub fn model(value: &Value) -> PartnerModel {
    let Value::Object(mut full) = to_value(&PartnerModel::default(), schema().value_type())
        .expect("the default model fits the schema")
    else {
        panic!("a model is an object");
    };
    if let Value::Object(members) = value {
        full.extend(members.clone());
    }
    from_value(&Value::Object(full)).expect("a partner state")
}

/// The Terraform value of `model`.
pub fn value(model: &PartnerModel) -> Value {
    to_value(model, schema().value_type()).expect("the model fits the schema")
}
