//! The identity-sync resource's and the data sources' pages: every attribute documented, the
//! example shown verbatim, the timeouts table, known names in every snippet, and the
//! identity-sync import example.

use super::hcl::check_hcl;
use super::{provider_schema, read, undocumented};

/// The identity-sync resource and the data sources: (doc, type, is a data source,
/// example file).
pub(crate) const FAMILY_DOCS: &[(&str, &str, bool, &str)] = &[
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
