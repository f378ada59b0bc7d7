//! Lists, creates, renames, re-graphs and deletes a route: against a local mock server when no
//! credentials are set, so it runs anywhere; against Cloudflare when they are.
//!
//! ```sh
//! cargo run -p cloudflare-dynamic-routing --example routes
//! # against Cloudflare, read-only (lists the gateway's routes):
//! CLOUDFLARE_API_TOKEN=… CLOUDFLARE_ACCOUNT_ID=… CLOUDFLARE_GATEWAY_ID=… \
//!     cargo run -p cloudflare-dynamic-routing --example routes
//! # …and also create, change and delete a scratch route:
//! … cargo run -p cloudflare-dynamic-routing --example routes -- --write
//! ```

use std::process::ExitCode;

use cloudflare_dynamic_routing::graph::{GraphBuilder, ModelCall};
use cloudflare_dynamic_routing::types::RouteElement;
use cloudflare_dynamic_routing::{Client, ClientBuilder, Gateway, PageRequest};
use httpmock::Method::{DELETE, GET, PATCH, POST};
use httpmock::MockServer;
use serde_json::{Value, json};

const MOCK_ACCOUNT: &str = "0d37909e38d3e99c29fa2cd343ac421a";
const MOCK_GATEWAY: &str = "example-gateway";

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let write = std::env::args().any(|a| a == "--write");
    let graph = sample_graph()?;
    // Kept alive for the whole run when it is used.
    let mock;
    let (client, account, gateway_id, write) = match ClientBuilder::from_env() {
        Ok(builder) => {
            let account = std::env::var("CLOUDFLARE_ACCOUNT_ID")
                .map_err(|_| "set CLOUDFLARE_ACCOUNT_ID (and CLOUDFLARE_GATEWAY_ID)")?;
            let gateway =
                std::env::var("CLOUDFLARE_GATEWAY_ID").map_err(|_| "set CLOUDFLARE_GATEWAY_ID")?;
            println!("using Cloudflare (read-only unless --write)");
            (builder.build()?, account, gateway, write)
        }
        Err(_) => {
            mock = MockServer::start_async().await;
            serve_examples(&mock, &graph).await;
            println!(
                "no credentials set: using a local mock server at {}",
                mock.base_url()
            );
            let client = Client::builder()
                .base_url(mock.base_url())
                .api_token("example-token")
                .build()?;
            (
                client,
                MOCK_ACCOUNT.to_string(),
                MOCK_GATEWAY.to_string(),
                true,
            )
        }
    };
    let gateway = client.gateway(account, gateway_id);

    let page = gateway.list_routes(PageRequest::default()).await?;
    println!("{} route(s) on page {}:", page.routes.len(), page.page);
    for route in &page.routes {
        println!(
            "  {} ({}), {} element(s)",
            route.name,
            route.id,
            route.elements.len()
        );
    }
    if write {
        change_a_route(&gateway, graph).await?;
    }
    Ok(())
}

/// Creates a scratch route, renames it, gives it a new graph, shows its deployments and
/// deletes it.
async fn change_a_route(
    gateway: &Gateway<'_>,
    graph: Vec<RouteElement>,
) -> Result<(), Box<dyn std::error::Error>> {
    let route = gateway
        .create_route("example-scratch-route", graph.clone())
        .await?;
    println!("created {} ({})", route.name, route.id);
    let renamed = gateway
        .update_route(&route.id, "example-scratch-route-renamed")
        .await?;
    println!("renamed to {}", renamed.name);
    let live = gateway.replace_graph(&route.id, graph).await?;
    println!("version {} is live", live.version_id);
    for deployment in gateway.list_deployments(&route.id).await?.deployments {
        println!(
            "  deployed {} at {}",
            deployment.version_id, deployment.created_at
        );
    }
    let deleted = gateway.delete_route(&route.id).await?;
    println!("deleted {}", deleted.name);
    Ok(())
}

/// One model with no fallback but the end.
fn sample_graph() -> Result<Vec<RouteElement>, Box<dyn std::error::Error>> {
    let mut g = GraphBuilder::new();
    let end = g.end("end");
    let call = ModelCall::new("workers-ai", "@cf/meta/llama-3.1-8b-instruct").retries(1);
    let model = g.model("model", call, end, end);
    Ok(g.start(model).build()?)
}

/// Answers for every call the example makes, shaped like the API's.
async fn serve_examples(server: &MockServer, graph: &[RouteElement]) {
    let elements = serde_json::to_value(graph).unwrap_or(Value::Null);
    let base = format!("/accounts/{MOCK_ACCOUNT}/ai-gateway/gateways/{MOCK_GATEWAY}/routes");
    let route = |name: &str| {
        json!({
            "id": "route-1", "name": name, "gateway_id": MOCK_GATEWAY,
            "created_at": "2026-11-01T10:00:00Z", "modified_at": "2026-11-01T10:00:00Z",
            "elements": elements,
            "deployment": {"deployment_id": "d-1", "version_id": "v-1", "created_at": "2026-11-01 10:00:00"},
            "version": {"version_id": "v-1", "active": "true", "data": elements.to_string(), "created_at": "2026-11-01 10:00:00"},
        })
    };
    let version = json!({"version_id": "v-2", "active": "false", "data": elements.to_string(), "created_at": "2026-11-02 09:00:00"});
    let page = |key: &str, items: Value| json!({"success": true, "data": {"page": 1, "per_page": 20, "order_by": "created_at", "order_by_direction": "desc", key: items}});
    let answers = [
        (
            GET,
            base.clone(),
            page("routes", json!([route("existing-route")])),
        ),
        (
            POST,
            base.clone(),
            json!({"success": true, "result": route("example-scratch-route")}),
        ),
        (
            PATCH,
            format!("{base}/route-1"),
            json!({"success": true, "route": route("example-scratch-route-renamed")}),
        ),
        (
            POST,
            format!("{base}/route-1/versions"),
            json!({"success": true, "result": route("example-scratch-route-renamed")}),
        ),
        (
            GET,
            format!("{base}/route-1/versions"),
            page("versions", json!([version])),
        ),
        (
            POST,
            format!("{base}/route-1/deployments"),
            json!({"success": true, "result": route("example-scratch-route-renamed")}),
        ),
        (
            GET,
            format!("{base}/route-1/deployments"),
            page(
                "deployments",
                json!([{"deployment_id": "d-2", "version_id": "v-2", "created_at": "2026-11-02 09:00:01"}]),
            ),
        ),
        (
            GET,
            format!("{base}/route-1/versions/v-2"),
            json!({"success": true, "result": {
            "id": "route-1", "name": "example-scratch-route-renamed", "gateway_id": MOCK_GATEWAY,
            "version_id": "v-2", "active": "true", "data": elements.to_string(), "elements": elements,
            "created_at": "2026-11-02 09:00:00", "modified_at": "2026-11-02T09:00:01Z"}}),
        ),
        (
            DELETE,
            format!("{base}/route-1"),
            json!({"success": true, "result": route("example-scratch-route-renamed")}),
        ),
    ];
    for (method, path, body) in answers {
        server
            .mock_async(|when, then| {
                when.method(method).path(path);
                then.status(200).json_body(body);
            })
            .await;
    }
}
