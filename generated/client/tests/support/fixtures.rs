//! The one set of fixtures every test shares: deterministic JSON for the sample graph (every
//! element kind), routes, versions, deployments, list pages and Cloudflare's success and error
//! envelopes. The client's unit and integration tests, the regression suite (`tests/`), the CLI
//! tests and the benchmarks include this one file; none keeps its own copy of the sample.
//!
//! Numbers are written as the API writes them: whole numbers as integers (`100`), so that a decoded
//! value re-encodes to exactly the same JSON.

#![allow(dead_code)] // each test binary uses its own part of the fixtures

use serde_json::{Value, json};

/// A 32-hex-digit account id.
pub const ACCOUNT: &str = "0d37909e38d3e99c29fa2cd343ac421a";
/// A gateway id.
pub const GATEWAY: &str = "gw-1";
/// A route id.
pub const ROUTE_ID: &str = "route-1";
/// A version id.
pub const VERSION_ID: &str = "version-2";
/// When [`route`] was created.
pub const CREATED_AT: &str = "2026-11-01T10:00:00Z";
/// When [`route`] was last modified.
pub const MODIFIED_AT: &str = "2026-11-02T11:30:15.250Z";

/// The sample graph: all six element kinds (start, conditional, percentage, rate, model, end),
/// valid under `graph::validate`. Free-plan users hit a budget, then the small model; everyone
/// else is split 70/30 between a large and a small model. There is no cycle: the large model
/// falls back to the small one, the small one to the end. The builder's own test builds the
/// same graph with `GraphBuilder`.
pub fn graph() -> Value {
    json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "plan"}}},
        {"id": "plan", "type": "conditional",
         "properties": {"conditions": {"metadata.plan": {"$eq": "free"}}},
         "outputs": {"true": {"elementId": "budget"}, "false": {"elementId": "split"}}},
        {"id": "budget", "type": "rate",
         "properties": {"key": "metadata.user", "limit": 100, "limitType": "count", "window": 3600},
         "outputs": {"fallback": {"elementId": "end"}, "success": {"elementId": "small"}}},
        {"id": "split", "type": "percentage",
         "outputs": {"30%": {"elementId": "small"}, "70%": {"elementId": "large"}}},
        {"id": "large", "type": "model",
         "properties": {"model": "gpt-4o", "provider": "openai", "retries": 2, "timeout": 30000},
         "outputs": {"fallback": {"elementId": "small"}, "success": {"elementId": "end"}}},
        {"id": "small", "type": "model",
         "properties": {"model": "@cf/meta/llama-3.1-8b-instruct", "provider": "workers-ai",
                        "retries": 1, "timeout": 10000},
         "outputs": {"fallback": {"elementId": "end"}, "success": {"elementId": "end"}}},
        {"id": "end", "type": "end", "outputs": {}}
    ])
}

/// [`graph`] with its `large` model calling `model` instead of `gpt-4o`: the one-field change
/// the plan, diff and apply tests make.
pub fn graph_calling(model: &str) -> Value {
    let mut graph = graph();
    for element in graph.as_array_mut().expect("an array") {
        if element["id"] == "large" {
            element["properties"]["model"] = json!(model);
        }
    }
    graph
}

/// A version as listed (its `data` is the graph as a JSON string, here empty).
pub fn version() -> Value {
    json!({"active": "true", "created_at": "2026-11-01 10:00:00", "data": "[]",
           "is_valid": true, "version_id": VERSION_ID})
}

/// A deployment of [`VERSION_ID`].
pub fn deployment() -> Value {
    json!({"created_at": "2026-11-01 10:00:01", "deployment_id": "deployment-3",
           "version_id": VERSION_ID})
}

/// A route's common core (id, name, gateway, timestamps, [`graph`]); `extra`'s fields are
/// added, replacing any of the same name. `extra` must be an object.
pub fn route(extra: Value) -> Value {
    let mut route = json!({
        "id": ROUTE_ID, "name": "support-bot", "gateway_id": GATEWAY,
        "created_at": CREATED_AT, "modified_at": MODIFIED_AT,
        "elements": graph(),
    });
    for (key, value) in extra.as_object().expect("`extra` is an object") {
        route[key] = value.clone();
    }
    route
}

/// A route with its deployment and version, as a single route is returned.
pub fn full_route() -> Value {
    route(json!({"deployment": deployment(), "version": version()}))
}

/// A route as the list operation returns it: deployment, version and account tag.
pub fn listed_route() -> Value {
    route(json!({"deployment": deployment(), "version": version(), "account_tag": ACCOUNT}))
}

/// [`listed_route`] with another id and name, for pages of distinct routes.
pub fn listed_route_named(id: &str) -> Value {
    let mut route = listed_route();
    route["id"] = json!(id);
    route["name"] = json!(format!("route {id}"));
    route
}

/// A list page: `{"success": true, "data": {<items_key>: values, page fields…}}`.
pub fn page(items_key: &str, values: Value) -> Value {
    json!({"success": true, "data": {
        "order_by": "created_at", "order_by_direction": "desc", "page": 1, "per_page": 20,
        items_key: values
    }})
}

/// A success envelope: `{"success": true, "result": v}`.
pub fn envelope_result(v: Value) -> Value {
    json!({"success": true, "result": v})
}

/// Cloudflare's error envelope with one error.
pub fn error_body(code: i64, message: &str) -> Value {
    json!({"success": false, "errors": [{"code": code, "message": message}],
           "messages": [], "result": null})
}

/// The routes collection path of [`ACCOUNT`]'s [`GATEWAY`].
pub fn routes_path() -> String {
    format!("/accounts/{ACCOUNT}/ai-gateway/gateways/{GATEWAY}/routes")
}

/// The path of one route of [`GATEWAY`].
pub fn route_path(id: &str) -> String {
    format!("{}/{id}", routes_path())
}

/// A larger valid graph for route number `n` (12 elements, every kind; `n` varies the names,
/// numbers and models so routes differ): two conditionals, two percentage splits, a count and
/// a cost budget, four models, start and end. Used by the benchmarks.
pub fn large_graph(n: usize) -> Value {
    let limit = 100 + n;
    json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "plan"}}},
        {"id": "plan", "type": "conditional",
         "properties": {"conditions": {"metadata.plan": {"$eq": "free"}}},
         "outputs": {"true": {"elementId": "budget"}, "false": {"elementId": "tier"}}},
        {"id": "tier", "type": "conditional",
         "properties": {"conditions": {"$and": [{"metadata.tier": {"$eq": "pro"}},
                                                {"metadata.region": {"$in": ["eu", "us"]}}]}},
         "outputs": {"true": {"elementId": "split-pro"}, "false": {"elementId": "split"}}},
        {"id": "split", "type": "percentage",
         "outputs": {"30%": {"elementId": "small"}, "70%": {"elementId": "large"}}},
        {"id": "split-pro", "type": "percentage",
         "outputs": {"50%": {"elementId": "large"}, "30%": {"elementId": "backup"},
                     "20%": {"elementId": "small"}}},
        {"id": "budget", "type": "rate",
         "properties": {"key": "metadata.user", "limit": limit, "limitType": "count",
                        "window": 3600},
         "outputs": {"fallback": {"elementId": "end"}, "success": {"elementId": "cost-cap"}}},
        {"id": "cost-cap", "type": "rate",
         "properties": {"key": "metadata.team", "limit": 25.5, "limitType": "cost",
                        "window": 86400},
         "outputs": {"fallback": {"elementId": "tiny"}, "success": {"elementId": "small"}}},
        {"id": "large", "type": "model",
         "properties": {"model": format!("gpt-4o-{n}"), "provider": "openai", "retries": 2,
                        "timeout": 30000},
         "outputs": {"fallback": {"elementId": "backup"}, "success": {"elementId": "end"}}},
        {"id": "backup", "type": "model",
         "properties": {"model": "claude-sonnet-4", "provider": "anthropic", "retries": 1,
                        "timeout": 30000},
         "outputs": {"fallback": {"elementId": "small"}, "success": {"elementId": "end"}}},
        {"id": "small", "type": "model",
         "properties": {"model": "@cf/meta/llama-3.1-8b-instruct", "provider": "workers-ai",
                        "retries": 1, "timeout": 10000},
         "outputs": {"fallback": {"elementId": "tiny"}, "success": {"elementId": "end"}}},
        {"id": "tiny", "type": "model",
         "properties": {"model": "@cf/meta/llama-3.2-1b-instruct", "provider": "workers-ai",
                        "retries": 0, "timeout": 5000},
         "outputs": {"fallback": {"elementId": "end"}, "success": {"elementId": "end"}}},
        {"id": "end", "type": "end", "outputs": {}}
    ])
}

/// A list-routes response (`{"success": true, "data": {…, "routes": […]}}`) of `count`
/// distinct routes, each with its own [`large_graph`]; deterministic. Used by the benchmarks.
pub fn large_route_page(count: usize) -> Value {
    let routes: Vec<Value> = (0..count)
        .map(|n| {
            let mut route = listed_route_named(&format!("route-{n:04}"));
            route["elements"] = large_graph(n);
            route
        })
        .collect();
    let mut body = page("routes", Value::Array(routes));
    body["data"]["per_page"] = json!(count);
    body
}
