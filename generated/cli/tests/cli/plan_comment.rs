//! `plan --output markdown` and `diff --output markdown` against the emulator, in both styles:
//! the comment for a create, a graph change, a rename and a delete, as snapshots (route ids,
//! which the emulator makes up, shown as `ROUTE-ID`), and the values in the text and JSON plans, each one's Mermaid checked by Mermaid's
//! parser where it is installed. Both styles must give the same comment.

use std::path::Path;

use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig};
use serde_json::{Value, json};

use crate::support::{ACCOUNT, GATEWAY};
use crate::{fixtures, support};

#[path = "../../../client/tests/support/mermaid.rs"]
mod mermaid;

/// Runs `routes <args>` in `dir` against `emulator`: exit code and standard output; fails on
/// any exit but 0 (nothing to change) and 2 (changes).
fn routes(emulator: &Emulator, dir: &Path, args: &[&str]) -> (i32, String) {
    let (code, out, err) = support::run(
        support::routes_at(&emulator.base_url())
            .current_dir(dir)
            .args(args),
    );
    assert!(
        code == 0 || code == 2,
        "routes {args:?} failed ({code}): {err}"
    );
    (code, out)
}

/// Writes the route file `routes/support.json`.
fn write_route(dir: &Path, route: &Value) {
    std::fs::write(dir.join("routes/support.json"), route.to_string()).expect("write");
}

/// The comment `command` (`plan` or `diff`) prints, with every route id as `ROUTE-ID`, after
/// checking its Mermaid.
fn comment(emulator: &Emulator, dir: &Path, command: &str, extra: &[&str]) -> String {
    let mut args = vec![command, "routes", "--output", "markdown"];
    args.extend_from_slice(extra);
    let (code, mut text) = routes(emulator, dir, &args);
    assert_eq!(code, 2, "the plan has changes: {text}");
    let mut json_args = vec!["plan", "routes", "--output", "json"];
    json_args.extend_from_slice(extra);
    let plan: Value = serde_json::from_str(&routes(emulator, dir, &json_args).1).expect("json");
    for route in plan["routes"].as_array().expect("routes") {
        if let Some(id) = route["route_id"].as_str() {
            text = text.replace(id, "ROUTE-ID");
        }
    }
    if text.contains("```mermaid") {
        mermaid::assert_mermaid_parses(&text, command);
    }
    text
}

async fn comments(config: EmulatorConfig) {
    let emulator = Emulator::start(config).await.expect("the emulator starts");
    let folder = tempfile::tempdir().expect("a temporary folder");
    let dir = folder.path();
    std::fs::create_dir_all(dir.join("routes")).expect("a folder");
    let manifest = json!({"account_id": ACCOUNT, "gateway_id": GATEWAY, "owns": "gateway"});
    std::fs::write(
        dir.join("routes/routes.manifest.json"),
        manifest.to_string(),
    )
    .expect("write");
    write_route(
        dir,
        &json!({"name": "support", "elements": fixtures::graph()}),
    );
    insta::assert_snapshot!("create", comment(&emulator, dir, "plan", &[]));
    routes(&emulator, dir, &["apply", "routes"]);

    let mini = fixtures::graph_calling("gpt-4o-mini");
    let mut changed = mini.clone();
    let elements = changed.as_array_mut().expect("an array");
    elements.retain(|element| element["id"] != "budget");
    for element in elements.iter_mut() {
        if element["id"] == "plan" {
            element["outputs"]["true"]["elementId"] = json!("fast");
        }
    }
    elements.push(json!({"id": "fast", "type": "model",
        "properties": {"model": "gpt-4o-mini", "provider": "openai", "retries": 0,
                       "timeout": 5000},
        "outputs": {"fallback": {"elementId": "small"}, "success": {"elementId": "end"}}}));
    write_route(dir, &json!({"name": "support", "elements": changed}));
    // The text plan and the JSON one show the same values.
    let (_, text) = routes(&emulator, dir, &["plan", "routes"]);
    assert!(
        text.contains("      ~ large\n          model: gpt-4o → gpt-4o-mini\n"),
        "{text}"
    );
    assert!(
        text.contains("          outputs.true: budget → fast\n"),
        "{text}"
    );
    assert!(
        text.contains("      + fast\n          + outputs.fallback: small\n"),
        "{text}"
    );
    let (_, json) = routes(&emulator, dir, &["plan", "routes", "--output", "json"]);
    let plan: Value = serde_json::from_str(&json).expect("json");
    let large = &plan["routes"][0]["graph"]["changes"][2];
    assert_eq!(large["element_id"], "large", "{json}");
    assert_eq!(
        large["values"],
        json!([{"field": "/properties/model", "old": "gpt-4o", "new": "gpt-4o-mini"}])
    );
    insta::assert_snapshot!("graph_change", comment(&emulator, dir, "plan", &[]));
    insta::assert_snapshot!("graph_change_diff", comment(&emulator, dir, "diff", &[]));
    routes(&emulator, dir, &["apply", "routes"]);

    let plan: Value =
        serde_json::from_str(&routes(&emulator, dir, &["plan", "routes", "--output", "json"]).1)
            .expect("json");
    let id = plan["routes"][0]["route_id"]
        .as_str()
        .expect("an id")
        .to_string();
    write_route(
        dir,
        &json!({"id": id, "name": "helpdesk", "elements": changed}),
    );
    insta::assert_snapshot!("rename", comment(&emulator, dir, "plan", &[]));
    routes(&emulator, dir, &["apply", "routes"]);

    // Another route stays, unchanged: counted, not listed.
    let billing = json!({"name": "billing", "elements": fixtures::graph()});
    std::fs::write(dir.join("routes/billing.json"), billing.to_string()).expect("write");
    routes(&emulator, dir, &["apply", "routes"]);
    std::fs::remove_file(dir.join("routes/support.json")).expect("remove");
    insta::assert_snapshot!("delete", comment(&emulator, dir, "plan", &["--prune"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_comments_against_the_documented_style() {
    comments(EmulatorConfig::documented()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_comments_against_the_live_style() {
    comments(EmulatorConfig::live()).await;
}

#[test]
fn markdown_is_refused_where_there_is_no_comment_to_write() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let (code, _, err) = support::run(
        support::routes_at("http://127.0.0.1:9")
            .current_dir(folder.path())
            .args(["history", "some-route", "--output", "markdown"]),
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("has no --output markdown"), "{err}");
}
