//! What the plan benchmarks (`plan_speed`, `plan_cache`) share: a gateway on the emulator
//! seeded with routes of one graph, the route files that match them, and a client of it.

use cloudflare_dynamic_routing::Client;
use cloudflare_dynamic_routing::reconcile::DesiredRoute;
use cloudflare_dynamic_routing::route_file::RouteFile;
use cloudflare_dynamic_routing_emulator::Emulator;
use serde_json::json;

pub const ACCOUNT: &str = "0d37909e38d3e99c29fa2cd343ac421a";
pub const GATEWAY: &str = "bench";

fn graph() -> serde_json::Value {
    json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "gpt"}}},
        {"id": "gpt", "type": "model",
         "properties": {"provider": "openai", "model": "gpt-4o", "retries": 1, "timeout": 30000},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}},
        {"id": "end", "type": "end", "outputs": {}}
    ])
}

/// Seeds `routes` routes on [`ACCOUNT`]'s [`GATEWAY`]; the route files that match them.
pub fn seed(
    emulator: &Emulator,
    routes: usize,
) -> Result<Vec<DesiredRoute>, Box<dyn std::error::Error>> {
    let mut desired = Vec::with_capacity(routes);
    for n in 0..routes {
        let name = format!("route-{n:03}");
        emulator.seed_route(ACCOUNT, GATEWAY, &name, graph())?;
        desired.push(DesiredRoute {
            source: format!("routes/{name}.json").into(),
            file: RouteFile::new(name, serde_json::from_value(graph())?),
        });
    }
    Ok(desired)
}

/// A client of `emulator`.
pub fn client(emulator: &Emulator) -> Result<Client, cloudflare_dynamic_routing::ConfigError> {
    Client::builder()
        .base_url(emulator.base_url())
        .api_token("bench")
        .build()
}
