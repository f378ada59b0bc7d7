//! Helpers: an emulator with a client pointed at it, raw HTTP for what the client cannot
//! express, and graphs.

use std::time::Duration;

use cloudflare_dynamic_routing::types::RouteElement;
use cloudflare_dynamic_routing::{Client, RetryPolicy};
use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig};
use reqwest::Method;
use serde_json::{Value, json};

pub use crate::fixtures::{ACCOUNT, GATEWAY, graph, route_path, routes_path};

/// The token the tests send.
pub const TOKEN: &str = "t";

/// An emulator with `config`.
pub async fn emulator(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).await.expect("the emulator starts")
}

/// A client for `emulator` that never retries, so each call is one request.
pub fn client(emulator: &Emulator) -> Client {
    builder(emulator).build().expect("a client")
}

/// A client builder for `emulator`, retries off.
pub fn builder(emulator: &Emulator) -> cloudflare_dynamic_routing::ClientBuilder {
    Client::builder()
        .base_url(emulator.base_url())
        .api_token(TOKEN)
        .retry_policy(RetryPolicy::none())
}

/// A policy that retries at once (tests do not wait out a backoff).
pub fn quick_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(1),
    }
}

/// The sample graph as typed elements.
pub fn elements(graph: Value) -> Vec<RouteElement> {
    serde_json::from_value(graph).expect("a graph of known kinds")
}

/// The typed graph in `value`: an array of elements, or (as a version's documented `data`) a
/// JSON string of one. Comparing typed graphs ignores how numbers are written (`100`, `100.0`).
pub fn graph_in(value: &Value) -> Vec<RouteElement> {
    match value {
        Value::String(text) => elements(serde_json::from_str(text).expect("a JSON graph")),
        other => elements(other.clone()),
    }
}

/// Any value of the client as JSON, so tests read fields the same way whatever their Rust
/// types.
pub fn as_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serialisable")
}

/// A small valid graph whose model is `model`, with numbers written as integers.
pub fn small_graph(model: &str) -> Value {
    json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "call"}}},
        {"id": "call", "type": "model",
         "properties": {"provider": "openai", "model": model, "retries": 2, "timeout": 30000},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}},
        {"id": "end", "type": "end", "outputs": {}}
    ])
}

/// Plain HTTP to an emulator, with the test token unless told otherwise.
pub struct Raw {
    http: reqwest::Client,
    base_url: String,
}

/// An answer: status, headers and JSON body (`Null` if the body was not JSON).
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Raw {
    pub fn new(emulator: &Emulator) -> Self {
        let http = cloudflare_dynamic_routing::http_client_builder()
            .expect("TLS config")
            .build()
            .expect("an HTTP client");
        Self {
            http,
            base_url: emulator.base_url(),
        }
    }

    /// A request builder with the test token.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base_url))
            .bearer_auth(TOKEN)
    }

    /// A request builder without credentials.
    pub fn anonymous(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base_url))
    }

    /// Sends `request` and reads the answer.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("an answer");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(self.request(Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(self.request(Method::POST, path).json(&body))
            .await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        self.send(self.request(Method::PATCH, path).json(&body))
            .await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(self.request(Method::DELETE, path)).await
    }

    /// Creates a route, returning its id and its first version's id.
    pub async fn create(&self, name: &str, graph: Value) -> (String, String) {
        let answer = self
            .post(&routes_path(), json!({"name": name, "elements": graph}))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let result = &answer.body["result"];
        (text(&result["id"]), text(&result["version"]["version_id"]))
    }
}

/// A JSON string's text.
pub fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a string, not {value}"))
        .to_string()
}

/// The one error of a Cloudflare error envelope: `(code, message)`.
pub fn error_of(body: &Value) -> (i64, String) {
    assert_eq!(body["success"], json!(false), "{body}");
    let error = &body["errors"][0];
    (
        error["code"]
            .as_i64()
            .unwrap_or_else(|| panic!("a code in {body}")),
        text(&error["message"]),
    )
}
