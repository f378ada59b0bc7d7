//! Plans that read only what changed, against the emulator in both styles: with a warm
//! [`GraphCache`] a no-change plan over 200 routes sends only the list pages (4 full, 1 empty), a cold one no
//! more than without a cache, each route with a new deployed version one read; a corrupt, a
//! foreign or an unwritable entry still gives the right plan; and every plan with a cache is
//! exactly the plan made without one. The documented list carries the graphs, so that style
//! needs no reads at all.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cloudflare_dynamic_routing::reconcile::{
    self, DesiredRoute, GraphCache, Plan, PlanOptions, ReadOptions, VersionKey,
};
use cloudflare_dynamic_routing::types::Route;
use cloudflare_dynamic_routing::{Client, Gateway};
use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig, Operation, Style};
use futures_util::TryStreamExt;

use crate::reconcile::{counts, desired};
use crate::support::fixtures;

const ACCOUNT: &str = "0d37909e38d3e99c29fa2cd343ac421a";
const GATEWAY: &str = "gw-cache";

fn client(emulator: &Emulator) -> Client {
    Client::builder()
        .base_url(emulator.base_url())
        .api_token("token")
        .build()
        .expect("a client")
}

async fn plan_with(
    gateway: &Gateway<'_>,
    wanted: &[DesiredRoute],
    cache: Option<GraphCache>,
) -> Plan {
    let options = PlanOptions::default().read(ReadOptions::default().cache(cache));
    reconcile::plan(gateway, wanted, &options)
        .await
        .expect("a plan")
}

async fn listed(gateway: &Gateway<'_>) -> Vec<Route> {
    gateway
        .routes(ReadOptions::DEFAULT_PER_PAGE)
        .try_collect()
        .await
        .expect("listed")
}

fn key_of(route: &Route) -> VersionKey {
    VersionKey {
        account_id: ACCOUNT.into(),
        gateway_id: GATEWAY.into(),
        route_id: route.id.clone(),
        version_id: route.version.version_id.clone(),
    }
}

/// `ops` as a count map, leaving out those counted zero.
fn expect(ops: &[(Operation, usize)]) -> HashMap<Operation, usize> {
    ops.iter().copied().filter(|(_, n)| *n > 0).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_warm_plan_sends_only_the_list_pages_and_each_new_version_one_read() {
    const ROUTES: usize = 200;
    for config in [EmulatorConfig::documented(), EmulatorConfig::live()] {
        let style = config.style;
        let live = style == Style::Live;
        let emulator = Emulator::start(config).await.expect("starts");
        let wanted: Vec<DesiredRoute> = (0..ROUTES)
            .map(|i| {
                let name = format!("route-{i:03}");
                emulator
                    .seed_route(ACCOUNT, GATEWAY, &name, fixtures::graph())
                    .expect("seeded");
                desired(&name, fixtures::graph())
            })
            .collect();
        let client = client(&emulator);
        let gateway = client.gateway(ACCOUNT, GATEWAY);
        assert_eq!(
            listed(&gateway).await.iter().all(|r| r.graph().is_some()),
            !live,
            "{style:?}: the documented list carries every graph, the live one none"
        );
        emulator.clear_requests();
        // Four full pages, then the empty one that ends the list: the API gives no total
        // (live behaviour 1), so a list of a multiple of the page size takes one more.
        let pages = ROUTES / ReadOptions::DEFAULT_PER_PAGE.get() as usize + 1;

        let uncached = plan_with(&gateway, &wanted, None).await;
        let reads = if live { ROUTES } else { 0 };
        let as_today = expect(&[(Operation::ListRoutes, pages), (Operation::GetRoute, reads)]);
        assert_eq!(counts(&emulator), as_today, "{style:?}: without a cache");
        assert!(!uncached.has_changes(), "{style:?}: {}", uncached.summary());

        let dir = tempfile::tempdir().expect("a directory");
        let cache = GraphCache::in_directory(dir.path().join("graphs"));
        let cold = plan_with(&gateway, &wanted, Some(cache.clone())).await;
        assert_eq!(counts(&emulator), as_today, "{style:?}: a cold cache");
        let warm = plan_with(&gateway, &wanted, Some(cache.clone())).await;
        assert_eq!(
            counts(&emulator),
            expect(&[(Operation::ListRoutes, pages)]),
            "{style:?}: a warm cache sends only the list pages"
        );
        assert_eq!(cold, uncached, "{style:?}");
        assert_eq!(warm, uncached, "{style:?}");

        // Three routes get a new deployed version: each is read once, then kept.
        let routes = listed(&gateway).await;
        for route in &routes[..3] {
            let elements =
                serde_json::from_value(fixtures::graph_calling("gpt-4.1")).expect("a graph");
            gateway
                .replace_graph(&route.id, elements)
                .await
                .expect("replaced");
        }
        emulator.clear_requests();
        let changed = plan_with(&gateway, &wanted, Some(cache.clone())).await;
        let reads = if live { 3 } else { 0 };
        assert_eq!(
            counts(&emulator),
            expect(&[
                (Operation::ListRoutes, pages),
                (Operation::GetRoute, reads),
                // The plan's search for a version already holding the wanted graph.
                (Operation::ListVersions, 3),
            ]),
            "{style:?}: one read per changed route"
        );
        assert_eq!(changed.summary().update, 3, "{style:?}");
        assert_eq!(
            changed,
            plan_with(&gateway, &wanted, None).await,
            "{style:?}: the same plan as without a cache"
        );
        emulator.clear_requests();
        plan_with(&gateway, &wanted, Some(cache)).await;
        assert_eq!(
            counts(&emulator).get(&Operation::GetRoute),
            None,
            "{style:?}: the new versions are kept"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn corrupt_foreign_and_unwritable_entries_still_give_the_right_plan() {
    for config in [EmulatorConfig::documented(), EmulatorConfig::live()] {
        let style = config.style;
        let live = style == Style::Live;
        let emulator = Emulator::start(config).await.expect("starts");
        let graphs = [
            ("alpha", fixtures::graph()),
            ("beta", fixtures::graph_calling("gpt-4.1")),
            ("gamma", fixtures::graph()),
        ];
        for (name, graph) in &graphs {
            emulator
                .seed_route(ACCOUNT, GATEWAY, name, graph.clone())
                .expect("seeded");
        }
        let wanted: Vec<DesiredRoute> = graphs
            .iter()
            .map(|(name, graph)| desired(name, graph.clone()))
            .collect();
        let client = client(&emulator);
        let gateway = client.gateway(ACCOUNT, GATEWAY);
        let uncached = plan_with(&gateway, &wanted, None).await;
        assert!(!uncached.has_changes(), "{style:?}: {}", uncached.summary());

        let dir = tempfile::tempdir().expect("a directory");
        let cache = GraphCache::in_directory(dir.path());
        plan_with(&gateway, &wanted, Some(cache.clone())).await;
        let routes = listed(&gateway).await;
        let path = |name: &str| {
            let route = routes.iter().find(|r| r.name == name).expect("listed");
            cache.path_of(&key_of(route)).expect("a path")
        };
        if live {
            // alpha's entry corrupt; beta's replaced by alpha's, whose graph differs.
            std::fs::copy(path("alpha"), path("beta")).expect("copied");
            std::fs::write(path("alpha"), "{\"key\": ").expect("written");
        } else {
            assert!(
                !path("alpha").exists(),
                "{style:?}: nothing is kept when the list carries the graphs"
            );
        }
        emulator.clear_requests();
        let told = Arc::new(Mutex::new(Vec::new()));
        let seen = told.clone();
        let reporting = cache.clone().reporting(Arc::new(move |problem| {
            seen.lock().expect("a lock").push(problem.to_string())
        }));
        let repaired = plan_with(&gateway, &wanted, Some(reporting)).await;
        assert_eq!(
            repaired, uncached,
            "{style:?}: a bad entry is never trusted"
        );
        let reads = if live { 2 } else { 0 };
        assert_eq!(
            counts(&emulator)
                .get(&Operation::GetRoute)
                .copied()
                .unwrap_or(0),
            reads,
            "{style:?}: the corrupt and the foreign entry are read again"
        );
        assert_eq!(told.lock().expect("a lock").len(), reads, "{style:?}");
        plan_with(&gateway, &wanted, Some(cache)).await;
        assert_eq!(
            counts(&emulator).get(&Operation::GetRoute),
            None,
            "{style:?}: and rewritten"
        );

        // A cache that cannot be written: the plan is still right, and the failures told.
        let in_the_way = dir.path().join("a-file");
        std::fs::write(&in_the_way, "not a directory").expect("written");
        let told = Arc::new(Mutex::new(Vec::new()));
        let seen = told.clone();
        let unwritable = GraphCache::in_directory(&in_the_way).reporting(Arc::new(move |p| {
            seen.lock().expect("a lock").push(p.to_string())
        }));
        let plan = plan_with(&gateway, &wanted, Some(unwritable)).await;
        assert_eq!(plan, uncached, "{style:?}: an unwritable cache");
        let told = told.lock().expect("a lock");
        assert_eq!(
            told.iter().any(|p| p.starts_with("cannot write")),
            live,
            "{style:?}: {told:?}"
        );
    }
}
