//! Resolves the provider block and `ARM_*` variables into settings: configuration wins over the
//! environment, `*_file_path` values must agree with their inline twins, and every error names
//! the argument and its environment variable.

use super::clouds::CLOUDS;
use super::schema::{Argument, ARGUMENTS, RETIRED};
use super::settings::Settings;
use crate::plugin::diagnostics::Diagnostics;
use crate::plugin::path::AttributePath;
use crate::plugin::value::Value;
use url::Url;

/// Terraform's own partner GUID, sent in the User-Agent unless disabled (as azuread does).
const TERRAFORM_PARTNER_ID: &str = "222c6c49-1b0a-5959-a213-6608f9eb8820";

/// Reads one argument: the configured value, else the first environment variable set.
struct Resolver<'a> {
    config: &'a Value,
    env: &'a dyn Fn(&str) -> Option<String>,
    diags: &'a mut Diagnostics,
}

impl Resolver<'_> {
    fn argument(name: &str) -> &'static Argument {
        ARGUMENTS
            .iter()
            .find(|a| a.name == name)
            .unwrap_or(&ARGUMENTS[0])
    }

    fn env_names(name: &str) -> String {
        Self::argument(name).env.join(" / ")
    }

    fn string(&mut self, name: &str) -> Option<String> {
        match self.config.get(name) {
            Some(Value::String(s)) if !s.is_empty() => return Some(s.clone()),
            Some(v) if v.is_unknown() => {
                self.not_known(name);
                return None;
            }
            _ => {}
        }
        self.env_value(name)
    }

    fn not_known(&mut self, name: &str) {
        self.diags.error_at(
            AttributePath::attr(name),
            "Provider argument not known yet",
            format!("{name} depends on a value that is only known after apply. Provider configuration must be known at plan time: use a variable or ARM_* environment variable ({}).", Self::env_names(name)),
        );
    }

    /// The first of the argument's environment variables that is set and not blank
    /// (like the SDK's `EnvDefaultFunc`, an empty variable counts as unset).
    fn env_value(&self, name: &str) -> Option<String> {
        Self::argument(name)
            .env
            .iter()
            .find_map(|k| (self.env)(k).filter(|v| !v.trim().is_empty()))
    }

    fn flag(&mut self, name: &str, default: bool) -> bool {
        if let Some(v) = self.config.get(name) {
            if v.is_unknown() {
                self.not_known(name);
                return default;
            }
            if let Some(b) = v.as_bool() {
                return b;
            }
        }
        let Some(raw) = self.env_value(name) else {
            return default;
        };
        match raw.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "t" | "yes" => true,
            "0" | "false" | "f" | "no" => false,
            other => {
                self.diags.error_at(
                    AttributePath::attr(name),
                    "Invalid boolean in environment",
                    format!("{} is {other:?}; use true or false.", Self::env_names(name)),
                );
                default
            }
        }
    }

    /// An inline value and a `*_file_path` twin; both set and different is an error.
    fn with_file(&mut self, name: &str, file_arg: &str) -> Option<String> {
        let inline = self.string(name);
        let Some(path) = self.string(file_arg) else {
            return inline;
        };
        let from_file = match std::fs::read_to_string(&path) {
            Ok(s) => s.trim().to_string(),
            Err(e) => {
                self.diags.error_at(
                    AttributePath::attr(file_arg),
                    format!("Cannot read {file_arg}"),
                    format!(
                        "{file_arg} ({}) names {path:?}, which could not be read: {e}.",
                        Self::env_names(file_arg)
                    ),
                );
                return inline;
            }
        };
        match inline {
            Some(v) if v != from_file => {
                self.diags.error_at(
                    AttributePath::attr(name),
                    format!("{name} and {file_arg} disagree"),
                    format!("{name} ({}) and the contents of {file_arg} ({}) are both set but differ. Set only one of them.", Self::env_names(name), Self::env_names(file_arg)),
                );
                None
            }
            _ => Some(from_file),
        }
    }

    /// Under AKS workload identity, the value AKS injects (`aks_env`) fills in an unset
    /// argument; a configured value that differs from it is an error, as in azuread.
    fn aks_value(
        &mut self,
        name: &str,
        aks_env: &str,
        configured: Option<String>,
    ) -> Option<String> {
        let injected = (self.env)(aks_env).filter(|v| !v.trim().is_empty());
        match (configured, injected) {
            (Some(configured), Some(injected)) if !configured.eq_ignore_ascii_case(&injected) => {
                self.diags.error_at(
                    AttributePath::attr(name),
                    format!("{name} disagrees with {aks_env}"),
                    format!("use_aks_workload_identity takes {name} from {aks_env} ({injected:?}), but {name} ({}) is set to {configured:?}. Remove one of them.", Self::env_names(name)),
                );
                None
            }
            (configured, injected) => configured.or(injected),
        }
    }

    /// Whether the argument is configured or has an environment variable (without reporting).
    fn is_set(&self, name: &str) -> bool {
        matches!(self.config.get(name), Some(Value::String(s)) if !s.is_empty())
            || self.env_value(name).is_some()
    }

    /// `metadata_host` is a host name with an optional port; an `https://` prefix is tolerated.
    fn metadata_host(&mut self) -> Option<String> {
        let raw = self.string("metadata_host")?;
        let host = raw.trim();
        let host = host
            .strip_prefix("https://")
            .unwrap_or(host)
            .trim_end_matches('/');
        let valid = !host.is_empty()
            && !host.contains(['/', '?', '#', '@', ' '])
            && Url::parse(&format!("https://{host}/")).is_ok_and(|u| u.host().is_some());
        if valid {
            return Some(host.to_owned());
        }
        self.diags.error_at(
            AttributePath::attr("metadata_host"),
            "Invalid metadata_host",
            format!("metadata_host (ARM_METADATA_HOSTNAME) must be a host name such as management.azure.com (optionally with :port), got {raw:?}. The metadata is always fetched over https."),
        );
        None
    }

    fn https_url(&mut self, name: &str, default: &str) -> Option<Url> {
        let Some(raw) = self.string(name) else {
            return Url::parse(default).ok();
        };
        self.parse_url(name, &raw, false)
    }

    /// An optional URL argument; `Err(())` when it is set but invalid (already reported).
    fn optional_url(&mut self, name: &str, allow_http: bool) -> Result<Option<Url>, ()> {
        match self.string(name) {
            None => Ok(None),
            Some(raw) => self.parse_url(name, &raw, allow_http).map(Some).ok_or(()),
        }
    }

    fn parse_url(&mut self, name: &str, raw: &str, allow_http: bool) -> Option<Url> {
        match Url::parse(raw.trim()) {
            Ok(u) if u.scheme() == "http" && allow_http && u.host().is_some() => Some(u),
            Ok(u) if u.scheme() == "https" && u.host().is_some() => Some(u),
            Ok(_) | Err(_) if allow_http => {
                self.diags.error_at(
                    AttributePath::attr(name),
                    format!("Invalid {name}"),
                    format!("{name} ({}) must be an http or https URL such as http://169.254.169.254/metadata/identity/oauth2/token, got {raw:?}.", Self::env_names(name)),
                );
                None
            }
            Ok(_) | Err(_) => {
                self.diags.error_at(
                    AttributePath::attr(name),
                    format!("Invalid {name}"),
                    format!("{name} ({}) must be an https URL such as https://127.0.0.1:8443, got {raw:?}. TLS verification is never turned off; trust a private CA with SSL_CERT_FILE instead.", Self::env_names(name)),
                );
                None
            }
        }
    }
}

/// Returns `None` when an error was reported to `diags`.
pub fn resolve(
    config: &Value,
    env: &dyn Fn(&str) -> Option<String>,
    diags: &mut Diagnostics,
) -> Option<Settings> {
    for &(name, _) in RETIRED {
        if config.get(name).is_some_and(|v| !matches!(v, Value::Null)) {
            diags.error_at(
                AttributePath::attr(name),
                format!("{name} is a hashicorp/azuread argument"),
                format!("This provider (entra-xtap/azuread) always uses Microsoft Graph and does not take {name}; it comes from hashicorp/azuread 1.x, where 2.0 removed it. Remove it from this block. If the block was meant for hashicorp/azuread, see \"Side by side with hashicorp/azuread\" in the provider documentation (docs/index.md#side-by-side-with-hashicorpazuread): give each provider its own local name and block."),
            );
        }
    }
    let mut r = Resolver { config, env, diags };
    let environment = r.string("environment").unwrap_or_else(|| "global".into());
    let cloud = match CLOUDS.iter().find(|(names, _)| {
        names
            .iter()
            .any(|n| n.eq_ignore_ascii_case(environment.trim()))
    }) {
        Some((_, c)) => *c,
        None => {
            r.diags.error_at(
                AttributePath::attr("environment"),
                "Unknown environment",
                format!("environment (ARM_ENVIRONMENT) must be one of global, public, usgovernmentl4, usgovernment, usgovernmentl5, dod, china; got {environment:?}."),
            );
            CLOUDS[0].1
        }
    };
    let partner_id = r.string("partner_id");
    if let Some(p) = &partner_id {
        if uuid::Uuid::try_parse(p).is_err() {
            r.diags.error_at(
                AttributePath::attr("partner_id"),
                "Invalid partner_id",
                format!("partner_id (ARM_PARTNER_ID) must be a GUID, got {p:?}."),
            );
        }
    }
    let disable_partner = r.flag("disable_terraform_partner_id", false);
    let partner_tag = partner_id
        .or_else(|| (!disable_partner).then(|| TERRAFORM_PARTNER_ID.to_string()))
        .map(|p| format!("pid-{p}"));
    let graph_endpoint_configured = r.is_set("graph_endpoint");
    let authority_host_configured = r.is_set("authority_host");
    let graph_endpoint = r.https_url("graph_endpoint", cloud.graph);
    let authority_host = r.https_url("authority_host", cloud.login);
    let metadata_host = r.metadata_host();
    let client_certificate = r.string("client_certificate");
    let client_certificate_path = r.string("client_certificate_path");
    let use_aks = r.flag("use_aks_workload_identity", false);
    let use_oidc = r.flag("use_oidc", false) || use_aks;
    let use_msi = r.flag("use_msi", false);
    let (oidc_token, oidc_token_file_path, oidc_request_url, oidc_request_token) = if use_oidc {
        (
            r.with_file("oidc_token", "oidc_token_file_path"),
            r.string("oidc_token_file_path"),
            r.optional_url("oidc_request_url", false).ok().flatten(),
            r.string("oidc_request_token"),
        )
    } else {
        (None, None, None, None)
    };
    let ado_service_connection_id = if use_oidc {
        r.string("ado_pipeline_service_connection_id")
    } else {
        None
    };
    let mut tenant_id = r.string("tenant_id");
    let mut client_id = r.with_file("client_id", "client_id_file_path");
    if use_aks {
        tenant_id = r.aks_value("tenant_id", "AZURE_TENANT_ID", tenant_id);
        client_id = r.aks_value("client_id", "AZURE_CLIENT_ID", client_id);
    }
    let msi_endpoint = if use_msi {
        r.optional_url("msi_endpoint", true).ok().flatten()
    } else {
        None
    };
    let settings = Settings {
        tenant_id,
        client_id,
        client_secret: r.with_file("client_secret", "client_secret_file_path"),
        cloud,
        graph_endpoint: graph_endpoint?,
        authority_host: authority_host?,
        graph_endpoint_configured,
        authority_host_configured,
        metadata_host,
        graph_resource: None,
        partner_tag,
        use_cli: r.flag("use_cli", true),
        use_msi,
        use_oidc,
        has_certificate: client_certificate.is_some() || client_certificate_path.is_some(),
        client_certificate,
        client_certificate_path,
        client_certificate_password: r.string("client_certificate_password"),
        oidc_token,
        oidc_token_file_path,
        oidc_request_url,
        oidc_request_token,
        ado_service_connection_id,
        msi_endpoint,
    };
    (!diags.has_errors()).then_some(settings)
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
