//! The schema model a provider declares, its value type for the codec, and its protocol rendering.

use crate::plugin::behaviour::{PlanModifier, PlanModifiers, Validator, Validators};
use crate::plugin::value::{Type, Value};
use crate::proto::tfplugin6 as pb;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::OnceLock;

/// How a nested attribute or block holds its objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NestingMode {
    Single,
    List,
    Set,
    Map,
    /// Blocks only: a single block that is never null (absent means all-null attributes).
    Group,
}

#[derive(Clone, Debug, PartialEq)]
pub enum AttributeKind {
    /// A value of a plain type, e.g. `string` or `set(string)`.
    Primitive(Type),
    /// An attribute whose value is one or more objects with their own attributes.
    Nested(NestingMode, Vec<Attribute>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub kind: AttributeKind,
    pub description: String,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    pub deprecation: Option<String>,
    /// Checks applied to a known configuration value (ValidateResourceConfig).
    pub validators: Validators,
    /// Planned for an optional+computed attribute the configuration leaves null.
    pub default: Option<Value>,
    /// Applied to the planned value in PlanResourceChange.
    pub plan_modifiers: PlanModifiers,
}

impl Attribute {
    fn new(name: &str, kind: AttributeKind, description: &str) -> Self {
        Attribute {
            name: name.to_string(),
            kind,
            description: description.to_string(),
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            deprecation: None,
            validators: Validators::default(),
            default: None,
            plan_modifiers: PlanModifiers::default(),
        }
    }

    /// A primitive-typed attribute; chain `.required()`, `.optional()`, `.computed()`.
    pub fn primitive(name: &str, ty: Type, description: &str) -> Self {
        Self::new(name, AttributeKind::Primitive(ty), description)
    }

    pub fn nested(name: &str, mode: NestingMode, attrs: Vec<Attribute>, description: &str) -> Self {
        Self::new(name, AttributeKind::Nested(mode, attrs), description)
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    pub fn computed(mut self) -> Self {
        self.computed = true;
        self
    }

    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    pub fn validate(mut self, validator: Arc<dyn Validator>) -> Self {
        self.validators.0.push(validator);
        self
    }

    /// The value planned when the configuration leaves this optional+computed attribute null.
    pub fn default_value(mut self, value: Value) -> Self {
        self.default = Some(value);
        self
    }

    pub fn plan_modifier(mut self, modifier: Arc<dyn PlanModifier>) -> Self {
        self.plan_modifiers.0.push(modifier);
        self
    }

    pub fn deprecated(mut self, message: &str) -> Self {
        self.deprecation = Some(message.to_string());
        self
    }

    pub fn value_type(&self) -> Type {
        match &self.kind {
            AttributeKind::Primitive(t) => t.clone(),
            AttributeKind::Nested(mode, attrs) => nest(
                *mode,
                object_type(attrs.iter().map(|a| (a.name.clone(), a.value_type()))),
            ),
        }
    }

    fn to_proto(&self) -> pb::schema::Attribute {
        let (ty, nested_type) = match &self.kind {
            AttributeKind::Primitive(t) => (t.to_json(), None),
            AttributeKind::Nested(mode, attrs) => {
                let nesting = match mode {
                    NestingMode::Single | NestingMode::Group => {
                        pb::schema::object::NestingMode::Single
                    }
                    NestingMode::List => pb::schema::object::NestingMode::List,
                    NestingMode::Set => pb::schema::object::NestingMode::Set,
                    NestingMode::Map => pb::schema::object::NestingMode::Map,
                };
                let object = pb::schema::Object {
                    attributes: attrs.iter().map(Attribute::to_proto).collect(),
                    nesting: nesting as i32,
                    ..Default::default()
                };
                (Vec::new(), Some(object))
            }
        };
        pb::schema::Attribute {
            name: self.name.clone(),
            r#type: ty,
            nested_type,
            description: self.description.clone(),
            required: self.required,
            optional: self.optional,
            computed: self.computed,
            sensitive: self.sensitive,
            description_kind: pb::StringKind::Markdown as i32,
            deprecated: self.deprecation.is_some(),
            write_only: false,
            deprecation_message: self.deprecation.clone().unwrap_or_default(),
        }
    }
}

/// A nested block (HCL `name { ... }` syntax), kept for provider blocks that need it.
#[derive(Clone, Debug, PartialEq)]
pub struct NestedBlock {
    pub name: String,
    pub mode: NestingMode,
    pub block: Block,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Block {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
    pub description: String,
    pub deprecation: Option<String>,
}

impl Block {
    pub fn new(description: &str, attributes: Vec<Attribute>) -> Self {
        Block {
            attributes,
            description: description.to_string(),
            ..Default::default()
        }
    }

    pub fn value_type(&self) -> Type {
        let attrs = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.value_type()));
        let blocks = self
            .blocks
            .iter()
            .map(|b| (b.name.clone(), nest(b.mode, b.block.value_type())));
        object_type(attrs.chain(blocks))
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    fn to_proto(&self, version: i64) -> pb::schema::Block {
        pb::schema::Block {
            version,
            attributes: self.attributes.iter().map(Attribute::to_proto).collect(),
            block_types: self.blocks.iter().map(NestedBlock::to_proto).collect(),
            description: self.description.clone(),
            description_kind: pb::StringKind::Markdown as i32,
            deprecated: self.deprecation.is_some(),
            deprecation_message: self.deprecation.clone().unwrap_or_default(),
        }
    }
}

impl NestedBlock {
    fn to_proto(&self) -> pb::schema::NestedBlock {
        use pb::schema::nested_block::NestingMode as M;
        let nesting = match self.mode {
            NestingMode::Single => M::Single,
            NestingMode::List => M::List,
            NestingMode::Set => M::Set,
            NestingMode::Map => M::Map,
            NestingMode::Group => M::Group,
        };
        pb::schema::NestedBlock {
            type_name: self.name.clone(),
            block: Some(self.block.to_proto(0)),
            nesting: nesting as i32,
            min_items: 0,
            max_items: 0,
        }
    }
}

/// A schema built the first time it is asked for. Terraform starts the plugin several times per
/// command and most of those processes touch one resource type at most, so building every
/// type's schema at start-up was wasted there (a data source's schema rewords the resource's,
/// which is most of a short-lived process's own work).
pub struct LazySchema {
    cell: OnceLock<Schema>,
    build: fn() -> Schema,
}

impl LazySchema {
    pub const fn new(build: fn() -> Schema) -> LazySchema {
        LazySchema {
            cell: OnceLock::new(),
            build,
        }
    }

    pub fn get(&self) -> &Schema {
        self.cell.get_or_init(self.build)
    }
}

/// A versioned schema of a provider, resource or data source.
#[derive(Clone, Debug)]
pub struct Schema {
    pub version: i64,
    pub block: Block,
    /// The block's value type, built on first use: every RPC decodes against it, and
    /// building the type tree per call was a visible share of the provider's CPU.
    value_type: OnceLock<Type>,
}

impl PartialEq for Schema {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && self.block == other.block
    }
}

impl Schema {
    pub fn new(version: i64, block: Block) -> Schema {
        Schema {
            version,
            block,
            value_type: OnceLock::new(),
        }
    }

    /// The type of this schema's values (objects of its attributes and blocks).
    pub fn value_type(&self) -> &Type {
        self.value_type.get_or_init(|| self.block.value_type())
    }

    pub fn to_proto(&self) -> pb::Schema {
        pb::Schema {
            version: self.version,
            block: Some(self.block.to_proto(self.version)),
        }
    }
}

fn object_type(attrs: impl Iterator<Item = (String, Type)>) -> Type {
    Type::Object(attrs.collect::<BTreeMap<_, _>>())
}

fn nest(mode: NestingMode, inner: Type) -> Type {
    match mode {
        NestingMode::Single | NestingMode::Group => inner,
        NestingMode::List => Type::List(Box::new(inner)),
        NestingMode::Set => Type::Set(Box::new(inner)),
        NestingMode::Map => Type::Map(Box::new(inner)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_set_attribute_renders_object_and_type() {
        let target = vec![
            Attribute::primitive("target", Type::String, "t").required(),
            Attribute::primitive("target_type", Type::String, "tt").required(),
        ];
        let attr =
            Attribute::nested("targets", NestingMode::Set, target, "set of targets").optional();
        let ty = attr.value_type();
        assert!(
            matches!(ty, Type::Set(ref inner) if matches!(**inner, Type::Object(ref m) if m.len() == 2))
        );
        let p = attr.to_proto();
        assert!(
            p.r#type.is_empty(),
            "nested attributes carry nested_type, not type"
        );
        let obj = p.nested_type.expect("nested type");
        assert_eq!(obj.nesting, pb::schema::object::NestingMode::Set as i32);
        assert_eq!(obj.attributes.len(), 2);
        assert_eq!(p.description_kind, pb::StringKind::Markdown as i32);
    }

    #[test]
    fn sensitive_and_deprecated_flags_render() {
        let a = Attribute::primitive("secret", Type::String, "s")
            .optional()
            .sensitive()
            .deprecated("use x");
        let p = a.to_proto();
        assert!(p.sensitive && p.optional && p.deprecated);
        assert_eq!(p.deprecation_message, "use x");
        assert_eq!(p.r#type, b"\"string\"".to_vec());
    }

    #[test]
    fn blocks_contribute_to_the_object_type() {
        let mut b = Block::new(
            "root",
            vec![Attribute::primitive("id", Type::String, "id").computed()],
        );
        b.blocks.push(NestedBlock {
            name: "features".into(),
            mode: NestingMode::List,
            block: Block::new(
                "f",
                vec![Attribute::primitive("x", Type::Bool, "x").optional()],
            ),
        });
        match b.value_type() {
            Type::Object(m) => {
                assert!(matches!(m.get("features"), Some(Type::List(_))));
                assert_eq!(m.get("id"), Some(&Type::String));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
