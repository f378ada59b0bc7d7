//! The rate budget against the emulator enforcing a small limit (30 requests per 2 s, then a
//! 60 s block), in both styles: a plan over more routes than one window allows, then every
//! route read again 8 at once through a clone of the client, finish with no request refused
//! and the waits announced; a client without a budget is refused (429, code 971) and stays
//! refused through the whole block, even after the window has passed.
//!
//! Nothing here asserts time: only what was sent, and that nothing was refused.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cloudflare_dynamic_routing::reconcile::{self, DesiredRoute, PlanOptions};
use cloudflare_dynamic_routing::route_file::RouteFile;
use cloudflare_dynamic_routing::{Client, RateBudget, RetryPolicy};
use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig, RateLimit};
use futures_util::{StreamExt, stream};

use crate::support::fixtures;

const ACCOUNT: &str = "0d37909e38d3e99c29fa2cd343ac421a";
const GATEWAY: &str = "gw-limited";
/// Requests per window the emulator allows.
const LIMIT: u64 = 30;
/// More routes than one window allows reading.
const ROUTES: usize = 60;

/// An emulator in `config`'s style enforcing [`LIMIT`] per 2 s, holding [`ROUTES`] routes.
async fn limited(config: EmulatorConfig) -> Emulator {
    let limit = RateLimit::new(LIMIT, Duration::from_secs(2), Duration::from_secs(60));
    let emulator = Emulator::start(config.with_rate_limit(limit))
        .await
        .expect("starts");
    for n in 0..ROUTES {
        emulator
            .seed_route(
                ACCOUNT,
                GATEWAY,
                &format!("route-{n:02}"),
                fixtures::graph(),
            )
            .expect("seeded");
    }
    emulator
}

/// A client for `emulator` without retries (so a refusal is seen), and its budget's waits
/// counted in `waits`.
fn client(emulator: &Emulator, budget: Option<RateBudget>, waits: &Arc<AtomicUsize>) -> Client {
    let builder = Client::builder()
        .base_url(emulator.base_url())
        .api_token("token")
        .retry_policy(RetryPolicy::none());
    let waits = waits.clone();
    match budget {
        // Assumes Cloudflare's published policy: only the emulator's headers say 30 per 2 s.
        Some(budget) => builder.rate_budget(budget).on_quota_wait(move |_| {
            waits.fetch_add(1, Ordering::Relaxed);
        }),
        None => builder.no_rate_budget(),
    }
    .build()
    .expect("a client")
}

async fn a_budgeted_plan_and_concurrent_reads_are_never_refused(config: EmulatorConfig) {
    let style = config.style.name();
    let emulator = limited(config).await;
    let waits = Arc::new(AtomicUsize::new(0));
    let client = client(&emulator, Some(RateBudget::cloudflare()), &waits);
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let desired: Vec<DesiredRoute> = (0..ROUTES)
        .map(|n| {
            let name = format!("route-{n:02}");
            DesiredRoute {
                source: format!("{name}.json").into(),
                file: RouteFile::new(
                    name,
                    serde_json::from_value(fixtures::graph()).expect("the sample graph"),
                ),
            }
        })
        .collect();
    let plan = reconcile::plan(&gateway, &desired, &PlanOptions::default())
        .await
        .expect("the plan completes");
    assert!(!plan.has_changes(), "{style}");
    let planned = emulator.requests().len();

    // Every route read again, 8 at once, through a clone sharing the budget.
    let clone = client.clone();
    // The emulator numbers routes `route-1`, `route-2`… in the order made.
    let ids: Vec<String> = (1..=ROUTES).map(|n| format!("route-{n}")).collect();
    let clone_gateway = clone.gateway(ACCOUNT, GATEWAY);
    let reads: Vec<_> = stream::iter(&ids)
        .map(|id| clone_gateway.get_route(id))
        .buffer_unordered(8)
        .collect()
        .await;
    assert!(reads.iter().all(Result::is_ok), "{style}");

    let requests = emulator.requests().len();
    assert_eq!(requests, planned + ids.len(), "{style}: one request a call");
    assert!(
        requests as u64 > 2 * LIMIT,
        "{style}: over two windows' worth: {requests}"
    );
    assert_eq!(
        emulator.rate_limited(),
        Vec::new(),
        "{style}: nothing refused"
    );
    assert!(
        waits.load(Ordering::Relaxed) >= 2,
        "{style}: the waits are announced"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_budgeted_plan_is_never_refused_against_the_documented_style() {
    a_budgeted_plan_and_concurrent_reads_are_never_refused(EmulatorConfig::documented()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_budgeted_plan_is_never_refused_against_the_live_style() {
    a_budgeted_plan_and_concurrent_reads_are_never_refused(EmulatorConfig::live()).await;
}

/// The emulator enforces: without a budget, reads 8 at once go over the limit and are
/// refused, and a request after the window has passed is still refused (the block lasts).
#[tokio::test(flavor = "multi_thread")]
async fn without_a_budget_the_limit_is_hit_and_the_block_lasts() {
    let emulator = limited(EmulatorConfig::live()).await;
    let client = client(&emulator, None, &Arc::new(AtomicUsize::new(0)));
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let reads: Vec<_> = stream::iter(0..LIMIT + 10)
        .map(|_| gateway.get_route("route-1"))
        .buffer_unordered(8)
        .collect()
        .await;
    let refused: Vec<_> = reads.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(refused.len(), 10);
    assert!(
        refused
            .iter()
            .all(|e| e.is_rate_limited() && e.has_code(971))
    );
    assert_eq!(emulator.rate_limited().len(), 10);
    // Past the 2 s window, but inside the 60 s block.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let after = gateway
        .get_route("route-1")
        .await
        .expect_err("still blocked");
    assert!(after.is_rate_limited(), "{after}");
    assert_eq!(emulator.rate_limited().len(), 11);
}
