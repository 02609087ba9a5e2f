//! Keeps the user documentation and the examples in step with the code: every resource
//! attribute, provider argument, environment variable, cloud and timeout default is documented,
//! and the Terraform examples only use names the schemas define.
//!
//! The HCL check is deliberately light: a small tokenizer finds the top-level blocks and every
//! `name =` key inside them. It does not evaluate anything; `terraform validate` does that.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use terraform_provider_azuread::plugin::schema::{Attribute, AttributeKind};
use terraform_provider_azuread::provider::schema::ARGUMENTS;
use terraform_provider_azuread::provider::{CLOUDS, PROVIDER_ADDRESS};
use terraform_provider_azuread::resources::cross_tenant_partner::parse_import_id;
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
const IMPORT_KEYS: &[&str] = &["to", "id", "provider", "for_each"];

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
            let heading = format!("### Nested Schema for `{path}`");
            if !doc.contains(&anchor) || !doc.contains(&heading) {
                missing.push(format!("{path}: no nested schema section ({anchor})"));
            }
        }
    }
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
    ] {
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
        let singleton = labels.first().and_then(|t| singleton_attribute_names(t));
        let allowed: Option<BTreeSet<&str>> = match kind.as_str() {
            "resource" => {
                let names = match &singleton {
                    Some(names) => names,
                    None => {
                        if labels.first() != Some(&RESOURCE_TYPE) {
                            problems
                                .push(format!("{name}:{line}: resource is not a {RESOURCE_TYPE}"));
                        }
                        &attributes
                    }
                };
                Some(
                    names
                        .iter()
                        .map(String::as_str)
                        .chain(RESOURCE_META.iter().copied())
                        .collect(),
                )
            }
            "provider" => Some(arguments.iter().copied().chain(["alias"]).collect()),
            "import" => Some(IMPORT_KEYS.iter().copied().collect()),
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

// The singletons: azuread_cross_tenant_access_default and azuread_cross_tenant_access_policy.

use terraform_provider_azuread::plugin::schema::Schema;
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

fn singleton_attribute_names(type_name: &str) -> Option<BTreeSet<String>> {
    let (_, _, _, schema) = SINGLETONS.iter().find(|(t, ..)| *t == type_name)?;
    let schema = schema();
    let mut all = Vec::new();
    walk(&schema.block.attributes, "", &mut all);
    Some(all.into_iter().map(|(_, a)| a.name.clone()).collect())
}

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
