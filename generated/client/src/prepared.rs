//! A dry run's result: the request a call would have sent, exactly as built and checked
//! (method, URL, headers, JSON body), with the credentials replaced by [`REDACTED`].
//! See [`ClientBuilder::dry_run`](crate::ClientBuilder::dry_run).

use std::collections::BTreeMap;

use reqwest::Request;
use reqwest::header::HeaderName;
use serde::Serialize;
use serde_json::Value;

/// What a credential header's value reads as in a [`PreparedRequest`].
pub const REDACTED: &str = "<redacted>";

/// A request that passed every check before sending and was not sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreparedRequest {
    /// The operation, such as `create_route`.
    pub operation: &'static str,
    /// The method, upper case.
    pub method: String,
    /// The whole URL: base URL, encoded path and query.
    pub url: String,
    /// Every header, by lower-case name (repeated values joined with `, `); credentials are
    /// [`REDACTED`].
    pub headers: BTreeMap<String, String>,
    /// The JSON body, if the request has one (a body that is not JSON is kept as a string).
    pub body: Option<Value>,
}

impl PreparedRequest {
    /// The request as built, each header named in `secrets` redacted.
    pub(crate) fn of(operation: &'static str, request: &Request, secrets: &[&HeaderName]) -> Self {
        let mut headers: BTreeMap<String, String> = BTreeMap::new();
        for (name, value) in request.headers() {
            let shown = if secrets.contains(&name) {
                REDACTED.to_string()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            headers
                .entry(name.as_str().to_string())
                .and_modify(|joined| {
                    joined.push_str(", ");
                    joined.push_str(&shown);
                })
                .or_insert(shown);
        }
        let body = request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .map(|bytes| {
                serde_json::from_slice(bytes)
                    .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
            });
        Self {
            operation,
            method: request.method().as_str().to_string(),
            url: request.url().to_string(),
            headers,
            body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::Method;
    use reqwest::header::{AUTHORIZATION, HeaderValue};

    #[test]
    fn credentials_are_redacted_and_the_body_is_json() {
        // Built without a `reqwest::Client`, which would need a TLS provider.
        let url = "https://api.example/accounts/a%20b/routes?page=2";
        let mut request = Request::new(Method::POST, url.parse().expect("a URL"));
        *request.body_mut() = Some(br#"{"name":"r"}"#.to_vec().into());
        request.headers_mut().insert(
            reqwest::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        request.headers_mut().insert(
            AUTHORIZATION,
            HeaderValue::from_static("Bearer secret-token"),
        );
        let x_auth_key = HeaderName::from_static("x-auth-key");
        request
            .headers_mut()
            .insert(x_auth_key.clone(), HeaderValue::from_static("secret-key"));
        let prepared =
            PreparedRequest::of("create_route", &request, &[&AUTHORIZATION, &x_auth_key]);
        assert_eq!(prepared.method, "POST");
        assert_eq!(
            prepared.url,
            "https://api.example/accounts/a%20b/routes?page=2"
        );
        assert_eq!(prepared.headers["authorization"], REDACTED);
        assert_eq!(prepared.headers["x-auth-key"], REDACTED);
        assert_eq!(prepared.headers["content-type"], "application/json");
        assert_eq!(prepared.body, Some(serde_json::json!({"name": "r"})));
        let shown = serde_json::to_string(&prepared).expect("serialises");
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn a_request_without_a_body_has_none() {
        let url = "https://api.example/routes/r".parse().expect("a URL");
        let request = Request::new(Method::DELETE, url);
        assert_eq!(
            PreparedRequest::of("delete_route", &request, &[]).body,
            None
        );
    }
}
