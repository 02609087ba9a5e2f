//! The docs' side-by-side setup with hashicorp/azuread: which local name maps to which source,
//! and whether this provider's resources select it with `provider =` (used by the HCL check in
//! docs.rs), plus the checks of the worked example and of the refused hashicorp arguments.

use super::hcl::{check_hcl, tokenize, Token};
use super::{read, INDEX_DOC};
use terraform_provider_azuread::provider::schema::RETIRED;

/// `(local name, source)` for every `NAME = { source = "..." }` in the text (light: any
/// `source =` string inside an object assigned to a key).
pub(crate) fn required_providers(tokens: &[(Token, usize)]) -> Vec<(String, String)> {
    let mut stack: Vec<Option<String>> = Vec::new();
    let mut found = Vec::new();
    for (i, (token, _)) in tokens.iter().enumerate() {
        let next = |k: usize| tokens.get(i + k).map(|t| &t.0);
        match token {
            Token::Punct('{') => {
                let key = match (
                    i.checked_sub(2).map(|j| &tokens[j].0),
                    tokens.get(i.wrapping_sub(1)).map(|t| &t.0),
                ) {
                    (Some(Token::Ident(k)), Some(Token::Punct('='))) => Some(k.clone()),
                    _ => None,
                };
                stack.push(key);
            }
            Token::Punct('}') => {
                stack.pop();
            }
            Token::Ident(k) if k == "source" && next(1) == Some(&Token::Punct('=')) => {
                if let (Some(Token::Str(source)), Some(Some(local))) = (next(2), stack.last()) {
                    found.push((local.clone(), source.clone()));
                }
            }
            _ => {}
        }
    }
    found
}

pub(crate) fn local_names<'a>(sources: &'a [(String, String)], source: &str) -> Vec<&'a str> {
    sources
        .iter()
        .filter(|(_, s)| s.trim_start_matches("registry.terraform.io/") == source)
        .map(|(l, _)| l.as_str())
        .collect()
}

/// Whether the block body has `provider = NAME` (or `NAME.alias`) with NAME in `names`.
pub(crate) fn selects_provider(body: &[(Token, usize)], names: &[&str]) -> bool {
    body.windows(3).any(|w| match (&w[0].0, &w[1].0, &w[2].0) {
        (Token::Ident(k), Token::Punct('='), Token::Ident(v)) if k == "provider" => {
            names.contains(&v.split('.').next().unwrap_or_default())
        }
        _ => false,
    })
}

#[test]
fn the_side_by_side_example_selects_this_provider_explicitly() {
    let doc = read(INDEX_DOC);
    let section = doc
        .split("## Side by side with hashicorp/azuread")
        .nth(1)
        .expect("docs/index.md has a side-by-side section")
        .split("\n## ")
        .next()
        .unwrap_or_default();
    let code = section
        .split("```terraform\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a worked example");
    let tokens = tokenize(code);
    let sources = required_providers(&tokens);
    assert_eq!(local_names(&sources, "hashicorp/azuread"), ["azuread"]);
    assert_eq!(local_names(&sources, "entra-xtap/azuread"), ["xtap"]);
    assert!(code.contains("provider  = xtap"), "{code}");
    assert!(code.contains("resource \"azuread_group\""), "{code}");
    let mut problems = Vec::new();
    check_hcl("side-by-side example", code, false, &mut problems);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The same check catches the mix-up it documents.
    let broken = code.replace("provider  = xtap\n", "");
    check_hcl("broken example", &broken, false, &mut problems);
    assert_eq!(problems.len(), 1, "{problems:?}");
    let readme = read("README.md");
    assert!(
        readme.contains("provider = xtap") || readme.contains("provider  = xtap"),
        "README.md shows the side-by-side pattern"
    );
}

#[test]
fn index_doc_documents_the_refused_hashicorp_arguments() {
    let doc = read(INDEX_DOC);
    for (name, description) in RETIRED {
        assert!(
            doc.contains(&format!("- `{name}` (Boolean) {description}")),
            "{INDEX_DOC}: `{name}` is not in the Schema list"
        );
    }
}
