//! The Microsoft clouds the provider knows by name, with their Graph and sign-in endpoints.

/// A Microsoft cloud's endpoints (reference §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cloud {
    pub name: &'static str,
    pub graph: &'static str,
    pub login: &'static str,
    /// Audience of federated (OIDC) tokens exchanged in this cloud.
    pub token_exchange_audience: &'static str,
}

pub const CLOUDS: &[(&[&str], Cloud)] = &[
    (
        &["global", "public"],
        Cloud {
            name: "global",
            graph: "https://graph.microsoft.com",
            login: "https://login.microsoftonline.com",
            token_exchange_audience: "api://AzureADTokenExchange",
        },
    ),
    (
        &["usgovernmentl4", "usgovernment"],
        Cloud {
            name: "usgovernmentl4",
            graph: "https://graph.microsoft.us",
            login: "https://login.microsoftonline.us",
            token_exchange_audience: "api://AzureADTokenExchangeUSGov",
        },
    ),
    (
        &["usgovernmentl5", "dod"],
        Cloud {
            name: "usgovernmentl5",
            graph: "https://dod-graph.microsoft.us",
            login: "https://login.microsoftonline.us",
            token_exchange_audience: "api://AzureADTokenExchangeUSGov",
        },
    ),
    (
        &["china"],
        Cloud {
            name: "china",
            graph: "https://microsoftgraph.chinacloudapi.cn",
            login: "https://login.partner.microsoftonline.cn",
            token_exchange_audience: "api://AzureADTokenExchangeChina",
        },
    ),
];
