//! Faults on the wire and in the answers: every one ends in a typed [`Error`] or in the
//! retry behaviour `retry.rs` documents, never in a panic. One module per kind of fault; the
//! helpers they share are here.
//!
//! Retries use a 1-5 ms backoff so the tests are fast; nothing here asserts how long anything
//! took, only what was sent (hit counts), what came back and how often it was tried.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::num::NonZeroU64;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::support::fixtures::{
    ACCOUNT, GATEWAY, ROUTE_ID, VERSION_ID, envelope_result, error_body, full_route, graph,
    listed_route_named, page, route, route_path, routes_path,
};
use cloudflare_dynamic_routing::{ApiError, Client, Error, PageRequest, RetryPolicy};
use futures_util::TryStreamExt;
use httpmock::Method::{DELETE, GET, PATCH, POST};
use httpmock::{HttpMockResponse, Method, Mock, MockServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Two retries, 1-5 ms apart.
fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
    }
}

fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .api_token("test-token")
        .retry_policy(fast_retries())
        .build()
        .expect("client")
}

/// A JSON value as whatever the call wants (a graph as the elements parameter), so that no
/// generated type is named here.
macro_rules! typed {
    ($value:expr) => {
        serde_json::from_value($value).expect("the fixture decodes")
    };
}

/// A response for [`scripted`].
fn reply(status: u16, headers: &[(&str, &str)], body: &str) -> HttpMockResponse {
    let mut builder = HttpMockResponse::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.to_string()).build()
}

fn json_reply(status: u16, body: &Value) -> HttpMockResponse {
    reply(
        status,
        &[("content-type", "application/json")],
        &body.to_string(),
    )
}

/// A mock that answers `replies` in order, the last one for ever after.
async fn scripted<'a>(
    server: &'a MockServer,
    method: Method,
    path: &str,
    replies: Vec<HttpMockResponse>,
) -> Mock<'a> {
    let next = AtomicUsize::new(0);
    server
        .mock_async(move |when, then| {
            when.method(method).path(path);
            then.respond_with(move |_| {
                let i = next.fetch_add(1, Ordering::SeqCst);
                replies[i.min(replies.len() - 1)].clone()
            });
        })
        .await
}

/// A 429 asking for no wait (`Retry-After: 0`).
fn rate_limited() -> HttpMockResponse {
    reply(
        429,
        &[("content-type", "application/json"), ("retry-after", "0")],
        &error_body(971, "Please wait and consider throttling").to_string(),
    )
}

fn route_ok() -> Value {
    envelope_result(full_route())
}

fn api(error: Error) -> ApiError {
    match error {
        Error::Api(api) => api,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

// After the helpers: `macro_rules!` macros are visible only below their definition.
mod arguments;
mod auth;
mod connection;
mod error_bodies;
mod large_bodies;
mod pagination;
mod rate_limits;
mod redirects;
mod replace_graph;
mod safe_methods;
mod server_errors;
