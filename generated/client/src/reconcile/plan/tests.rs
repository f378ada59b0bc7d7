//! Planning without a server: how files are matched to live routes (pinned id, then name),
//! what each route needs, and the plans that are refused.

use serde_json::{Value, json};

use super::*;
use crate::reconcile::NamePattern;
use crate::route_file::RouteFile;

/// A live route as read whole, with the sample graph unless `graph` is given.
fn live(id: &str, name: &str, graph: Option<Value>) -> Route {
    let mut route = crate::fixtures::full_route();
    route["id"] = json!(id);
    route["name"] = json!(name);
    if let Some(graph) = graph {
        route["elements"] = graph;
    }
    serde_json::from_value(route).expect("a route")
}

fn desired(name: &str, id: Option<&str>, graph: Value) -> DesiredRoute {
    let mut file = RouteFile::new(name, serde_json::from_value(graph).expect("a graph"));
    file.id = id.map(str::to_string);
    DesiredRoute {
        source: format!("routes/{name}.json").into(),
        file,
    }
}

fn shape(plan: &Plan) -> Vec<(String, Option<String>, String)> {
    plan.routes
        .iter()
        .map(|r| {
            let action = match &r.action {
                Action::Create { .. } => "create".to_string(),
                Action::Update { rename, graph } => format!(
                    "update{}{}",
                    rename
                        .as_ref()
                        .map(|r| format!(" rename {}→{}", r.from, r.to))
                        .unwrap_or_default(),
                    graph.as_ref().map(|_| " graph").unwrap_or_default()
                ),
                Action::Unchanged => "unchanged".to_string(),
                Action::Extra => "extra".to_string(),
                Action::Delete => "delete".to_string(),
                Action::NotManaged => "not managed".to_string(),
            };
            (r.name.clone(), r.route_id.clone(), action)
        })
        .collect()
}

fn row(name: &str, id: Option<&str>, action: &str) -> (String, Option<String>, String) {
    (name.to_string(), id.map(str::to_string), action.to_string())
}

#[test]
fn files_match_by_name_and_routes_no_file_describes_are_extra_or_deleted() {
    let live = [
        live("r1", "support", None),
        live("r2", "billing", None),
        live("r3", "legacy", None),
    ];
    let files = [
        desired("support", None, crate::fixtures::graph()),
        desired("billing", None, crate::fixtures::graph_calling("gpt-4.1")),
        desired("new", None, crate::fixtures::graph()),
    ];
    let plan = compare(&files, &live, &PlanOptions::default()).expect("a plan");
    assert_eq!(
        shape(&plan),
        [
            row("support", Some("r1"), "unchanged"),
            row("billing", Some("r2"), "update graph"),
            row("new", None, "create"),
            row("legacy", Some("r3"), "extra"),
        ]
    );
    assert!(plan.has_changes());
    let Action::Update {
        graph: Some(update),
        ..
    } = &plan.routes[1].action
    else {
        panic!("an update")
    };
    assert_eq!(update.changes.len(), 1);
    assert_eq!(update.changes[0].to_string(), "~ large (/properties/model)");
    assert_eq!(update.deploy, Deploy::NewVersion);

    // Pruning needs ownership (here the whole gateway).
    let pruned = compare(
        &files,
        &live,
        &PlanOptions::default().owns(Owns::Gateway).prune(true),
    )
    .expect("a plan");
    assert_eq!(pruned.routes[3].action, Action::Delete);
    assert_eq!(pruned.summary().delete, 1);
}

#[test]
fn a_pinned_id_renames_in_place_and_frees_the_old_name() {
    let live = [live("r1", "support", None)];
    let files = [
        desired("helpdesk", Some("r1"), crate::fixtures::graph()),
        // Named like the route the pinned file renames away: a new route, not that one.
        desired("support", None, crate::fixtures::graph()),
    ];
    let plan = compare(&files, &live, &PlanOptions::default()).expect("a plan");
    assert_eq!(
        shape(&plan),
        [
            row("helpdesk", Some("r1"), "update rename support→helpdesk"),
            row("support", None, "create"),
        ]
    );
}

#[test]
fn plans_that_cannot_be_applied_are_refused_before_anything_is_sent() {
    let live_routes = [live("r1", "support", None), live("r2", "billing", None)];
    let missing = compare(
        &[desired("support", Some("r9"), crate::fixtures::graph())],
        &live_routes,
        &PlanOptions::default(),
    )
    .expect_err("r9 is not on the gateway");
    assert!(
        matches!(&missing, PlanRefusal::PinnedIdMissing { route_id, .. } if route_id == "r9"),
        "{missing:?}"
    );
    assert!(
        missing.to_string().contains("pins route id `r9`"),
        "{missing}"
    );

    let collision = compare(
        &[desired("billing", Some("r1"), crate::fixtures::graph())],
        &live_routes,
        &PlanOptions::default(),
    )
    .expect_err("billing is taken");
    assert!(
        matches!(&collision, PlanRefusal::RenameTaken { holder, .. } if holder == "r2"),
        "{collision:?}"
    );
    assert!(
        collision
            .to_string()
            .contains("cannot rename route `support` to `billing`: route r2"),
        "{collision}"
    );

    let twins = [live("r1", "support", None), live("r2", "support", None)];
    let ambiguous = compare(
        &[desired("support", None, crate::fixtures::graph())],
        &twins,
        &PlanOptions::default(),
    )
    .expect_err("two routes share the name");
    assert!(
        ambiguous
            .to_string()
            .contains("2 routes on the gateway are named `support`")
    );
}

#[test]
fn a_live_graph_in_another_element_order_is_unchanged() {
    let mut reversed = crate::fixtures::graph();
    reversed.as_array_mut().expect("an array").reverse();
    let plan = compare(
        &[desired("support", None, crate::fixtures::graph())],
        &[live("r1", "support", Some(reversed))],
        &PlanOptions::default(),
    )
    .expect("a plan");
    assert_eq!(plan.routes[0].action, Action::Unchanged);
    assert!(!plan.has_changes());
}

#[test]
fn pruning_deletes_only_owned_routes_and_needs_ownership() {
    let live = [
        live("r1", "team-a-support", None),
        live("r2", "team-a-legacy", None),
        live("r3", "team-b-support", None),
        live("r4", "dashboard-made", None),
    ];
    let files = [desired("team-a-support", None, crate::fixtures::graph())];
    assert_eq!(
        compare(&files, &live, &PlanOptions::default().prune(true)),
        Err(PlanRefusal::PruneWithoutOwnership),
        "prune without ownership is refused"
    );
    let team_a = Owns::Names(vec![NamePattern::new("team-a-*").expect("a pattern")]);
    let plan = compare(
        &files,
        &live,
        &PlanOptions::default().owns(team_a.clone()).prune(true),
    )
    .expect("a plan");
    assert_eq!(
        shape(&plan),
        [
            row("team-a-support", Some("r1"), "unchanged"),
            row("team-a-legacy", Some("r2"), "delete"),
            row("team-b-support", Some("r3"), "not managed"),
            row("dashboard-made", Some("r4"), "not managed"),
        ]
    );
    assert_eq!(plan.summary().not_managed, 2);
    assert_eq!(
        plan.summary().to_string(),
        "0 to create, 0 to update, 1 to delete, 1 unchanged, 0 not in any file, 2 not managed here"
    );

    // A file outside the patterns, or pinning a route outside them, is refused.
    let outside = [desired("team-b-support", None, crate::fixtures::graph())];
    assert_eq!(
        compare(
            &outside,
            &live,
            &PlanOptions::default().owns(team_a.clone())
        ),
        Err(PlanRefusal::NotOwned {
            file: "routes/team-b-support.json".into(),
            name: "team-b-support".into(),
        })
    );
    let takeover = [desired("team-a-new", Some("r3"), crate::fixtures::graph())];
    assert_eq!(
        compare(&takeover, &live, &PlanOptions::default().owns(team_a)),
        Err(PlanRefusal::PinnedNotOwned {
            file: "routes/team-a-new.json".into(),
            route_id: "r3".into(),
            live_name: "team-b-support".into(),
        })
    );
}
