//! The provider block schema: hashicorp/azuread's argument names plus `graph_endpoint` and
//! `authority_host`. Each argument lists the environment variables it falls back to.

use crate::plugin::schema::{Attribute, Block, Schema};
use crate::plugin::value::Type;

/// `(argument, environment variables in lookup order, sensitive, type, description)`
pub struct Argument {
    pub name: &'static str,
    pub env: &'static [&'static str],
    pub sensitive: bool,
    pub boolean: bool,
    pub description: &'static str,
}

const fn arg(
    name: &'static str,
    env: &'static [&'static str],
    description: &'static str,
) -> Argument {
    Argument {
        name,
        env,
        sensitive: false,
        boolean: false,
        description,
    }
}
const fn secret(
    name: &'static str,
    env: &'static [&'static str],
    description: &'static str,
) -> Argument {
    Argument {
        name,
        env,
        sensitive: true,
        boolean: false,
        description,
    }
}
const fn flag(
    name: &'static str,
    env: &'static [&'static str],
    description: &'static str,
) -> Argument {
    Argument {
        name,
        env,
        sensitive: false,
        boolean: true,
        description,
    }
}

pub const ARGUMENTS: &[Argument] = &[
    arg("tenant_id", &["ARM_TENANT_ID"], "The tenant (directory) ID to authenticate to and manage. Environment: `ARM_TENANT_ID`."),
    arg("client_id", &["ARM_CLIENT_ID"], "The application (client) ID of the service principal or managed identity. Environment: `ARM_CLIENT_ID`."),
    arg("client_id_file_path", &["ARM_CLIENT_ID_FILE_PATH"], "Path to a file holding the client ID; it must agree with `client_id` when both are set. Environment: `ARM_CLIENT_ID_FILE_PATH`."),
    secret("client_secret", &["ARM_CLIENT_SECRET"], "The client secret of the service principal. Environment: `ARM_CLIENT_SECRET`."),
    arg("client_secret_file_path", &["ARM_CLIENT_SECRET_FILE_PATH"], "Path to a file holding the client secret; it must agree with `client_secret` when both are set. Environment: `ARM_CLIENT_SECRET_FILE_PATH`."),
    secret("client_certificate", &["ARM_CLIENT_CERTIFICATE"], "A base64-encoded PKCS#12 (.pfx) client certificate with its private key. Environment: `ARM_CLIENT_CERTIFICATE`."),
    arg("client_certificate_path", &["ARM_CLIENT_CERTIFICATE_PATH"], "Path to a PKCS#12 (.pfx) client certificate with its private key. Environment: `ARM_CLIENT_CERTIFICATE_PATH`."),
    secret("client_certificate_password", &["ARM_CLIENT_CERTIFICATE_PASSWORD"], "The password protecting the client certificate. Environment: `ARM_CLIENT_CERTIFICATE_PASSWORD`."),
    flag("use_oidc", &["ARM_USE_OIDC"], "Authenticate with a federated OIDC token (workload identity federation). Environment: `ARM_USE_OIDC`."),
    secret("oidc_token", &["ARM_OIDC_TOKEN"], "An OIDC token to exchange for an access token. Environment: `ARM_OIDC_TOKEN`."),
    arg("oidc_token_file_path", &["ARM_OIDC_TOKEN_FILE_PATH", "AZURE_FEDERATED_TOKEN_FILE"], "Path to a file holding an OIDC token. Environment: `ARM_OIDC_TOKEN_FILE_PATH`, then `AZURE_FEDERATED_TOKEN_FILE`."),
    secret("oidc_request_token", &["ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "SYSTEM_ACCESSTOKEN"], "The bearer token for the OIDC token request endpoint (GitHub Actions, or Azure DevOps with `ado_pipeline_service_connection_id`). Environment: `ARM_OIDC_REQUEST_TOKEN`, then `ACTIONS_ID_TOKEN_REQUEST_TOKEN`, then `SYSTEM_ACCESSTOKEN`."),
    arg("oidc_request_url", &["ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL", "SYSTEM_OIDCREQUESTURI"], "The URL of the OIDC token request endpoint (GitHub Actions, or Azure DevOps with `ado_pipeline_service_connection_id`). Environment: `ARM_OIDC_REQUEST_URL`, then `ACTIONS_ID_TOKEN_REQUEST_URL`, then `SYSTEM_OIDCREQUESTURI`."),
    arg("ado_pipeline_service_connection_id", &["ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID", "ARM_OIDC_AZURE_SERVICE_CONNECTION_ID"], "The Azure DevOps service connection ID. When set, the OIDC token is requested with the Azure Pipelines protocol instead of GitHub's. Environment: `ARM_ADO_PIPELINE_SERVICE_CONNECTION_ID`, then `ARM_OIDC_AZURE_SERVICE_CONNECTION_ID`."),
    flag("use_aks_workload_identity", &["ARM_USE_AKS_WORKLOAD_IDENTITY"], "Authenticate with AKS workload identity: turns on OIDC and takes the token file, client ID and tenant ID from `AZURE_FEDERATED_TOKEN_FILE`, `AZURE_CLIENT_ID` and `AZURE_TENANT_ID` as AKS sets them. Environment: `ARM_USE_AKS_WORKLOAD_IDENTITY`."),
    flag("use_msi", &["ARM_USE_MSI"], "Authenticate with a managed identity. Environment: `ARM_USE_MSI`."),
    arg("msi_endpoint", &["ARM_MSI_ENDPOINT"], "A custom managed identity endpoint. Environment: `ARM_MSI_ENDPOINT`."),
    flag("use_cli", &["ARM_USE_CLI"], "Allow authenticating with the Azure CLI's signed-in account. Defaults to `true`. Environment: `ARM_USE_CLI`."),
    arg("environment", &["ARM_ENVIRONMENT"], "The cloud: `global` (or `public`), `usgovernmentl4` (or `usgovernment`), `usgovernmentl5` (or `dod`), or `china`. Defaults to `global`. Environment: `ARM_ENVIRONMENT`."),
    arg("metadata_host", &["ARM_METADATA_HOSTNAME"], "The host name of an Azure Resource Manager metadata endpoint (such as `management.azure.com`, or an Azure Stack or private cloud's) from which the Graph and sign-in endpoints are discovered; it takes precedence over `environment`. Environment: `ARM_METADATA_HOSTNAME`."),
    arg("partner_id", &["ARM_PARTNER_ID"], "A GUID identifying your organisation to Microsoft, sent in the User-Agent. Environment: `ARM_PARTNER_ID`."),
    flag("disable_terraform_partner_id", &["ARM_DISABLE_TERRAFORM_PARTNER_ID"], "Do not send Terraform's partner ID in the User-Agent when `partner_id` is unset. Environment: `ARM_DISABLE_TERRAFORM_PARTNER_ID`."),
    arg("graph_endpoint", &["ARM_GRAPH_ENDPOINT"], "Microsoft Graph base URL overriding the environment's, e.g. `https://127.0.0.1:8443`. Must use https. Environment: `ARM_GRAPH_ENDPOINT`."),
    arg("authority_host", &["ARM_AUTHORITY_HOST", "AZURE_AUTHORITY_HOST"], "Login (authority) host overriding the environment's, e.g. `https://login.microsoftonline.com`. Must use https. Environment: `ARM_AUTHORITY_HOST`, then `AZURE_AUTHORITY_HOST`."),
];

/// hashicorp/azuread arguments this provider does not take (its 1.x switches to Microsoft
/// Graph, which this provider always uses). They are declared so that a block copied from
/// hashicorp/azuread gets this provider's error, which names the argument and points to the
/// side-by-side docs, instead of Terraform's bare "unexpected argument".
pub const RETIRED: &[(&str, &str)] = &[
    ("use_microsoft_graph", "Not used: a hashicorp/azuread 1.x argument (that provider always uses Microsoft Graph since 2.0, and so does this one). Setting it is an error that says to remove it."),
    ("enable_msgraph", "Not used: a hashicorp/azuread 1.x beta argument (that provider always uses Microsoft Graph since 2.0, and so does this one). Setting it is an error that says to remove it."),
];

pub fn schema() -> Schema {
    let retired = RETIRED
        .iter()
        .map(|(name, description)| Attribute::primitive(name, Type::Bool, description).optional());
    let attributes = ARGUMENTS
        .iter()
        .map(|a| {
            let ty = if a.boolean { Type::Bool } else { Type::String };
            let attr = Attribute::primitive(a.name, ty, a.description).optional();
            if a.sensitive {
                attr.sensitive()
            } else {
                attr
            }
        })
        .chain(retired)
        .collect();
    Schema::new(0, Block::new(
            "Manages Microsoft Entra cross-tenant access settings through Microsoft Graph. Arguments and `ARM_*` environment variables match hashicorp/azuread.",
            attributes,
        ))
}
