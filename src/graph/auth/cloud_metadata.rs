//! Cloud discovery for `metadata_host`: reads an Azure Resource Manager metadata document
//! (`GET https://{host}/metadata/endpoints?api-version=2022-09-01`) for the Graph and sign-in
//! endpoints of a cloud the provider has no table entry for, as hashicorp/azuread does.

use serde::Deserialize;
use url::Url;

use crate::graph::error::GraphError;

const API_VERSION: &str = "2022-09-01";

/// What a metadata document says about the cloud, as far as this provider needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscoveredCloud {
    pub name: String,
    /// Base URL of Microsoft Graph, which is also the resource its tokens are issued for.
    pub graph: Url,
    /// The sign-in (authority) host.
    pub login: Url,
}

#[derive(Deserialize)]
struct MetadataDocument {
    #[serde(default)]
    name: String,
    authentication: Option<Authentication>,
    #[serde(rename = "microsoftGraphResourceId")]
    microsoft_graph_resource_id: Option<String>,
}

#[derive(Deserialize)]
struct Authentication {
    #[serde(rename = "loginEndpoint")]
    login_endpoint: Option<String>,
}

/// Fetches and reads the metadata document of `host` (a host name, optionally with a port).
pub async fn discover_cloud(
    http: &reqwest::Client,
    host: &str,
) -> Result<DiscoveredCloud, GraphError> {
    let url = format!("https://{host}/metadata/endpoints?api-version={API_VERSION}");
    let failed = |detail: String| {
        GraphError::Config(format!(
            "cloud discovery from metadata_host (ARM_METADATA_HOSTNAME) {host:?} failed: {detail}"
        ))
    };
    let response = http
        .get(&url)
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|e| failed(format!("GET {url}: {e}")))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| failed(format!("reading the answer to GET {url}: {e}")))?;
    if !status.is_success() {
        return Err(failed(format!(
            "GET {url} answered HTTP {}",
            status.as_u16()
        )));
    }
    parse_metadata(&body).map_err(failed)
}

/// Reads a metadata document (a leading byte-order mark is tolerated, as some endpoints send one).
pub fn parse_metadata(body: &[u8]) -> Result<DiscoveredCloud, String> {
    let body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    let document: MetadataDocument = serde_json::from_slice(body)
        .map_err(|e| format!("the metadata document is not the expected JSON: {e}"))?;
    let https = |field: &str, value: Option<String>| -> Result<Url, String> {
        let value = value
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| format!("the metadata document has no {field}"))?;
        match Url::parse(value.trim()) {
            Ok(url) if url.scheme() == "https" && url.host().is_some() => Ok(url),
            _ => Err(format!("{field} {value:?} is not an https URL")),
        }
    };
    Ok(DiscoveredCloud {
        name: document.name,
        graph: https(
            "microsoftGraphResourceId",
            document.microsoft_graph_resource_id,
        )?,
        login: https(
            "authentication.loginEndpoint",
            document.authentication.and_then(|a| a.login_endpoint),
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_public_cloud_document() {
        let body = br#"{"portal":"https://portal.azure.com","authentication":{"loginEndpoint":"https://login.microsoftonline.com","audiences":["https://management.core.windows.net/"],"tenant":"common","identityProvider":"AAD"},"name":"AzureCloud","resourceManager":"https://management.azure.com/","microsoftGraphResourceId":"https://graph.microsoft.com/"}"#;
        let cloud = parse_metadata(body).expect("valid");
        assert_eq!(cloud.name, "AzureCloud");
        assert_eq!(cloud.graph.as_str(), "https://graph.microsoft.com/");
        assert_eq!(cloud.login.as_str(), "https://login.microsoftonline.com/");
    }

    #[test]
    fn a_byte_order_mark_is_tolerated() {
        let body = b"\xef\xbb\xbf{\"name\":\"x\",\"authentication\":{\"loginEndpoint\":\"https://login.example\"},\"microsoftGraphResourceId\":\"https://graph.example/\"}";
        assert!(parse_metadata(body).is_ok());
    }

    #[test]
    fn missing_or_insecure_endpoints_are_errors_naming_the_field() {
        let no_graph =
            br#"{"name":"x","authentication":{"loginEndpoint":"https://login.example"}}"#;
        let error = parse_metadata(no_graph).expect_err("no graph");
        assert!(error.contains("microsoftGraphResourceId"), "{error}");
        let http_login = br#"{"authentication":{"loginEndpoint":"http://login.example"},"microsoftGraphResourceId":"https://graph.example/"}"#;
        let error = parse_metadata(http_login).expect_err("http");
        assert!(error.contains("authentication.loginEndpoint"), "{error}");
        for garbage in [
            &b""[..],
            b"[]",
            b"null",
            b"{\"authentication\": 5}",
            b"\xff\xfe",
        ] {
            assert!(parse_metadata(garbage).is_err());
        }
    }
}
