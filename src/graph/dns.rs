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

use hickory_resolver::config::{LookupIpStrategy, ResolverConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::{system_conf, TokioResolver};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Where the name servers come from (hickory reads this path on Unix).
const RESOLV_CONF: &str = "/etc/resolv.conf";

/// Why a name did not resolve; reqwest shows it inside the failed request's error.
#[derive(Debug, thiserror::Error)]
pub enum DnsError {
    #[error("cannot resolve {name}: {RESOLV_CONF} could not be read ({reason}), so only the names in /etc/hosts resolve; fix or create {RESOLV_CONF}")]
    NoNameServers { name: String, reason: String },
    #[error("cannot set up name resolution: {0}")]
    Setup(String),
    #[error("cannot resolve {name}: {reason}")]
    Lookup { name: String, reason: String },
}

/// A resolver, and why `/etc/resolv.conf` could not be used when it could not (then it has no
/// name servers, and only `/etc/hosts` answers).
#[derive(Clone)]
struct Resolver {
    hickory: TokioResolver,
    unreadable_conf: Option<String>,
}

/// Built at the first lookup (so inside the provider's runtime) and kept for the process, with
/// hickory's cache.
#[derive(Default)]
pub struct SystemResolver {
    resolver: OnceLock<Result<Resolver, String>>,
}

fn build(system: Result<(ResolverConfig, ResolverOpts), String>) -> Result<Resolver, String> {
    let (config, options, unreadable_conf) = match system {
        Ok((config, options)) => (config, options, None),
        Err(reason) => (
            ResolverConfig::from_name_servers(Vec::new()),
            ResolverOpts::default(),
            Some(reason),
        ),
    };
    let mut builder = TokioResolver::builder_with_config(config, TokioRuntimeProvider::default())
        .with_options(options);
    // Both families, as getaddrinfo gives them: the connector tries them in turn.
    builder.options_mut().ip_strategy = LookupIpStrategy::Ipv4AndIpv6;
    let hickory = builder.build().map_err(|e| e.to_string())?;
    Ok(Resolver {
        hickory,
        unreadable_conf,
    })
}

impl Resolver {
    async fn lookup(self, host: String) -> Result<Addrs, DnsError> {
        let found = self.hickory.lookup_ip(host.as_str()).await.map_err(|e| {
            match self.unreadable_conf {
                Some(reason) => DnsError::NoNameServers {
                    name: host.clone(),
                    reason,
                },
                None => DnsError::Lookup {
                    name: host.clone(),
                    reason: e.to_string(),
                },
            }
        })?;
        let addrs: Vec<SocketAddr> = found.iter().map(|ip| SocketAddr::new(ip, 0)).collect();
        log::debug!("dns: {host} resolved to {} address(es)", addrs.len());
        Ok(Box::new(addrs.into_iter()))
    }
}

impl Resolve for SystemResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let resolver = self
            .resolver
            .get_or_init(|| build(system_conf::read_system_conf().map_err(|e| e.to_string())))
            .clone()
            .map_err(DnsError::Setup);
        let host = name.as_str().to_owned();
        Box::pin(async move { Ok(resolver?.lookup(host).await?) })
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

    /// As if /etc/resolv.conf could not be read.
    async fn resolve_without_conf(name: &str) -> Result<Vec<SocketAddr>, String> {
        let resolver = build(Err("No such file or directory (os error 2)".into()))?;
        match resolver.lookup(name.to_owned()).await {
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

    #[tokio::test]
    async fn without_resolv_conf_the_hosts_file_still_answers_and_errors_name_the_file() {
        let addrs = resolve_without_conf("localhost")
            .await
            .expect("from /etc/hosts");
        assert!(addrs.iter().all(|a| a.ip().is_loopback()), "{addrs:?}");
        let error = resolve_without_conf("graph.microsoft.com")
            .await
            .expect_err("no name servers");
        assert!(error.contains("graph.microsoft.com"), "{error}");
        assert!(
            error.contains("/etc/resolv.conf could not be read"),
            "{error}"
        );
        assert!(error.contains("os error 2"), "{error}");
    }
}
