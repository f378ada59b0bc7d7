//! The comment body: sections and their escaping, checked by Mermaid's parser where installed;
//! a long plan cut at a section boundary within the limit, with a note that counts what was
//! left out (snapshot at a small limit; the real limit asserted).

use std::path::PathBuf;

use cloudflare_dynamic_routing::reconcile::{
    Action, Deploy, GraphUpdate, Plan, Rename, RoutePlan, element_changes,
};
use cloudflare_dynamic_routing::types::RouteElement;
use serde_json::Value;

use super::{COMMENT_LIMIT, Diffs, Part, comment};

#[path = "../../../client/tests/support/fixtures.rs"]
mod fixtures;

#[path = "../../../client/tests/support/mermaid.rs"]
mod mermaid;

fn elements(graph: Value) -> Vec<RouteElement> {
    serde_json::from_value(graph).expect("a graph")
}

/// A route to create from the sample graph.
fn create(name: &str) -> RoutePlan {
    let elements = elements(fixtures::graph());
    RoutePlan {
        name: name.to_string(),
        route_id: None,
        source: Some(PathBuf::from(format!("routes/{name}.json"))),
        action: Action::Create {
            changes: element_changes::<RouteElement, _>(&[], &elements),
            elements,
        },
    }
}

/// `count` routes to create, each its own section.
fn long_plan(count: usize) -> Plan {
    Plan {
        routes: (0..count)
            .map(|n| create(&format!("route-{n:03}")))
            .collect(),
    }
}

fn one(plan: &Plan) -> [Part<'_>; 1] {
    [Part {
        heading: None,
        plan,
    }]
}

/// Sections shown in a comment.
fn sections(text: &str) -> usize {
    text.lines()
        .filter(|line| line.starts_with("#### "))
        .count()
}

#[test]
fn a_long_plan_is_cut_at_a_section_boundary_and_says_how_many_routes_are_left_out() {
    let plan = long_plan(3);
    let whole = comment(&one(&plan), Diffs::Collapsed, COMMENT_LIMIT);
    assert_eq!(sections(&whole), 3);
    assert!(!whole.contains("[!NOTE]"));
    // Room for the summary and one section only.
    let limit = whole
        .find("#### Create `route-001`")
        .expect("a second section")
        + 300;
    let cut = comment(&one(&plan), Diffs::Collapsed, limit);
    assert!(cut.len() <= limit, "{} > {limit}", cut.len());
    assert_eq!(sections(&cut), 1);
    insta::assert_snapshot!("long_plan_cut", cut);
}

#[test]
fn a_plan_too_long_for_a_comment_stays_within_the_limit_at_any_limit() {
    let plan = long_plan(120);
    let whole = comment(&one(&plan), Diffs::Collapsed, usize::MAX);
    assert!(
        whole.len() > COMMENT_LIMIT,
        "the plan must be too long to post"
    );
    for limit in [COMMENT_LIMIT, COMMENT_LIMIT - 1, 20_000, 7_777, 1_000] {
        let text = comment(&one(&plan), Diffs::Collapsed, limit);
        assert!(text.len() <= limit, "{} > {limit}", text.len());
        let shown = sections(&text);
        let note = format!("> {} of 120 routes are left out", 120 - shown);
        assert!(text.contains(&note), "{note:?} missing at {limit}");
        // Cut at a boundary: what is shown is the whole comment's start, section for section.
        let before_note = &text[..text.find("> [!NOTE]").expect("a note")];
        assert!(whole.starts_with(before_note));
        assert!(
            whole[before_note.len()..].starts_with("#### "),
            "cut inside a section at {limit}"
        );
    }
    let posted = comment(&one(&plan), Diffs::Collapsed, COMMENT_LIMIT);
    mermaid::assert_mermaid_parses(&posted, "the cut comment");
}

#[test]
fn names_and_ids_with_backticks_and_markup_stay_in_their_code_spans() {
    let mut route = create("a `tick` <b>|x|</b>");
    route.route_id = Some("``id".to_string());
    let plan = Plan {
        routes: vec![route],
    };
    let text = comment(&one(&plan), Diffs::Collapsed, COMMENT_LIMIT);
    assert!(
        text.contains("#### Create ``a `tick` <b>|x|</b>``\n"),
        "{text}"
    );
    assert!(text.contains("route id ``` ``id ```."), "{text}");
    assert!(!text.contains("a new route"), "{text}");
}

#[test]
fn an_update_shows_rename_values_a_collapsed_diff_and_a_highlighted_picture() {
    let live = elements(fixtures::graph());
    let wanted = elements(fixtures::graph_calling("gpt-4o-mini"));
    let update = RoutePlan {
        name: "support".to_string(),
        route_id: Some("route-1".to_string()),
        source: Some(PathBuf::from("routes/support.json")),
        action: Action::Update {
            rename: Some(Rename {
                from: "helpdesk".to_string(),
                to: "support".to_string(),
            }),
            graph: Some(GraphUpdate {
                changes: element_changes(&live, &wanted),
                deploy: Deploy::NewVersion,
                live: serde_json::from_value(fixtures::graph()).expect("a graph"),
                elements: wanted,
            }),
        },
    };
    let unchanged = RoutePlan {
        name: "quiet".to_string(),
        route_id: Some("route-2".to_string()),
        source: Some(PathBuf::from("routes/quiet.json")),
        action: Action::Unchanged,
    };
    let plan = Plan {
        routes: vec![update, unchanged],
    };
    let text = comment(&one(&plan), Diffs::Collapsed, COMMENT_LIMIT);
    assert!(
        text.starts_with("### `routes` plan: 0 to create, 1 to update, 0 to delete, 1 unchanged")
    );
    assert!(text.contains("#### Rename `helpdesk` to `support`; Change the graph of `support`"));
    assert!(
        text.contains("~ large\n    model: gpt-4o → gpt-4o-mini\n"),
        "{text}"
    );
    assert!(text.contains("<details><summary>Graph diff</summary>"));
    assert!(text.contains(":::changed"));
    assert!(
        !text.contains("quiet"),
        "unchanged routes are counted, not listed"
    );
    let open = comment(&one(&plan), Diffs::Open, COMMENT_LIMIT);
    assert!(open.contains("<details open>"));
    mermaid::assert_mermaid_parses(&text, "an update");
}
