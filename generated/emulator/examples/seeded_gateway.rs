//! Serves an emulator whose gateway already holds ROUTES routes (seeded, so no request is
//! spent making them) and writes one route file per route into DIR, so a `routes plan DIR`
//! against it reads the whole gateway and finds nothing to change. Enforces Cloudflare's
//! published rate limit (1,200 requests per 300 s, then 300 s blocked) and adds LATENCY_MS to
//! every answer: BENCHMARKS.md's rate-budget run.
//!
//! `cargo run --release -p cloudflare-dynamic-routing-emulator --example seeded_gateway -- PORT ROUTES LATENCY_MS DIR`

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use cloudflare_dynamic_routing::route_file::{self, RouteFile};
use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig, RateLimit};

/// The workspace's one set of fixtures (the sample graph).
#[path = "../../client/tests/support/fixtures.rs"]
mod fixtures;

const ACCOUNT: &str = "0d37909e38d3e99c29fa2cd343ac421a";
const GATEWAY: &str = "bench";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().ok_or("PORT")?.parse()?;
    let routes: usize = args.next().ok_or("ROUTES")?.parse()?;
    let latency = Duration::from_millis(args.next().ok_or("LATENCY_MS")?.parse()?);
    let dir = PathBuf::from(args.next().ok_or("DIR")?);
    let config = EmulatorConfig::live()
        .with_latency(latency)
        .with_rate_limit(RateLimit::cloudflare());
    let emulator = Emulator::start_on(SocketAddr::from(([127, 0, 0, 1], port)), config).await?;
    std::fs::create_dir_all(&dir)?;
    for n in 0..routes {
        let name = format!("route-{n:04}");
        emulator.seed_route(ACCOUNT, GATEWAY, &name, fixtures::graph())?;
        let file = RouteFile::new(name.clone(), serde_json::from_value(fixtures::graph())?);
        route_file::write(&dir.join(route_file::file_name(&name)), &file)?;
    }
    println!(
        "{routes} routes on account {ACCOUNT}, gateway {GATEWAY}, at {}",
        emulator.base_url()
    );
    println!("files in {}", dir.display());
    tokio::signal::ctrl_c().await?;
    let requests = emulator.requests();
    println!(
        "{} requests received, {} answered 429",
        requests.len(),
        emulator.rate_limited().len()
    );
    Ok(())
}
