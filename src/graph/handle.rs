//! The Graph client as resources reach it: a handle the provider fills in when Terraform
//! configures it (the plugin framework's ProviderData), built on first use. It lives below the
//! resources so that they never depend on the provider that owns them.

use std::sync::{Arc, OnceLock};

use async_trait::async_trait;

use super::GraphClient;

/// Builds the Graph client (HTTPS client, credential, cloud discovery) when first asked.
#[async_trait]
pub trait ClientSource: Send + Sync {
    /// The client, or why there is none, in words for the user.
    async fn client(&self) -> Result<GraphClient, String>;

    /// The name of the Microsoft cloud the provider was configured for (its `environment`,
    /// e.g. `global`, `usgovernmentl4`, `china`), when known without calling the network.
    fn cloud(&self) -> Option<String> {
        None
    }
}

/// Shared by the provider and every resource; cheap to clone.
#[derive(Clone, Default)]
pub struct GraphHandle(Arc<OnceLock<Arc<dyn ClientSource>>>);

impl GraphHandle {
    /// Records where the client comes from. Terraform configures a provider instance once; a
    /// second call keeps the first.
    pub fn configure(&self, source: Arc<dyn ClientSource>) {
        let _ = self.0.set(source);
    }

    /// The configured cloud's name (see [`ClientSource::cloud`]); `None` before configuration
    /// or when it is only learnt from `metadata_host` discovery.
    pub fn cloud(&self) -> Option<String> {
        self.0.get().and_then(|source| source.cloud())
    }

    pub async fn client(&self) -> Result<GraphClient, String> {
        match self.0.get() {
            Some(source) => source.client().await,
            None => Err("The provider was not configured before the resource was used. Check the provider block for errors reported earlier.".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Refusing;

    #[async_trait]
    impl ClientSource for Refusing {
        async fn client(&self) -> Result<GraphClient, String> {
            Err("no credential".into())
        }
    }

    #[tokio::test]
    async fn unconfigured_then_configured_once() {
        let handle = GraphHandle::default();
        let shared = handle.clone();
        assert!(handle
            .client()
            .await
            .err()
            .is_some_and(|e| e.contains("not configured")));
        shared.configure(Arc::new(Refusing));
        assert_eq!(
            handle.client().await.err().as_deref(),
            Some("no credential")
        );
    }
}
