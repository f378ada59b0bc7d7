//! Lists, creates, renames, re-graphs and deletes a route: against the emulator (live style,
//! in-process) when no credentials are set, so it runs anywhere; against Cloudflare when they
//! are.
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
use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig};

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
    let emulator;
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
            emulator = Emulator::start(EmulatorConfig::live()).await?;
            let existing = serde_json::to_value(&graph)?;
            emulator.seed_route(MOCK_ACCOUNT, MOCK_GATEWAY, "existing-route", existing)?;
            println!(
                "no credentials set: using the emulator (live style) at {}",
                emulator.base_url()
            );
            let client = Client::builder()
                .base_url(emulator.base_url())
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
        // The live API's list carries no graphs: say so rather than count an empty one.
        let graph = route.graph().map_or_else(
            || "graph not listed (read the route for it)".to_string(),
            |elements| format!("{} element(s)", elements.len()),
        );
        println!("  {} ({}), {graph}", route.name, route.id);
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
