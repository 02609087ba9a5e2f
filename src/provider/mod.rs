//! The `azuread` provider: its block, credentials, and the one Graph client the resources share.

mod clouds;
mod config;
mod credentials;
pub mod schema;
mod settings;

pub use clouds::{Cloud, CLOUDS};
pub use config::resolve;
pub use settings::Settings;

use crate::graph::{self, ClientSource, GraphClient, GraphConfig, GraphHandle};
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::schema::Schema;
use crate::plugin::traits::{DataSource, ListResource, OperationContext, Provider, Resource};
use crate::plugin::typed::Typed;
use crate::plugin::typed_data::TypedData;
use crate::plugin::value::Value;
use crate::resources::cross_tenant_access_default::CrossTenantAccessDefault;
use crate::resources::cross_tenant_access_default_data::CrossTenantAccessDefaultData;
use crate::resources::cross_tenant_access_policy::CrossTenantAccessPolicy;
use crate::resources::cross_tenant_partner::CrossTenantPartner;
use crate::resources::cross_tenant_partner_data::{
    CrossTenantPartnerData, CrossTenantPartnersData,
};
use crate::resources::cross_tenant_partner_identity_sync::CrossTenantPartnerIdentitySync;
use crate::resources::cross_tenant_partner_list::CrossTenantPartnerList;
use async_trait::async_trait;
use std::sync::Arc;

/// Source address printed in debug mode and used in the docs' `required_providers`.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/entra-xtap/azuread";

/// The release version (Cargo.toml's): what `--version` prints, what the User-Agent carries, and
/// what `scripts/release.sh` packages (`terraform-provider-azuread_vVERSION`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What ConfigureProvider recorded. The HTTPS client and credential are built at the first
/// Graph call, because Terraform starts the plugin several times per command and most of those
/// processes (validate, plan) never call Graph.
struct ClientFactory {
    settings: Settings,
    credential: credentials::CredentialPlan,
    user_agent: String,
    client: tokio::sync::OnceCell<Result<GraphClient, String>>,
}

#[async_trait]
impl ClientSource for ClientFactory {
    async fn client(&self) -> Result<GraphClient, String> {
        self.client.get_or_init(|| self.build()).await.clone()
    }

    fn cloud(&self) -> Option<String> {
        // A discovered cloud (metadata_host) is only known once the client is built.
        self.settings
            .metadata_host
            .is_none()
            .then(|| self.settings.cloud.name.to_string())
    }
}

impl ClientFactory {
    async fn build(&self) -> Result<GraphClient, String> {
        let http = graph::build_http_client().map_err(|e| {
            format!("Could not set up HTTPS: {e}. Check SSL_CERT_FILE / SSL_CERT_DIR.")
        })?;
        let settings = match &self.settings.metadata_host {
            Some(host) => {
                let cloud = graph::discover_cloud(&http, host)
                    .await
                    .map_err(|e| e.to_string())?;
                with_discovered_cloud(&self.settings, cloud)
            }
            None => self.settings.clone(),
        };
        let tokens = credentials::token_source(&settings, &self.credential, http.clone())?;
        let config = GraphConfig {
            base_url: settings.graph_endpoint.clone(),
            user_agent: self.user_agent.clone(),
        };
        Ok(GraphClient::new(config, http, tokens))
    }
}

/// The settings with a discovered cloud's endpoints, except where `graph_endpoint` or
/// `authority_host` were given explicitly.
fn with_discovered_cloud(settings: &Settings, cloud: graph::DiscoveredCloud) -> Settings {
    log::debug!(
        "cloud {:?} discovered from metadata_host: Graph {}, sign-in {}",
        cloud.name,
        cloud.graph,
        cloud.login
    );
    let mut settings = settings.clone();
    settings.graph_resource = Some(cloud.graph.as_str().trim_end_matches('/').to_owned());
    if !settings.graph_endpoint_configured {
        settings.graph_endpoint = cloud.graph;
    }
    if !settings.authority_host_configured {
        settings.authority_host = cloud.login;
    }
    settings
}

pub struct AzureadProvider {
    schema: Schema,
    client: GraphHandle,
}

impl AzureadProvider {
    pub fn new() -> Self {
        AzureadProvider {
            schema: schema::schema(),
            client: GraphHandle::default(),
        }
    }
}

impl Default for AzureadProvider {
    fn default() -> Self {
        Self::new()
    }
}

fn user_agent(terraform_version: &str, settings: &Settings) -> String {
    let mut ua = format!(
        "HashiCorp Terraform/{terraform_version} (+https://www.terraform.io) terraform-provider-azuread/{VERSION}"
    );
    if let Ok(extra) = std::env::var("AZURE_HTTP_USER_AGENT") {
        if !extra.trim().is_empty() {
            ua.push(' ');
            ua.push_str(extra.trim());
        }
    }
    if let Some(tag) = &settings.partner_tag {
        ua.push(' ');
        ua.push_str(tag);
    }
    ua
}

#[async_trait]
impl Provider for AzureadProvider {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![
            Arc::new(Typed(CrossTenantPartner::new(self.client.clone()))),
            Arc::new(Typed(CrossTenantAccessDefault::new(self.client.clone()))),
            Arc::new(Typed(CrossTenantAccessPolicy::new(self.client.clone()))),
            Arc::new(Typed(CrossTenantPartnerIdentitySync::new(
                self.client.clone(),
            ))),
        ]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![
            Arc::new(TypedData(CrossTenantPartnerData::new(self.client.clone()))),
            Arc::new(TypedData(CrossTenantPartnersData::new(self.client.clone()))),
            Arc::new(TypedData(CrossTenantAccessDefaultData::new(
                self.client.clone(),
            ))),
        ]
    }

    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        vec![Arc::new(CrossTenantPartnerList::new(self.client.clone()))]
    }

    async fn configure(
        &self,
        _ctx: &OperationContext,
        terraform_version: &str,
        config: Value,
        diags: &mut Diagnostics,
    ) {
        let env = |k: &str| std::env::var(k).ok();
        let Some(settings) = resolve(&config, &env, diags) else {
            return;
        };
        log::debug!("provider settings: {settings:?}");
        if let Err(error) = graph::check_cert_file() {
            diags.error(
                "Invalid SSL_CERT_FILE",
                format!("{error}. Set SSL_CERT_FILE to a PEM file of CA certificates to trust, or unset it to trust the system's certificates only."),
            );
            return;
        }
        let credential = match credentials::plan(&settings) {
            Ok(plan) => plan,
            Err(error) => {
                diags.error(error.summary, error.detail);
                return;
            }
        };
        let user_agent = user_agent(terraform_version, &settings);
        self.client.configure(Arc::new(ClientFactory {
            settings,
            credential,
            user_agent,
            client: tokio::sync::OnceCell::new(),
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::diagnostics::Diagnostics;

    fn settings(env: &[(&str, &str)]) -> Settings {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lookup = move |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let config = Value::Object(
            schema::ARGUMENTS
                .iter()
                .map(|a| (a.name.to_string(), Value::Null))
                .collect(),
        );
        resolve(&config, &lookup, &mut Diagnostics::new()).expect("settings")
    }

    fn discovered() -> graph::DiscoveredCloud {
        graph::DiscoveredCloud {
            name: "AzureStack".into(),
            graph: url::Url::parse("https://graph.stack.example/").expect("url"),
            login: url::Url::parse("https://login.stack.example/").expect("url"),
        }
    }

    #[test]
    fn a_discovered_cloud_sets_endpoints_and_scope() {
        let s = with_discovered_cloud(&settings(&[]), discovered());
        assert_eq!(s.graph_endpoint.as_str(), "https://graph.stack.example/");
        assert_eq!(s.authority_host.as_str(), "https://login.stack.example/");
        assert_eq!(s.scope(), "https://graph.stack.example/.default");
    }

    #[test]
    fn explicit_endpoints_win_over_a_discovered_cloud() {
        let base = settings(&[
            ("ARM_GRAPH_ENDPOINT", "https://127.0.0.1:8443"),
            ("ARM_AUTHORITY_HOST", "https://127.0.0.1:8444"),
        ]);
        let s = with_discovered_cloud(&base, discovered());
        assert_eq!(s.graph_endpoint.as_str(), "https://127.0.0.1:8443/");
        assert_eq!(s.authority_host.as_str(), "https://127.0.0.1:8444/");
        assert_eq!(s.scope(), "https://graph.stack.example/.default");
    }
}
