//! Measures what concurrent rollouts buy `reconcile::apply`: 50 routes each given a new graph
//! (a version created, deployed, and read back until reads show it, the emulator's live style
//! lagging each deployment by two reads) on an emulator that adds 50 ms to every request; one
//! by one (`concurrency` 1) against several at once, side by side in each run, with the
//! requests each made. BENCHMARKS.md records the figures.
//!
//! `cargo run -p cloudflare-dynamic-routing --example rollout_speed [ROUTES] [LATENCY_MS] [RUNS]`

use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use cloudflare_dynamic_routing::Client;
use cloudflare_dynamic_routing::reconcile::{self, ApplyOptions, DesiredRoute, PlanOptions};
use cloudflare_dynamic_routing::route_file::RouteFile;
use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig};
use serde_json::json;

const ACCOUNT: &str = "0d37909e38d3e99c29fa2cd343ac421a";
const GATEWAY: &str = "bench";
const CONCURRENCY: [usize; 4] = [1, 4, 8, 16];

fn graph(model: &str) -> serde_json::Value {
    json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "gpt"}}},
        {"id": "gpt", "type": "model",
         "properties": {"provider": "openai", "model": model, "retries": 1, "timeout": 30000},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}},
        {"id": "end", "type": "end", "outputs": {}}
    ])
}

/// One rollout of `routes` graph changes `concurrency` at once on a fresh emulator: the time of
/// the apply alone (not its plan), and the requests it sent.
async fn rollout(
    routes: usize,
    latency: Duration,
    concurrency: usize,
) -> Result<(Duration, usize), Box<dyn std::error::Error>> {
    let emulator = Emulator::start(EmulatorConfig::live().with_latency(latency)).await?;
    let mut desired = Vec::new();
    for n in 0..routes {
        let name = format!("route-{n:03}");
        emulator.seed_route(ACCOUNT, GATEWAY, &name, graph("gpt-4o"))?;
        desired.push(DesiredRoute {
            source: format!("routes/{name}.json").into(),
            file: RouteFile::new(name, serde_json::from_value(graph("gpt-4o-mini"))?),
        });
    }
    let client = Client::builder()
        .base_url(emulator.base_url())
        .api_token("bench")
        .build()?;
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let plan = reconcile::plan(&gateway, &desired, &PlanOptions::default()).await?;
    assert_eq!(plan.summary().update, routes, "every route changes");
    let options = ApplyOptions::default().concurrency(NonZeroUsize::new(concurrency).ok_or("0")?);
    emulator.clear_requests();
    let started = Instant::now();
    let done = reconcile::apply_each(&gateway, &plan, &options, |_| {}).await?;
    let elapsed = started.elapsed();
    assert_eq!(done.len(), routes, "every route changed");
    Ok((elapsed, emulator.requests().len()))
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let routes: usize = args.next().map_or(Ok(50), |a| a.parse())?;
    let latency = Duration::from_millis(args.next().map_or(Ok(50), |a| a.parse())?);
    let runs: usize = args.next().map_or(Ok(3), |a| a.parse())?;
    println!(
        "{routes} graph changes, {} ms per request (live style), {runs} runs",
        latency.as_millis()
    );
    // Every setting once per run, in turn, so a slow moment of the machine touches all alike.
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); CONCURRENCY.len()];
    let mut requests = vec![0; CONCURRENCY.len()];
    for run in 1..=runs {
        for (i, &n) in CONCURRENCY.iter().enumerate() {
            let (elapsed, sent) = rollout(routes, latency, n).await?;
            println!("run {run}: {n:>2} at once: {elapsed:.2?}, {sent} requests");
            times[i].push(elapsed);
            requests[i] = sent;
        }
    }
    let one_by_one = median(times[0].clone());
    println!("| at once | median | min … max | requests | vs one by one |");
    for (i, &n) in CONCURRENCY.iter().enumerate() {
        let (min, max) = (
            times[i].iter().min().copied().unwrap_or_default(),
            times[i].iter().max().copied().unwrap_or_default(),
        );
        let median = median(times[i].clone());
        println!(
            "| {n} | {median:.2?} | {min:.2?} … {max:.2?} | {} | {:.3}× |",
            requests[i],
            median.as_secs_f64() / one_by_one.as_secs_f64()
        );
    }
    Ok(())
}
