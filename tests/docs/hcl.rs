//! The light HCL check: a small tokenizer finds the top-level blocks and every `name =` key
//! inside them, and `check_hcl` reports any block type or key the schemas do not define. It
//! evaluates nothing; `terraform validate` does that.

use super::side_by_side::{local_names, required_providers, selects_provider};
use super::{
    resource_attribute_names, schema_names, IDENTITY_KEYS, IMPORT_KEYS, RESOURCE_META,
    RESOURCE_TYPE,
};
use std::collections::BTreeSet;
use terraform_provider_azuread::provider::schema::ARGUMENTS;

#[derive(Debug, PartialEq)]
pub(crate) enum Token {
    Ident(String),
    /// A quoted string's raw contents.
    Str(String),
    Punct(char),
}

/// Tokens with their line numbers. Comments are dropped; a string (even with `${...}` in it)
/// is one token.
pub(crate) fn tokenize(text: &str) -> Vec<(Token, usize)> {
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
pub(crate) fn check_hcl(name: &str, text: &str, strict: bool, problems: &mut Vec<String>) {
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
