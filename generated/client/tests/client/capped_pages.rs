//! An API that caps list pages (20 routes a page whatever `per_page` asks, and says so in the
//! answer), against the emulator in both styles: the routes stream, a plan, a prune plan and
//! export all see every one of 45 routes; a list still going past the page limit fails,
//! naming it. Version and deployment lists (which have no page parameters) capped at 2 of 4:
//! history is marked as maybe incomplete, rollback works from the newest deployments, and a
//! rollback to a version beyond the page says so.

use std::num::NonZeroU64;
use std::time::Duration;

use cloudflare_dynamic_routing::reconcile::{
    self, Action, DesiredRoute, FullPages, NothingSent, Overwrite, Owns, PlanOptions, ReadOptions,
    ReconcileError, RollbackOptions, Summary,
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
    let client = client_for(&emulator);
    (emulator, client)
}

/// A client for `emulator` that does not retry.
fn client_for(emulator: &Emulator) -> Client {
    Client::builder()
        .base_url(emulator.base_url())
        .api_token("token")
        .retry_policy(RetryPolicy {
            max_retries: 0,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
        })
        .build()
        .expect("a client")
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

/// A route with four versions, each deployed in turn (the first on creation), on an emulator
/// with `config` and no read lag: the emulator, a client, and the version ids, oldest first.
async fn four_deployed_versions(config: EmulatorConfig) -> (Emulator, Client, Vec<String>) {
    let emulator = Emulator::start(config.with_read_lag(0))
        .await
        .expect("starts");
    let route_id = emulator
        .seed_route(ACCOUNT, GATEWAY, "paged", fixtures::graph())
        .expect("seeded");
    let client = client_for(&emulator);
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let first = gateway.get_route(&route_id).await.expect("read");
    let mut versions = vec![first.version.version_id];
    for model in ["m1", "m2", "m3"] {
        let elements = serde_json::from_value(fixtures::graph_calling(model)).expect("a graph");
        let live = gateway
            .replace_graph(&route_id, elements)
            .await
            .expect("deployed");
        versions.push(live.version_id);
    }
    (emulator, client, versions)
}

/// Versions and deployments capped at 2 of 4: history lists the newest two and is marked as
/// maybe incomplete; rollback goes from the newest deployments; `--to` the oldest version says
/// that it may be beyond the listed page, and sends nothing.
async fn versions_and_deployments_capped_at_two(config: EmulatorConfig) {
    let style = config.style.name();
    let (emulator, client, versions) = four_deployed_versions(config.with_max_per_page(2)).await;
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let read = ReadOptions::default();

    let history = reconcile::history(&gateway, "paged", &read)
        .await
        .expect("a history");
    let listed: Vec<&str> = history
        .versions
        .iter()
        .map(|v| v.version_id.as_str())
        .collect();
    assert_eq!(listed, [&versions[2], &versions[3]], "{style}");
    assert_eq!(history.deployments.len(), 2, "{style}");
    assert_eq!(history.live_version, versions[3], "{style}");
    assert_eq!(
        history.maybe_incomplete,
        Some(FullPages {
            versions: Some(2),
            deployments: Some(2),
        }),
        "{style}"
    );

    let writes = emulator.writes().len();
    let error = reconcile::rollback(
        &gateway,
        "paged",
        &RollbackOptions::default().to(versions[0].clone()),
    )
    .await
    .expect_err("beyond the listed page");
    assert!(
        matches!(&error, ReconcileError::NoRollbackTarget { wanted: Some(v), full_page: Some(2), .. } if *v == versions[0]),
        "{style}: {error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("2 versions") && message.contains("beyond the listed page"),
        "{style}: {message}"
    );
    assert_eq!(emulator.writes().len(), writes, "{style}: nothing sent");

    let rolled = reconcile::rollback(&gateway, "paged", &RollbackOptions::default())
        .await
        .expect("rolled back");
    assert_eq!(
        (rolled.from_version.as_str(), rolled.to_version.as_str()),
        (versions[3].as_str(), versions[2].as_str()),
        "{style}"
    );
    assert!(rolled.deployed, "{style}");
    let again = reconcile::rollback(&gateway, "paged", &RollbackOptions::default())
        .await
        .expect("a second rollback");
    assert!(!again.deployed, "{style}: {again:?}");
    assert!(
        matches!(
            again.nothing_sent,
            Some(NothingSent::LiveIsAStepBack { .. })
        ),
        "{style}: {again:?}"
    );
}

/// Uncapped, the same route's history lists all four versions and is not marked.
async fn versions_and_deployments_uncapped(config: EmulatorConfig) {
    let style = config.style.name();
    let (_emulator, client, versions) = four_deployed_versions(config).await;
    let history = reconcile::history(
        &client.gateway(ACCOUNT, GATEWAY),
        "paged",
        &ReadOptions::default(),
    )
    .await
    .expect("a history");
    let listed: Vec<&String> = history.versions.iter().map(|v| &v.version_id).collect();
    assert_eq!(listed, versions.iter().collect::<Vec<_>>(), "{style}");
    assert_eq!(history.deployments.len(), 4, "{style}");
    assert_eq!(history.maybe_incomplete, None, "{style}");
}

#[tokio::test]
async fn versions_and_deployments_capped_at_two_documented() {
    versions_and_deployments_capped_at_two(EmulatorConfig::documented()).await;
}

#[tokio::test]
async fn versions_and_deployments_capped_at_two_live() {
    versions_and_deployments_capped_at_two(EmulatorConfig::live()).await;
}

#[tokio::test]
async fn versions_and_deployments_uncapped_documented() {
    versions_and_deployments_uncapped(EmulatorConfig::documented()).await;
}

#[tokio::test]
async fn versions_and_deployments_uncapped_live() {
    versions_and_deployments_uncapped(EmulatorConfig::live()).await;
}
