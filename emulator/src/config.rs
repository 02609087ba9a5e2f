//! Emulator configuration: tenant, app registrations, managed identity, paging, the behaviour
//! switches (`Switches`, all off = only what Microsoft documents) and the fixed identities used
//! by tests (`EmulatorConfig::for_tests`).

use serde::{Deserialize, Serialize};

/// Tenant the emulator serves in `for_tests()`.
pub const TEST_TENANT_ID: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
/// Client id of the read-write test app (role `Policy.ReadWrite.CrossTenantAccess`).
pub const TEST_CLIENT_ID: &str = "11111111-1111-1111-1111-111111111111";
/// Secret of the read-write test app.
pub const TEST_CLIENT_SECRET: &str = "emulator-secret-value-0123456789";
/// Client id of the read-only test app (role `Policy.Read.All`).
pub const TEST_READER_CLIENT_ID: &str = "22222222-2222-2222-2222-222222222222";
/// Secret of the read-only test app.
pub const TEST_READER_CLIENT_SECRET: &str = "reader-secret-value-0123456789";
/// Client id of the test app without any role.
pub const TEST_NOROLE_CLIENT_ID: &str = "33333333-3333-3333-3333-333333333333";
/// Secret of the test app without any role.
pub const TEST_NOROLE_CLIENT_SECRET: &str = "norole-secret-value-0123456789";
/// Client id of the managed identity in `for_tests()` (role `Policy.ReadWrite.CrossTenantAccess`).
pub const TEST_MANAGED_IDENTITY_CLIENT_ID: &str = "44444444-4444-4444-4444-444444444444";
/// `X-IDENTITY-HEADER` value the App Service style endpoint expects in `for_tests()`.
pub const TEST_IDENTITY_HEADER: &str = "emulator-identity-header";
/// The write role.
pub const ROLE_READ_WRITE: &str = "Policy.ReadWrite.CrossTenantAccess";
/// The read role.
pub const ROLE_READ: &str = "Policy.Read.All";

/// A federated identity credential on an app registration.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FederatedCredential {
    /// Expected `iss` of the external token.
    pub issuer: String,
    /// Expected `sub` of the external token.
    pub subject: String,
    /// Expected audience (one of the token's `aud` values), e.g. `api://AzureADTokenExchange`.
    #[serde(default = "default_fic_audience")]
    pub audience: String,
    /// The issuer's verification key: a PEM public key (`BEGIN PUBLIC KEY`) or certificate.
    pub key_pem: String,
}

fn default_fic_audience() -> String {
    "api://AzureADTokenExchange".to_string()
}

/// An app registration the token endpoint knows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct AppRegistration {
    /// Application (client) id.
    pub client_id: String,
    /// Accepted client secrets.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// Registered certificates (PEM) for client assertions.
    #[serde(default)]
    pub certificates: Vec<String>,
    /// Federated identity credentials.
    #[serde(default)]
    pub federated_credentials: Vec<FederatedCredential>,
    /// Application roles granted to the app (e.g. `Policy.ReadWrite.CrossTenantAccess`).
    #[serde(default)]
    pub roles: Vec<String>,
}

/// The managed identity served by the IMDS and App Service endpoints.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ManagedIdentity {
    /// Client id of the identity.
    pub client_id: String,
    /// Application roles granted to it.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Value the App Service style endpoint requires in `X-IDENTITY-HEADER`.
    #[serde(default = "default_identity_header")]
    pub identity_header: String,
}

fn default_identity_header() -> String {
    TEST_IDENTITY_HEADER.to_string()
}

/// Graph behaviours the documents do not settle. All off by default: the default emulator does
/// only what Microsoft documents.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Switches {
    /// POST refuses the properties Microsoft's create table omits (tenantRestrictions,
    /// appServiceConnectInbound, m365CollaborationInbound, m365CollaborationOutbound) with 400
    /// Request_BadRequest naming the property. Off: they are accepted and stored ([3P] both
    /// community providers send tenantRestrictions on POST).
    pub strict_create: bool,
    /// POST with isServiceProvider (any value) answers 403 Authorization_RequestDenied ([3P]
    /// deploymenttheory, app-only auth). Off: isServiceProvider is accepted on POST and stored,
    /// as the create table lists it.
    pub service_provider_forbidden_on_create: bool,
    /// POST or PATCH carrying isInMultiTenantOrganization answers 400 (read-only). Off: it is
    /// accepted and ignored (not stored; Graph keeps `false`): it is in neither the create nor
    /// the update table, and no document calls it read-only or says a write fails.
    pub multi_tenant_organization_read_only: bool,
    /// How a DELETE of a partner that still has an identitySynchronization policy is refused.
    /// Documented: it fails [D]; its status and body are not [U]. None (default): 400
    /// Request_BadRequest with a generic message that does not mention identitySynchronization.
    /// Some(status): that status (e.g. 400, 409, 403) with a body whose message names the
    /// identitySynchronization policy.
    pub sync_delete_status: Option<u16>,
    /// Overrides `EmulatorConfig::page_size` at run time (list paging via `@odata.nextLink`),
    /// e.g. Some(3) for tests.
    pub page_size: Option<usize>,
    /// PATCH carrying isServiceProvider answers 400 (read-only). Off: it is accepted and ignored
    /// (the stored value stays): the update table omits it, and no document says a write fails.
    pub service_provider_read_only_on_update: bool,
    /// Responses show every unset member of a nested object as `null` (e.g. the missing half of
    /// a B2B setting as `"applications": null`, `tenantRestrictions.devices: null` as a [3P]
    /// dump shows). Off: nested objects come back as they were stored, a missing half absent,
    /// as Microsoft's POST example shows [D].
    pub nested_nulls: bool,
    /// The cross-tenant access policy is the one of Graph in the US Government and China
    /// clouds, whose metadata has no `allowedCloudEndpoints` [M CSDL-nat]: GET omits it and a
    /// PATCH naming it is 400 "Invalid property". Off: the global cloud's policy.
    pub no_allowed_cloud_endpoints: bool,
}

/// A fixed delay added to every request before it is handled (benchmarks and tests at real
/// Graph latency). Control requests (`/_emulator/...`) are never delayed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Latency {
    /// Milliseconds added to every Graph, token and managed-identity request.
    pub ms: u64,
    /// Per route (a fault route name such as `partner`, or its path template): milliseconds
    /// that replace `ms` for that route (0 = no delay).
    pub routes: std::collections::BTreeMap<String, u64>,
}

impl Latency {
    /// The delay for a request on `route` (name) with path template `template`.
    pub fn for_route(&self, route: &str, template: &str) -> std::time::Duration {
        let ms = self
            .routes
            .get(route)
            .or_else(|| self.routes.get(template))
            .copied()
            .unwrap_or(self.ms);
        std::time::Duration::from_millis(ms)
    }
}

/// Everything the emulator is started with (deserialisable from the `--config` JSON file).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct EmulatorConfig {
    /// The tenant whose token endpoint is served.
    pub tenant_id: String,
    /// Known app registrations.
    pub apps: Vec<AppRegistration>,
    /// Optional managed identity (IMDS / App Service endpoints).
    pub managed_identity: Option<ManagedIdentity>,
    /// Maximum items per list page before `@odata.nextLink` is used.
    pub page_size: usize,
    /// Lifetime of issued access tokens in seconds (`expires_in`); 0 issues already expired tokens.
    pub token_lifetime_secs: u64,
    /// Allowed clock skew for client assertion `exp`/`nbf` checks, in seconds.
    pub assertion_skew_secs: u64,
    /// Maximum number of request-log entries kept (oldest are dropped).
    pub log_capacity: usize,
    /// Behaviour switches at start-up (and after a reset); all off by default.
    pub switches: Switches,
    /// Fixed delay per request at start-up (and after a reset); none by default.
    pub latency: Latency,
    /// Offer HTTP/2 as well as HTTP/1.1 (ALPN), as graph.microsoft.com has since September 2023
    /// (Microsoft 365 message center MC447341). Off by default, so that the fault tests keep
    /// one request per connection; over HTTP/2 a drop fault resets the request's stream.
    pub http2: bool,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            tenant_id: TEST_TENANT_ID.to_string(),
            apps: Vec::new(),
            managed_identity: None,
            page_size: 100,
            token_lifetime_secs: 3599,
            assertion_skew_secs: 60,
            log_capacity: 100_000,
            switches: Switches::default(),
            latency: Latency::default(),
            http2: false,
        }
    }
}

impl EmulatorConfig {
    /// The fixed test identities: see the `TEST_*` constants.
    pub fn for_tests() -> Self {
        let app = |id: &str, secret: &str, roles: &[&str]| AppRegistration {
            client_id: id.to_string(),
            secrets: vec![secret.to_string()],
            roles: roles.iter().map(|r| r.to_string()).collect(),
            ..AppRegistration::default()
        };
        EmulatorConfig {
            apps: vec![
                app(TEST_CLIENT_ID, TEST_CLIENT_SECRET, &[ROLE_READ_WRITE]),
                app(
                    TEST_READER_CLIENT_ID,
                    TEST_READER_CLIENT_SECRET,
                    &[ROLE_READ],
                ),
                app(TEST_NOROLE_CLIENT_ID, TEST_NOROLE_CLIENT_SECRET, &[]),
            ],
            managed_identity: Some(ManagedIdentity {
                client_id: TEST_MANAGED_IDENTITY_CLIENT_ID.to_string(),
                roles: vec![ROLE_READ_WRITE.to_string()],
                identity_header: TEST_IDENTITY_HEADER.to_string(),
            }),
            ..EmulatorConfig::default()
        }
    }

    /// Finds an app registration by client id (case-insensitive).
    pub fn app(&self, client_id: &str) -> Option<&AppRegistration> {
        self.apps
            .iter()
            .find(|a| a.client_id.eq_ignore_ascii_case(client_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_partial_config_file() {
        let text = r#"{"tenant_id": "t", "apps": [{"client_id": "c", "secrets": ["s"],
            "federated_credentials": [{"issuer": "i", "subject": "s", "key_pem": "k"}]}],
            "page_size": 5}"#;
        let config: EmulatorConfig = serde_json::from_str(text).expect("parses");
        assert_eq!(config.page_size, 5);
        assert_eq!(config.token_lifetime_secs, 3599);
        assert!(config.managed_identity.is_none());
        assert_eq!(config.switches, Switches::default());
        let app = config.app("C").expect("case-insensitive lookup");
        assert_eq!(
            app.federated_credentials[0].audience,
            "api://AzureADTokenExchange"
        );
    }

    #[test]
    fn latency_parses_with_routes_overriding_the_default() {
        let text = r#"{"latency": {"ms": 100, "routes": {"token": 0, "/msi/token": 7}}}"#;
        let config: EmulatorConfig = serde_json::from_str(text).expect("parses");
        let latency = &config.latency;
        assert_eq!(latency.for_route("partner", "/x").as_millis(), 100);
        assert_eq!(latency.for_route("token", "/t").as_millis(), 0);
        assert_eq!(latency.for_route("msi", "/msi/token").as_millis(), 7);
        assert!(serde_json::from_str::<Latency>(r#"{"millis": 1}"#).is_err());
    }

    #[test]
    fn switches_parse_strictly() {
        let text = r#"{"switches": {"strict_create": true, "sync_delete_status": 409}}"#;
        let config: EmulatorConfig = serde_json::from_str(text).expect("parses");
        assert!(config.switches.strict_create);
        assert_eq!(config.switches.sync_delete_status, Some(409));
        assert!(!config.switches.service_provider_forbidden_on_create);
        let bad = serde_json::from_str::<Switches>(r#"{"strict": true}"#);
        assert!(bad.is_err(), "unknown switch names are refused");
    }
}
