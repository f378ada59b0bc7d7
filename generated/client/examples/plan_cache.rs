//! Measures what the graph cache buys `reconcile::plan`: an emulator that adds 50 ms to every
//! request holds 200 routes (or as many as asked), in the live style (lists carry no graphs)
//! and the documented one (lists carry them); a no-change plan is timed and its requests
//! counted side by side, each run repeated: main's reads before the cache (the list, then every
//! route read, 8 at once: the live style's plan without a cache is exactly that), the plan
//! without a cache, with a cold cache, and with a warm one. BENCHMARKS.md section 6 records the figures.
//!
//! `cargo run -p cloudflare-dynamic-routing --example plan_cache [ROUTES] [LATENCY_MS] [RUNS]`

use std::time::{Duration, Instant};

use cloudflare_dynamic_routing::Gateway;
use cloudflare_dynamic_routing::reconcile::{self, GraphCache, PlanOptions, ReadOptions};
use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig};
use futures_util::TryStreamExt;

mod bench_gateway;
use bench_gateway::{ACCOUNT, GATEWAY};

/// Main's read before the cache: the list pages, then every route read, 8 at once.
async fn read_everything(gateway: &Gateway<'_>) -> Result<(), cloudflare_dynamic_routing::Error> {
    let read = ReadOptions::default();
    gateway
        .routes(read.per_page)
        .map_ok(|listed| async move { gateway.get_route(&listed.id).await })
        .try_buffered(read.concurrency.get())
        .try_collect::<Vec<_>>()
        .await
        .map(drop)
}

/// Median, fastest and slowest of `times`.
fn spread(mut times: Vec<Duration>) -> String {
    times.sort();
    format!(
        "median {:.2?} (min {:.2?}, max {:.2?})",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let routes: usize = args.next().map_or(Ok(200), |a| a.parse())?;
    let latency = Duration::from_millis(args.next().map_or(Ok(50), |a| a.parse())?);
    let runs: usize = args.next().map_or(Ok(3), |a| a.parse())?;
    println!(
        "{routes} routes, {} ms per request, {runs} runs each",
        latency.as_millis()
    );
    for config in [EmulatorConfig::live(), EmulatorConfig::documented()] {
        let style = config.style.name();
        let emulator = Emulator::start(config.with_latency(latency)).await?;
        let desired = bench_gateway::seed(&emulator, routes)?;
        let client = bench_gateway::client(&emulator)?;
        let gateway = client.gateway(ACCOUNT, GATEWAY);
        let scratch = tempfile::tempdir()?;
        let plan = |cache: Option<GraphCache>| {
            let options = PlanOptions::default().read(ReadOptions::default().cache(cache));
            let (gateway, desired) = (&gateway, &desired);
            async move {
                let plan = reconcile::plan(gateway, desired, &options).await?;
                assert!(!plan.has_changes(), "every route matches its file");
                Ok::<_, Box<dyn std::error::Error>>(())
            }
        };
        let (mut before, mut uncached, mut cold, mut warm) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut requests = [0; 4];
        // Interleaved, so a slow moment of the machine falls on every kind of run alike.
        for run in 0..runs {
            emulator.clear_requests();
            let started = Instant::now();
            read_everything(&gateway).await?;
            before.push(started.elapsed());
            requests[0] = emulator.requests().len();

            emulator.clear_requests();
            let started = Instant::now();
            plan(None).await?;
            uncached.push(started.elapsed());
            requests[1] = emulator.requests().len();

            let cache = GraphCache::in_directory(scratch.path().join(run.to_string()));
            emulator.clear_requests();
            let started = Instant::now();
            plan(Some(cache.clone())).await?;
            cold.push(started.elapsed());
            requests[2] = emulator.requests().len();

            emulator.clear_requests();
            let started = Instant::now();
            plan(Some(cache)).await?;
            warm.push(started.elapsed());
            requests[3] = emulator.requests().len();
        }
        let anchor = {
            let mut sorted = before.clone();
            sorted.sort();
            sorted[sorted.len() / 2].as_secs_f64()
        };
        for (name, times, requests) in [
            ("before (every route read)", before, requests[0]),
            ("plan, no cache", uncached, requests[1]),
            ("plan, cold cache", cold, requests[2]),
            ("plan, warm cache", warm, requests[3]),
        ] {
            let mut sorted = times.clone();
            sorted.sort();
            let ratio = sorted[sorted.len() / 2].as_secs_f64() / anchor;
            println!(
                "{style:>10} {name:<26} {requests:>5} requests, {}, {ratio:.3}x before",
                spread(times)
            );
        }
    }
    Ok(())
}
