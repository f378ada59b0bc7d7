//! Saved plans without a server: written and read back whole, the same plan; another format
//! version or a file that is not a saved plan refused, naming the file.

use serde_json::json;

use super::*;
use crate::reconcile::Owns;
use crate::reconcile::plan::compare;
use crate::route_file::RouteFile;

fn live(id: &str, name: &str) -> Route {
    let mut route = crate::fixtures::full_route();
    route["id"] = json!(id);
    route["name"] = json!(name);
    serde_json::from_value(route).expect("a route")
}

/// A plan that creates, renames and changes a graph, and deletes.
fn saved() -> SavedPlan {
    let graph: Vec<RouteElement> =
        serde_json::from_value(crate::fixtures::full_route()["elements"].clone()).expect("graph");
    let mut changed = graph.clone();
    changed.reverse();
    let mut pinned = RouteFile::new("b-2", changed);
    pinned.id = Some("r-b".into());
    let desired = [
        DesiredRoute {
            source: "routes/new.json".into(),
            file: RouteFile::new("new", graph),
        },
        DesiredRoute {
            source: "routes/b.json".into(),
            file: pinned,
        },
    ];
    let routes = [live("r-b", "b"), live("r-c", "c")];
    let plan = compare(
        &desired,
        &routes,
        &PlanOptions::default().owns(Owns::Gateway).prune(true),
    )
    .expect("a plan");
    SavedPlan {
        format_version: SavedPlan::FORMAT_VERSION,
        account_id: "acc".into(),
        gateway_id: "gw".into(),
        seen: routes.iter().map(SeenRoute::from).collect(),
        routes: plan.routes.iter().map(SavedRoute::saved).collect(),
    }
}

#[test]
fn a_written_plan_reads_back_as_the_same_plan() {
    let saved = saved();
    let dir = tempfile::tempdir().expect("a directory");
    let path = dir.path().join("plan.json");
    saved.write_to(&path).expect("written");
    let read = SavedPlan::read_from(&path).expect("read");
    assert_eq!(read, saved);
    let kinds: Vec<&str> = read
        .routes
        .iter()
        .map(|r| match r.action {
            SavedAction::Create { .. } => "create",
            SavedAction::Update { .. } => "update",
            SavedAction::Delete => "delete",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["create", "update", "delete"]);
    assert_eq!(read.plan().summary(), saved.plan().summary());
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("listed").count(),
        1,
        "no temporary file left"
    );
}

#[test]
fn another_format_or_another_document_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().expect("a directory");
    let path = dir.path().join("plan.json");
    let mut value = serde_json::to_value(saved()).expect("json");
    value["format_version"] = json!(99);
    std::fs::write(&path, value.to_string()).expect("written");
    let error = SavedPlan::read_from(&path)
        .expect_err("refused")
        .to_string();
    assert!(
        error.contains("plan.json: not a saved plan: format version 99"),
        "{error}"
    );

    std::fs::write(&path, r#"{"name": "a", "elements": []}"#).expect("written");
    let error = SavedPlan::read_from(&path)
        .expect_err("refused")
        .to_string();
    assert!(error.contains("no `format_version`"), "{error}");
}

#[test]
fn a_stale_change_names_the_route_what_was_seen_and_what_is_there_now() {
    let change = StaleChange {
        route: "support".into(),
        route_id: Some("r-1".into()),
        change: Staleness::VersionChanged {
            seen: "v1".into(),
            now: "v2".into(),
        },
    };
    assert_eq!(
        change.to_string(),
        "route `support` (r-1): version `v1` was deployed when planned, now `v2`"
    );
}
