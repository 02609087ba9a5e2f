//! Keeps the user documentation and the examples in step with the code: every resource
//! attribute, provider argument, environment variable, cloud and timeout default is documented,
//! and the Terraform examples only use names the schemas define.
//!
//! This file holds the partner's and the index's checks and the helpers the others share; the
//! light HCL check is `docs/hcl.rs`, the other pages' checks are `docs/{family,singletons,
//! guides,side_by_side}.rs`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use terraform_provider_azuread::plugin::schema::{Attribute, AttributeKind, Schema};
use terraform_provider_azuread::plugin::traits::Provider;
use terraform_provider_azuread::provider::schema::ARGUMENTS;
use terraform_provider_azuread::provider::{AzureadProvider, CLOUDS, PROVIDER_ADDRESS};
use terraform_provider_azuread::resources::cross_tenant_partner::parse_import_id;

#[path = "docs/family.rs"]
mod family;
#[path = "docs/guides.rs"]
mod guides;
#[path = "docs/hcl.rs"]
mod hcl;
#[path = "docs/side_by_side.rs"]
mod side_by_side;
#[path = "docs/singletons.rs"]
mod singletons;
use family::FAMILY_DOCS;
use hcl::check_hcl;
use terraform_provider_azuread::resources::cross_tenant_partner::schema::{
    schema, SECTIONS, TIMEOUT_OPERATIONS,
};

const RESOURCE_TYPE: &str = "azuread_cross_tenant_partner";
const RESOURCE_DOC: &str = "docs/resources/cross_tenant_partner.md";
const INDEX_DOC: &str = "docs/index.md";
const EXAMPLE_DIR: &str = "examples/resources/azuread_cross_tenant_partner";
/// Meta-arguments Terraform accepts in any resource block (and the `lifecycle` block's keys).
const RESOURCE_META: &[&str] = &[
    "count",
    "for_each",
    "provider",
    "depends_on",
    "lifecycle",
    "create_before_destroy",
    "prevent_destroy",
    "ignore_changes",
    "replace_triggered_by",
];
const IMPORT_KEYS: &[&str] = &["to", "id", "identity", "provider", "for_each"];
/// The keys of an import block's `identity` object: the partner's resource identity.
const IDENTITY_KEYS: &[&str] = &["tenant_id"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative))
        .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
}

/// Every attribute of the resource with its dotted path, parents before children.
fn walk<'a>(attrs: &'a [Attribute], prefix: &str, out: &mut Vec<(String, &'a Attribute)>) {
    for attr in attrs {
        let path = if prefix.is_empty() {
            attr.name.clone()
        } else {
            format!("{prefix}.{}", attr.name)
        };
        out.push((path.clone(), attr));
        if let AttributeKind::Nested(_, inner) = &attr.kind {
            walk(inner, &path, out);
        }
    }
}

fn resource_attribute_names() -> BTreeSet<String> {
    let schema = schema();
    let mut all = Vec::new();
    walk(&schema.block.attributes, "", &mut all);
    all.into_iter().map(|(_, a)| a.name.clone()).collect()
}

#[test]
fn resource_doc_documents_every_attribute() {
    let doc = read(RESOURCE_DOC);
    let schema = schema();
    let mut all = Vec::new();
    walk(&schema.block.attributes, "", &mut all);
    assert!(all.len() > 40, "the schema walk found too few attributes");
    let missing = undocumented(&doc, &schema);
    assert!(
        missing.is_empty(),
        "{RESOURCE_DOC} is out of date with the schema:\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn resource_doc_has_a_worked_example_per_section_and_the_timeout_defaults() {
    let doc = read(RESOURCE_DOC);
    assert_eq!(SECTIONS.len(), 10);
    for section in SECTIONS {
        assert!(
            doc.contains(&format!("### `{}`", section.tf)),
            "{RESOURCE_DOC}: no worked example heading for section `{}`",
            section.tf
        );
        assert!(
            doc.contains(&format!("  {} = {{", section.tf)),
            "{RESOURCE_DOC}: no example sets section `{}`",
            section.tf
        );
    }
    for (op, default) in TIMEOUT_OPERATIONS {
        let row = format!("| `{op}` | `{default}` |");
        assert!(
            doc.contains(&row),
            "{RESOURCE_DOC}: the Timeouts table lacks the row {row:?}"
        );
    }
    for heading in ["## Example Usage", "## Schema", "## Timeouts", "## Import"] {
        assert!(doc.contains(heading), "{RESOURCE_DOC} lacks {heading:?}");
    }
    assert!(doc.contains("terraform plan -generate-config-out=generated.tf"));
}

#[test]
fn index_doc_documents_every_provider_argument_and_cloud() {
    let doc = read(INDEX_DOC);
    let mut missing = Vec::new();
    for arg in ARGUMENTS {
        if !doc.contains(&format!("`{}`", arg.name)) {
            missing.push(format!("argument `{}`", arg.name));
        }
        for env in arg.env {
            if !doc.contains(&format!("`{env}`")) {
                missing.push(format!("environment variable `{env}` of `{}`", arg.name));
            }
        }
    }
    for (names, cloud) in CLOUDS {
        for value in names.iter().chain([&cloud.graph, &cloud.login]) {
            if !doc.contains(&format!("`{value}`")) {
                missing.push(format!("cloud `{}`: `{value}`", cloud.name));
            }
        }
    }
    let source = PROVIDER_ADDRESS.trim_start_matches("registry.terraform.io/");
    if !doc.contains(&format!("source  = \"{source}\"")) {
        missing.push(format!("required_providers source \"{source}\""));
    }
    assert!(
        missing.is_empty(),
        "{INDEX_DOC} is out of date:\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn registry_manifest_declares_protocol_6() {
    let text = read("terraform-registry-manifest.json");
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("manifest is JSON");
    assert_eq!(manifest["version"], 1);
    assert_eq!(
        manifest["metadata"]["protocol_versions"],
        serde_json::json!(["6.0"])
    );
}

#[test]
fn import_example_uses_both_accepted_id_forms() {
    let script = read(&format!("{EXAMPLE_DIR}/import.sh"));
    let ids: Vec<&str> = script
        .lines()
        .filter_map(|line| line.trim().strip_prefix("terraform import "))
        .map(|rest| rest.split_whitespace().nth(1).unwrap_or_default())
        .collect();
    assert_eq!(ids.len(), 2, "import.sh should show two imports: {ids:?}");
    for id in &ids {
        assert!(parse_import_id(id).is_some(), "import ID {id:?} is refused");
    }
    assert!(ids.iter().any(|id| id.starts_with("/policies/")));
    assert!(ids.iter().any(|id| !id.starts_with('/')));
}

#[test]
fn examples_use_only_known_blocks_and_names() {
    let mut files = Vec::new();
    tf_files(&root().join("examples"), &mut files);
    let names: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(root()).unwrap_or(f).display().to_string())
        .collect();
    for expected in [
        "examples/provider/provider.tf".to_string(),
        format!("{EXAMPLE_DIR}/resource.tf"),
        format!("{EXAMPLE_DIR}/import-by-string-id.tf"),
    ]
    .into_iter()
    .chain(
        FAMILY_DOCS
            .iter()
            .map(|(_, _, _, example)| example.to_string()),
    ) {
        assert!(names.contains(&expected), "missing example {expected}");
    }
    let mut problems = Vec::new();
    for (file, name) in files.iter().zip(&names) {
        let text = std::fs::read_to_string(file).expect("read example");
        check_hcl(name, &text, true, &mut problems);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn doc_snippets_use_only_known_names() {
    let mut problems = Vec::new();
    let mut snippets = 0;
    for doc in [INDEX_DOC, RESOURCE_DOC] {
        let text = read(doc);
        for (i, block) in text.split("```terraform\n").skip(1).enumerate() {
            let code = block.split("```").next().unwrap_or_default();
            check_hcl(
                &format!("{doc} snippet {}", i + 1),
                code,
                false,
                &mut problems,
            );
            snippets += 1;
        }
    }
    assert!(snippets >= 12, "expected HCL snippets in the docs");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every `.tf` file below `dir`, except the quickstart (which has its own tests).
fn tf_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "quickstart") {
                tf_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "tf") {
            out.push(path);
        }
    }
}

/// The schema of a resource (`data` false) or data source the provider serves, by type name.
fn provider_schema(type_name: &str, data: bool) -> Option<Schema> {
    let provider = AzureadProvider::new();
    if data {
        let found = provider
            .data_sources()
            .into_iter()
            .find(|d| d.type_name() == type_name);
        found.map(|d| d.schema().clone())
    } else {
        let found = provider
            .resources()
            .into_iter()
            .find(|r| r.type_name() == type_name);
        found.map(|r| r.schema().clone())
    }
}

/// Every attribute name, nested ones included, of a type the provider serves.
fn schema_names(type_name: &str, data: bool) -> Option<BTreeSet<String>> {
    let schema = provider_schema(type_name, data)?;
    let mut all = Vec::new();
    walk(&schema.block.attributes, "", &mut all);
    Some(all.into_iter().map(|(_, a)| a.name.clone()).collect())
}

/// What `doc` lacks of `schema`: an attribute name, description or nested-schema section.
fn undocumented(doc: &str, schema: &Schema) -> Vec<String> {
    let mut all = Vec::new();
    walk(&schema.block.attributes, "", &mut all);
    let mut missing = Vec::new();
    for (path, attr) in &all {
        if !doc.contains(&format!("`{}`", attr.name)) {
            missing.push(format!("{path}: name `{}` not mentioned", attr.name));
        }
        if !doc.contains(attr.description.as_str()) {
            missing.push(format!(
                "{path}: description {:?} not found",
                attr.description
            ));
        }
        if matches!(attr.kind, AttributeKind::Nested(..)) {
            let anchor = format!("<a id=\"nestedatt--{}\"></a>", path.replace('.', "--"));
            if !doc.contains(&anchor) || !doc.contains(&format!("### Nested Schema for `{path}`")) {
                missing.push(format!("{path}: no nested schema section ({anchor})"));
            }
        }
    }
    missing
}

/// The coalesced-read rule is written down with the numbers the code uses.
#[test]
fn coalesced_reads_are_documented_with_their_numbers() {
    use terraform_provider_azuread::graph::{GATHER_WINDOW, LIST_THRESHOLD, SNAPSHOT_TTL};
    let words = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    let word = |n: u64| words.get(n as usize).copied().unwrap_or("many");
    let architecture = read("docs/architecture.md");
    for needle in [
        format!("`LIST_THRESHOLD` ({LIST_THRESHOLD})"),
        format!("`GATHER_WINDOW` ({} ms)", GATHER_WINDOW.as_millis()),
        format!("`SNAPSHOT_TTL` ({} s)", SNAPSHOT_TTL.as_secs()),
    ] {
        assert!(
            architecture.contains(&needle),
            "docs/architecture.md: {needle}"
        );
    }
    let resource = read(RESOURCE_DOC);
    for needle in [
        format!("refreshes {} or more partners", word(LIST_THRESHOLD as u64)),
        format!("up to {} ms", GATHER_WINDOW.as_millis()),
        format!("at most {} seconds", word(SNAPSHOT_TTL.as_secs())),
    ] {
        assert!(resource.contains(&needle), "{RESOURCE_DOC}: {needle}");
    }
}
