//! The docs checks of the two singletons: azuread_cross_tenant_access_default and
//! azuread_cross_tenant_access_policy (pages, examples, snippets, import IDs, quickstart).

use super::hcl::check_hcl;
use super::*;

use terraform_provider_azuread::resources::{
    cross_tenant_access_default, cross_tenant_access_policy,
};

/// A singleton's type, docs page, examples directory and schema.
type Singleton = (&'static str, &'static str, &'static str, fn() -> Schema);

const SINGLETONS: &[Singleton] = &[
    (
        cross_tenant_access_default::TYPE_NAME,
        "docs/resources/cross_tenant_access_default.md",
        "examples/resources/azuread_cross_tenant_access_default",
        cross_tenant_access_default::schema::schema,
    ),
    (
        cross_tenant_access_policy::TYPE_NAME,
        "docs/resources/cross_tenant_access_policy.md",
        "examples/resources/azuread_cross_tenant_access_policy",
        cross_tenant_access_policy::schema::schema,
    ),
];

#[test]
fn singleton_docs_document_every_attribute_and_the_timeouts() {
    let mut missing = Vec::new();
    for (type_name, doc_path, _, schema) in SINGLETONS {
        let doc = read(doc_path);
        let schema = schema();
        let mut all = Vec::new();
        walk(&schema.block.attributes, "", &mut all);
        assert!(
            all.len() > 4,
            "{type_name}: the schema walk found too few attributes"
        );
        for (path, attr) in &all {
            if !doc.contains(&format!("`{}`", attr.name)) {
                missing.push(format!(
                    "{doc_path}: {path}: name `{}` not mentioned",
                    attr.name
                ));
            }
            if !doc.contains(attr.description.as_str()) {
                missing.push(format!(
                    "{doc_path}: {path}: description {:?} not found",
                    attr.description
                ));
            }
            if matches!(attr.kind, AttributeKind::Nested(..)) {
                let anchor = format!("<a id=\"nestedatt--{}\"></a>", path.replace('.', "--"));
                if !doc.contains(&anchor)
                    || !doc.contains(&format!("### Nested Schema for `{path}`"))
                {
                    missing.push(format!(
                        "{doc_path}: {path}: no nested schema section ({anchor})"
                    ));
                }
            }
        }
        for (op, default) in TIMEOUT_OPERATIONS {
            if !doc.contains(&format!("| `{op}` | `{default}` |")) {
                missing.push(format!("{doc_path}: the Timeouts table lacks `{op}`"));
            }
        }
        for heading in [
            format!("# {type_name} (Resource)"),
            "## Example Usage".into(),
            "## Schema".into(),
            "## Timeouts".into(),
            "## Import".into(),
        ] {
            if !doc.contains(&heading) {
                missing.push(format!("{doc_path}: lacks {heading:?}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "out of date with the schema:\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn singleton_examples_and_snippets_use_known_names_and_ids() {
    let mut problems = Vec::new();
    for (type_name, doc_path, dir, _) in SINGLETONS {
        let example = format!("{dir}/resource.tf");
        check_hcl(&example, &read(&example), true, &mut problems);
        let doc = read(doc_path);
        for (i, block) in doc.split("```terraform\n").skip(1).enumerate() {
            let code = block.split("```").next().unwrap_or_default();
            check_hcl(
                &format!("{doc_path} snippet {}", i + 1),
                code,
                false,
                &mut problems,
            );
        }
        let script = read(&format!("{dir}/import.sh"));
        let ids: Vec<&str> = script
            .lines()
            .filter_map(|line| line.trim().strip_prefix("terraform import "))
            .map(|rest| rest.split_whitespace().nth(1).unwrap_or_default())
            .collect();
        assert!(!ids.is_empty(), "{dir}/import.sh shows no import");
        for id in ids {
            let accepted = if *type_name == cross_tenant_access_default::TYPE_NAME {
                cross_tenant_access_default::parse_import_id(id).is_some()
            } else {
                cross_tenant_access_policy::parse_import_id(id).is_some()
            };
            assert!(accepted, "{dir}/import.sh: import ID {id:?} is refused");
        }
    }
    let quickstart = "examples/quickstart/main.tf";
    check_hcl(quickstart, &read(quickstart), false, &mut problems);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
