//! Load through one client: a thousand calls, 64 in flight at a time, on a multi-threaded
//! runtime against a local mock. Every call must succeed and decode to the fixture, and the
//! mock must see exactly one request per call (no retry, no lost or duplicated request).
//!
//! Nothing here asserts how long anything took; the elapsed time is only printed.

use std::time::{Duration, Instant};

use crate::support::fixtures::{
    ACCOUNT, GATEWAY, ROUTE_ID, envelope_result, full_route, listed_route, page, route_path,
    routes_path, version,
};
use cloudflare_dynamic_routing::types::{Route, Version};
use cloudflare_dynamic_routing::{Client, Error, PageRequest, RetryPolicy};
use futures_util::StreamExt;
use futures_util::stream;
use httpmock::Method::GET;
use httpmock::MockServer;

/// How many calls each test makes.
const CALLS: usize = 1_000;
/// How many are in flight at once.
const IN_FLIGHT: usize = 64;

/// No retries, so that one call is exactly one request; a generous timeout, so that a slow
/// CI machine does not turn load into failures.
fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .api_token("test-token")
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

fn fixture_route() -> Route {
    serde_json::from_value(full_route()).expect("the route fixture decodes")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_get_route_calls_through_one_client_all_succeed() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(envelope_result(full_route()));
        })
        .await;
    let client = client(&server.base_url());
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let expected = fixture_route();

    let started = Instant::now();
    let results: Vec<Result<Route, Error>> = stream::iter(0..CALLS)
        .map(|_| gateway.get_route(ROUTE_ID))
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let elapsed = started.elapsed();
    println!("{CALLS} get_route calls, {IN_FLIGHT} in flight: {elapsed:?}");

    assert_eq!(results.len(), CALLS);
    let failures: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err().map(ToString::to_string))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {CALLS} calls failed; first: {}",
        failures.len(),
        failures[0]
    );
    for route in results.into_iter().map(Result::unwrap) {
        assert_eq!(route, expected);
    }
    assert_eq!(mock.calls_async().await, CALLS);
}

/// What one call of the mixed run returned.
#[derive(Debug)]
enum Answer {
    Listed(Vec<Route>),
    Got(Box<Route>),
    Versions(Vec<Version>),
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_mixed_calls_through_one_client_all_succeed() {
    let server = MockServer::start_async().await;
    let list = server
        .mock_async(|when, then| {
            when.method(GET).path(routes_path());
            then.status(200)
                .header("content-type", "application/json")
                .json_body(page("routes", serde_json::json!([listed_route()])));
        })
        .await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(envelope_result(full_route()));
        })
        .await;
    let versions = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("{}/versions", route_path(ROUTE_ID)));
            then.status(200)
                .header("content-type", "application/json")
                .json_body(page("versions", serde_json::json!([version()])));
        })
        .await;
    let client = client(&server.base_url());
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let expected_route = fixture_route();
    let expected_listed: Route =
        serde_json::from_value(listed_route()).expect("the listed route fixture decodes");
    let expected_version: Version =
        serde_json::from_value(version()).expect("the version fixture decodes");

    let gateway = &gateway;
    let started = Instant::now();
    let results: Vec<Result<Answer, Error>> = stream::iter(0..CALLS)
        .map(|i| async move {
            match i % 3 {
                0 => gateway
                    .list_routes(PageRequest::default())
                    .await
                    .map(|page| Answer::Listed(page.routes)),
                1 => gateway
                    .get_route(ROUTE_ID)
                    .await
                    .map(|route| Answer::Got(Box::new(route))),
                _ => gateway
                    .list_versions(ROUTE_ID)
                    .await
                    .map(|page| Answer::Versions(page.versions)),
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let elapsed = started.elapsed();
    println!("{CALLS} mixed calls, {IN_FLIGHT} in flight: {elapsed:?}");

    assert_eq!(results.len(), CALLS);
    let (mut listed, mut got, mut listed_versions) = (0, 0, 0);
    for result in results {
        match result.unwrap_or_else(|e| panic!("a call failed: {e}")) {
            Answer::Listed(routes) => {
                assert_eq!(routes, std::slice::from_ref(&expected_listed));
                listed += 1;
            }
            Answer::Got(route) => {
                assert_eq!(*route, expected_route);
                got += 1;
            }
            Answer::Versions(all) => {
                assert_eq!(all, std::slice::from_ref(&expected_version));
                listed_versions += 1;
            }
        }
    }
    // 0..1000 split by `i % 3`: 334 lists, 333 gets, 333 version lists.
    assert_eq!((listed, got, listed_versions), (334, 333, 333));
    assert_eq!(list.calls_async().await, listed);
    assert_eq!(get.calls_async().await, got);
    assert_eq!(versions.calls_async().await, listed_versions);
}
