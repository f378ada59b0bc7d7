//! Concurrent rollouts, against the emulator in both styles, from its journal (never times):
//! 50 graph changes converge with exactly the writes one by one sends, at most the concurrency
//! in flight; renames before creations, deletions after everything else; a route failing while
//! others are in flight leaves them done, reports each failure and what was not started, sends
//! no deletion, and the same apply again converges; one at a time is the order of old.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::time::Duration;

use cloudflare_dynamic_routing::reconcile::{
    self, Action, Applied, ApplyError, ApplyOptions, DesiredRoute, NotStarted, Outcome, Phase,
    Plan, PlanOptions,
};
use cloudflare_dynamic_routing::{Client, DeployWait, Gateway, RetryPolicy};
use cloudflare_dynamic_routing_emulator::{
    Emulator, EmulatorConfig, Fault, Operation, RecordedRequest, Style,
};

use crate::reconcile::{
    ACCOUNT, GATEWAY, desired, in_both_styles, one_by_one, pinned, prune, route_in_path,
    route_names, seed, writes,
};
use crate::support::fixtures;

/// How many routes the large rollouts change.
const ROUTES: usize = 50;

/// An emulator and a client whose deploy wait re-reads every few milliseconds, so a rollout
/// one by one stays quick (the reads, not their pauses, are what the tests count).
async fn started_quick(config: EmulatorConfig) -> (Emulator, Client) {
    let emulator = Emulator::start(config).await.expect("starts");
    let client = Client::builder()
        .base_url(emulator.base_url())
        .api_token("token")
        .retry_policy(RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
        })
        .deploy_wait(DeployWait {
            timeout: Duration::from_secs(60),
            first_interval: Duration::from_millis(5),
            max_interval: Duration::from_millis(20),
        })
        .build()
        .expect("a client");
    (emulator, client)
}

fn concurrency(n: usize) -> ApplyOptions {
    ApplyOptions::default().concurrency(NonZeroUsize::new(n).expect("not zero"))
}

/// `count` routes `route-00`… seeded with the sample graph, and files giving each a new one;
/// with their ids in file order.
fn graph_changes(emulator: &Emulator, count: usize) -> (Vec<String>, Vec<DesiredRoute>) {
    (0..count)
        .map(|n| {
            let name = format!("route-{n:02}");
            let id = seed(emulator, &name);
            (id, desired(&name, fixtures::graph_calling("gpt-4.1")))
        })
        .unzip()
}

/// Each route's requests, in the order the emulator received them.
fn requests_by_route(requests: &[RecordedRequest]) -> HashMap<String, Vec<Operation>> {
    let mut by_route: HashMap<String, Vec<Operation>> = HashMap::new();
    for request in requests {
        if let Some(route) = route_in_path(&request.path) {
            by_route
                .entry(route)
                .or_default()
                .push(request.operation.expect("known"));
        }
    }
    by_route
}

/// The most routes open at once in the journal, a route being open from its first request to
/// its last: never more than the routes changed at once.
fn most_routes_open(requests: &[RecordedRequest]) -> usize {
    let mut spans: HashMap<String, (usize, usize)> = HashMap::new();
    for (at, request) in requests.iter().enumerate() {
        if let Some(route) = route_in_path(&request.path) {
            spans.entry(route).or_insert((at, at)).1 = at;
        }
    }
    (0..requests.len())
        .map(|at| {
            spans
                .values()
                .filter(|(first, last)| (*first..=*last).contains(&at))
                .count()
        })
        .max()
        .unwrap_or(0)
}

async fn planned(gateway: &Gateway<'_>, wanted: &[DesiredRoute], options: &PlanOptions) -> Plan {
    reconcile::plan(gateway, wanted, options)
        .await
        .expect("a plan")
}

/// Plans again: nothing is left to change.
async fn converged(
    gateway: &Gateway<'_>,
    wanted: &[DesiredRoute],
    options: &PlanOptions,
    case: &str,
) {
    let again = planned(gateway, wanted, options).await;
    assert!(!again.has_changes(), "{case}: {}", again.summary());
}

/// 50 graph changes, 8 at once (the default) and one by one, each on its own emulator: each
/// route gets exactly the requests one by one sends it (create version, deploy, the reads of
/// the wait), at most 8 routes are open at once, one by one sends them route after route in
/// file order, the result is in file order, and both converge.
async fn fifty_graph_changes(config: EmulatorConfig) {
    let style = config.style.name();
    let mut journals = Vec::new();
    for options in [ApplyOptions::default(), one_by_one()] {
        let n = options.concurrency.get();
        let case = format!("{style}, {n} at once");
        let (emulator, client) = started_quick(config.clone()).await;
        let gateway = client.gateway(ACCOUNT, GATEWAY);
        let (ids, wanted) = graph_changes(&emulator, ROUTES);
        let plan = planned(&gateway, &wanted, &PlanOptions::default()).await;
        assert_eq!(plan.summary().update, ROUTES, "{case}");
        emulator.clear_requests();
        let told = std::cell::Cell::new(0);
        let done = reconcile::apply_each(&gateway, &plan, &options, |_| told.set(told.get() + 1))
            .await
            .unwrap_or_else(|e| panic!("{case}: {e}"));

        assert_eq!(told.get(), ROUTES, "{case}: each route told as it was done");
        let done_ids: Vec<&str> = done.iter().map(|d| d.route_id.as_str()).collect();
        assert_eq!(done_ids, ids, "{case}: the result is in file order");
        assert!(
            done.iter().all(|d| matches!(
                d.outcome,
                Outcome::Updated {
                    new_version: Some(true),
                    not_yet_visible: false,
                    ..
                }
            )),
            "{case}: {done:?}"
        );
        let in_order: Vec<(Operation, Option<String>)> = ids
            .iter()
            .flat_map(|id| {
                [Operation::CreateVersion, Operation::CreateDeployment]
                    .map(|operation| (operation, Some(id.clone())))
            })
            .collect();
        let mut sent = writes(&emulator);
        if n == 1 {
            assert_eq!(sent, in_order, "{case}: route after route, in file order");
        } else {
            let key = |(operation, id): &(Operation, Option<String>)| {
                (format!("{operation:?}"), id.clone())
            };
            sent.sort_by_key(key);
            let mut expected = in_order;
            expected.sort_by_key(key);
            assert_eq!(
                sent, expected,
                "{case}: exactly one version and one deployment each"
            );
        }
        let requests = emulator.requests();
        let open = most_routes_open(&requests);
        assert!(open <= n, "{case}: {open} routes open at once");
        if n > 1 && config.style == Style::Live {
            // Each wait pauses between reads the emulator keeps lagging, so the first eight
            // are all open before any finishes.
            assert_eq!(open, n, "{case}: the waits overlap");
        }
        let by_route = requests_by_route(&requests);
        journals.push(
            ids.iter()
                .map(|id| by_route[id].clone())
                .collect::<Vec<_>>(),
        );
        converged(&gateway, &wanted, &PlanOptions::default(), &case).await;
    }
    assert_eq!(
        journals[0], journals[1],
        "{style}: each route's requests are those of one by one"
    );
}
in_both_styles!(fifty_graph_changes);

/// Renames (pinned ids), graph changes, creations (some taking a name a rename frees; names are
/// unique, so a creation sent before that rename fails) and deletions, 8 at once: every rename
/// is journaled before any creation, every deletion after every other request, each route's
/// writes are exactly what it needs, and the gateway ends as the files say.
async fn renames_then_creations_then_deletions(config: EmulatorConfig) {
    let style = config.style.name();
    let (emulator, client) = started_quick(config).await;
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let mut wanted = Vec::new();
    let mut expected_names = Vec::new();
    for n in 0..10 {
        let old = format!("old-{n}");
        let id = seed(&emulator, &old);
        // Half the renamed routes get a new graph too.
        let graph = if n % 2 == 0 {
            fixtures::graph_calling("gpt-4.1")
        } else {
            fixtures::graph()
        };
        wanted.push(pinned(&format!("new-{n}"), &id, graph));
        expected_names.push(format!("new-{n}"));
        // Half the freed names are taken by new routes.
        let created = if n < 5 { old } else { format!("fresh-{n}") };
        wanted.push(desired(&created, fixtures::graph()));
        expected_names.push(created);
        let keep = format!("keep-{n}");
        seed(&emulator, &keep);
        wanted.push(desired(&keep, fixtures::graph_calling("gpt-4.1")));
        expected_names.push(keep);
    }
    for n in 0..5 {
        seed(&emulator, &format!("gone-{n}"));
    }
    let plan = planned(&gateway, &wanted, &prune()).await;
    let summary = plan.summary();
    assert_eq!(
        (summary.update, summary.create, summary.delete),
        (20, 10, 5),
        "{style}: {summary}"
    );
    emulator.clear_requests();
    let done = reconcile::apply(&gateway, &plan)
        .await
        .unwrap_or_else(|e| panic!("{style}: {e}"));
    assert_eq!(done.len(), 35, "{style}");

    let requests = emulator.requests();
    let operations: Vec<Operation> = requests
        .iter()
        .map(|r| r.operation.expect("known"))
        .collect();
    let last = |wanted: Operation| operations.iter().rposition(|o| *o == wanted);
    let first = |wanted: Operation| operations.iter().position(|o| *o == wanted);
    assert!(
        last(Operation::UpdateRoute) < first(Operation::CreateRoute),
        "{style}: every rename before any creation: {operations:?}"
    );
    let first_delete = first(Operation::DeleteRoute).expect("deletions");
    assert!(
        operations[first_delete..]
            .iter()
            .all(|o| *o == Operation::DeleteRoute),
        "{style}: deletions after everything else: {operations:?}"
    );
    let mut counts: HashMap<Operation, usize> = HashMap::new();
    for (operation, _) in writes(&emulator) {
        *counts.entry(operation).or_default() += 1;
    }
    assert_eq!(
        counts,
        HashMap::from([
            (Operation::UpdateRoute, 10),
            (Operation::CreateVersion, 15),
            (Operation::CreateDeployment, 15),
            (Operation::CreateRoute, 10),
            (Operation::DeleteRoute, 5),
        ]),
        "{style}: exactly the writes needed"
    );
    assert!(most_routes_open(&requests) <= ApplyOptions::DEFAULT_CONCURRENCY.get());
    expected_names.sort();
    assert_eq!(route_names(&gateway).await, expected_names, "{style}");
    converged(&gateway, &wanted, &prune(), style).await;
}
in_both_styles!(renames_then_creations_then_deletions);

/// Ten graph changes all in flight (10 at once), two creations and two deletions: the
/// routes `failing` names (by position) fail with `faults`. The others are done, each failure
/// is reported in file order, the creations and deletions are not started (none is sent), and
/// the same apply again converges without a duplicate version.
async fn failures_in_flight(
    config: EmulatorConfig,
    failing: &[usize],
    faults: impl Fn(&str) -> Vec<Fault>,
    case: &str,
) {
    let case = format!("{}, {case}", config.style.name());
    let (emulator, client) = started_quick(config).await;
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let (ids, mut wanted) = graph_changes(&emulator, 10);
    wanted.push(desired("fresh-a", fixtures::graph()));
    wanted.push(desired("fresh-b", fixtures::graph()));
    let gone = [seed(&emulator, "gone-a"), seed(&emulator, "gone-b")];
    let plan = planned(&gateway, &wanted, &prune()).await;
    for &position in failing {
        for fault in faults(&ids[position]) {
            emulator.inject(fault);
        }
    }
    emulator.clear_requests();
    let failed: ApplyError = reconcile::apply_each(&gateway, &plan, &concurrency(10), |_| {})
        .await
        .expect_err("a route fails");

    let names = |positions: &mut dyn Iterator<Item = usize>| -> Vec<String> {
        positions.map(|n| format!("route-{n:02}")).collect()
    };
    let failures: Vec<&str> = failed.failures().map(|(route, _)| route).collect();
    assert_eq!(failures, names(&mut failing.iter().copied()), "{case}");
    assert_eq!(failed.also_failed.len(), failing.len() - 1, "{case}");
    let done: Vec<&str> = failed.done.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        done,
        names(&mut (0..10).filter(|n| !failing.contains(n))),
        "{case}: every other route in flight finished, in file order"
    );
    assert!(
        failed.done.iter().all(|d| matches!(
            d.outcome,
            Outcome::Updated {
                deployed_version: Some(_),
                ..
            }
        )),
        "{case}: {:?}",
        failed.done
    );
    // Deletions in plan order: the gateway's list order.
    let deletions = plan
        .routes
        .iter()
        .filter(|route| matches!(route.action, Action::Delete))
        .map(|route| NotStarted {
            name: route.name.clone(),
            route_id: route.route_id.clone(),
            phase: Phase::Delete,
        });
    let creation = |name: &str| NotStarted {
        name: name.into(),
        route_id: None,
        phase: Phase::Create,
    };
    let expected: Vec<NotStarted> = [creation("fresh-a"), creation("fresh-b")]
        .into_iter()
        .chain(deletions)
        .collect();
    assert_eq!(failed.not_started, expected, "{case}");
    let mut deleted: Vec<&str> = expected[2..]
        .iter()
        .filter_map(|n| n.route_id.as_deref())
        .collect();
    deleted.sort();
    let mut gone: Vec<&str> = gone.iter().map(String::as_str).collect();
    gone.sort();
    assert_eq!(deleted, gone, "{case}");
    assert!(
        failed
            .to_string()
            .ends_with(&format!("({} changes applied, 4 not started)", done.len())),
        "{case}: {failed}"
    );
    let sent = writes(&emulator);
    assert!(
        sent.iter()
            .all(|(o, _)| !matches!(o, Operation::CreateRoute | Operation::DeleteRoute)),
        "{case}: no creation or deletion sent: {sent:?}"
    );

    // The same apply again, from a new plan as a user would: only what is left is done.
    let again = planned(&gateway, &wanted, &prune()).await;
    let summary = again.summary();
    assert_eq!(
        (
            summary.update <= failing.len(),
            summary.create,
            summary.delete
        ),
        (true, 2, 2),
        "{case}: {summary}"
    );
    reconcile::apply(&gateway, &again)
        .await
        .unwrap_or_else(|e| panic!("{case}: {e}"));
    converged(&gateway, &wanted, &prune(), &case).await;
    for id in &ids {
        let versions = gateway.list_versions(id).await.expect("listed");
        assert_eq!(versions.versions.len(), 2, "{case}: no duplicate version");
    }
}

/// A lost answer (the write made, then a 500 or a dropped connection) or a refusal, on one
/// route's write while nine others are in flight; then two routes failing at once.
async fn a_route_failing_with_others_in_flight(config: EmulatorConfig) {
    let on = |operation: Operation, fault: Fault| {
        move |route: &str| vec![fault.clone().on(operation).on_route(route)]
    };
    failures_in_flight(
        config.clone(),
        &[3],
        on(
            Operation::CreateDeployment,
            Fault::status_after_applying(500),
        ),
        "deployment made, answered 500",
    )
    .await;
    failures_in_flight(
        config.clone(),
        &[3],
        on(Operation::CreateVersion, Fault::drop_after_applying()),
        "version made, connection dropped",
    )
    .await;
    failures_in_flight(
        config,
        &[2, 7],
        on(Operation::CreateVersion, Fault::status(400)),
        "two refused",
    )
    .await;
}
in_both_styles!(a_route_failing_with_others_in_flight);

/// Twenty graph changes four at once and a deletion, the first route's new version refused:
/// the three started with it finish, no route starts after the failure is seen, every change
/// is done, failed or not started (those not started sent nothing), the deletion is not sent,
/// and the same apply again converges.
async fn a_failure_starts_nothing_new(config: EmulatorConfig) {
    let style = config.style.name();
    let (emulator, client) = started_quick(config).await;
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let (ids, wanted) = graph_changes(&emulator, 20);
    seed(&emulator, "gone");
    let plan = planned(&gateway, &wanted, &prune()).await;
    emulator.inject(
        Fault::status(400)
            .on(Operation::CreateVersion)
            .on_route(&ids[0]),
    );
    emulator.clear_requests();
    let failed = reconcile::apply_each(&gateway, &plan, &concurrency(4), |_| {})
        .await
        .expect_err("the first route fails");

    assert_eq!(failed.route, "route-00", "{style}");
    let done: Vec<&Applied> = failed.done.iter().collect();
    let done_ids: Vec<&str> = done.iter().map(|d| d.route_id.as_str()).collect();
    assert!(
        done_ids.starts_with(&[&ids[1], &ids[2], &ids[3]].map(String::as_str)),
        "{style}: the three in flight with it finished: {done_ids:?}"
    );
    let not_started: Vec<&str> = failed
        .not_started
        .iter()
        .filter_map(|n| n.route_id.as_deref())
        .collect();
    let mut accounted: Vec<&str> = done_ids
        .iter()
        .copied()
        .chain(std::iter::once(ids[0].as_str()))
        .chain(
            not_started
                .iter()
                .copied()
                .filter(|id| ids.iter().any(|i| i == id)),
        )
        .collect();
    accounted.sort();
    let mut all: Vec<&str> = ids.iter().map(String::as_str).collect();
    all.sort();
    assert_eq!(
        accounted, all,
        "{style}: each route done, failed or not started"
    );
    assert_eq!(
        failed
            .not_started
            .last()
            .map(|n| (n.name.as_str(), n.phase)),
        Some(("gone", Phase::Delete)),
        "{style}"
    );
    let by_route = requests_by_route(&emulator.requests());
    for id in &not_started {
        assert!(!by_route.contains_key(*id), "{style}: {id} was not started");
    }
    assert!(
        writes(&emulator)
            .iter()
            .all(|(o, _)| *o != Operation::DeleteRoute),
        "{style}: no deletion"
    );
    reconcile::apply(&gateway, &planned(&gateway, &wanted, &prune()).await)
        .await
        .unwrap_or_else(|e| panic!("{style}: {e}"));
    converged(&gateway, &wanted, &prune(), style).await;
}
in_both_styles!(a_failure_starts_nothing_new);
