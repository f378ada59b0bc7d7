//! Every operation through the high-level client against a local mock server: the method,
//! path, credentials, query and JSON body it sends, and the payload it returns with the
//! envelope unwrapped.

use std::num::NonZeroU64;

use crate::support::fixtures::{self, ACCOUNT, GATEWAY, ROUTE_ID, VERSION_ID};
use cloudflare_dynamic_routing::types::RouteElement;
use cloudflare_dynamic_routing::{Client, PageRequest, RetryPolicy};
use httpmock::Method::{DELETE, GET, PATCH, POST};
use httpmock::{Mock, MockServer};
use serde_json::{Value, json};

const TOKEN: &str = "operations-test-token";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .api_token(TOKEN)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client")
}

/// Expects exactly this request, with the bearer token and no `api-version`, and answers
/// `response`.
async fn expect<'a>(
    server: &'a MockServer,
    method: httpmock::Method,
    path: &str,
    query: &[(&str, &str)],
    body: Option<Value>,
    response: Value,
) -> Mock<'a> {
    server
        .mock_async(|when, then| {
            let mut when = when
                .method(method)
                .path(path)
                .header("authorization", format!("Bearer {TOKEN}"))
                .header("accept", "application/json")
                .header_missing("api-version");
            for (name, value) in query {
                when = when.query_param(*name, *value);
            }
            if let Some(body) = body {
                when.header("content-type", "application/json")
                    .json_body(body);
            }
            then.status(200).json_body(response);
        })
        .await
}

/// The payload as JSON, to compare with what the server sent inside its envelope.
fn json_of<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("encodes")
}

fn graph() -> Vec<RouteElement> {
    serde_json::from_value(fixtures::graph()).expect("the fixture graph decodes")
}

#[tokio::test]
async fn list_routes_sends_the_page_and_returns_the_page() {
    let server = MockServer::start_async().await;
    let page = fixtures::page("routes", json!([fixtures::listed_route()]));
    let mock = expect(
        &server,
        GET,
        &fixtures::routes_path(),
        &[("page", "2"), ("per_page", "5")],
        None,
        page.clone(),
    )
    .await;
    let got = client(&server)
        .gateway(ACCOUNT, GATEWAY)
        .list_routes(PageRequest::new(2, 5).expect("non-zero"))
        .await
        .expect("list_routes");
    mock.assert_async().await;
    assert_eq!(json_of(&got), page["data"]);
}

#[tokio::test]
async fn create_route_sends_name_and_graph_and_returns_the_route() {
    let server = MockServer::start_async().await;
    let answer = fixtures::envelope_result(fixtures::full_route());
    let body = json!({"name": "support-bot", "elements": fixtures::graph()});
    let mock = expect(
        &server,
        POST,
        &fixtures::routes_path(),
        &[],
        Some(body),
        answer.clone(),
    )
    .await;
    let got = client(&server)
        .gateway(ACCOUNT, GATEWAY)
        .create_route("support-bot", graph())
        .await
        .expect("create_route");
    mock.assert_async().await;
    assert_eq!(json_of(&got), answer["result"]);
}

#[tokio::test]
async fn get_route_returns_the_route() {
    let server = MockServer::start_async().await;
    let answer = fixtures::envelope_result(fixtures::full_route());
    let mock = expect(
        &server,
        GET,
        &fixtures::route_path(ROUTE_ID),
        &[],
        None,
        answer.clone(),
    )
    .await;
    let got = client(&server)
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .expect("get_route");
    mock.assert_async().await;
    assert_eq!(json_of(&got), answer["result"]);
}

#[tokio::test]
async fn update_route_sends_the_name_and_unwraps_the_route_envelope() {
    let server = MockServer::start_async().await;
    let answer = json!({"success": true, "route": fixtures::listed_route()});
    let body = json!({"name": "renamed"});
    let mock = expect(
        &server,
        PATCH,
        &fixtures::route_path(ROUTE_ID),
        &[],
        Some(body),
        answer.clone(),
    )
    .await;
    let got = client(&server)
        .gateway(ACCOUNT, GATEWAY)
        .update_route(ROUTE_ID, "renamed")
        .await
        .expect("update_route");
    mock.assert_async().await;
    assert_eq!(json_of(&got), answer["route"]);
}

#[tokio::test]
async fn delete_route_returns_the_deleted_route() {
    let server = MockServer::start_async().await;
    let answer = fixtures::envelope_result(fixtures::route(json!({})));
    let mock = expect(
        &server,
        DELETE,
        &fixtures::route_path(ROUTE_ID),
        &[],
        None,
        answer.clone(),
    )
    .await;
    let got = client(&server)
        .gateway(ACCOUNT, GATEWAY)
        .delete_route(ROUTE_ID)
        .await
        .expect("delete_route");
    mock.assert_async().await;
    assert_eq!(json_of(&got), answer["result"]);
}

#[tokio::test]
async fn list_versions_unwraps_the_data_envelope() {
    let server = MockServer::start_async().await;
    let answer = fixtures::page("versions", json!([fixtures::version()]));
    let path = format!("{}/versions", fixtures::route_path(ROUTE_ID));
    let mock = expect(&server, GET, &path, &[], None, answer.clone()).await;
    let got = client(&server)
        .gateway(ACCOUNT, GATEWAY)
        .list_versions(ROUTE_ID)
        .await
        .expect("list_versions");
    mock.assert_async().await;
    assert_eq!(json_of(&got), answer["data"]);
}

#[tokio::test]
async fn create_version_sends_the_graph() {
    let server = MockServer::start_async().await;
    let answer = fixtures::envelope_result(fixtures::route(json!({})));
    let path = format!("{}/versions", fixtures::route_path(ROUTE_ID));
    let body = json!({"elements": fixtures::graph()});
    let mock = expect(&server, POST, &path, &[], Some(body), answer.clone()).await;
    let got = client(&server)
        .gateway(ACCOUNT, GATEWAY)
        .create_version(ROUTE_ID, graph())
        .await
        .expect("create_version");
    mock.assert_async().await;
    assert_eq!(json_of(&got), answer["result"]);
}

#[tokio::test]
async fn get_version_returns_the_version_with_its_graph() {
    let server = MockServer::start_async().await;
    let answer = fixtures::envelope_result(json!({
        "id": ROUTE_ID, "name": "support-bot", "gateway_id": GATEWAY, "version_id": VERSION_ID,
        "active": "true", "data": "[]", "created_at": "2026-11-01 10:00:00",
        "modified_at": fixtures::MODIFIED_AT, "elements": fixtures::graph(),
    }));
    let path = format!("{}/versions/{VERSION_ID}", fixtures::route_path(ROUTE_ID));
    let mock = expect(&server, GET, &path, &[], None, answer.clone()).await;
    let got = client(&server)
        .gateway(ACCOUNT, GATEWAY)
        .get_version(ROUTE_ID, VERSION_ID)
        .await
        .expect("get_version");
    mock.assert_async().await;
    assert_eq!(json_of(&got), answer["result"]);
}

#[tokio::test]
async fn list_deployments_unwraps_the_data_envelope() {
    let server = MockServer::start_async().await;
    let answer = fixtures::page("deployments", json!([fixtures::deployment()]));
    let path = format!("{}/deployments", fixtures::route_path(ROUTE_ID));
    let mock = expect(&server, GET, &path, &[], None, answer.clone()).await;
    let got = client(&server)
        .gateway(ACCOUNT, GATEWAY)
        .list_deployments(ROUTE_ID)
        .await
        .expect("list_deployments");
    mock.assert_async().await;
    assert_eq!(json_of(&got), answer["data"]);
}

#[tokio::test]
async fn create_deployment_sends_the_version_id() {
    let server = MockServer::start_async().await;
    let answer = fixtures::envelope_result(fixtures::route(json!({})));
    let path = format!("{}/deployments", fixtures::route_path(ROUTE_ID));
    let body = json!({"version_id": VERSION_ID});
    let mock = expect(&server, POST, &path, &[], Some(body), answer.clone()).await;
    let got = client(&server)
        .gateway(ACCOUNT, GATEWAY)
        .create_deployment(ROUTE_ID, VERSION_ID)
        .await
        .expect("create_deployment");
    mock.assert_async().await;
    assert_eq!(json_of(&got), answer["result"]);
}

#[tokio::test]
async fn the_routes_stream_sends_each_page_with_its_size() {
    let server = MockServer::start_async().await;
    let first = fixtures::page("routes", json!([fixtures::listed_route_named("a")]));
    let mock = expect(
        &server,
        GET,
        &fixtures::routes_path(),
        &[("page", "1"), ("per_page", "2")],
        None,
        first,
    )
    .await;
    use futures_util::TryStreamExt;
    let gateway = client(&server);
    let gateway = gateway.gateway(ACCOUNT, GATEWAY);
    let routes: Vec<_> = gateway
        .routes(NonZeroU64::new(2).expect("non-zero"))
        .try_collect()
        .await
        .expect("routes");
    mock.assert_async().await;
    assert_eq!(routes.len(), 1, "a short first page is the last");
}
