//! Measures what bounded concurrency buys `reconcile::plan`: an emulator that adds 50 ms to
//! every request holds 200 routes (the live style, whose lists carry no graphs, so each route
//! is read); the plan is timed against reading the same routes one by one, and the requests
//! each made are counted. BENCHMARKS.md records the figures.
//!
//! `cargo run -p cloudflare-dynamic-routing --example plan_speed [ROUTES] [LATENCY_MS]`

use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use cloudflare_dynamic_routing::reconcile::{self, PlanOptions, ReadOptions};
use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig};
use futures_util::TryStreamExt;

mod bench_gateway;
use bench_gateway::{ACCOUNT, GATEWAY};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let routes: usize = args.next().map_or(Ok(200), |a| a.parse())?;
    let latency = Duration::from_millis(args.next().map_or(Ok(50), |a| a.parse())?);
    let emulator = Emulator::start(EmulatorConfig::live().with_latency(latency)).await?;
    let desired = bench_gateway::seed(&emulator, routes)?;
    let client = bench_gateway::client(&emulator)?;
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let per_page = ReadOptions::DEFAULT_PER_PAGE;

    // One by one: every list page, then each route read in turn.
    emulator.clear_requests();
    let started = Instant::now();
    let listed: Vec<_> = gateway.routes(per_page).try_collect().await?;
    for route in &listed {
        gateway.get_route(&route.id).await?;
    }
    let sequential = started.elapsed();
    let sequential_requests = emulator.requests().len();

    println!(
        "{routes} routes, {} ms per request (live style)",
        latency.as_millis()
    );
    println!("one by one: {sequential:.2?}, {sequential_requests} requests");
    for concurrency in [4, 8, 16] {
        emulator.clear_requests();
        let read = ReadOptions {
            concurrency: NonZeroUsize::new(concurrency).ok_or("zero")?,
            ..ReadOptions::default()
        };
        let started = Instant::now();
        let plan = reconcile::plan(&gateway, &desired, &PlanOptions::default().read(read)).await?;
        let elapsed = started.elapsed();
        assert!(!plan.has_changes(), "every route matches its file");
        println!(
            "plan, {concurrency:>2} at once: {elapsed:.2?}, {} requests, {:.3} × one by one",
            emulator.requests().len(),
            elapsed.as_secs_f64() / sequential.as_secs_f64()
        );
    }
    // Paging stops after the first page that is not full, so a multiple of the page size ends
    // with an empty page.
    let per_page = per_page.get() as usize;
    let pages = routes / per_page + 1;
    println!(
        "needed: {pages} list pages + {routes} reads = {}",
        pages + routes
    );
    Ok(())
}
