//! The list resource's page and the migration guide: the page documents every attribute of
//! the `config` block and shows its example file verbatim, and the index links both. (The
//! guide's worked examples are run by the acceptance tests, `tests/acceptance/guide.rs`.)

use super::{read, undocumented, INDEX_DOC};
use terraform_provider_azuread::plugin::traits::Provider;
use terraform_provider_azuread::provider::AzureadProvider;

const LIST_DOC: &str = "docs/list-resources/cross_tenant_partner.md";
const LIST_EXAMPLE: &str =
    "examples/list-resources/azuread_cross_tenant_partner/list-resource.tfquery.hcl";
const GUIDE: &str = "docs/guides/migrating-existing-partners.md";

#[test]
fn the_list_resource_page_documents_its_config_and_shows_its_example() {
    let list = AzureadProvider::new()
        .list_resources()
        .into_iter()
        .find(|l| l.type_name() == "azuread_cross_tenant_partner")
        .expect("the provider serves the list resource");
    let doc = read(LIST_DOC);
    let missing = undocumented(&doc, list.schema());
    assert!(missing.is_empty(), "{LIST_DOC}: {missing:?}");
    assert!(
        doc.contains(read(LIST_EXAMPLE).trim()),
        "{LIST_DOC} does not show {LIST_EXAMPLE} verbatim"
    );
    for heading in ["## Example Usage", "## Schema"] {
        assert!(doc.contains(heading), "{LIST_DOC} lacks {heading:?}");
    }
}

#[test]
fn the_index_links_the_guide_and_the_guide_covers_every_path() {
    let index = read(INDEX_DOC);
    for link in [
        "guides/migrating-existing-partners.md",
        "list-resources/cross_tenant_partner.md",
    ] {
        assert!(index.contains(link), "{INDEX_DOC} does not link {link}");
    }
    let guide = read(GUIDE);
    for covered in [
        "terraform query -generate-config-out",
        "identity = {",
        "moved {",
        "state rm msgraph_resource",
    ] {
        assert!(guide.contains(covered), "{GUIDE} lacks {covered:?}");
    }
}
