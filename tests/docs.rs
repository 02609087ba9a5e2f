//! Keeps the user documentation and the examples in step with the code: every resource
//! attribute, provider argument, environment variable, cloud and timeout default is documented,
//! and the Terraform examples only use names the schemas define.
//!
//! The HCL check is deliberately light: a small tokenizer finds the top-level blocks and every
//! `name =` key inside them. It does not evaluate anything; `terraform validate` does that.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use terraform_provider_azuread::plugin::schema::{Attribute, AttributeKind, Schema};
use terraform_provider_azuread::plugin::traits::Provider;
use terraform_provider_azuread::provider::schema::ARGUMENTS;
use terraform_provider_azuread::provider::{AzureadProvider, CLOUDS, PROVIDER_ADDRESS};
use terraform_provider_azuread::resources::cross_tenant_partner::parse_import_id;

#[path = "docs/guides.rs"]
mod guides;
#[path = "docs/side_by_side.rs"]
mod side_by_side;
#[path = "docs/singletons.rs"]
mod singletons;
use side_by_side::{local_names, required_providers, selects_provider};
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

#[derive(Debug, PartialEq)]
enum Token {
    Ident(String),
    /// A quoted string's raw contents.
    Str(String),
    Punct(char),
}

/// Tokens with their line numbers. Comments are dropped; a string (even with `${...}` in it)
/// is one token.
fn tokenize(text: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let (mut i, mut line, mut tokens) = (0, 1, Vec::new());
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '#' || (c == '/' && next == Some('/')) {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                line += usize::from(chars[i] == '\n');
                i += 1;
            }
            i += 2;
        } else if c == '"' {
            let (start, first) = (line, i + 1);
            let mut depth = 0usize;
            i += 1;
            while i < chars.len() && (chars[i] != '"' || depth > 0) {
                match chars[i] {
                    '\\' => i += 1,
                    '$' if chars.get(i + 1) == Some(&'{') => {
                        depth += 1;
                        i += 1;
                    }
                    '}' if depth > 0 => depth -= 1,
                    '\n' => line += 1,
                    _ => {}
                }
                i += 1;
            }
            let contents = chars[first..i.min(chars.len())].iter().collect();
            i += 1;
            tokens.push((Token::Str(contents), start));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || "_-".contains(chars[i])) {
                i += 1;
            }
            tokens.push((Token::Ident(chars[start..i].iter().collect()), line));
        } else {
            tokens.push((Token::Punct(c), line));
            i += 1;
        }
    }
    tokens
}

/// Checks the top-level blocks of `text` and the keys assigned inside them. With `strict`,
/// only the block types an example may contain are allowed.
fn check_hcl(name: &str, text: &str, strict: bool, problems: &mut Vec<String>) {
    let attributes = resource_attribute_names();
    let arguments: BTreeSet<&str> = ARGUMENTS.iter().map(|a| a.name).collect();
    let tokens = tokenize(text);
    // Side by side with hashicorp/azuread: its local name's blocks and resources are its own
    // (not checked here), and this provider's resources must select theirs with `provider =`.
    let sources = required_providers(&tokens);
    let hashicorp = local_names(&sources, "hashicorp/azuread");
    let ours = local_names(&sources, "entra-xtap/azuread");
    let hashicorp_has_azuread = hashicorp.contains(&"azuread");
    let mut i = 0;
    while i < tokens.len() {
        let (Token::Ident(kind), line) = &tokens[i] else {
            problems.push(format!(
                "{name}:{}: unexpected token at top level",
                tokens[i].1
            ));
            i += 1;
            continue;
        };
        // Header: `kind "label" ... {`.
        let mut labels = Vec::new();
        let mut j = i + 1;
        while let Some((Token::Str(l) | Token::Ident(l), _)) = tokens.get(j) {
            labels.push(l.as_str());
            j += 1;
        }
        if tokens.get(j).map(|t| &t.0) != Some(&Token::Punct('{')) {
            problems.push(format!("{name}:{line}: `{kind}` is not a block"));
            return;
        }
        let body_start = j + 1;
        let mut depth = 1;
        while depth > 0 && j + 1 < tokens.len() {
            j += 1;
            match tokens[j].0 {
                Token::Punct('{') => depth += 1,
                Token::Punct('}') => depth -= 1,
                _ => {}
            }
        }
        let body = &tokens[body_start..j];
        let other_names = match (kind.as_str(), labels.first()) {
            ("resource", Some(&label)) if label != RESOURCE_TYPE => {
                Some(schema_names(label, false))
            }
            ("data", Some(&label)) => Some(schema_names(label, true)),
            _ => None,
        };
        let allowed: Option<BTreeSet<&str>> = match kind.as_str() {
            "resource" if hashicorp_has_azuread && labels.first() != Some(&RESOURCE_TYPE) => None,
            "resource" | "data" if other_names.is_some() => {
                match other_names.as_ref().and_then(Option::as_ref) {
                    Some(names) => Some(
                        names
                            .iter()
                            .map(String::as_str)
                            .chain(RESOURCE_META.iter().copied())
                            .collect(),
                    ),
                    None => {
                        problems.push(format!(
                            "{name}:{line}: {kind} type {:?} is not one this provider has",
                            labels.first()
                        ));
                        None
                    }
                }
            }
            "resource" => {
                if labels.first() != Some(&RESOURCE_TYPE) {
                    problems.push(format!("{name}:{line}: resource is not a {RESOURCE_TYPE}"));
                }
                if hashicorp_has_azuread && !selects_provider(body, &ours) {
                    problems.push(format!(
                        "{name}:{line}: with hashicorp/azuread named `azuread`, a {RESOURCE_TYPE} needs `provider = <this provider's local name>` ({ours:?})"
                    ));
                }
                Some(
                    attributes
                        .iter()
                        .map(String::as_str)
                        .chain(RESOURCE_META.iter().copied())
                        .collect(),
                )
            }
            "provider" if labels.first().is_some_and(|l| hashicorp.contains(l)) => None,
            // An output's value is an expression: nothing to check by name.
            "output" => None,
            "provider" => Some(arguments.iter().copied().chain(["alias"]).collect()),
            "import" => Some(IMPORT_KEYS.iter().chain(IDENTITY_KEYS).copied().collect()),
            "terraform" => None,
            other => {
                if strict {
                    problems.push(format!(
                        "{name}:{line}: examples may not contain `{other}` blocks"
                    ));
                }
                None
            }
        };
        if let Some(allowed) = allowed {
            for (key, key_line) in assigned_keys(body) {
                if !allowed.contains(key.as_str()) {
                    problems.push(format!(
                        "{name}:{key_line}: `{key}` is not a known name in a `{kind}` block"
                    ));
                }
            }
        }
        i = j + 1;
    }
}

/// Every identifier followed by a single `=` (not `==` or `=>`), i.e. an attribute or object key.
fn assigned_keys(body: &[(Token, usize)]) -> Vec<(String, usize)> {
    body.windows(3)
        .filter_map(|w| match (&w[0], &w[1].0, &w[2].0) {
            ((Token::Ident(key), line), Token::Punct('='), next)
                if *next != Token::Punct('=') && *next != Token::Punct('>') =>
            {
                Some((key.clone(), *line))
            }
            _ => None,
        })
        .collect()
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

/// The identity-sync resource and the data sources: (doc, type, is a data source,
/// example file).
const FAMILY_DOCS: &[(&str, &str, bool, &str)] = &[
    (
        "docs/resources/cross_tenant_partner_identity_sync.md",
        "azuread_cross_tenant_partner_identity_sync",
        false,
        "examples/resources/azuread_cross_tenant_partner_identity_sync/resource.tf",
    ),
    (
        "docs/data-sources/cross_tenant_partner.md",
        "azuread_cross_tenant_partner",
        true,
        "examples/data-sources/azuread_cross_tenant_partner/data-source.tf",
    ),
    (
        "docs/data-sources/cross_tenant_partners.md",
        "azuread_cross_tenant_partners",
        true,
        "examples/data-sources/azuread_cross_tenant_partners/data-source.tf",
    ),
    (
        "docs/data-sources/cross_tenant_access_default.md",
        "azuread_cross_tenant_access_default",
        true,
        "examples/data-sources/azuread_cross_tenant_access_default/data-source.tf",
    ),
];

#[test]
fn family_docs_document_every_attribute_and_show_their_example() {
    let mut problems = Vec::new();
    for (doc_path, type_name, data, example) in FAMILY_DOCS {
        let doc = read(doc_path);
        let schema = provider_schema(type_name, *data)
            .unwrap_or_else(|| panic!("the provider does not serve {type_name}"));
        problems.extend(
            undocumented(&doc, &schema)
                .into_iter()
                .map(|m| format!("{doc_path}: {m}")),
        );
        for heading in ["## Example Usage", "## Schema"] {
            if !doc.contains(heading) {
                problems.push(format!("{doc_path}: lacks {heading:?}"));
            }
        }
        if !doc.contains(read(example).trim()) {
            problems.push(format!("{doc_path}: does not show {example} verbatim"));
        }
        if !doc.contains("| `read` | `5m` |") {
            problems.push(format!("{doc_path}: the Timeouts table lacks the read row"));
        }
        for (i, block) in doc.split("```terraform\n").skip(1).enumerate() {
            let code = block.split("```").next().unwrap_or_default();
            check_hcl(
                &format!("{doc_path} snippet {}", i + 1),
                code,
                false,
                &mut problems,
            );
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn identity_sync_import_example_uses_both_accepted_id_forms() {
    let dir = "examples/resources/azuread_cross_tenant_partner_identity_sync";
    let script = read(&format!("{dir}/import.sh"));
    let ids: Vec<&str> = script
        .lines()
        .filter_map(|line| line.trim().strip_prefix("terraform import "))
        .map(|rest| rest.split_whitespace().nth(1).unwrap_or_default())
        .collect();
    assert_eq!(ids.len(), 2, "import.sh should show two imports: {ids:?}");
    assert!(ids
        .iter()
        .any(|id| id.ends_with("/identitySynchronization")));
    assert!(ids.iter().any(|id| !id.starts_with('/')));
    let doc = read(FAMILY_DOCS[0].0);
    for id in ids {
        assert!(
            doc.contains(id),
            "the resource doc does not show the import ID {id}"
        );
    }
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
