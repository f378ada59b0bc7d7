//! The generated mocks crate, used as a user would: expectations in the API's terms for
//! list, create, get and deploy, checked against the high-level client.

use cloudflare_dynamic_routing::types::{
    ErrorBody, ErrorMessage, NewDeployment, NewRoute, RoutePageResponse, RouteResponse,
    RouteWithoutDeploymentResponse,
};
use cloudflare_dynamic_routing::{Client, PageRequest, RetryPolicy};
use cloudflare_dynamic_routing_mocks::MockServerExt;
use httpmock::MockServer;
use serde_json::json;
use tests::fixtures::{self, ACCOUNT, GATEWAY, ROUTE_ID, VERSION_ID};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .api_token("mock-token")
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client")
}

fn decode<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("fixture decodes")
}

#[tokio::test]
async fn list_routes_with_a_page_query() {
    let server = MockServer::start_async().await;
    let page: RoutePageResponse =
        decode(fixtures::page("routes", json!([fixtures::listed_route()])));
    let mock = server.list_routes(|when, then| {
        let when = when.account_id(ACCOUNT).gateway_id(GATEWAY);
        when.page(std::num::NonZeroU64::new(3))
            .per_page(std::num::NonZeroU64::new(10));
        then.ok(&page);
    });
    let got = client(&server)
        .gateway(ACCOUNT, GATEWAY)
        .list_routes(PageRequest::new(3, 10).expect("non-zero"))
        .await
        .expect("list_routes");
    mock.assert();
    assert_eq!(got, page.data);
}

#[tokio::test]
async fn create_route_matches_the_typed_body() {
    let server = MockServer::start_async().await;
    let body: NewRoute = decode(json!({"name": "support-bot", "elements": fixtures::graph()}));
    let answer: RouteResponse = decode(fixtures::envelope_result(fixtures::full_route()));
    let mock = server.create_route(|when, then| {
        when.account_id(ACCOUNT).gateway_id(GATEWAY).body(&body);
        then.ok(&answer);
    });
    let got = client(&server)
        .gateway(ACCOUNT, GATEWAY)
        .create_route(&body.name, body.elements.clone())
        .await
        .expect("create_route");
    mock.assert();
    assert_eq!(got, answer.result);
}

#[tokio::test]
async fn get_route_answering_with_a_typed_error_body() {
    let server = MockServer::start_async().await;
    let mock = server.get_route(|when, then| {
        when.account_id(ACCOUNT).gateway_id(GATEWAY).id("missing");
        then.bad_request(&ErrorBody {
            errors: vec![ErrorMessage {
                code: Some(7002),
                message: "Route not found".to_string(),
            }],
            result: None,
            success: false,
        });
    });
    let error = client(&server)
        .gateway(ACCOUNT, GATEWAY)
        .get_route("missing")
        .await
        .expect_err("a 400");
    mock.assert();
    assert!(error.has_code(7002), "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
}

#[tokio::test]
async fn create_deployment_matches_the_version_id() {
    let server = MockServer::start_async().await;
    let answer: RouteWithoutDeploymentResponse =
        decode(fixtures::envelope_result(fixtures::route(json!({}))));
    let mock = server.create_deployment(|when, then| {
        when.account_id(ACCOUNT)
            .gateway_id(GATEWAY)
            .id(ROUTE_ID)
            .body(&NewDeployment {
                version_id: VERSION_ID.to_string(),
            });
        then.ok(&answer);
    });
    let got = client(&server)
        .gateway(ACCOUNT, GATEWAY)
        .create_deployment(ROUTE_ID, VERSION_ID)
        .await
        .expect("create_deployment");
    mock.assert();
    assert_eq!(got, answer.result);
}
