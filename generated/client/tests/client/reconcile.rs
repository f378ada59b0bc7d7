//! `reconcile` as a Rust program uses it, against the emulator in both styles: a plan with
//! every action, element-level changes, a rate-limited read retried after its `Retry-After`,
//! exactly the requests needed, an apply, and a clean plan after it.

use std::collections::HashMap;
use std::path::PathBuf;

use cloudflare_dynamic_routing::Client;
use cloudflare_dynamic_routing::reconcile::{self, Action, DesiredRoute, Outcome, ReadOptions};
use cloudflare_dynamic_routing::route_file::RouteFile;
use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig, Fault, Operation};
use serde_json::Value;

use crate::support::fixtures;

const ACCOUNT: &str = "0d37909e38d3e99c29fa2cd343ac421a";
const GATEWAY: &str = "gw-reconcile";

fn desired(name: &str, graph: Value) -> DesiredRoute {
    DesiredRoute {
        source: PathBuf::from(format!("routes/{name}.json")),
        file: RouteFile::new(name, serde_json::from_value(graph).expect("a graph")),
    }
}

fn counts(emulator: &Emulator) -> HashMap<Operation, usize> {
    let mut counts = HashMap::new();
    for request in emulator.requests() {
        *counts.entry(request.operation.expect("known")).or_insert(0) += 1;
    }
    emulator.clear_requests();
    counts
}

async fn plan_and_apply(config: EmulatorConfig) {
    let style = config.style.name();
    let emulator = Emulator::start(config).await.expect("starts");
    for name in ["same", "changed", "extra"] {
        emulator
            .seed_route(ACCOUNT, GATEWAY, name, fixtures::graph())
            .expect("seeded");
    }
    let client = Client::builder()
        .base_url(emulator.base_url())
        .api_token("token")
        .build()
        .expect("a client");
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let wanted = [
        desired("same", fixtures::graph()),
        desired("changed", fixtures::graph_calling("gpt-4.1")),
        desired("new", fixtures::graph()),
    ];

    // The first route read is rate limited; the client waits the second it is told to.
    emulator.inject(Fault::status(429).retry_after(1).on(Operation::GetRoute));
    let plan = reconcile::plan(&gateway, &wanted, false, &ReadOptions::default())
        .await
        .expect("a plan");
    let summary = plan.summary();
    assert_eq!(
        (
            summary.create,
            summary.update,
            summary.unchanged,
            summary.extra
        ),
        (1, 1, 1, 1),
        "{style}: {summary}"
    );
    let Action::Update {
        rename: None,
        graph: Some(update),
    } = &plan.routes[1].action
    else {
        panic!("{style}: `changed` gets a new graph: {:?}", plan.routes[1]);
    };
    assert_eq!(
        update
            .changes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["~ large (/properties/model)"],
        "{style}"
    );
    assert_eq!(
        counts(&emulator),
        HashMap::from([
            (Operation::ListRoutes, 1),
            (Operation::GetRoute, 3 + 1),
            (Operation::ListVersions, 1),
        ]),
        "{style}: one page, one read per route (one retried), the changed route's versions"
    );

    let done = reconcile::apply(&gateway, &plan).await.expect("applied");
    let outcomes: Vec<(&str, &Outcome)> =
        done.iter().map(|d| (d.name.as_str(), &d.outcome)).collect();
    assert!(
        matches!(
            outcomes.as_slice(),
            [
                (
                    "changed",
                    Outcome::Updated {
                        new_version: Some(true),
                        ..
                    }
                ),
                ("new", Outcome::Created)
            ]
        ),
        "{style}: {outcomes:?}"
    );
    let again = reconcile::plan(&gateway, &wanted, false, &ReadOptions::default())
        .await
        .expect("a plan");
    assert!(!again.has_changes(), "{style}: {}", again.summary());
}

#[tokio::test]
async fn plan_and_apply_against_the_documented_style() {
    plan_and_apply(EmulatorConfig::documented()).await;
}

#[tokio::test]
async fn plan_and_apply_against_the_live_style() {
    plan_and_apply(EmulatorConfig::live()).await;
}
