//! Which credential the provider uses, in hashicorp/azuread's order (go-azure-sdk's
//! `NewAuthorizerFromCredentials`): client certificate, client secret, OIDC token (value or
//! file), OIDC token request (GitHub Actions), managed identity, Azure CLI. The first method
//! whose inputs are present is used; certificate and secret are always enabled, the others
//! only with `use_oidc`, `use_msi` and `use_cli` (default true).
//!
//! Choosing happens at ConfigureProvider (so nothing usable fails at plan time, and a bad
//! certificate or password is reported there); the token source is built at the first Graph
//! call. Messages name arguments and variables, never their secret values.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;

use super::settings::Settings;
use crate::graph::{self, ClientCertificate, FederatedSource, GraphError, OpContext, TokenSource};

/// The credential chosen for this provider instance.
pub(super) enum Method {
    Certificate(Arc<ClientCertificate>),
    Secret,
    OidcToken,
    OidcRequest,
    ManagedIdentity,
    AzureCli,
}

/// The chosen method plus why each earlier one was not used.
pub(super) struct CredentialPlan {
    pub method: Method,
    pub skipped: Vec<String>,
}

fn state(set: bool) -> &'static str {
    if set {
        "[set]"
    } else {
        "[missing]"
    }
}

/// Why no credential can be used: a diagnostic summary and detail, free of secrets.
pub(super) struct PlanError {
    pub summary: &'static str,
    pub detail: String,
}

/// Added to the errors that an unconfigured block gives: with hashicorp/azuread in the same
/// configuration, credentials written into its block do not reach this provider's block.
pub(super) const SIDE_BY_SIDE_HINT: &str = "If this configuration also uses hashicorp/azuread: each provider block is configured on its own, and credentials set in hashicorp/azuread's block do not reach this provider's (in the documented setup, `provider \"xtap\"`). Set them in both blocks, or once with ARM_* environment variables. See \"Side by side with hashicorp/azuread\" in the provider documentation (docs/index.md#side-by-side-with-hashicorpazuread).";

/// Picks the credential, or explains (without secrets) why none can be used.
pub(super) fn plan(settings: &Settings) -> Result<CredentialPlan, PlanError> {
    let tenant = settings.tenant_id.is_some();
    let client = settings.client_id.is_some();
    let ids = format!(
        "tenant_id (ARM_TENANT_ID) {}, client_id (ARM_CLIENT_ID / ARM_CLIENT_ID_FILE_PATH) {}",
        state(tenant),
        state(client)
    );
    let mut skipped = Vec::new();
    let chosen = |method, skipped| Ok(CredentialPlan { method, skipped });

    if tenant && client && settings.has_certificate {
        let certificate = load_certificate(settings).map_err(|e| PlanError {
            summary: "Client certificate could not be used",
            detail: format!("client certificate: {e}.\n\nThe client certificate is tried first whenever tenant_id, client_id and client_certificate or client_certificate_path are set."),
        })?;
        return chosen(Method::Certificate(Arc::new(certificate)), skipped);
    }
    skipped.push(format!(
        "client certificate: needs {ids} and client_certificate / client_certificate_path (ARM_CLIENT_CERTIFICATE / ARM_CLIENT_CERTIFICATE_PATH) {}",
        state(settings.has_certificate)
    ));

    if tenant && client && settings.client_secret.is_some() {
        return chosen(Method::Secret, skipped);
    }
    skipped.push(format!(
        "client secret: needs {ids} and client_secret (ARM_CLIENT_SECRET / ARM_CLIENT_SECRET_FILE_PATH) {}",
        state(settings.client_secret.is_some())
    ));

    let has_token = settings.oidc_token.is_some() || settings.oidc_token_file_path.is_some();
    let has_request = settings.oidc_request_url.is_some() && settings.oidc_request_token.is_some();
    if settings.use_oidc && tenant && client && has_token {
        return chosen(Method::OidcToken, skipped);
    }
    if settings.use_oidc && tenant && client && has_request {
        return chosen(Method::OidcRequest, skipped);
    }
    skipped.push(if settings.use_oidc {
        format!(
            "OIDC (use_oidc): needs {ids} and oidc_token / oidc_token_file_path (ARM_OIDC_TOKEN / ARM_OIDC_TOKEN_FILE_PATH / AZURE_FEDERATED_TOKEN_FILE) {}, or oidc_request_url (ARM_OIDC_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_URL / SYSTEM_OIDCREQUESTURI) {} with oidc_request_token (ARM_OIDC_REQUEST_TOKEN / ACTIONS_ID_TOKEN_REQUEST_TOKEN / SYSTEM_ACCESSTOKEN) {}",
            state(has_token),
            state(settings.oidc_request_url.is_some()),
            state(settings.oidc_request_token.is_some()),
        )
    } else {
        "OIDC: off (use_oidc / ARM_USE_OIDC is false)".to_owned()
    });

    if settings.use_msi {
        return chosen(Method::ManagedIdentity, skipped);
    }
    skipped.push("managed identity: off (use_msi / ARM_USE_MSI is false)".to_owned());

    if settings.use_cli {
        return chosen(Method::AzureCli, skipped);
    }
    skipped.push("Azure CLI: off (use_cli / ARM_USE_CLI is false)".to_owned());

    Err(PlanError {
        summary: "No usable credentials for Microsoft Graph",
        detail: format!(
            "Tried, in order:\n  - {}\n\nConfigure one of them, for example ARM_TENANT_ID, ARM_CLIENT_ID and ARM_CLIENT_SECRET.\n\n{SIDE_BY_SIDE_HINT}",
            skipped.join("\n  - ")
        ),
    })
}

fn load_certificate(settings: &Settings) -> Result<ClientCertificate, graph::CertificateError> {
    let password = settings
        .client_certificate_password
        .as_deref()
        .unwrap_or("");
    match (
        &settings.client_certificate,
        &settings.client_certificate_path,
    ) {
        (Some(base64), _) => ClientCertificate::from_base64(base64, password),
        (None, Some(path)) => ClientCertificate::from_file(path, password),
        (None, None) => Err(graph::CertificateError::NoPrivateKey),
    }
}

/// Builds the chosen credential's token source on the shared HTTP client.
pub(super) fn token_source(
    settings: &Settings,
    plan: &CredentialPlan,
    http: reqwest::Client,
) -> Result<Arc<dyn TokenSource>, String> {
    let scope = settings.scope();
    let authority = &settings.authority_host;
    let tenant = settings.tenant_id.as_deref().unwrap_or_default();
    let client = settings.client_id.as_deref().unwrap_or_default();
    let source = match &plan.method {
        Method::Certificate(certificate) => graph::certificate_token_source(
            authority,
            tenant,
            client,
            certificate.clone(),
            &scope,
            http,
        ),
        Method::Secret => graph::client_secret_token_source(
            authority,
            tenant,
            client,
            settings.client_secret.as_deref().unwrap_or_default(),
            &scope,
            http,
        ),
        Method::OidcToken | Method::OidcRequest => {
            let source = match (
                &settings.oidc_token_file_path,
                &settings.oidc_token,
                &settings.oidc_request_url,
            ) {
                (Some(path), _, _) => FederatedSource::File(PathBuf::from(path)),
                (None, Some(token), _) => FederatedSource::Token(token.clone()),
                (None, None, Some(url)) => match &settings.ado_service_connection_id {
                    Some(id) => FederatedSource::AzurePipelines {
                        url: url.clone(),
                        bearer: settings.oidc_request_token.clone().unwrap_or_default(),
                        service_connection_id: id.clone(),
                    },
                    None => FederatedSource::Request {
                        url: url.clone(),
                        bearer: settings.oidc_request_token.clone().unwrap_or_default(),
                        audience: settings.cloud.token_exchange_audience.to_owned(),
                    },
                },
                (None, None, None) => return Err("OIDC: no federated token configured".into()),
            };
            graph::federated_token_source(authority, tenant, client, source, &scope, http)
        }
        Method::ManagedIdentity => graph::managed_identity_token_source(
            settings.msi_endpoint.as_ref(),
            settings.client_id.as_deref(),
            &scope,
            http,
        ),
        Method::AzureCli => {
            let cli = graph::azure_cli_token_source(settings.tenant_id.as_deref(), &scope);
            // The CLI is the fallback: when it fails, say what else was looked at.
            return cli
                .map(|inner| {
                    Arc::new(Explained {
                        inner,
                        note: plan.skipped.join("\n  - "),
                    }) as Arc<dyn TokenSource>
                })
                .map_err(|e| e.to_string());
        }
    };
    source.map_err(|e| e.to_string())
}

/// Adds the list of methods that were skipped to authentication errors.
struct Explained {
    inner: Arc<dyn TokenSource>,
    note: String,
}

#[async_trait]
impl TokenSource for Explained {
    async fn bearer(&self, ctx: &OpContext) -> Result<String, GraphError> {
        self.inner.bearer(ctx).await.map_err(|error| match error {
            GraphError::Auth {
                status,
                code,
                message,
            } => GraphError::Auth {
                status,
                code,
                message: format!(
                    "{message}\n\nThe Azure CLI is tried last; before it:\n  - {}\n\n{SIDE_BY_SIDE_HINT}",
                    self.note
                ),
            },
            other => other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::diagnostics::Diagnostics;
    use crate::plugin::value::Value;
    use std::collections::HashMap;

    const SECRET: &str = "Sup3r~Secret.Value_1234";

    fn settings(vars: &[(&str, &str)]) -> Settings {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let env = move |k: &str| vars.get(k).cloned();
        let mut diags = Diagnostics::new();
        let settings = super::super::resolve(&Value::Null, &env, &mut diags);
        assert!(!diags.has_errors());
        settings.expect("settings")
    }

    fn chosen(vars: &[(&str, &str)]) -> (&'static str, usize) {
        let plan = plan(&settings(vars)).unwrap_or_else(|e| panic!("{}", e.detail));
        let name = match plan.method {
            Method::Certificate(_) => "certificate",
            Method::Secret => "secret",
            Method::OidcToken => "oidc token",
            Method::OidcRequest => "oidc request",
            Method::ManagedIdentity => "msi",
            Method::AzureCli => "cli",
        };
        (name, plan.skipped.len())
    }

    const IDS: [(&str, &str); 2] = [("ARM_TENANT_ID", "t"), ("ARM_CLIENT_ID", "c")];

    #[test]
    fn azuread_order() {
        let all = [
            IDS[0],
            IDS[1],
            ("ARM_CLIENT_SECRET", SECRET),
            ("ARM_USE_OIDC", "true"),
            ("ARM_OIDC_TOKEN", "jwt"),
            ("ARM_OIDC_REQUEST_URL", "https://gh.example/t?x=1"),
            ("ARM_OIDC_REQUEST_TOKEN", "rt"),
            ("ARM_USE_MSI", "true"),
        ];
        assert_eq!(chosen(&all), ("secret", 1));
        assert_eq!(
            chosen(&[IDS[0], IDS[1], all[3], all[4], all[7]]),
            ("oidc token", 2)
        );
        assert_eq!(
            chosen(&[IDS[0], IDS[1], all[3], all[5], all[6]]),
            ("oidc request", 2)
        );
        assert_eq!(chosen(&[IDS[0], IDS[1], all[7]]), ("msi", 3));
        // OIDC needs the switch, and the ids.
        assert_eq!(chosen(&[IDS[0], IDS[1], all[4]]), ("cli", 4));
        assert_eq!(chosen(&[IDS[0], all[3], all[4]]), ("cli", 4));
        assert_eq!(chosen(&[]), ("cli", 4));
    }

    #[test]
    fn the_certificate_comes_first_and_a_bad_one_is_an_error() {
        let error = plan(&settings(&[
            IDS[0],
            IDS[1],
            ("ARM_CLIENT_SECRET", SECRET),
            ("ARM_CLIENT_CERTIFICATE", "bm90IGEgcGZ4"),
            ("ARM_CLIENT_CERTIFICATE_PASSWORD", "pw-123456"),
        ]))
        .err()
        .expect("error");
        assert_eq!(error.summary, "Client certificate could not be used");
        assert!(error.detail.contains("PKCS#12"), "{}", error.detail);
        assert!(!error.detail.contains("pw-123456"));
    }

    #[test]
    fn nothing_usable_lists_every_method_without_secrets() {
        let error = plan(&settings(&[
            ("ARM_CLIENT_SECRET", SECRET),
            ("ARM_USE_CLI", "false"),
        ]))
        .err()
        .expect("error");
        assert_eq!(error.summary, "No usable credentials for Microsoft Graph");
        for needle in [
            "client certificate",
            "client secret",
            "OIDC",
            "managed identity",
            "Azure CLI",
            "tenant_id (ARM_TENANT_ID) [missing]",
            "client_secret (ARM_CLIENT_SECRET / ARM_CLIENT_SECRET_FILE_PATH) [set]",
        ] {
            assert!(error.detail.contains(needle), "{needle}: {}", error.detail);
        }
        assert!(!error.detail.contains(SECRET));
        assert!(
            error.detail.contains("Side by side with hashicorp/azuread"),
            "{}",
            error.detail
        );
    }
}
