//! Round-trips: every element kind, in every operation's request and response types, decodes
//! and re-encodes to the same JSON; every operation's 400 body decodes to the error type.
//!
//! The bodies go through the generated client against a local mock server, so each
//! operation's *actual* request and response types are exercised, not a type picked here.

use cloudflare_dynamic_routing::graph::AnyElement;
use cloudflare_dynamic_routing::raw::Error;
use cloudflare_dynamic_routing::types::{
    ErrorBody, Route, RouteElement, RouteResponse, RouteWithoutDeployment, VersionDetail,
};
use cloudflare_dynamic_routing::{Client, RetryPolicy};
use httpmock::Method::{DELETE, GET, PATCH, POST};
use httpmock::MockServer;
use serde_json::{Value, json};

const ACCOUNT: &str = "0d37909e38d3e99c29fa2cd343ac421a";
const GATEWAY: &str = "gw-1";
const ROUTE_ID: &str = "route-1";
const VERSION_ID: &str = "version-2";

/// A graph with every element kind: free-plan users hit a budget then a small model; everyone
/// else is split 70/30 between two models, each falling back to the other.
fn graph() -> Value {
    json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "plan"}}},
        {"id": "plan", "type": "conditional",
         "properties": {"conditions": {"metadata.plan": {"$eq": "free"}}},
         "outputs": {"true": {"elementId": "budget"}, "false": {"elementId": "split"}}},
        {"id": "split", "type": "percentage",
         "outputs": {"30%": {"elementId": "small"}, "70%": {"elementId": "large"}}},
        {"id": "budget", "type": "rate",
         "properties": {"key": "metadata.user", "limit": 100, "limitType": "count", "window": 3600},
         "outputs": {"fallback": {"elementId": "end"}, "success": {"elementId": "small"}}},
        {"id": "large", "type": "model",
         "properties": {"model": "gpt-4o", "provider": "openai", "retries": 2, "timeout": 30000},
         "outputs": {"fallback": {"elementId": "small"}, "success": {"elementId": "end"}}},
        {"id": "small", "type": "model",
         "properties": {"model": "@cf/meta/llama-3.1-8b-instruct", "provider": "workers-ai", "retries": 0, "timeout": 10000},
         "outputs": {"fallback": {"elementId": "end"}, "success": {"elementId": "end"}}},
        {"id": "end", "type": "end", "outputs": {}}
    ])
}

fn version() -> Value {
    json!({"active": "true", "created_at": "2026-11-01 10:00:00", "data": "[]", "is_valid": true, "version_id": VERSION_ID})
}

fn deployment() -> Value {
    json!({"created_at": "2026-11-01 10:00:01", "deployment_id": "deployment-3", "version_id": VERSION_ID})
}

/// A route as the API sends it; `with` adds fields to the common core.
fn route(with: Value) -> Value {
    let mut route = json!({
        "id": ROUTE_ID, "name": "support-bot", "gateway_id": GATEWAY,
        "created_at": "2026-11-01T10:00:00Z", "modified_at": "2026-11-02T11:30:15.250Z",
        "elements": graph(),
    });
    for (key, value) in with.as_object().expect("object") {
        route[key] = value.clone();
    }
    route
}

fn full_route() -> Value {
    route(json!({"deployment": deployment(), "version": version()}))
}

fn listed_route() -> Value {
    route(json!({"deployment": deployment(), "version": version(), "account_tag": ACCOUNT}))
}

fn page(items: &str, values: Value) -> Value {
    json!({"success": true, "data": {
        "order_by": "created_at", "order_by_direction": "desc", "page": 1, "per_page": 20,
        items: values
    }})
}

/// The configured client (credentials, no retries) against the mock server.
fn raw_client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .api_token("test-token")
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client")
}

fn routes_path() -> String {
    format!("/accounts/{ACCOUNT}/ai-gateway/gateways/{GATEWAY}/routes")
}

/// Serves `response` for exactly this request (method, path, JSON body, no `api-version`),
/// runs the call, and asserts the decoded value re-encodes to `response`.
macro_rules! round_trip {
    ($server:expr, $method:expr, $path:expr, $request:expr, $response:expr, $call:expr) => {{
        let response: Value = $response;
        let request: Option<Value> = $request;
        let mock = $server
            .mock_async(|when, then| {
                let when = when
                    .method($method)
                    .path($path)
                    .header_missing("api-version");
                if let Some(body) = request {
                    when.json_body(body);
                }
                then.status(200).json_body(response.clone());
            })
            .await;
        let value = $call.await.expect(stringify!($call)).into_inner();
        mock.assert_async().await;
        assert_eq!(
            serde_json::to_value(&value).expect("encodes"),
            response,
            "{} did not round-trip",
            stringify!($call)
        );
        value
    }};
}

#[tokio::test]
async fn every_operation_round_trips_every_element_kind() {
    let server = MockServer::start_async().await;
    let client = raw_client(&server);
    let client = client.raw();
    let routes = routes_path();
    let route_path = format!("{routes}/{ROUTE_ID}");

    let listed = round_trip!(
        server,
        GET,
        routes.as_str(),
        None,
        page("routes", json!([listed_route()])),
        client
            .list_routes()
            .account_id(ACCOUNT)
            .gateway_id(GATEWAY)
            .send()
    );
    assert_all_kinds(&listed.data.routes[0].graph().expect("a graph"));

    let created = round_trip!(
        server,
        POST,
        routes.as_str(),
        Some(json!({"name": "support-bot", "elements": graph()})),
        json!({"success": true, "result": full_route()}),
        client
            .create_route()
            .account_id(ACCOUNT)
            .gateway_id(GATEWAY)
            .body(
                serde_json::from_value::<cloudflare_dynamic_routing::types::NewRoute>(
                    json!({"name": "support-bot", "elements": graph()})
                )
                .expect("request decodes")
            )
            .send()
    );
    assert_all_kinds(&created.result.graph().expect("a graph"));

    let got = round_trip!(
        server,
        GET,
        route_path.as_str(),
        None,
        json!({"success": true, "result": full_route()}),
        client
            .get_route()
            .account_id(ACCOUNT)
            .gateway_id(GATEWAY)
            .id(ROUTE_ID)
            .send()
    );
    assert_all_kinds(&got.result.graph().expect("a graph"));

    let updated = round_trip!(
        server,
        PATCH,
        route_path.as_str(),
        Some(json!({"name": "renamed"})),
        json!({"success": true, "route": listed_route()}),
        client
            .update_route()
            .account_id(ACCOUNT)
            .gateway_id(GATEWAY)
            .id(ROUTE_ID)
            .body_map(|b| b.name("renamed"))
            .send()
    );
    assert_all_kinds(&updated.route.graph().expect("a graph"));

    let deleted = round_trip!(
        server,
        DELETE,
        route_path.as_str(),
        None,
        json!({"success": true, "result": route(json!({}))}),
        client
            .delete_route()
            .account_id(ACCOUNT)
            .gateway_id(GATEWAY)
            .id(ROUTE_ID)
            .send()
    );
    assert_all_kinds(&deleted.result.elements);

    let versions_path = format!("{route_path}/versions");
    round_trip!(
        server,
        GET,
        versions_path.as_str(),
        None,
        page("versions", json!([version()])),
        client
            .list_versions()
            .account_id(ACCOUNT)
            .gateway_id(GATEWAY)
            .id(ROUTE_ID)
            .send()
    );

    let new_version = round_trip!(
        server,
        POST,
        versions_path.as_str(),
        Some(json!({"elements": graph()})),
        json!({"success": true, "result": route(json!({}))}),
        client
            .create_version()
            .account_id(ACCOUNT)
            .gateway_id(GATEWAY)
            .id(ROUTE_ID)
            .body(
                serde_json::from_value::<cloudflare_dynamic_routing::types::NewVersion>(
                    json!({"elements": graph()})
                )
                .expect("request decodes")
            )
            .send()
    );
    assert_all_kinds(&new_version.result.elements);

    let version_path = format!("{versions_path}/{VERSION_ID}");
    let detail = round_trip!(
        server,
        GET,
        version_path.as_str(),
        None,
        json!({"success": true, "result": {
            "id": ROUTE_ID, "name": "support-bot", "gateway_id": GATEWAY, "version_id": VERSION_ID,
            "active": "false", "data": "[]", "created_at": "2026-11-01 10:00:00",
            "modified_at": "2026-11-02T11:30:15.250Z", "elements": graph()}}),
        client
            .get_version()
            .account_id(ACCOUNT)
            .gateway_id(GATEWAY)
            .id(ROUTE_ID)
            .version_id(VERSION_ID)
            .send()
    );
    assert_all_kinds(detail.result.elements.as_deref().unwrap_or_default());

    let deployments_path = format!("{route_path}/deployments");
    round_trip!(
        server,
        GET,
        deployments_path.as_str(),
        None,
        page("deployments", json!([deployment()])),
        client
            .list_deployments()
            .account_id(ACCOUNT)
            .gateway_id(GATEWAY)
            .id(ROUTE_ID)
            .send()
    );

    let deployed = round_trip!(
        server,
        POST,
        deployments_path.as_str(),
        Some(json!({"version_id": VERSION_ID})),
        json!({"success": true, "result": route(json!({}))}),
        client
            .create_deployment()
            .account_id(ACCOUNT)
            .gateway_id(GATEWAY)
            .id(ROUTE_ID)
            .body_map(|b| b.version_id(VERSION_ID))
            .send()
    );
    assert_all_kinds(&deployed.result.elements);
}

/// The decoded graph has each kind as its own variant, with its own outputs and properties:
/// the bug this guards against decoded every variant's outputs as the `start` element's.
fn assert_all_kinds(elements: &[AnyElement]) {
    let kinds: Vec<&str> = elements
        .iter()
        .map(
            |element| match element.known().expect("every kind is known") {
                RouteElement::Start { outputs, .. } => {
                    assert_eq!(outputs.next.element_id, "plan");
                    "start"
                }
                RouteElement::Conditional {
                    outputs,
                    properties,
                    ..
                } => {
                    assert_eq!(outputs.true_.element_id, "budget");
                    assert_eq!(outputs.false_.element_id, "split");
                    assert_eq!(
                        properties.conditions["metadata.plan"],
                        json!({"$eq": "free"})
                    );
                    "conditional"
                }
                RouteElement::Percentage { outputs, .. } => {
                    assert_eq!(outputs.keys().collect::<Vec<_>>(), ["30%", "70%"]);
                    "percentage"
                }
                RouteElement::Rate {
                    outputs,
                    properties,
                    ..
                } => {
                    assert_eq!(outputs.fallback.element_id, "end");
                    assert_eq!(properties.key, "metadata.user");
                    assert_eq!(
                        (properties.limit.get(), properties.window.get()),
                        (100.0, 3600.0)
                    );
                    "rate"
                }
                RouteElement::Model {
                    outputs,
                    properties,
                    ..
                } => {
                    assert!(!outputs.success.element_id.is_empty());
                    assert!(!properties.model.is_empty() && !properties.provider.is_empty());
                    "model"
                }
                RouteElement::End { outputs, .. } => {
                    assert!(outputs.is_empty());
                    "end"
                }
            },
        )
        .collect();
    assert_eq!(
        kinds,
        [
            "start",
            "conditional",
            "percentage",
            "rate",
            "model",
            "model",
            "end"
        ]
    );
}

#[tokio::test]
async fn every_operation_decodes_a_400_into_the_error_body() {
    let server = MockServer::start_async().await;
    let client = raw_client(&server);
    let client = client.raw();
    let body = json!({"success": false, "result": {},
        "errors": [{"message": "Invalid route graph"}]});
    server
        .mock_async(|_, then| {
            then.status(400).json_body(body.clone());
        })
        .await;

    fn error_body<T: std::fmt::Debug>(result: Result<T, Error<ErrorBody>>) -> ErrorBody {
        match result {
            Err(Error::ErrorResponse(response)) => {
                assert_eq!(response.status(), 400);
                response.into_inner()
            }
            other => panic!("expected the 400 error body, got {other:?}"),
        }
    }
    let (a, g, r) = (ACCOUNT, GATEWAY, ROUTE_ID);
    let bodies = vec![
        error_body(
            client
                .list_routes()
                .account_id(a)
                .gateway_id(g)
                .send()
                .await,
        ),
        error_body(
            client
                .create_route()
                .account_id(a)
                .gateway_id(g)
                .body_map(|b| b.name("x").elements(vec![]))
                .send()
                .await,
        ),
        error_body(
            client
                .get_route()
                .account_id(a)
                .gateway_id(g)
                .id(r)
                .send()
                .await,
        ),
        error_body(
            client
                .update_route()
                .account_id(a)
                .gateway_id(g)
                .id(r)
                .body_map(|b| b.name("x"))
                .send()
                .await,
        ),
        error_body(
            client
                .delete_route()
                .account_id(a)
                .gateway_id(g)
                .id(r)
                .send()
                .await,
        ),
        error_body(
            client
                .list_versions()
                .account_id(a)
                .gateway_id(g)
                .id(r)
                .send()
                .await,
        ),
        error_body(
            client
                .create_version()
                .account_id(a)
                .gateway_id(g)
                .id(r)
                .body_map(|b| b.elements(vec![]))
                .send()
                .await,
        ),
        error_body(
            client
                .get_version()
                .account_id(a)
                .gateway_id(g)
                .id(r)
                .version_id("v")
                .send()
                .await,
        ),
        error_body(
            client
                .list_deployments()
                .account_id(a)
                .gateway_id(g)
                .id(r)
                .send()
                .await,
        ),
        error_body(
            client
                .create_deployment()
                .account_id(a)
                .gateway_id(g)
                .id(r)
                .body_map(|b| b.version_id("v"))
                .send()
                .await,
        ),
    ];
    assert_eq!(bodies.len(), 10);
    for decoded in bodies {
        assert!(!decoded.success);
        assert_eq!(decoded.errors[0].message, "Invalid route graph");
        assert_eq!(serde_json::to_value(&decoded).expect("encodes"), body);
    }
}

#[test]
fn an_error_body_is_not_a_success_body() {
    let body = json!({"success": false, "result": {}, "errors": [{"message": "not found"}]});
    assert!(serde_json::from_value::<ErrorBody>(body.clone()).is_ok());
    assert!(serde_json::from_value::<RouteResponse>(body).is_err());
}

#[test]
fn the_seed_example_decodes_and_integers_encode_back_as_integers() {
    // Cloudflare's API reference example for create route (seed 000), plus a rate and a model
    // element written as the API writes numbers: without a fractional part. They encode back
    // the same way, never as `5.0`.
    let mut body = json!({"result": {
        "id": "id", "created_at": "2019-12-27T18:11:19.117Z",
        "deployment": {"created_at": "created_at", "deployment_id": "deployment_id", "version_id": "version_id"},
        "elements": [{"id": "id", "outputs": {"next": {"elementId": "elementId"}}, "type": "start"}],
        "gateway_id": "gateway_id", "modified_at": "2019-12-27T18:11:19.117Z", "name": "name",
        "version": {"active": "true", "created_at": "created_at", "data": "data", "version_id": "version_id"}
    }, "success": true});
    let decoded: RouteResponse = serde_json::from_value(body.clone()).expect("seed decodes");
    assert_eq!(serde_json::to_value(&decoded).expect("encodes"), body);

    body["result"]["elements"] = json!([
        {"id": "r", "type": "rate", "properties": {"key": "k", "limit": 5, "limitType": "cost", "window": 60},
         "outputs": {"success": {"elementId": "e"}, "fallback": {"elementId": "e"}}},
        {"id": "m", "type": "model", "properties": {"provider": "p", "model": "m", "retries": 1, "timeout": 1000},
         "outputs": {"success": {"elementId": "e"}, "fallback": {"elementId": "e"}}}
    ]);
    let decoded: RouteResponse = serde_json::from_value(body).expect("integers decode");
    let rate = serde_json::to_value(&decoded.result.graph().expect("a graph")[0]).expect("encodes");
    assert_eq!(
        rate["properties"],
        json!({"key": "k", "limit": 5, "limitType": "cost", "window": 60})
    );
    assert_eq!(
        serde_json::to_string(&rate["properties"]).expect("encodes"),
        r#"{"key":"k","limit":5,"limitType":"cost","window":60}"#
    );
}

/// Compile-time: every response graph is `AnyElement`s (a kind this client knows, or one it
/// does not), every request graph `RouteElement`s, the one generated element union.
#[allow(dead_code)]
fn one_element_type_everywhere(
    a: Route,
    c: RouteWithoutDeployment,
    d: VersionDetail,
    e: cloudflare_dynamic_routing::types::NewRoute,
    f: cloudflare_dynamic_routing::types::NewVersion,
) -> ([Vec<AnyElement>; 3], [Vec<RouteElement>; 2]) {
    (
        [
            a.elements.unwrap_or_default(),
            c.elements,
            d.elements.unwrap_or_default(),
        ],
        [e.elements, f.elements],
    )
}
