//! An API that caps list pages (20 routes a page whatever `per_page` asks, and says so in the
//! answer), against the emulator in both styles: the routes stream, a plan, a prune plan and
//! export all see every one of 45 routes; a list still going past the page limit fails,
//! naming it.

use std::num::NonZeroU64;
use std::time::Duration;

use cloudflare_dynamic_routing::reconcile::{
    self, Action, DesiredRoute, Overwrite, Owns, PlanOptions, ReadOptions, Summary,
};
use cloudflare_dynamic_routing::route_file::RouteFile;
use cloudflare_dynamic_routing::{Client, Error, PageRequest, RetryPolicy};
use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig, Operation};
use futures_util::TryStreamExt;

use crate::support::fixtures;

const ACCOUNT: &str = "0d37909e38d3e99c29fa2cd343ac421a";
const GATEWAY: &str = "gw-capped";

/// An emulator serving at most `cap` routes a page, holding `routes` routes named
/// `route 0000`, `route 0001`, … (the first created first), and a client for it.
async fn capped(config: EmulatorConfig, cap: u64, routes: usize) -> (Emulator, Client) {
    let emulator = Emulator::start(config.with_max_per_page(cap))
        .await
        .expect("starts");
    for n in 0..routes {
        emulator
            .seed_route(ACCOUNT, GATEWAY, &name(n), fixtures::graph())
            .expect("seeded");
    }
    let client = Client::builder()
        .base_url(emulator.base_url())
        .api_token("token")
        .retry_policy(RetryPolicy {
            max_retries: 0,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
        })
        .build()
        .expect("a client");
    (emulator, client)
}

fn name(n: usize) -> String {
    format!("route {n:04}")
}

fn desired(n: usize) -> DesiredRoute {
    let name = name(n);
    DesiredRoute {
        source: format!("routes/{name}.json").into(),
        file: RouteFile::new(
            &name,
            serde_json::from_value(fixtures::graph()).expect("a graph"),
        ),
    }
}

fn list_requests(emulator: &Emulator) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|r| r.operation == Some(Operation::ListRoutes))
        .count()
}

/// Asked 50 a page and served 20, every route is listed once, and a plan, a prune plan and
/// export see all 45: none is taken for missing, none unseen is deleted.
async fn forty_five_routes_capped_at_twenty(config: EmulatorConfig) {
    let style = config.style.name();
    let (emulator, client) = capped(config, 20, 45).await;
    let gateway = client.gateway(ACCOUNT, GATEWAY);

    let per_page = NonZeroU64::new(50).expect("non-zero");
    let mut names: Vec<String> = gateway
        .routes(per_page)
        .map_ok(|r| r.name)
        .try_collect()
        .await
        .expect("listed");
    assert_eq!(list_requests(&emulator), 3, "{style}: 20 + 20 + 5");
    names.sort();
    assert_eq!(names, (0..45).map(name).collect::<Vec<_>>(), "{style}");

    let read = ReadOptions {
        per_page,
        ..ReadOptions::default()
    };
    let every: Vec<DesiredRoute> = (0..45).map(desired).collect();
    let plan = reconcile::plan(
        &gateway,
        &every,
        &PlanOptions::default()
            .owns(Owns::Gateway)
            .prune(true)
            .read(read.clone()),
    )
    .await
    .expect("a plan");
    let all_unchanged = Summary {
        unchanged: 45,
        ..Summary::default()
    };
    assert_eq!(plan.summary(), all_unchanged, "{style}: {}", plan.summary());

    // Without the file of the oldest route (on the last page), prune deletes it and only it.
    let plan = reconcile::plan(
        &gateway,
        &every[1..],
        &PlanOptions::default()
            .owns(Owns::Gateway)
            .prune(true)
            .read(read.clone()),
    )
    .await
    .expect("a plan");
    let deleted: Vec<&str> = plan
        .routes
        .iter()
        .filter(|r| r.action == Action::Delete)
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(deleted, [name(0)], "{style}");
    assert_eq!(plan.summary().unchanged, 44, "{style}");

    let exported = reconcile::export(&gateway, &read).await.expect("exported");
    assert_eq!(exported.files.len(), 45, "{style}");
    let dir = tempfile::tempdir().expect("a directory");
    let written = exported
        .write_to(dir.path(), Overwrite::Refuse)
        .expect("written");
    assert_eq!(written.len(), 45, "{style}");
}

/// One route a page and more routes than the page limit: the list fails naming the limit,
/// after exactly the limit's pages, rather than stopping short in silence.
async fn past_the_page_limit(config: EmulatorConfig) {
    let style = config.style.name();
    let limit = PageRequest::MAX_PAGES;
    let (emulator, client) = capped(config, 1, limit as usize + 1).await;
    let error = client
        .gateway(ACCOUNT, GATEWAY)
        .routes(NonZeroU64::new(50).expect("non-zero"))
        .try_collect::<Vec<_>>()
        .await
        .expect_err("past the limit");
    assert!(
        matches!(error, Error::TooManyPages { operation: "list_routes", limit: l } if l == limit),
        "{style}: {error:?}"
    );
    assert!(error.to_string().contains("1000 pages"), "{style}: {error}");
    assert_eq!(list_requests(&emulator) as u64, limit, "{style}");
}

#[tokio::test]
async fn forty_five_routes_capped_at_twenty_documented() {
    forty_five_routes_capped_at_twenty(EmulatorConfig::documented()).await;
}

#[tokio::test]
async fn forty_five_routes_capped_at_twenty_live() {
    forty_five_routes_capped_at_twenty(EmulatorConfig::live()).await;
}

#[tokio::test]
async fn past_the_page_limit_documented() {
    past_the_page_limit(EmulatorConfig::documented()).await;
}

#[tokio::test]
async fn past_the_page_limit_live() {
    past_the_page_limit(EmulatorConfig::live()).await;
}
