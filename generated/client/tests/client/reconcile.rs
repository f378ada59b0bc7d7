//! `reconcile` as a Rust program uses it, against the emulator in both styles: a plan with
//! every action, element-level changes, a rate-limited read retried after its `Retry-After`,
//! exactly the requests needed, an apply, and a clean plan after it; the order of an apply's
//! writes; a failure part way and what it says was done; a lost answer to a write, and the
//! same apply again converging; rollback's choice of version, repeated and with an expected
//! live version; deployments reads do not show yet; export; a saved plan applied as planned,
//! and refused, with nothing sent, when the gateway changed after it was made.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use cloudflare_dynamic_routing::reconcile::{
    self, Action, Applied, ApplyOptions, DesiredRoute, MANIFEST_FILE, Manifest, NotStarted,
    NothingSent, Outcome, Overwrite, Owns, Phase, PlanOptions, PlanRefusal, ReadOptions,
    ReconcileError, Rollback, RollbackOptions, SavedPlan, SavedPlanError, Staleness,
};
use cloudflare_dynamic_routing::route_file::{self, RouteFile};
use cloudflare_dynamic_routing::{Client, DeployWait, Gateway, RetryPolicy};
use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig, Fault, Operation};
use futures_util::TryStreamExt;
use serde_json::Value;

use crate::support::behind_the_plans_back::{self, FRESH, Planned, RENAMED_TO};
use crate::support::fixtures;

pub(crate) const ACCOUNT: &str = "0d37909e38d3e99c29fa2cd343ac421a";
pub(crate) const GATEWAY: &str = "gw-reconcile";

pub(crate) fn desired(name: &str, graph: Value) -> DesiredRoute {
    DesiredRoute {
        source: PathBuf::from(format!("routes/{name}.json")),
        file: RouteFile::new(name, serde_json::from_value(graph).expect("a graph")),
    }
}

/// The requests received since the last call, by operation.
pub(crate) fn counts(emulator: &Emulator) -> HashMap<Operation, usize> {
    let mut counts = HashMap::new();
    for request in emulator.requests() {
        *counts.entry(request.operation.expect("known")).or_insert(0) += 1;
    }
    emulator.clear_requests();
    counts
}

async fn plan_and_apply(config: EmulatorConfig) {
    let style = config.style.name();
    let live = config.style == cloudflare_dynamic_routing_emulator::Style::Live;
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

    // The first route read (the first list page in the documented style, whose list carries
    // the graphs so no route is read) is rate limited; the client waits the second it is told.
    let limited = if live {
        Operation::GetRoute
    } else {
        Operation::ListRoutes
    };
    emulator.inject(Fault::status(429).retry_after(1).on(limited));
    let plan = reconcile::plan(&gateway, &wanted, &PlanOptions::default())
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
        if live {
            HashMap::from([
                (Operation::ListRoutes, 1),
                (Operation::GetRoute, 3 + 1),
                (Operation::ListVersions, 1),
            ])
        } else {
            HashMap::from([(Operation::ListRoutes, 1 + 1), (Operation::ListVersions, 1)])
        },
        "{style}: one page (retried), one read per route the list gives no graph of (one \
         retried), the changed route's versions"
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
    let again = reconcile::plan(&gateway, &wanted, &PlanOptions::default())
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

/// Runs a scenario against the emulator in each style, as two tests.
macro_rules! in_both_styles {
    ($scenario:ident) => {
        mod $scenario {
            use cloudflare_dynamic_routing_emulator::EmulatorConfig;

            #[tokio::test]
            async fn documented() {
                super::$scenario(EmulatorConfig::documented()).await;
            }

            #[tokio::test]
            async fn live() {
                super::$scenario(EmulatorConfig::live()).await;
            }
        }
    };
}
pub(crate) use in_both_styles;

/// An emulator and a client for it that retries at once (a retried request is what some
/// scenarios are about; waiting for it is not).
pub(crate) async fn started(config: EmulatorConfig) -> (Emulator, Client) {
    let emulator = Emulator::start(config).await.expect("starts");
    let client = Client::builder()
        .base_url(emulator.base_url())
        .api_token("token")
        .retry_policy(RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
        })
        .build()
        .expect("a client");
    (emulator, client)
}

pub(crate) fn seed(emulator: &Emulator, name: &str) -> String {
    emulator
        .seed_route(ACCOUNT, GATEWAY, name, fixtures::graph())
        .expect("seeded")
}

/// A file that pins route `id` and names it `name`.
pub(crate) fn pinned(name: &str, id: &str, graph: Value) -> DesiredRoute {
    let mut route = desired(name, graph);
    route.file.id = Some(id.to_string());
    route
}

/// The writes the emulator received, in order, as (operation, route id in the path).
pub(crate) fn writes(emulator: &Emulator) -> Vec<(Operation, Option<String>)> {
    emulator
        .writes()
        .into_iter()
        .map(|request| {
            let route = route_in_path(&request.path);
            (request.operation.expect("known"), route)
        })
        .collect()
}

/// The route id a request's path names (the segment after `routes`), if any.
pub(crate) fn route_in_path(path: &str) -> Option<String> {
    let mut segments = path.split('/');
    segments
        .by_ref()
        .find(|s| *s == "routes")
        .and_then(|_| segments.next())
        .map(str::to_string)
}

/// The names of the routes on the gateway, sorted (a duplicate shows twice).
pub(crate) async fn route_names(gateway: &Gateway<'_>) -> Vec<String> {
    let routes: Vec<_> = gateway
        .routes(ReadOptions::DEFAULT_PER_PAGE)
        .try_collect()
        .await
        .expect("listed");
    let mut names: Vec<String> = routes.into_iter().map(|r| r.name).collect();
    names.sort();
    names
}

/// Pruning, the files owning the whole gateway (pruning without ownership is refused).
pub(crate) fn prune() -> PlanOptions {
    PlanOptions::default().owns(Owns::Gateway).prune(true)
}

/// A gateway of three routes, and files that give one a new graph, rename another by its
/// pinned id and create a fourth, pruning the third; with the writes applying that plan sends,
/// in order (updates, then creations, then deletions) and the names it reports.
struct OrderCase {
    wanted: [DesiredRoute; 3],
    writes: Vec<(Operation, Option<String>)>,
    names: [&'static str; 4],
}

fn order_case(emulator: &Emulator) -> OrderCase {
    let alpha = seed(emulator, "alpha");
    let beta = seed(emulator, "beta");
    let gone = seed(emulator, "gone");
    OrderCase {
        wanted: [
            desired("delta", fixtures::graph()),
            desired("beta", fixtures::graph_calling("gpt-4.1")),
            pinned("alpha-2", &alpha, fixtures::graph()),
        ],
        writes: vec![
            (Operation::CreateVersion, Some(beta.clone())),
            (Operation::CreateDeployment, Some(beta)),
            (Operation::UpdateRoute, Some(alpha)),
            (Operation::CreateRoute, None),
            (Operation::DeleteRoute, Some(gone)),
        ],
        names: ["beta", "alpha-2", "delta", "gone"],
    }
}

/// One route changed at a time: what an apply did before changes overlapped, request for
/// request.
pub(crate) fn one_by_one() -> ApplyOptions {
    ApplyOptions::default().concurrency(std::num::NonZeroUsize::MIN)
}

/// One by one, renames and graph changes first (in file order), then creations, then
/// deletions, whatever the order of the files; each change is exactly the writes it needs.
async fn apply_order(config: EmulatorConfig) {
    let style = config.style.name();
    let (emulator, client) = started(config).await;
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let case = order_case(&emulator);
    let plan = reconcile::plan(&gateway, &case.wanted, &prune())
        .await
        .expect("a plan");
    emulator.clear_requests();
    let done = reconcile::apply_each(&gateway, &plan, &one_by_one(), |_| {})
        .await
        .expect("applied");

    let names: Vec<&str> = done.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, case.names, "{style}");
    assert_eq!(
        writes(&emulator),
        case.writes,
        "{style}: updates, then creations, then deletions"
    );
    assert_eq!(
        route_names(&gateway).await,
        ["alpha-2", "beta", "delta"],
        "{style}"
    );
}
in_both_styles!(apply_order);

/// One by one, a failure part way stops the apply, and the error lists exactly what was done
/// before it (the routes changed before, and the failing route's rename made just before its
/// graph change failed) and what was not started. Nothing after the failure is sent. The same
/// apply again converges.
async fn partial_failure(config: EmulatorConfig) {
    let style = config.style.name();
    let (emulator, client) = started(config).await;
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let beta = seed(&emulator, "beta");
    let alpha = seed(&emulator, "alpha");
    let wanted = [
        pinned("beta-2", &beta, fixtures::graph()),
        pinned("alpha-2", &alpha, fixtures::graph_calling("gpt-4.1")),
        desired("delta", fixtures::graph()),
    ];
    let plan = reconcile::plan(&gateway, &wanted, &PlanOptions::default())
        .await
        .expect("a plan");
    // A 400 is not retried: alpha's new version fails after its rename was made.
    emulator.inject(Fault::status(400).on(Operation::CreateVersion));
    emulator.clear_requests();
    let seen = std::sync::Mutex::new(Vec::new());
    let failed = reconcile::apply_each(&gateway, &plan, &one_by_one(), |applied| {
        seen.lock()
            .expect("not poisoned")
            .push(applied.name.clone());
    })
    .await
    .expect_err("alpha's graph change fails");

    assert_eq!(failed.route, "alpha-2", "{style}");
    assert_eq!(
        failed.error.status().map(|s| s.as_u16()),
        Some(400),
        "{style}"
    );
    assert_eq!(
        failed.done,
        [
            Applied {
                name: "beta-2".into(),
                route_id: beta.clone(),
                outcome: Outcome::Updated {
                    renamed_from: Some("beta".into()),
                    deployed_version: None,
                    new_version: None,
                    not_yet_visible: false,
                },
            },
            Applied {
                name: "alpha-2".into(),
                route_id: alpha.clone(),
                outcome: Outcome::Updated {
                    renamed_from: Some("alpha".into()),
                    deployed_version: None,
                    new_version: None,
                    not_yet_visible: false,
                },
            },
        ],
        "{style}: both renames were made"
    );
    assert_eq!(
        *seen.lock().expect("not poisoned"),
        ["beta-2", "alpha-2"],
        "{style}: each was told as it was made"
    );
    assert_eq!(
        failed.not_started,
        [NotStarted {
            name: "delta".into(),
            route_id: None,
            phase: Phase::Create,
        }],
        "{style}: the creation was not started"
    );
    assert!(failed.also_failed.is_empty(), "{style}");
    assert_eq!(
        failed.to_string(),
        format!(
            "route `alpha-2`: {} (2 changes applied, 1 not started)",
            failed.error
        ),
        "{style}"
    );
    let error = ReconcileError::from(failed);
    assert!(error.client_error().is_some_and(|e| e.status().is_some()));
    assert_eq!(
        writes(&emulator),
        [
            (Operation::UpdateRoute, Some(beta)),
            (Operation::UpdateRoute, Some(alpha.clone())),
            (Operation::CreateVersion, Some(alpha)),
        ],
        "{style}: nothing after the failure was sent"
    );

    // The same apply again: only what is left is done.
    let again = reconcile::plan(&gateway, &wanted, &PlanOptions::default())
        .await
        .expect("a plan");
    let summary = again.summary();
    assert_eq!(
        (summary.create, summary.update),
        (1, 1),
        "{style}: {summary}"
    );
    reconcile::apply(&gateway, &again).await.expect("applied");
    assert_eq!(
        route_names(&gateway).await,
        ["alpha-2", "beta-2", "delta"],
        "{style}"
    );
}
in_both_styles!(partial_failure);

/// A delete whose first attempt took effect but whose answer was lost (a 500, or the
/// connection cut) is retried, answered 404, and counted as done.
async fn delete_answered_404_after_a_retry(config: EmulatorConfig) {
    let style = config.style.name();
    for fault in [
        Fault::status_after_applying(500),
        Fault::drop_after_applying(),
    ] {
        let (emulator, client) = started(config.clone()).await;
        let gateway = client.gateway(ACCOUNT, GATEWAY);
        seed(&emulator, "keep");
        let gone = seed(&emulator, "gone");
        let wanted = [desired("keep", fixtures::graph())];
        let plan = reconcile::plan(&gateway, &wanted, &prune())
            .await
            .expect("a plan");
        emulator.inject(fault.clone().on(Operation::DeleteRoute));
        emulator.clear_requests();
        let done = reconcile::apply(&gateway, &plan)
            .await
            .unwrap_or_else(|e| panic!("{style}, {:?}: {e}", fault.kind));
        assert_eq!(
            done,
            [Applied {
                name: "gone".into(),
                route_id: gone.clone(),
                outcome: Outcome::Deleted,
            }],
            "{style}, {:?}",
            fault.kind
        );
        assert_eq!(
            writes(&emulator),
            [
                (Operation::DeleteRoute, Some(gone.clone())),
                (Operation::DeleteRoute, Some(gone)),
            ],
            "{style}, {:?}: the delete was retried",
            fault.kind
        );
        assert_eq!(route_names(&gateway).await, ["keep"], "{style}");
    }
}
in_both_styles!(delete_answered_404_after_a_retry);

/// Every write of an apply, applied but answered 500 or with the connection cut: the same
/// apply run again converges, with no duplicate route and no duplicate version.
async fn an_apply_run_again_after_a_lost_answer_converges(config: EmulatorConfig) {
    let style = config.style.name();
    let operations = [
        Operation::UpdateRoute,
        Operation::CreateVersion,
        Operation::CreateDeployment,
        Operation::CreateRoute,
        Operation::DeleteRoute,
    ];
    for operation in operations {
        for fault in [
            Fault::status_after_applying(500),
            Fault::drop_after_applying(),
        ] {
            let case = format!("{style}, {:?} on {operation:?}", fault.kind);
            let (emulator, client) = started(config.clone()).await;
            let gateway = client.gateway(ACCOUNT, GATEWAY);
            let old = seed(&emulator, "old-name");
            let regraph = seed(&emulator, "regraph");
            seed(&emulator, "gone");
            let wanted = [
                pinned("new-name", &old, fixtures::graph()),
                desired("regraph", fixtures::graph_calling("gpt-4.1")),
                desired("fresh", fixtures::graph()),
            ];
            emulator.inject(fault.on(operation));
            // The first run may fail; each later one starts from a new plan, as a user would.
            let mut runs = 0;
            loop {
                runs += 1;
                assert!(runs <= 3, "{case}: no convergence");
                let plan = reconcile::plan(&gateway, &wanted, &prune())
                    .await
                    .unwrap_or_else(|e| panic!("{case}: {e}"));
                if reconcile::apply(&gateway, &plan).await.is_ok() {
                    break;
                }
            }
            // A lost answer to a create is not repeated (the apply fails, the next run finds
            // what it made); a rename or delete is repeated within the same run.
            let creates = !matches!(operation, Operation::UpdateRoute | Operation::DeleteRoute);
            assert_eq!(runs, if creates { 2 } else { 1 }, "{case}");
            let plan = reconcile::plan(&gateway, &wanted, &prune())
                .await
                .expect("a plan");
            assert!(!plan.has_changes(), "{case}: {}", plan.summary());
            assert_eq!(
                route_names(&gateway).await,
                ["fresh", "new-name", "regraph"],
                "{case}: no duplicate route"
            );
            let versions = gateway.list_versions(&regraph).await.expect("listed");
            assert_eq!(versions.versions.len(), 2, "{case}: no duplicate version");
        }
    }
}
in_both_styles!(an_apply_run_again_after_a_lost_answer_converges);

/// Rollback goes to the version deployed before the live one, and a second rollback right
/// after it sends nothing (the live version was itself deployed going back); `to` goes to any
/// version, and nowhere when it is live; a caller expecting another live version is refused
/// with nothing sent; it never creates a version.
async fn rollback_target(config: EmulatorConfig) {
    let style = config.style.name();
    let (emulator, client) = started(config).await;
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let (route, first) = seeded_support(&emulator, &gateway).await;
    let second = graph_version(&gateway, &route, "gpt-4.1").await;
    let third = graph_version(&gateway, &route, "gpt-4.1-mini").await;
    let options = RollbackOptions::default;

    let back = rolled_back(&emulator, &gateway, &route, style).await;
    assert_eq!(
        (back.from_version, back.to_version, back.not_yet_visible),
        (third.clone(), second.clone(), false),
        "{style}"
    );
    let live = gateway.get_route(&route).await.expect("read");
    assert_eq!(live.version.version_id, second, "{style}");

    emulator.clear_requests();
    let again = reconcile::rollback(&gateway, "support", &options())
        .await
        .expect("nothing to do");
    assert_eq!(
        (
            again.to_version.as_str(),
            again.deployed,
            again.nothing_sent
        ),
        (
            second.as_str(),
            false,
            Some(NothingSent::LiveIsAStepBack {
                stepped_back_from: third.clone()
            })
        ),
        "{style}: the bad version is not put back"
    );
    assert!(writes(&emulator).is_empty(), "{style}: nothing was sent");

    let to = reconcile::rollback(&gateway, &route, &options().to(&first))
        .await
        .expect("rolled back");
    assert_eq!(
        (
            to.from_version.as_str(),
            to.to_version.as_str(),
            to.deployed
        ),
        (second.as_str(), first.as_str(), true),
        "{style}"
    );

    emulator.clear_requests();
    let already = reconcile::rollback(&gateway, &route, &options().to(&first))
        .await
        .expect("nothing to do");
    assert_eq!(
        (already.deployed, already.nothing_sent),
        (false, Some(NothingSent::AlreadyLive)),
        "{style}"
    );
    let stale = reconcile::rollback(&gateway, &route, &options().to(&third).expect_live(&second))
        .await
        .expect_err("another version is live");
    assert!(
        matches!(&stale, ReconcileError::UnexpectedLiveVersion { expected, live, .. }
            if *expected == second && *live == first),
        "{style}: {stale}"
    );
    let missing = reconcile::rollback(&gateway, &route, &options().to("nonesuch"))
        .await
        .expect_err("no such version");
    assert!(
        matches!(&missing, ReconcileError::NoRollbackTarget { wanted: Some(v), .. } if v == "nonesuch"),
        "{style}: {missing}"
    );
    let unknown = reconcile::rollback(&gateway, "nonesuch", &options())
        .await
        .expect_err("no such route");
    assert!(
        matches!(&unknown, ReconcileError::RouteNotFound { route } if route == "nonesuch"),
        "{style}: {unknown}"
    );
    assert!(
        writes(&emulator).is_empty(),
        "{style}: refusals send nothing"
    );

    let expected = reconcile::rollback(&gateway, &route, &options().to(&third).expect_live(&first))
        .await
        .expect("the expected version is live");
    assert_eq!(
        (expected.to_version, expected.deployed),
        (third, true),
        "{style}"
    );
}
in_both_styles!(rollback_target);

/// While reads lag every deployment (live style, far longer than the client waits): an apply
/// and a rollback each report a deployment reads do not show yet, as done; the rollback after
/// the apply takes the live version from the deployments, not the lagging read; a second
/// rollback and a second apply create nothing. Documented style: the same steps, each seen.
async fn deployed_while_reads_lag(config: EmulatorConfig, lags: bool) {
    let style = config.style.name();
    let emulator = Emulator::start(config).await.expect("starts");
    let client = Client::builder()
        .base_url(emulator.base_url())
        .api_token("token")
        .deploy_wait(DeployWait {
            timeout: Duration::from_millis(50),
            first_interval: Duration::from_millis(2),
            max_interval: Duration::from_millis(10),
        })
        .build()
        .expect("a client");
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let (route, first) = seeded_support(&emulator, &gateway).await;
    let files = [desired("support", fixtures::graph_calling("gpt-4.1"))];

    let plan = reconcile::plan(&gateway, &files, &PlanOptions::default())
        .await
        .expect("planned");
    let applied = reconcile::apply(&gateway, &plan).await.expect("applied");
    let [
        Applied {
            outcome:
                Outcome::Updated {
                    deployed_version: Some(second),
                    new_version: Some(true),
                    not_yet_visible,
                    ..
                },
            ..
        },
    ] = applied.as_slice()
    else {
        panic!("{style}: one route updated with a new version: {applied:?}");
    };
    assert_eq!(*not_yet_visible, lags, "{style}");

    // Applied again: a lagging read still shows the old graph, so the version is deployed
    // again; no second version is created.
    emulator.clear_requests();
    let plan = reconcile::plan(&gateway, &files, &PlanOptions::default())
        .await
        .expect("planned");
    reconcile::apply(&gateway, &plan).await.expect("applied");
    let expected: &[(Operation, Option<String>)] = if lags {
        &[(Operation::CreateDeployment, Some(route.clone()))]
    } else {
        &[]
    };
    assert_eq!(writes(&emulator), expected, "{style}: no new version");

    let back = rolled_back(&emulator, &gateway, &route, style).await;
    assert_eq!(
        (back.from_version, back.to_version, back.not_yet_visible),
        (second.clone(), first.clone(), false),
        "{style}: live is the newest deployment's version (reads still show the first)"
    );

    emulator.clear_requests();
    let again = reconcile::rollback(&gateway, "support", &RollbackOptions::default())
        .await
        .expect("nothing to do");
    assert!(
        !again.deployed && again.nothing_sent.is_some(),
        "{style}: {again:?}"
    );
    assert!(writes(&emulator).is_empty(), "{style}: nothing was sent");

    // Forward again to a version the lagging reads do not show.
    let forward = reconcile::rollback(
        &gateway,
        "support",
        &RollbackOptions::default().to(second.as_str()),
    )
    .await
    .expect("deployed");
    assert_eq!(
        (forward.deployed, forward.not_yet_visible),
        (true, lags),
        "{style}: {forward:?}"
    );
    emulator.clear_requests();
    let stale = reconcile::rollback(
        &gateway,
        "support",
        &RollbackOptions::default().expect_live(first.as_str()),
    )
    .await
    .expect_err("the second version is live");
    assert!(
        matches!(&stale, ReconcileError::UnexpectedLiveVersion { live, .. } if live == second),
        "{style}: {stale}"
    );
    assert!(writes(&emulator).is_empty(), "{style}: nothing was sent");
}

#[tokio::test]
async fn deployed_while_reads_lag_documented() {
    deployed_while_reads_lag(EmulatorConfig::documented(), false).await;
}

#[tokio::test]
async fn deployed_while_reads_lag_live() {
    deployed_while_reads_lag(EmulatorConfig::live().with_read_lag(1000), true).await;
}

/// Route `support` seeded; its id and its first version's.
async fn seeded_support(emulator: &Emulator, gateway: &Gateway<'_>) -> (String, String) {
    let route = seed(emulator, "support");
    let first = gateway
        .get_route(&route)
        .await
        .expect("read")
        .version
        .version_id;
    (route, first)
}

/// `rollback support` with the default options, asserted to send one deployment of `route`
/// and no version.
async fn rolled_back(
    emulator: &Emulator,
    gateway: &Gateway<'_>,
    route: &str,
    style: &str,
) -> Rollback {
    emulator.clear_requests();
    let back = reconcile::rollback(gateway, "support", &RollbackOptions::default())
        .await
        .expect("rolled back");
    assert!(back.deployed, "{style}: {back:?}");
    assert_eq!(
        writes(emulator),
        [(Operation::CreateDeployment, Some(route.to_string()))],
        "{style}: one deployment, no version"
    );
    back
}

/// A new live version of `route` calling `model`; its id.
async fn graph_version(gateway: &Gateway<'_>, route: &str, model: &str) -> String {
    let elements = serde_json::from_value(fixtures::graph_calling(model)).expect("a graph");
    gateway
        .replace_graph(route, elements)
        .await
        .expect("deployed")
        .version_id
}

/// Export: one file per route, named for it (with its id when names collide), pinning its
/// id, so a plan of the directory is clean; a file with other content is refused unless
/// replacing is asked for, and a refusal or a failed check writes nothing.
async fn export(config: EmulatorConfig) {
    let style = config.style.name();
    let (emulator, client) = started(config).await;
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let support = seed(&emulator, "support");
    let upper = seed(&emulator, "Support");
    let billing = seed(&emulator, "billing/eu");
    let read = ReadOptions::default();
    let exported = reconcile::export(&gateway, &read).await.expect("exported");
    let mut named: Vec<(String, Option<String>)> = exported
        .files
        .iter()
        .map(|f| (f.file_name.clone(), f.route.id.clone()))
        .collect();
    named.sort();
    let mut expected = vec![
        ("billing-eu.json".to_string(), Some(billing)),
        ("support.json".to_string(), Some(support.clone())),
        (format!("Support-{upper}.json"), Some(upper.clone())),
    ];
    // Whichever of the two support routes is listed first keeps the plain name.
    if exported
        .files
        .iter()
        .position(|f| f.route.name == "Support")
        < exported
            .files
            .iter()
            .position(|f| f.route.name == "support")
    {
        expected[1] = (format!("support-{support}.json"), Some(support));
        expected[2] = ("Support.json".to_string(), Some(upper));
    }
    expected.sort();
    assert_eq!(named, expected, "{style}");

    let root = tempfile::tempdir().expect("a directory");
    let dir = root.path().join("routes");
    let paths = exported.write_to(&dir, Overwrite::Refuse).expect("written");
    assert_eq!(paths.len(), 3, "{style}");
    for (path, file) in paths.iter().zip(&exported.files) {
        assert_eq!(path, &dir.join(&file.file_name));
        let text = std::fs::read_to_string(path).expect("written");
        assert_eq!(text, route_file::to_json(&file.route), "{style}");
    }
    assert_eq!(entries(&dir).len(), 4, "{style}: no temporary file is left");
    // The manifest names the gateway exported from and owns all of it: planning the export
    // with pruning changes nothing.
    let mut directories =
        reconcile::load_directories(std::slice::from_ref(&dir), &Default::default())
            .expect("loads");
    assert_eq!(directories.len(), 1, "{style}");
    let directory = directories.pop().expect("one directory");
    let manifest = directory.manifest.expect("export writes a manifest");
    assert_eq!(manifest.path, dir.join(MANIFEST_FILE), "{style}");
    assert_eq!(
        manifest.manifest,
        Manifest::whole_gateway(ACCOUNT, GATEWAY),
        "{style}"
    );
    assert_eq!(
        directory.routes.len(),
        3,
        "{style}: the manifest is no route"
    );
    let options = PlanOptions::default()
        .owns(manifest.manifest.owns)
        .prune(true);
    let plan = reconcile::plan(&gateway, &directory.routes, &options)
        .await
        .expect("a plan");
    assert!(!plan.has_changes(), "{style}: {}", plan.summary());

    // Another route, and a file changed by hand: refused, and the new file not written.
    seed(&emulator, "new");
    let changed = &paths[0];
    std::fs::write(changed, "{}").expect("changed");
    let again = reconcile::export(&gateway, &read).await.expect("exported");
    let refused = again
        .write_to(&dir, Overwrite::Refuse)
        .expect_err("a file has other content");
    assert!(
        matches!(&refused, ReconcileError::WouldOverwrite { paths } if paths == std::slice::from_ref(changed)),
        "{style}: {refused}"
    );
    assert_eq!(std::fs::read_to_string(changed).expect("kept"), "{}");
    assert!(
        !dir.join("new.json").exists(),
        "{style}: nothing was written"
    );
    again.write_to(&dir, Overwrite::Replace).expect("replaced");
    assert_ne!(std::fs::read_to_string(changed).expect("replaced"), "{}");
    assert!(dir.join("new.json").exists(), "{style}");

    // Something that is not a file where one would go: an error before anything is written.
    let blocked = root.path().join("blocked");
    std::fs::create_dir_all(blocked.join("new.json")).expect("a directory in the way");
    let failed = again
        .write_to(&blocked, Overwrite::Replace)
        .expect_err("a directory is in the way");
    assert!(
        matches!(&failed, ReconcileError::Io { path, .. } if path == &blocked.join("new.json")),
        "{style}: {failed}"
    );
    assert_eq!(
        entries(&blocked),
        ["new.json"],
        "{style}: nothing was written"
    );
}
in_both_styles!(export);

fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("readable")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// A plan saved to a file, read back and applied later sends exactly the planned writes and
/// converges; the file names the gateway and every route seen, and holds no credentials.
async fn a_saved_plan_applies_as_planned(config: EmulatorConfig) {
    let style = config.style.name();
    let emulator = Emulator::start(config).await.expect("starts");
    let client = Client::builder()
        .base_url(emulator.base_url())
        .api_token("tok-never-in-a-plan")
        .build()
        .expect("a client");
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let case = order_case(&emulator);
    let saved = reconcile::plan_to_save(&gateway, &case.wanted, &prune())
        .await
        .expect("a plan");
    let dir = tempfile::tempdir().expect("a directory");
    let path = dir.path().join("plan.json");
    saved.write_to(&path).expect("written");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(!text.contains("tok-never-in-a-plan"), "{style}: {text}");
    assert!(text.contains(GATEWAY) && text.contains(ACCOUNT), "{style}");
    let read = SavedPlan::read_from(&path).expect("read back");
    assert_eq!(read, saved, "{style}");
    assert_eq!(read.seen.len(), 3, "{style}: every route seen");

    emulator.clear_requests();
    let done = reconcile::apply_saved(
        &gateway,
        &read,
        &ReadOptions::default(),
        &one_by_one(),
        |_| {},
    )
    .await
    .expect("applied");
    let names: Vec<&str> = done.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, case.names, "{style}");
    assert_eq!(
        writes(&emulator),
        case.writes,
        "{style}: exactly the planned writes"
    );
    let plan = reconcile::plan(&gateway, &case.wanted, &prune())
        .await
        .expect("a plan");
    assert!(!plan.has_changes(), "{style}: {}", plan.summary());

    // Applied to another gateway: refused before any request.
    emulator.clear_requests();
    let other = client.gateway(ACCOUNT, "gw-other");
    let refused = reconcile::apply_saved(
        &other,
        &read,
        &ReadOptions::default(),
        &ApplyOptions::default(),
        |_| {},
    )
    .await
    .expect_err("another gateway");
    assert!(
        matches!(
            refused,
            ReconcileError::SavedPlan(SavedPlanError::OtherGateway { .. })
        ),
        "{style}: {refused}"
    );
    assert!(emulator.requests().is_empty(), "{style}: nothing sent");
}
in_both_styles!(a_saved_plan_applies_as_planned);

/// A saved plan whose gateway changed after it was made, in each way it depends on (a route
/// it updates renamed, given another version, or deleted; a route made with a name it creates;
/// a route it deletes given another version), sends nothing and names every change.
async fn a_stale_saved_plan_sends_nothing(config: EmulatorConfig) {
    let style = config.style.name();
    let (emulator, client) = started(config).await;
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let planned = Planned {
        renamed: seed(&emulator, "renamed"),
        redeployed: seed(&emulator, "redeployed"),
        deleted: seed(&emulator, "deleted"),
        doomed: seed(&emulator, "doomed"),
    };
    let wanted = [
        desired("renamed", fixtures::graph_calling("gpt-4.1")),
        desired("redeployed", fixtures::graph_calling("gpt-4.1")),
        desired("deleted", fixtures::graph_calling("gpt-4.1")),
        desired(FRESH, fixtures::graph()),
    ];
    let saved = reconcile::plan_to_save(&gateway, &wanted, &prune())
        .await
        .expect("a plan");
    let seen_version = |id: &str| {
        saved
            .seen
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.version_id.clone())
            .expect("seen")
    };
    let (redeployed_seen, doomed_seen) = (
        seen_version(&planned.redeployed),
        seen_version(&planned.doomed),
    );
    let changed = behind_the_plans_back::change(
        &gateway,
        &planned,
        fixtures::graph(),
        fixtures::graph_calling("gpt-4o-mini"),
    )
    .await;
    emulator.clear_requests();

    let error = reconcile::apply_saved(
        &gateway,
        &saved,
        &ReadOptions::default(),
        &ApplyOptions::default(),
        |_| {},
    )
    .await
    .expect_err("stale");
    assert!(emulator.writes().is_empty(), "{style}: no write at all");
    let ReconcileError::SavedPlan(SavedPlanError::Stale(changes)) = &error else {
        panic!("{style}: {error}");
    };
    let mut found: Vec<(String, Staleness)> = changes
        .iter()
        .map(|c| (c.route.clone(), c.change.clone()))
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        found,
        [
            ("deleted".to_string(), Staleness::Deleted),
            (
                "doomed".to_string(),
                Staleness::VersionChanged {
                    seen: doomed_seen,
                    now: changed.doomed_now
                }
            ),
            (
                FRESH.to_string(),
                Staleness::NameTaken {
                    holder: changed.fresh
                }
            ),
            (
                "redeployed".to_string(),
                Staleness::VersionChanged {
                    seen: redeployed_seen,
                    now: changed.redeployed_now
                }
            ),
            (
                "renamed".to_string(),
                Staleness::Renamed {
                    seen: "renamed".into(),
                    now: RENAMED_TO.into()
                }
            ),
        ],
        "{style}: {error}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with("the saved plan is stale, nothing was sent")
            && message.contains("was named `renamed` when planned, now `renamed-by-hand`"),
        "{style}: {message}"
    );
}
in_both_styles!(a_stale_saved_plan_sends_nothing);

/// Writes `dir/routes.manifest.json` with `owns`, and a route file per name.
fn managed_directory(dir: &std::path::Path, owns: Value, names: &[&str]) {
    std::fs::create_dir_all(dir).expect("a directory");
    let manifest = serde_json::json!({"account_id": ACCOUNT, "gateway_id": GATEWAY, "owns": owns});
    std::fs::write(dir.join(MANIFEST_FILE), manifest.to_string()).expect("a manifest");
    for name in names {
        let route = RouteFile::new(
            *name,
            serde_json::from_value(fixtures::graph()).expect("a graph"),
        );
        route_file::write(&dir.join(route_file::file_name(name)), &route).expect("a route file");
    }
}

/// The one directory `dir` loaded, and planned with pruning and its manifest's ownership.
async fn pruned_by_manifest(
    gateway: &Gateway<'_>,
    dir: &std::path::Path,
) -> (Vec<DesiredRoute>, reconcile::Plan) {
    let directory = reconcile::load_directories(&[dir.to_path_buf()], &Default::default())
        .expect("loads")
        .pop()
        .expect("one directory");
    let owns = directory.manifest.expect("a manifest").manifest.owns;
    let options = PlanOptions::default().owns(owns).prune(true);
    let plan = reconcile::plan(gateway, &directory.routes, &options)
        .await
        .expect("a plan");
    (directory.routes, plan)
}

/// A directory's manifest says what it owns: with the whole gateway, prune deletes every route
/// no file describes; with `team-a-*`, exactly the team's extra route is deleted and other
/// teams' routes and a dashboard-made one are "not managed here", untouched. Without
/// ownership, prune is refused before any request; a file outside the patterns is refused.
async fn ownership(config: EmulatorConfig) {
    let style = config.style.name();
    let (emulator, client) = started(config).await;
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    seed(&emulator, "team-a-support");
    let team_a_old = seed(&emulator, "team-a-old");
    seed(&emulator, "team-b-support");
    seed(&emulator, "dashboard-made");
    let root = tempfile::tempdir().expect("a directory");

    // By pattern.
    let team_a = root.path().join("team-a");
    managed_directory(
        &team_a,
        serde_json::json!(["team-a-*"]),
        &["team-a-support", "team-a-new"],
    );
    emulator.clear_requests();
    let (routes, plan) = pruned_by_manifest(&gateway, &team_a).await;
    let summary = plan.summary();
    assert_eq!(
        (
            summary.create,
            summary.unchanged,
            summary.delete,
            summary.not_managed
        ),
        (1, 1, 1, 2),
        "{style}: {summary}"
    );
    reconcile::apply(&gateway, &plan).await.expect("applied");
    let sent: Vec<Operation> = writes(&emulator).into_iter().map(|(op, _)| op).collect();
    assert_eq!(
        sent,
        [Operation::CreateRoute, Operation::DeleteRoute],
        "{style}"
    );
    assert_eq!(
        writes(&emulator)[1].1.as_deref(),
        Some(team_a_old.as_str()),
        "{style}: exactly the owned extra route is deleted"
    );
    assert_eq!(
        route_names(&gateway).await,
        [
            "dashboard-made",
            "team-a-new",
            "team-a-support",
            "team-b-support"
        ],
        "{style}"
    );

    // A file outside the patterns: refused while loading, before any request.
    managed_directory(
        &team_a,
        serde_json::json!(["team-a-*"]),
        &["team-b-support"],
    );
    let refused = reconcile::load_directories(std::slice::from_ref(&team_a), &Default::default())
        .expect_err("a file the directory does not own");
    assert!(
        refused
            .to_string()
            .contains("route `team-b-support` is not owned by this directory"),
        "{style}: {refused}"
    );
    std::fs::remove_file(team_a.join("team-b-support.json")).expect("removed");

    // A manifest named alone governs no file: refused, or prune would empty its gateway.
    let alone = reconcile::load_directories(&[team_a.join(MANIFEST_FILE)], &Default::default())
        .expect_err("a manifest without files");
    assert!(
        alone
            .to_string()
            .contains("no route files are governed by this manifest"),
        "{style}: {alone}"
    );

    // Without ownership, prune is refused and nothing is sent.
    emulator.clear_requests();
    let refused = reconcile::plan(&gateway, &routes, &PlanOptions::default().prune(true))
        .await
        .expect_err("prune needs ownership");
    assert!(
        matches!(
            refused,
            ReconcileError::PlanRefused(PlanRefusal::PruneWithoutOwnership)
        ),
        "{style}: {refused}"
    );
    assert!(
        refused.to_string().contains(MANIFEST_FILE),
        "{style}: {refused}"
    );
    assert!(emulator.requests().is_empty(), "{style}: nothing was sent");

    // The whole gateway: every route no file describes is deleted.
    let whole = root.path().join("whole");
    managed_directory(&whole, serde_json::json!("gateway"), &["team-a-support"]);
    let (_, plan) = pruned_by_manifest(&gateway, &whole).await;
    assert_eq!(plan.summary().delete, 3, "{style}: {}", plan.summary());
    reconcile::apply(&gateway, &plan).await.expect("applied");
    assert_eq!(route_names(&gateway).await, ["team-a-support"], "{style}");
}
in_both_styles!(ownership);
