//! Parsing Graph's OData error envelope (and its response headers) into an [`HttpFailure`].

use reqwest::header::HeaderMap;
use serde_json::{Map, Value};

use super::error::{ErrorDetail, HttpFailure};

/// Longest piece of a non-envelope body shown in a diagnostic.
const SNIPPET_CHARS: usize = 200;

/// Builds the failure for an error response. Never fails: a body that is not Graph's envelope
/// (HTML from a proxy, empty, truncated JSON) becomes a short snippet instead.
pub(crate) fn http_failure(
    method: &str,
    path: &str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> HttpFailure {
    let mut failure = HttpFailure {
        method: method.to_owned(),
        path: path.to_owned(),
        status,
        ..HttpFailure::default()
    };

    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    match parsed.as_ref().and_then(|value| value.get("error")) {
        Some(Value::Object(error)) => read_error_object(error, &mut failure),
        // Some services put a bare string in `error`, OAuth style.
        Some(Value::String(code)) => failure.code = Some(code.clone()),
        _ => failure.body_snippet = snippet(body),
    }

    // The envelope is authoritative; headers fill what it left out.
    fill_from_header(&mut failure.request_id, headers, "request-id");
    fill_from_header(&mut failure.client_request_id, headers, "client-request-id");
    failure
}

fn read_error_object(error: &Map<String, Value>, failure: &mut HttpFailure) {
    failure.code = string_field(error, "code");
    failure.message = string_field(error, "message");
    if let Some(Value::Array(details)) = get_ignoring_case(error, "details") {
        failure.details = details
            .iter()
            .filter_map(Value::as_object)
            .map(|detail| ErrorDetail {
                code: string_field(detail, "code"),
                message: string_field(detail, "message"),
                target: string_field(detail, "target"),
            })
            .collect();
    }

    // innerError may nest further innerErrors; the outermost value of each key wins.
    let mut inner = get_ignoring_case(error, "innerError");
    while let Some(Value::Object(level)) = inner {
        fill(&mut failure.request_id, string_field(level, "request-id"));
        fill(
            &mut failure.client_request_id,
            string_field(level, "client-request-id"),
        );
        fill(&mut failure.date, string_field(level, "date"));
        inner = get_ignoring_case(level, "innerError");
    }
}

fn get_ignoring_case<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(key))
            .map(|(_, value)| value)
    })
}

fn string_field(object: &Map<String, Value>, key: &str) -> Option<String> {
    match get_ignoring_case(object, key)? {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        _ => None,
    }
}

fn fill(slot: &mut Option<String>, value: Option<String>) {
    if slot.is_none() {
        *slot = value;
    }
}

fn fill_from_header(slot: &mut Option<String>, headers: &HeaderMap, name: &str) {
    if slot.is_none() {
        *slot = headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .filter(|value| !value.is_empty())
            .map(str::to_owned);
    }
}

/// The start of a body, whitespace collapsed, cut at [`SNIPPET_CHARS`].
fn snippet(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.is_empty() {
        return None;
    }
    let mut chars = collapsed.chars();
    let mut cut: String = chars.by_ref().take(SNIPPET_CHARS).collect();
    if chars.next().is_some() {
        cut.push_str("… (truncated)");
    }
    Some(cut)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn parses_envelope_with_details_and_nested_inner_error() {
        let body = br#"{"error":{"code":"Request_MultipleObjectsWithSameKeyValue",
            "message":"Another object with the same value for property tenantId already exists.",
            "details":[{"code":"ConflictingObjects","message":"A conflicting object is present.","target":"tenantId"}],
            "innerError":{"Date":"2026-01-01T00:00:00","Request-Id":"req-1",
                          "innerError":{"client-request-id":"client-1","request-id":"ignored"}}}}"#;
        let failure = http_failure("POST", "/p", 409, &HeaderMap::new(), body);
        assert_eq!(
            failure.code.as_deref(),
            Some("Request_MultipleObjectsWithSameKeyValue")
        );
        assert_eq!(failure.request_id.as_deref(), Some("req-1"));
        assert_eq!(failure.client_request_id.as_deref(), Some("client-1"));
        assert_eq!(failure.date.as_deref(), Some("2026-01-01T00:00:00"));
        assert_eq!(failure.details.len(), 1);
        assert_eq!(failure.details[0].target.as_deref(), Some("tenantId"));
        assert_eq!(failure.body_snippet, None);
    }

    #[test]
    fn falls_back_to_headers_for_ids() {
        let mut headers = HeaderMap::new();
        headers.insert("request-id", HeaderValue::from_static("from-header"));
        headers.insert("client-request-id", HeaderValue::from_static("client-h"));
        let body = br#"{"error":{"code":"TooManyRequests","message":"Please retry again later."}}"#;
        let failure = http_failure("GET", "/p", 429, &headers, body);
        assert_eq!(failure.request_id.as_deref(), Some("from-header"));
        assert_eq!(failure.client_request_id.as_deref(), Some("client-h"));
    }

    #[test]
    fn tolerates_non_json_bodies_with_a_truncated_snippet() {
        let body = format!("<html>\n  <body>{}</body></html>", "x".repeat(500));
        let failure = http_failure("GET", "/p", 502, &HeaderMap::new(), body.as_bytes());
        let snippet = failure.body_snippet.unwrap_or_default();
        assert!(snippet.starts_with("<html> <body>xxx"));
        assert!(snippet.ends_with("… (truncated)"));
        assert!(snippet.chars().count() < 230);
        assert_eq!(failure.code, None);

        let empty = http_failure("GET", "/p", 500, &HeaderMap::new(), b"");
        assert_eq!(empty.body_snippet, None);
    }
}
