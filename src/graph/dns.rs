//! Host name resolution for every HTTP request of the provider (Graph, sign-in, proxies):
//! `/etc/hosts`, then the name servers of `/etc/resolv.conf`, resolved in process by hickory,
//! the way Terraform itself (Go's resolver) does it.
//!
//! Why not glibc's `getaddrinfo`, reqwest's default: it runs in a thread of its own, and it loads
//! the NSS modules `/etc/nsswitch.conf` names, which a statically linked build (the Linux
//! release) must never do, because a module built for another glibc can crash it. Unlike
//! reqwest's own hickory option, an unreadable `/etc/resolv.conf` is an error that names the
//! file, never a silent switch to a public resolver.
//!
//! IP addresses in URLs (the emulator, the managed-identity endpoint) are connected to directly;
//! they never reach this resolver.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use hickory_resolver::config::LookupIpStrategy;
use hickory_resolver::TokioResolver;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Where the name servers come from (hickory reads this path on Unix).
const RESOLV_CONF: &str = "/etc/resolv.conf";

/// Why names cannot be resolved in this process; shown with each failed request.
#[derive(Debug, thiserror::Error)]
pub enum DnsError {
    #[error("cannot read the DNS configuration {RESOLV_CONF} ({0}); host names other than those in /etc/hosts need it")]
    Config(String),
    #[error("cannot resolve {name}: {reason}")]
    Lookup { name: String, reason: String },
}

/// The resolver, built at the first lookup (so inside the provider's runtime) and kept for the
/// process, with hickory's cache.
#[derive(Default)]
pub struct SystemResolver {
    resolver: OnceLock<Result<TokioResolver, String>>,
}

impl SystemResolver {
    fn resolver(&self) -> Result<&TokioResolver, DnsError> {
        self.resolver
            .get_or_init(build)
            .as_ref()
            .map_err(|reason| DnsError::Config(reason.clone()))
    }
}

fn build() -> Result<TokioResolver, String> {
    let mut builder = TokioResolver::builder_tokio().map_err(|e| e.to_string())?;
    // Both families, as getaddrinfo gives them: the connector tries them in turn.
    builder.options_mut().ip_strategy = LookupIpStrategy::Ipv4AndIpv6;
    builder.build().map_err(|e| e.to_string())
}

impl Resolve for SystemResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let resolver = self.resolver().cloned();
        Box::pin(async move {
            let resolver = resolver?;
            let host = name.as_str();
            let found = resolver
                .lookup_ip(host)
                .await
                .map_err(|e| DnsError::Lookup {
                    name: host.to_owned(),
                    reason: e.to_string(),
                })?;
            let addrs: Vec<SocketAddr> = found.iter().map(|ip| SocketAddr::new(ip, 0)).collect();
            log::debug!("dns: {host} resolved to {} address(es)", addrs.len());
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// The resolver every HTTP client of the provider uses.
pub fn system_resolver() -> Arc<SystemResolver> {
    Arc::new(SystemResolver::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn resolve(name: &str) -> Result<Vec<SocketAddr>, String> {
        let name: Name = name.parse().map_err(|e| format!("{e:?}"))?;
        match SystemResolver::default().resolve(name).await {
            Ok(addrs) => Ok(addrs.collect()),
            Err(e) => Err(e.to_string()),
        }
    }

    #[tokio::test]
    async fn localhost_comes_from_the_hosts_file() {
        let addrs = resolve("localhost").await.expect("localhost resolves");
        assert!(!addrs.is_empty());
        assert!(addrs.iter().all(|a| a.ip().is_loopback()), "{addrs:?}");
    }

    #[tokio::test]
    async fn a_name_that_cannot_exist_fails_naming_it() {
        // `.invalid` is reserved (RFC 2606): no name server has it, and none is needed to say so
        // when the machine has no network.
        let error = resolve("graph.example.invalid")
            .await
            .expect_err("no such name");
        assert!(error.contains("graph.example.invalid"), "{error}");
    }
}
