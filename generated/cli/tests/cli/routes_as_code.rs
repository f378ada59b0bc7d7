//! Routes as code against the emulator, in its documented and in its live style, on a gateway
//! that already holds more routes than one page: `apply` of one file converging (create; again
//! → no write; change → one version and one deployment; again at once → no write despite the
//! live API's read lag; invalid → nothing sent), a directory planned and applied, rename with a
//! pinned id, prune, export then plan, rollback (repeated, `--expect-live`, deployments reads
//! do not show yet), history, an existing version redeployed, a failing route test, the exact
//! requests a plan makes, a saved plan (`plan --out`, `apply --plan`) applied as reviewed or
//! refused as stale (off a terminal, deleting needs `--yes`), `--cache-dir` and `--no-cache`,
//! and ownership by manifest (prune
//! by pattern or whole gateway, refusals, two directories on two gateways in one run). Every
//! exit code is asserted;
//! writes are counted from what the emulator received.

use std::collections::HashMap;

use assert_cmd::Command;
use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig, Fault, Operation};
use serde_json::{Value, json};

use crate::behind_the_plans_back::{self, FRESH, Planned, RENAMED_TO};
use crate::support::{ACCOUNT, GATEWAY};
use crate::{fixtures, support};

/// More than the 50 routes `apply` reads a page, so finding a route takes two pages.
const OTHER_ROUTES: usize = 55;

/// One test per answer style for a scenario `async fn(EmulatorConfig)`.
macro_rules! in_both_styles {
    ($scenario:ident: $documented:ident, $live:ident) => {
        #[tokio::test(flavor = "multi_thread")]
        async fn $documented() {
            $scenario(EmulatorConfig::documented()).await;
        }

        #[tokio::test(flavor = "multi_thread")]
        async fn $live() {
            $scenario(EmulatorConfig::live()).await;
        }
    };
}

/// An emulator in `config`'s style whose gateway already has [`OTHER_ROUTES`] routes.
async fn busy_gateway(config: EmulatorConfig) -> Emulator {
    let emulator = Emulator::start(config).await.expect("the emulator starts");
    for n in 0..OTHER_ROUTES {
        emulator
            .seed_route(
                ACCOUNT,
                GATEWAY,
                &format!("other-{n:02}"),
                fixtures::graph(),
            )
            .expect("a seeded route");
    }
    emulator
}

/// The `routes` binary pointed at `emulator`.
fn routes(emulator: &Emulator) -> Command {
    support::routes_at(&emulator.base_url())
}

/// Runs `routes <command> <file>` with a route file of `name` and `elements`; returns the
/// exit code, standard output and standard error.
fn run(emulator: &Emulator, command: &str, name: &str, elements: Value) -> (i32, String, String) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("route.json");
    let text =
        serde_json::to_string_pretty(&json!({"name": name, "elements": elements})).expect("json");
    std::fs::write(&path, text).expect("write");
    run_args(
        emulator,
        dir.path(),
        &[command, &path.display().to_string()],
    )
}

/// The writes the emulator received since the last call, by operation, and forgets them.
fn writes_since(emulator: &Emulator) -> Vec<Operation> {
    let writes = emulator
        .writes()
        .into_iter()
        .map(|request| request.operation.expect("a known operation"))
        .collect();
    emulator.clear_requests();
    writes
}

/// `apply` → `apply` → change → `apply` → `apply`, then `diff` and an invalid file.
async fn apply_converges(config: EmulatorConfig) {
    let style = config.style.name();
    let emulator = busy_gateway(config).await;

    let (code, out, err) = run(
        &emulator,
        "apply",
        "support-bot",
        fixtures::graph_calling("gpt-4o"),
    );
    assert_eq!(code, 0, "{style}: {err}");
    assert!(out.contains("support-bot (route-"), "{style}: {out}");
    assert!(out.contains("created"), "{style}: {out}");
    assert_eq!(writes_since(&emulator), [Operation::CreateRoute], "{style}");

    let (code, out, err) = run(
        &emulator,
        "apply",
        "support-bot",
        fixtures::graph_calling("gpt-4o"),
    );
    assert_eq!(code, 0, "{style}: {err}");
    assert_eq!(out, "nothing to change\n", "{style}");
    assert_eq!(
        writes_since(&emulator),
        [],
        "{style}: applying again writes nothing"
    );

    let (code, out, err) = run(
        &emulator,
        "diff",
        "support-bot",
        fixtures::graph_calling("gpt-4o-mini"),
    );
    assert_eq!(code, 2, "{style}: a difference exits 2: {err}");
    assert!(
        out.contains("+      \"model\": \"gpt-4o-mini\","),
        "{style}: {out}"
    );
    assert!(!out.contains('\x1b'), "{style}: no colour off a terminal");
    // As on a terminal: the added line in green.
    let folder = tempfile::tempdir().expect("a temporary folder");
    let file = json!({"name": "support-bot", "elements": fixtures::graph_calling("gpt-4o-mini")});
    std::fs::write(folder.path().join("route.json"), file.to_string()).expect("write");
    let coloured = routes(&emulator)
        .env("CLICOLOR_FORCE", "1")
        .current_dir(folder.path())
        .args(["diff", "route.json"])
        .output()
        .expect("runs");
    assert_eq!(coloured.status.code(), Some(2), "{style}");
    let coloured = String::from_utf8_lossy(&coloured.stdout);
    assert!(
        coloured.contains("\x1b[32m+      \"model\": \"gpt-4o-mini\","),
        "{style}: {coloured}"
    );
    assert_eq!(writes_since(&emulator), [], "{style}: diff writes nothing");

    let (code, out, err) = run(
        &emulator,
        "apply",
        "support-bot",
        fixtures::graph_calling("gpt-4o-mini"),
    );
    assert_eq!(code, 0, "{style}: {err}");
    assert!(out.contains("deployed new version"), "{style}: {out}");
    assert_eq!(
        writes_since(&emulator),
        [Operation::CreateVersion, Operation::CreateDeployment],
        "{style}: one version, one deployment"
    );

    // At once, while the live style would still serve the old graph had `apply` not waited.
    let (code, out, err) = run(
        &emulator,
        "apply",
        "support-bot",
        fixtures::graph_calling("gpt-4o-mini"),
    );
    assert_eq!(code, 0, "{style}: {err}");
    assert_eq!(out, "nothing to change\n", "{style}");
    assert_eq!(
        writes_since(&emulator),
        [],
        "{style}: no write despite the lag"
    );

    let (code, out, err) = run(
        &emulator,
        "diff",
        "support-bot",
        fixtures::graph_calling("gpt-4o-mini"),
    );
    assert_eq!(code, 0, "{style}: no difference exits 0: {err}");
    assert_eq!(out, "no route differs from its file\n", "{style}");

    emulator.clear_requests();
    let mut broken = fixtures::graph_calling("gpt-4o");
    broken[4]["outputs"]["success"]["elementId"] = json!("nowhere");
    let (code, _, err) = run(&emulator, "apply", "support-bot", broken);
    assert_eq!(code, 1, "{style}: an invalid graph fails");
    assert!(err.contains("nowhere"), "{style}: {err}");
    assert!(emulator.requests().is_empty(), "{style}: nothing was sent");
}

in_both_styles!(apply_converges: apply_converges_against_the_documented_style, apply_converges_against_the_live_style);

#[tokio::test(flavor = "multi_thread")]
async fn apply_converges_when_live_reads_send_elements_as_null_or_empty() {
    use cloudflare_dynamic_routing_emulator::MissingElements;
    for missing in [MissingElements::Null, MissingElements::Empty] {
        apply_converges(EmulatorConfig::live().with_missing_elements(missing)).await;
    }
}

/// Runs `routes <args>` against `emulator` in `dir`; the exit code, standard output and error.
fn run_args(emulator: &Emulator, dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    support::run(routes(emulator).current_dir(dir).args(args))
}

/// Writes `routes/<file>` in `dir` with `route`.
fn write_route(dir: &std::path::Path, file: &str, route: &Value) {
    let folder = dir.join("routes");
    std::fs::create_dir_all(&folder).expect("a folder");
    let text = serde_json::to_string_pretty(route).expect("json");
    std::fs::write(folder.join(file), text).expect("write");
}

/// The plan `routes plan … --output json` prints, as JSON.
fn planned(emulator: &Emulator, dir: &std::path::Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["plan", "routes", "--output", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = run_args(emulator, dir, &args);
    assert!(code == 0 || code == 2, "plan failed ({code}): {err}");
    (code, serde_json::from_str(&out).expect("the plan is JSON"))
}

/// The actions of a JSON plan for the routes files describe, by name.
fn actions(plan: &Value) -> Vec<(String, String)> {
    plan["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .filter(|r| !r["source"].is_null())
        .map(|r| {
            (
                r["name"].as_str().unwrap_or_default().to_string(),
                r["action"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// A directory of two routes onto a gateway of 55 others: plan (2), apply, plan again (0),
/// apply again writes nothing; a pinned id renames in place; prune only with the flag; export
/// then plan is clean.
async fn a_directory_converges(config: EmulatorConfig) {
    let style = config.style.name();
    let emulator = busy_gateway(config).await;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let dir = dir.path();
    write_route(
        dir,
        "support.json",
        &json!({"name": "support", "elements": fixtures::graph_calling("gpt-4o")}),
    );
    write_route(
        dir,
        "billing.json",
        &json!({"name": "billing", "elements": fixtures::graph_calling("gpt-4o-mini")}),
    );

    let (code, plan) = planned(&emulator, dir, &[]);
    assert_eq!(code, 2, "{style}: changes exit 2");
    assert_eq!(
        actions(&plan),
        [
            ("billing".into(), "create".into()),
            ("support".into(), "create".into())
        ],
        "{style}"
    );
    assert_eq!(
        plan["summary"]["extra"], OTHER_ROUTES,
        "{style}: others are shown"
    );
    assert_eq!(writes_since(&emulator), [], "{style}: plan writes nothing");

    let (code, out, err) = run_args(&emulator, dir, &["apply", "routes"]);
    assert_eq!(code, 0, "{style}: {err}");
    assert!(
        out.contains("billing (route-") && out.contains("created"),
        "{style}: {out}"
    );
    assert_eq!(
        writes_since(&emulator),
        [Operation::CreateRoute, Operation::CreateRoute],
        "{style}"
    );

    let (code, plan) = planned(&emulator, dir, &[]);
    assert_eq!(code, 0, "{style}: nothing to change exits 0");
    assert_eq!(plan["changes"], false, "{style}");
    let (code, out, _) = run_args(&emulator, dir, &["apply", "routes"]);
    assert_eq!((code, out.as_str()), (0, "nothing to change\n"), "{style}");
    assert_eq!(
        writes_since(&emulator),
        [],
        "{style}: re-apply sends no write"
    );

    // Export adopts the gateway; planning the export at once changes nothing.
    let (code, out, err) = run_args(&emulator, dir, &["export", "exported"]);
    assert_eq!(code, 0, "{style}: {err}");
    assert!(
        out.contains(&format!("{} routes exported", OTHER_ROUTES + 2)),
        "{style}: {out}"
    );
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("exported/routes.manifest.json")).expect("a manifest"),
    )
    .expect("JSON");
    assert_eq!(
        manifest,
        json!({"account_id": ACCOUNT, "gateway_id": GATEWAY, "owns": "gateway"}),
        "{style}: export names the gateway it read and owns all of it"
    );
    let support = std::fs::read_to_string(dir.join("exported/support.json")).expect("exported");
    assert!(
        support.starts_with("{\n  \"id\": \"route-"),
        "{style}: id pinned first: {support}"
    );
    assert!(
        support.contains("\"timeout\": 30000"),
        "{style}: integers stay integers"
    );
    let (code, out, err) = run_args(&emulator, dir, &["plan", "exported"]);
    assert_eq!(code, 0, "{style}: export then plan is clean: {out}{err}");
    assert!(
        out.starts_with("every route matches its file\n"),
        "{style}: {out}"
    );
    assert_eq!(
        err, "read 50 routes\n",
        "{style}: progress on standard error"
    );
    assert_eq!(writes_since(&emulator), [], "{style}");
    // A second export writes the same bytes; a changed file is kept unless --force.
    std::fs::write(dir.join("exported/billing.json"), "{}").expect("write");
    let (code, _, err) = run_args(&emulator, dir, &["export", "exported"]);
    assert_eq!(code, 1, "{style}: {err}");
    assert!(
        err.contains("billing.json") && err.contains("--force"),
        "{style}: {err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("exported/billing.json")).expect("kept"),
        "{}"
    );
    let (code, _, err) = run_args(&emulator, dir, &["export", "exported", "--force"]);
    assert_eq!(code, 0, "{style}: {err}");

    // Rename in place: the exported file pins the id, so a new name is a PATCH.
    let path = dir.join("exported/support.json");
    let renamed = std::fs::read_to_string(&path)
        .expect("read")
        .replace("\"name\": \"support\"", "\"name\": \"helpdesk\"");
    std::fs::write(&path, renamed).expect("write");
    let (code, out, _) = run_args(&emulator, dir, &["plan", "exported"]);
    assert_eq!(code, 2, "{style}");
    assert!(
        out.contains("rename `support` → `helpdesk`"),
        "{style}: {out}"
    );
    let (code, out, _) = run_args(&emulator, dir, &["diff", "exported"]);
    assert_eq!(code, 2, "{style}: a rename is a difference");
    assert_eq!(out, "route `support` is renamed to `helpdesk`\n", "{style}");
    let (code, out, err) = run_args(&emulator, dir, &["apply", "exported"]);
    assert_eq!(code, 0, "{style}: {err}");
    assert!(out.contains("renamed from `support`"), "{style}: {out}");
    assert_eq!(
        writes_since(&emulator),
        [Operation::UpdateRoute],
        "{style}: one PATCH"
    );

    // Prune: `billing`'s exported file is removed; without --prune the route is shown and
    // left alone, with it it is deleted.
    std::fs::remove_file(dir.join("exported/billing.json")).expect("remove");
    let (code, plan) = planned(&emulator, dir, &[]);
    assert_eq!(code, 2, "{style}: `support` is a new route to `routes/`");
    assert_eq!(plan["summary"]["extra"], OTHER_ROUTES + 1, "{style}");
    let before = emulator.requests().len();
    let (code, out, err) = run_args(&emulator, dir, &["apply", "exported"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "nothing to change\n"),
        "{style}: {err}"
    );
    assert!(emulator.requests().len() > before);
    assert_eq!(
        writes_since(&emulator),
        [],
        "{style}: without --prune nothing is deleted"
    );
    // Off a terminal, a plan that deletes is refused without --yes, and nothing is sent.
    let (code, _, err) = run_args(&emulator, dir, &["apply", "exported", "--prune"]);
    assert_eq!(code, 1, "{style}: {err}");
    assert!(
        err.contains("the plan deletes 1 route (`billing` (route-")
            && err.contains("nothing was sent: pass --yes"),
        "{style}: {err}"
    );
    assert_eq!(writes_since(&emulator), [], "{style}: nothing sent");
    let (code, out, err) = run_args(&emulator, dir, &["apply", "exported", "--prune", "--yes"]);
    assert_eq!(code, 0, "{style}: {err}");
    assert!(
        out.starts_with("billing (route-") && out.ends_with("): deleted\n"),
        "{style}: {out}"
    );
    assert_eq!(writes_since(&emulator), [Operation::DeleteRoute], "{style}");
    let (code, _, _) = run_args(&emulator, dir, &["plan", "exported", "--prune"]);
    assert_eq!(code, 0, "{style}: every route left has its file");
}

in_both_styles!(a_directory_converges: a_directory_converges_against_the_documented_style, a_directory_converges_against_the_live_style);

/// Rollback deploys the previous version without creating one; history shows both versions
/// and the change between them; applying the old graph again deploys its version.
async fn rollback_and_history(config: EmulatorConfig) {
    let style = config.style.name();
    let emulator = busy_gateway(config).await;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let dir = dir.path();
    write_route(
        dir,
        "support.json",
        &json!({"name": "support", "elements": fixtures::graph_calling("gpt-4o")}),
    );
    assert_eq!(
        run_args(&emulator, dir, &["apply", "routes"]).0,
        0,
        "{style}"
    );
    write_route(
        dir,
        "support.json",
        &json!({"name": "support", "elements": fixtures::graph_calling("gpt-4.1")}),
    );
    assert_eq!(
        run_args(&emulator, dir, &["apply", "routes"]).0,
        0,
        "{style}"
    );
    writes_since(&emulator);

    let (code, out, err) = run_args(&emulator, dir, &["history", "support", "--output", "json"]);
    assert_eq!(code, 0, "{style}: {err}");
    let history: Value = serde_json::from_str(&out).expect("JSON");
    let versions = history["versions"].as_array().expect("versions");
    assert_eq!(versions.len(), 2, "{style}: {out}");
    assert_eq!(versions[1]["live"], true, "{style}");
    assert_eq!(
        history["maybe_incomplete"],
        Value::Null,
        "{style}: not a full page"
    );
    assert_eq!(
        versions[1]["changes"],
        json!([{"element_id": "large", "change": "changed", "fields": ["/properties/model"],
                "values": [{"field": "/properties/model", "old": "gpt-4o", "new": "gpt-4.1"}]}]),
        "{style}"
    );
    // Named by id, the same route.
    let id = history["route_id"].as_str().expect("an id");
    let (code, by_id, _) = run_args(&emulator, dir, &["history", id, "--output", "json"]);
    assert_eq!(code, 0, "{style}");
    assert_eq!(
        serde_json::from_str::<Value>(&by_id).expect("JSON"),
        history,
        "{style}"
    );
    let first = versions[0]["version_id"].as_str().expect("id").to_string();
    let second = versions[1]["version_id"].as_str().expect("id").to_string();

    let (code, out, err) = run_args(&emulator, dir, &["rollback", "support"]);
    assert_eq!(code, 0, "{style}: {err}");
    assert!(
        out.contains(&format!(
            "rolled back from version `{second}` to version `{first}`"
        )),
        "{style}: {out}"
    );
    assert_eq!(
        writes_since(&emulator),
        [Operation::CreateDeployment],
        "{style}: no new version"
    );
    let (code, out, _) = run_args(&emulator, dir, &["plan", "routes"]);
    assert_eq!(code, 2, "{style}: the file now differs from what is live");
    assert!(
        out.contains(&format!("deploying existing version `{second}`")),
        "{style}: {out}"
    );
    let (code, out, err) = run_args(&emulator, dir, &["apply", "routes"]);
    assert_eq!(code, 0, "{style}: {err}");
    assert!(
        out.contains(&format!("deployed existing version `{second}`")),
        "{style}: {out}"
    );
    assert_eq!(
        writes_since(&emulator),
        [Operation::CreateDeployment],
        "{style}: a graph a version holds is deployed, not created again"
    );

    let (code, out, err) = run_args(&emulator, dir, &["rollback", "support", "--to", &second]);
    assert_eq!(code, 0, "{style}: {err}");
    assert!(
        out.contains("already live; nothing was sent"),
        "{style}: {out}"
    );
    let (code, _, err) = run_args(&emulator, dir, &["rollback", "nonesuch"]);
    assert_eq!(code, 1, "{style}");
    assert!(
        err.contains("no route on the gateway has the id or name `nonesuch`"),
        "{err}"
    );
    let (code, out, _) = run_args(&emulator, dir, &["history", "support"]);
    assert_eq!(code, 0, "{style}");
    assert!(out.contains(&format!("{second} (live)")), "{style}: {out}");
    assert_eq!(writes_since(&emulator), [], "{style}");
}

in_both_styles!(rollback_and_history: rollback_and_history_against_the_documented_style, rollback_and_history_against_the_live_style);

/// An API answering two versions a page: `history` says that older versions may exist.
async fn history_of_a_full_page(config: EmulatorConfig) {
    let style = config.style.name();
    let emulator = busy_gateway(config.with_max_per_page(2)).await;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let dir = dir.path();
    for model in ["gpt-4o", "gpt-4.1"] {
        write_route(
            dir,
            "support.json",
            &json!({"name": "support", "elements": fixtures::graph_calling(model)}),
        );
        assert_eq!(
            run_args(&emulator, dir, &["apply", "routes"]).0,
            0,
            "{style}"
        );
    }
    let (code, out, err) = run_args(&emulator, dir, &["history", "support"]);
    assert_eq!(code, 0, "{style}: {err}");
    assert!(
        out.contains(
            "the API answered a full page of 2 versions; older versions may exist that it does not list"
        ),
        "{style}: {out}"
    );
    let (code, out, err) = run_args(&emulator, dir, &["history", "support", "--output", "json"]);
    assert_eq!(code, 0, "{style}: {err}");
    let history: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(history["maybe_incomplete"]["versions"], 2, "{style}: {out}");
}

in_both_styles!(history_of_a_full_page: history_of_a_full_page_against_the_documented_style, history_of_a_full_page_against_the_live_style);

/// `rollback` twice: the second sends nothing and says why; `--expect-live` with another
/// version live is refused (exit 1) with nothing sent; `--to` still deploys. With `lags`
/// (live style, reads lagging every deployment far longer than the 200 ms the command is told
/// to wait): `apply` and `rollback` say "reads do not show it yet", warn, and exit 0; the same
/// `apply` again creates no version; `rollback` right after `apply` takes the live version from
/// the deployments.
async fn rollback_repeated(config: EmulatorConfig, lags: bool) {
    let style = config.style.name();
    let emulator = Emulator::start(config).await.expect("the emulator starts");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let dir = dir.path();
    let run = |args: &[&str]| {
        let result = support::run(
            routes(&emulator)
                .env("ROUTES_DEPLOY_WAIT_MS", "200")
                .current_dir(dir)
                .args(args),
        );
        (result, writes_since(&emulator))
    };
    let unseen = "reads do not show it yet";
    let file = |model| json!({"name": "support", "elements": fixtures::graph_calling(model)});

    write_route(dir, "support.json", &file("gpt-4o"));
    let ((code, _, err), _) = run(&["apply", "routes"]);
    assert_eq!(code, 0, "{style}: {err}");
    write_route(dir, "support.json", &file("gpt-4.1"));
    let ((code, out, err), writes) = run(&["apply", "routes"]);
    assert_eq!(code, 0, "{style}: deployed, so done: {err}");
    assert_eq!(
        writes,
        [Operation::CreateVersion, Operation::CreateDeployment],
        "{style}"
    );
    assert_eq!(out.contains(unseen), lags, "{style}: {out}");
    assert_eq!(
        err.contains("warning: route support: deployed version"),
        lags,
        "{style}: {err}"
    );
    let ((code, out, err), writes) = run(&["apply", "routes", "--output", "json"]);
    assert_eq!(code, 0, "{style}: {err}");
    let applied: Value = serde_json::from_str(&out).expect("JSON");
    let expected = if lags {
        json!([{"name": "support", "done": "updated", "new_version": false, "not_yet_visible": true}])
    } else {
        json!([])
    };
    let shown: Vec<Value> = applied["applied"]
        .as_array()
        .expect("applied")
        .iter()
        .map(|a| json!({"name": a["name"], "done": a["done"], "new_version": a["new_version"], "not_yet_visible": a["not_yet_visible"]}))
        .collect();
    assert_eq!(json!(shown), expected, "{style}: {out}");
    let again: &[Operation] = if lags {
        &[Operation::CreateDeployment]
    } else {
        &[]
    };
    assert_eq!(writes, again, "{style}: no second version: {out}");

    let ((code, out, err), _) = run(&["history", "support", "--output", "json"]);
    assert_eq!(code, 0, "{style}: {err}");
    let history: Value = serde_json::from_str(&out).expect("JSON");
    let version = |i: usize| {
        history["versions"][i]["version_id"]
            .as_str()
            .expect("an id")
            .to_string()
    };
    let (first, second) = (version(0), version(1));
    assert_eq!(
        history["live_version"],
        second.as_str(),
        "{style}: the newest deployment's"
    );

    let ((code, out, err), writes) = run(&["rollback", "support", "--output", "json"]);
    assert_eq!(code, 0, "{style}: {err}");
    let rollback: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        (
            &rollback["from_version"],
            &rollback["to_version"],
            &rollback["deployed"]
        ),
        (&json!(second), &json!(first), &json!(true)),
        "{style}: {out}"
    );
    assert_eq!(writes, [Operation::CreateDeployment], "{style}");

    let ((code, out, err), writes) = run(&["rollback", "support"]);
    assert_eq!(code, 0, "{style}: {err}");
    assert!(
        out.contains(&format!(
            "live version `{first}` was itself deployed going back from version `{second}`; \
             nothing was sent"
        )),
        "{style}: {out}"
    );
    assert_eq!(writes, [], "{style}: the second rollback sends nothing");
    let ((code, out, _), writes) = run(&["rollback", "support", "--output", "json"]);
    assert_eq!(code, 0, "{style}");
    let repeated: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        (&repeated["deployed"], &repeated["nothing_sent"]),
        (
            &json!(false),
            &json!({"reason": "live_is_a_step_back", "stepped_back_from": second})
        ),
        "{style}: {out}"
    );
    assert_eq!(writes, [], "{style}");

    let ((code, _, err), writes) = run(&[
        "rollback",
        "support",
        "--to",
        &second,
        "--expect-live",
        &second,
    ]);
    assert_eq!(code, 1, "{style}");
    assert!(
        err.contains(&format!(
            "version `{first}` is live, not `{second}` as expected; nothing was sent"
        )),
        "{style}: {err}"
    );
    assert_eq!(writes, [], "{style}: refused, nothing sent");

    let ((code, out, err), writes) = run(&[
        "rollback",
        "support",
        "--to",
        &second,
        "--expect-live",
        &first,
    ]);
    assert_eq!(code, 0, "{style}: {err}");
    assert!(
        out.contains(&format!(
            "rolled back from version `{first}` to version `{second}`"
        )),
        "{style}: {out}"
    );
    assert_eq!(out.contains(unseen), lags, "{style}: {out}");
    assert_eq!(
        err.contains(&format!("deployed version `{second}`; {unseen}")),
        lags,
        "{style}: {err}"
    );
    assert_eq!(writes, [Operation::CreateDeployment], "{style}");
}

#[tokio::test(flavor = "multi_thread")]
async fn rollback_repeated_against_the_documented_style() {
    rollback_repeated(EmulatorConfig::documented(), false).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn rollback_repeated_against_the_live_style_with_reads_lagging() {
    rollback_repeated(EmulatorConfig::live().with_read_lag(1000), true).await;
}

/// A failing route test, a bad file or two files for one route: exit 1, and not a single
/// request reaches the gateway.
#[tokio::test(flavor = "multi_thread")]
async fn a_failing_route_test_or_a_bad_file_blocks_everything() {
    for config in [EmulatorConfig::documented(), EmulatorConfig::live()] {
        let style = config.style.name();
        let emulator = Emulator::start(config).await.expect("starts");
        let dir = tempfile::tempdir().expect("a temporary folder");
        let dir = dir.path();
        let case = json!({"name": "free users get the small model",
                          "request": {"metadata": {"plan": "free"}},
                          "expect": {"models": ["large"]}});
        write_route(
            dir,
            "support.json",
            &json!({"name": "support", "elements": fixtures::graph_calling("gpt-4o"), "tests": [case]}),
        );
        write_route(
            dir,
            "other.json",
            &json!({"name": "other", "elements": fixtures::graph_calling("gpt-4o")}),
        );
        for command in ["plan", "apply", "diff"] {
            let (code, _, err) = run_args(&emulator, dir, &[command, "routes"]);
            assert_eq!(code, 1, "{style} {command}");
            assert!(
                err.contains("case `free users get the small model` failed"),
                "{err}"
            );
            assert!(err.contains("path: "), "the path the request took: {err}");
        }
        let (code, out, _) = run_args(&emulator, dir, &["test", "routes"]);
        assert_eq!(code, 1, "{style}: {out}");
        assert!(
            out.contains("ok routes/other.json (other, no cases)"),
            "{out}"
        );

        write_route(
            dir,
            "support.json",
            &json!({"name": "other", "elements": fixtures::graph_calling("gpt-4o")}),
        );
        let (code, _, err) = run_args(&emulator, dir, &["apply", "routes"]);
        assert_eq!(code, 1, "{style}");
        assert!(err.contains("route `other` is also described by"), "{err}");
        assert!(emulator.requests().is_empty(), "{style}: nothing was sent");
    }
}

/// A plan over many routes makes exactly the requests it needs: the list pages and one read
/// per route the list carries no graph of (the live style's; the documented list carries them
/// all), however many run at once.
#[tokio::test(flavor = "multi_thread")]
async fn a_plan_reads_each_route_once_and_lists_each_page_once() {
    for config in [EmulatorConfig::documented(), EmulatorConfig::live()] {
        let style = config.style.name();
        let emulator = busy_gateway(config).await;
        let dir = tempfile::tempdir().expect("a temporary folder");
        write_route(
            dir.path(),
            "a.json",
            &json!({"name": "other-00", "elements": fixtures::graph()}),
        );
        emulator.clear_requests();
        let (code, out, err) = run_args(
            &emulator,
            dir.path(),
            &["plan", "routes", "--concurrency", "16"],
        );
        assert_eq!(code, 0, "{style}: {out}{err}");
        let mut counts = std::collections::HashMap::new();
        for request in emulator.requests() {
            *counts.entry(request.operation.expect("known")).or_insert(0) += 1;
        }
        let expected: HashMap<Operation, usize> = if style == "live" {
            [
                (Operation::ListRoutes, 2),
                (Operation::GetRoute, OTHER_ROUTES),
            ]
            .into()
        } else {
            [(Operation::ListRoutes, 2)].into()
        };
        assert_eq!(counts, expected, "{style}");
    }
}

/// The requests `emulator` received since the last call, by operation.
fn operation_counts(emulator: &Emulator) -> HashMap<Operation, usize> {
    let mut counts = HashMap::new();
    for request in emulator.requests() {
        *counts.entry(request.operation.expect("known")).or_insert(0) += 1;
    }
    emulator.clear_requests();
    counts
}

/// `--cache-dir DIR` keeps the graphs read, so the next plan sends only the list pages and
/// prints the same plan; `--no-cache` keeps nothing and reads every route the list carries no
/// graph of, every time.
#[tokio::test(flavor = "multi_thread")]
async fn a_plan_with_a_cache_dir_reads_only_the_list_the_second_time_and_no_cache_every_time() {
    for config in [EmulatorConfig::documented(), EmulatorConfig::live()] {
        let style = config.style.name();
        let reads = if style == "live" { OTHER_ROUTES } else { 0 };
        let emulator = busy_gateway(config).await;
        let dir = tempfile::tempdir().expect("a temporary folder");
        write_route(
            dir.path(),
            "a.json",
            &json!({"name": "other-00", "elements": fixtures::graph_calling("gpt-4.1")}),
        );
        let cache = dir.path().join("cache");
        let cache_arg = cache.to_str().expect("a UTF-8 path");
        let cold_or_none: HashMap<Operation, usize> = [
            (Operation::ListRoutes, 2),
            (Operation::GetRoute, reads),
            (Operation::ListVersions, 1),
        ]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect();
        emulator.clear_requests();

        let plan = ["plan", "routes", "--output", "json"];
        let mut outputs = Vec::new();
        for (run, expected) in [
            ("no cache", cold_or_none.clone()),
            ("no cache again", cold_or_none.clone()),
        ] {
            let (code, out, err) = run_args(
                &emulator,
                dir.path(),
                &[&plan[..], &["--no-cache"]].concat(),
            );
            assert_eq!(code, 2, "{style} {run}: {out}{err}");
            assert_eq!(operation_counts(&emulator), expected, "{style} {run}");
            outputs.push(out);
        }
        let warm: HashMap<Operation, usize> =
            [(Operation::ListRoutes, 2), (Operation::ListVersions, 1)].into();
        for (run, expected) in [("cold", cold_or_none), ("warm", warm)] {
            let (code, out, err) = run_args(
                &emulator,
                dir.path(),
                &[&plan[..], &["--cache-dir", cache_arg]].concat(),
            );
            assert_eq!(code, 2, "{style} {run}: {out}{err}");
            assert_eq!(operation_counts(&emulator), expected, "{style} {run}");
            outputs.push(out);
        }
        assert!(
            outputs.iter().all(|out| out == &outputs[0]),
            "{style}: the same plan every time: {outputs:?}"
        );
        let kept = walk(&cache);
        assert_eq!(
            kept.len(),
            reads,
            "{style}: one file per version read: {kept:?}"
        );
        // `--no-cache` wins over a directory given too.
        let (code, _, err) = run_args(
            &emulator,
            dir.path(),
            &[&plan[..], &["--cache-dir", cache_arg, "--no-cache"]].concat(),
        );
        assert_eq!(code, 2, "{style}: {err}");
        assert_eq!(
            operation_counts(&emulator)
                .get(&Operation::GetRoute)
                .copied()
                .unwrap_or(0),
            reads,
            "{style}"
        );

        // A cache directory that cannot be written: the same plan, and a warning.
        let in_the_way = dir.path().join("a-file");
        std::fs::write(&in_the_way, "not a directory").expect("written");
        let (code, out, err) = run_args(
            &emulator,
            dir.path(),
            &[
                &plan[..],
                &["--cache-dir", in_the_way.to_str().expect("UTF-8")],
            ]
            .concat(),
        );
        assert_eq!(code, 2, "{style}: {err}");
        assert_eq!(out, outputs[0], "{style}");
        assert_eq!(err.contains("warning: "), reads > 0, "{style}: {err}");
    }
}

/// Every file under `dir`, if it exists.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for entry in entries.map(|e| e.expect("an entry").path()) {
        if entry.is_dir() {
            files.extend(walk(&entry));
        } else {
            files.push(entry);
        }
    }
    files
}

/// An apply that fails part way stops there: what was done is on standard output as it
/// happened, and the error says which route failed and how many changes were made.
#[tokio::test(flavor = "multi_thread")]
async fn an_apply_that_fails_part_way_says_what_was_done() {
    for config in [EmulatorConfig::documented(), EmulatorConfig::live()] {
        let style = config.style.name();
        let emulator = Emulator::start(config).await.expect("starts");
        let id = emulator
            .seed_route(ACCOUNT, GATEWAY, "support", fixtures::graph())
            .expect("seeded");
        let dir = tempfile::tempdir().expect("a temporary folder");
        let dir = dir.path();
        // A rename (done first), then a creation that the gateway refuses.
        write_route(
            dir,
            "helpdesk.json",
            &json!({"id": id, "name": "helpdesk", "elements": fixtures::graph()}),
        );
        write_route(
            dir,
            "billing.json",
            &json!({"name": "billing", "elements": fixtures::graph()}),
        );
        emulator.inject(Fault::status(400).on(Operation::CreateRoute));
        let (code, out, err) = run_args(&emulator, dir, &["apply", "routes"]);
        assert_eq!(code, 1, "{style}");
        assert_eq!(
            out,
            format!("helpdesk ({id}): renamed from `support`\n"),
            "{style}"
        );
        assert!(
            err.starts_with("error: route `billing`: create_route: HTTP 400")
                && err.contains("(1 change applied)"),
            "{style}: {err}"
        );
        assert_eq!(
            writes_since(&emulator),
            [Operation::UpdateRoute, Operation::CreateRoute],
            "{style}"
        );
    }
}

/// Six graph changes at once (`--concurrency 6`) and a deletion, one route's new version
/// refused: exit 1; in JSON the five others applied in file order, the failure, and the
/// deletion not started (nothing deleted); in text the same, the deletion named on standard
/// error; then `--concurrency 1` converges, sending route after route in file order.
async fn an_apply_with_a_route_failing_among_several(config: EmulatorConfig) {
    let style = config.style.name();
    let emulator = Emulator::start(config).await.expect("the emulator starts");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let dir = dir.path();
    let ids: Vec<String> = (0..6)
        .map(|n| {
            let name = format!("route-{n}");
            write_route(
                dir,
                &format!("{name}.json"),
                &json!({"name": name, "elements": fixtures::graph_calling("gpt-4.1")}),
            );
            emulator
                .seed_route(ACCOUNT, GATEWAY, &name, fixtures::graph())
                .expect("a seeded route")
        })
        .collect();
    let gone = emulator
        .seed_route(ACCOUNT, GATEWAY, "gone", fixtures::graph())
        .expect("a seeded route");
    std::fs::write(
        dir.join("routes/routes.manifest.json"),
        json!({"account_id": ACCOUNT, "gateway_id": GATEWAY, "owns": "gateway"}).to_string(),
    )
    .expect("a manifest");
    let refuse = || {
        Fault::status(400)
            .on(Operation::CreateVersion)
            .on_route(&ids[2])
    };
    let apply = ["apply", "routes", "--prune", "--yes", "--concurrency"];

    emulator.inject(refuse());
    let (code, out, err) = run_args(
        &emulator,
        dir,
        &[&apply[..], &["6", "--output", "json"]].concat(),
    );
    assert_eq!(code, 1, "{style}: {err}");
    let document: Value = serde_json::from_str(&out).expect("JSON");
    let applied: Vec<&str> = document["applied"]
        .as_array()
        .expect("applied")
        .iter()
        .map(|a| a["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(
        applied,
        ["route-0", "route-1", "route-3", "route-4", "route-5"],
        "{style}: the others, in file order"
    );
    assert_eq!(document["failed"][0]["route"], "route-2", "{style}");
    assert_eq!(document["failed"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        document["not_started"],
        json!([{"name": "gone", "route_id": gone, "phase": "delete"}]),
        "{style}"
    );
    assert!(
        err.contains("route `route-2`: create_version: HTTP 400")
            && err.contains("(5 changes applied, 1 not started)"),
        "{style}: {err}"
    );
    let writes = writes_since(&emulator);
    assert!(
        !writes.contains(&Operation::DeleteRoute),
        "{style}: nothing deleted: {writes:?}"
    );
    assert_eq!(writes.len(), 5 * 2 + 1, "{style}: {writes:?}");

    // In text, once route-2 fails again: the deletion not started is named.
    emulator.inject(refuse());
    let (code, out, err) = run_args(&emulator, dir, &[&apply[..], &["6"]].concat());
    assert_eq!((code, out.as_str()), (1, ""), "{style}: {err}");
    assert!(
        err.contains(&format!("not started: gone ({gone}): deletion")),
        "{style}: {err}"
    );
    writes_since(&emulator);

    let (code, out, err) = run_args(&emulator, dir, &[&apply[..], &["1"]].concat());
    assert_eq!(code, 0, "{style}: {out}{err}");
    assert_eq!(
        writes_since(&emulator),
        [
            Operation::CreateVersion,
            Operation::CreateDeployment,
            Operation::DeleteRoute
        ],
        "{style}: what was left, one after the other"
    );
    nothing_to_change(&emulator, dir, style);
}

in_both_styles!(an_apply_with_a_route_failing_among_several: an_apply_with_a_route_failing_among_several_against_the_documented_style, an_apply_with_a_route_failing_among_several_against_the_live_style);

/// A route file whose graph has the sample's condition compare with `number` written as given
/// (`2.0`, `2e0`), as text, so the number keeps that form in the file.
fn write_numbered_route(dir: &std::path::Path, number: &str) {
    let elements = serde_json::to_string(&fixtures::graph()).expect("json");
    let elements = elements.replace(r#"{"$eq":"free"}"#, &format!(r#"{{"$eq": {number}}}"#));
    assert!(elements.contains(number), "the sample has the condition");
    let folder = dir.join("routes");
    std::fs::create_dir_all(&folder).expect("a folder");
    let text = format!(r#"{{"name": "tiers", "elements": {elements}}}"#);
    std::fs::write(folder.join("tiers.json"), text).expect("write");
}

/// `plan` of `routes/` in `dir` exits 0 with no change, and `apply` then sends no write.
fn nothing_to_change(emulator: &Emulator, dir: &std::path::Path, style: &str) {
    let (code, plan) = planned(emulator, dir, &[]);
    assert_eq!(
        (code, &plan["changes"]),
        (0, &json!(false)),
        "{style}: {plan}"
    );
    let (code, out, err) = run_args(emulator, dir, &["apply", "routes"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "nothing to change\n"),
        "{style}: {err}"
    );
    assert_eq!(
        writes_since(emulator),
        [],
        "{style}: apply again writes nothing"
    );
}

/// `{"$eq": 2.0}` in `conditions`, which the live API stores as `2`: created, then planned
/// clean (exit 0) and applied again without a write; changed to `3.0` on an existing route,
/// one version is made and its deployment recognised; changed to `2e0`, the version holding
/// `2` is found and redeployed, and then nothing changes.
async fn numbers_compare_by_value(config: EmulatorConfig) {
    let style = config.style.name();
    let emulator = Emulator::start(config).await.expect("the emulator starts");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let dir = dir.path();

    write_numbered_route(dir, "2.0");
    let (code, _, err) = run_args(&emulator, dir, &["apply", "routes"]);
    assert_eq!(code, 0, "{style}: {err}");
    assert_eq!(writes_since(&emulator), [Operation::CreateRoute], "{style}");
    nothing_to_change(&emulator, dir, style);

    write_numbered_route(dir, "1");
    let (code, _, err) = run_args(&emulator, dir, &["apply", "routes"]);
    assert_eq!(code, 0, "{style}: {err}");
    writes_since(&emulator);
    // A new version holding `3.0`: the wait after its deployment recognises the stored `3`.
    write_numbered_route(dir, "3.0");
    let (code, out, err) = run_args(&emulator, dir, &["apply", "routes"]);
    assert_eq!(
        code, 0,
        "{style}: the deployment is recognised: {out} {err}"
    );
    assert_eq!(
        writes_since(&emulator),
        [Operation::CreateVersion, Operation::CreateDeployment],
        "{style}: 1 → 3.0 is one new version, deployed"
    );
    // Back to `2e0`: the first version holds `2`, found by value and deployed again.
    write_numbered_route(dir, "2e0");
    let (code, out, err) = run_args(&emulator, dir, &["apply", "routes"]);
    assert_eq!(code, 0, "{style}: {out} {err}");
    assert_eq!(
        writes_since(&emulator),
        [Operation::CreateDeployment],
        "{style}: the version holding 2 is redeployed, not made again"
    );
    nothing_to_change(&emulator, dir, style);
}

in_both_styles!(numbers_compare_by_value: numbers_compare_by_value_against_the_documented_style, numbers_compare_by_value_against_the_live_style);

/// The client library, pointed at `emulator` as the CLI is, to change the gateway behind a
/// saved plan's back.
fn library_client(emulator: &Emulator) -> cloudflare_dynamic_routing::Client {
    cloudflare_dynamic_routing::Client::builder()
        .base_url(emulator.base_url())
        .api_token(support::TOKEN)
        .build()
        .expect("a client")
}

/// `plan --out` saves the plan (no credentials in it); `apply --plan` refuses its deletion off
/// a terminal without `--yes`, then sends exactly the planned writes; a saved plan made stale
/// by each kind of change sends nothing, names every change and exits 1.
async fn saved_plans(config: EmulatorConfig) {
    let style = config.style.name();
    let emulator = Emulator::start(config).await.expect("the emulator starts");
    let seed = |name: &str| {
        emulator
            .seed_route(ACCOUNT, GATEWAY, name, fixtures::graph())
            .expect("a seeded route")
    };
    seed("keep");
    let gone = seed("gone");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let dir = dir.path();
    write_route(
        dir,
        "keep.json",
        &json!({"name": "keep", "elements": fixtures::graph_calling("gpt-4.1")}),
    );
    write_route(
        dir,
        "new.json",
        &json!({"name": "new", "elements": fixtures::graph()}),
    );
    // The directory owns the whole gateway, so the plan may prune.
    std::fs::write(
        dir.join("routes/routes.manifest.json"),
        json!({"account_id": ACCOUNT, "gateway_id": GATEWAY, "owns": "gateway"}).to_string(),
    )
    .expect("a manifest");
    // Saved with the Global API key scheme: neither it nor the email is in the file.
    let mut plan = routes(&emulator);
    plan.env_remove("CLOUDFLARE_API_TOKEN")
        .env("CLOUDFLARE_EMAIL", "ops@example.com")
        .env("CLOUDFLARE_API_KEY", "global-key-0123456789")
        .current_dir(dir)
        .args(["plan", "routes", "--prune", "--out", "plan.json"]);
    let (code, out, err) = support::run(&mut plan);
    assert_eq!(code, 2, "{style}: changes: {err}");
    assert!(
        out.contains("1 to create, 1 to update, 1 to delete"),
        "{style}: {out}"
    );
    assert!(
        err.contains("plan saved to plan.json; `routes apply --plan plan.json`"),
        "{style}: {err}"
    );
    let saved = std::fs::read_to_string(dir.join("plan.json")).expect("saved");
    for secret in ["ops@example.com", "global-key-0123456789", support::TOKEN] {
        assert!(!saved.contains(secret), "{style}: {secret} in {saved}");
    }
    let (code, out, err) = run_args(&emulator, dir, &["plan", "routes", "--out", "token.json"]);
    assert_eq!(code, 2, "{style}: {out}{err}");
    let saved = std::fs::read_to_string(dir.join("token.json")).expect("saved");
    assert!(!saved.contains(support::TOKEN), "{style}: {saved}");
    writes_since(&emulator);

    let (code, _, err) = run_args(&emulator, dir, &["apply", "--plan", "plan.json"]);
    assert_eq!(code, 1, "{style}: {err}");
    assert!(
        err.contains(&format!("the plan deletes 1 route (`gone` ({gone}))"))
            && err.contains("pass --yes"),
        "{style}: {err}"
    );
    assert!(
        emulator.requests().is_empty(),
        "{style}: nothing sent at all"
    );
    let (code, out, err) = run_args(&emulator, dir, &["apply", "--plan", "plan.json", "--yes"]);
    assert_eq!(code, 0, "{style}: {err}");
    assert!(
        out.contains("gone (") && out.contains("deleted"),
        "{style}: {out}"
    );
    assert_eq!(
        writes_since(&emulator),
        [
            Operation::CreateVersion,
            Operation::CreateDeployment,
            Operation::CreateRoute,
            Operation::DeleteRoute
        ],
        "{style}: exactly the planned writes"
    );
    let (code, out, _) = run_args(&emulator, dir, &["plan", "routes", "--prune"]);
    assert_eq!(code, 0, "{style}: converged: {out}");

    // A plan saved, then every route it depends on changed by someone else.
    let planned = Planned {
        renamed: seed("renamed"),
        redeployed: seed("redeployed"),
        deleted: seed("deleted"),
        doomed: seed("doomed"),
    };
    for name in ["renamed", "redeployed", "deleted"] {
        write_route(
            dir,
            &format!("{name}.json"),
            &json!({"name": name, "elements": fixtures::graph_calling("gpt-4.1")}),
        );
    }
    write_route(
        dir,
        "fresh.json",
        &json!({"name": FRESH, "elements": fixtures::graph()}),
    );
    let (code, _, err) = run_args(
        &emulator,
        dir,
        &["plan", "routes", "--prune", "--out", "stale.json"],
    );
    assert_eq!(code, 2, "{style}: {err}");
    let client = library_client(&emulator);
    let changed = behind_the_plans_back::change(
        &client.gateway(ACCOUNT, GATEWAY),
        &planned,
        fixtures::graph(),
        fixtures::graph_calling("gpt-4o-mini"),
    )
    .await;
    emulator.clear_requests();

    let (code, _, err) = run_args(&emulator, dir, &["apply", "--plan", "stale.json", "--yes"]);
    assert_eq!(code, 1, "{style}: {err}");
    assert!(
        err.contains("the saved plan is stale, nothing was sent"),
        "{style}: {err}"
    );
    let Planned {
        renamed,
        redeployed,
        deleted,
        doomed,
    } = &planned;
    for change in [
        format!(
            "route `renamed` ({renamed}): was named `renamed` when planned, now `{RENAMED_TO}`"
        ),
        format!("route `redeployed` ({redeployed}): version `"),
        format!("now `{}`", changed.redeployed_now),
        format!("route `deleted` ({deleted}): existed when planned, now deleted"),
        format!(
            "route `{FRESH}`: no other route had this name when planned, now route {} has it",
            changed.fresh
        ),
        format!("route `doomed` ({doomed}): version `"),
        format!("now `{}`", changed.doomed_now),
    ] {
        assert!(err.contains(&change), "{style}: {change} not in {err}");
    }
    assert_eq!(writes_since(&emulator), [], "{style}: no write at all");
    let (code, out, _) = run_args(
        &emulator,
        dir,
        &["apply", "--plan", "stale.json", "--yes", "--output", "json"],
    );
    assert_eq!(code, 1, "{style}");
    let document: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        document["stale"].as_array().map(Vec::len),
        Some(5),
        "{style}: {out}"
    );
    assert_eq!(writes_since(&emulator), [], "{style}: no write at all");
}

in_both_styles!(saved_plans: saved_plans_against_the_documented_style, saved_plans_against_the_live_style);

/// Writes `<dir>/<folder>/routes.manifest.json` naming `gateway` and owning `owns`, and a route
/// file per name.
fn managed(dir: &std::path::Path, folder: &str, gateway: &str, owns: Value, names: &[&str]) {
    let folder = dir.join(folder);
    std::fs::create_dir_all(&folder).expect("a folder");
    let manifest = json!({"account_id": ACCOUNT, "gateway_id": gateway, "owns": owns});
    std::fs::write(folder.join("routes.manifest.json"), manifest.to_string()).expect("write");
    for name in names {
        let route = json!({"name": name, "elements": fixtures::graph()});
        std::fs::write(folder.join(format!("{name}.json")), route.to_string()).expect("write");
    }
}

/// The emulator's route names on `gateway`, sorted.
async fn names_on(emulator: &Emulator, gateway: &str) -> Vec<String> {
    let client = cloudflare_dynamic_routing::Client::builder()
        .base_url(emulator.base_url())
        .api_token(support::TOKEN)
        .build()
        .expect("a client");
    let routes: Vec<_> = futures_util::TryStreamExt::try_collect(
        client
            .gateway(ACCOUNT, gateway)
            .routes(cloudflare_dynamic_routing::reconcile::ReadOptions::DEFAULT_PER_PAGE),
    )
    .await
    .expect("listed");
    let mut names: Vec<String> = routes.into_iter().map(|r| r.name).collect();
    names.sort();
    names
}

/// Ownership from the command line: prune without a manifest is refused (exit 1, nothing
/// sent); a gateway flag contradicting the manifest is an error (exit 1, nothing sent); a
/// manifest owning `team-a-*` prunes exactly team A's extra route and lists the others as not
/// managed here; a file outside its patterns is refused; two directories on two gateways plan
/// and apply in one run, one summary and one exit code; a manifest owning the whole gateway
/// prunes every route no file describes.
async fn ownership(config: EmulatorConfig) {
    let style = config.style.name();
    let emulator = busy_gateway(config).await;
    for name in ["team-a-support", "team-a-old", "team-b-support"] {
        emulator
            .seed_route(ACCOUNT, GATEWAY, name, fixtures::graph())
            .expect("seeded");
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let dir = dir.path();
    emulator.clear_requests();

    // No manifest: --prune is refused, saying how to declare ownership.
    write_route(
        dir,
        "team-a-support.json",
        &json!({"name": "team-a-support", "elements": fixtures::graph()}),
    );
    let (code, out, err) = run_args(&emulator, dir, &["apply", "routes", "--prune"]);
    assert_eq!(code, 1, "{style}: {out}");
    assert!(
        err.contains("routes.manifest.json") && err.contains("\"owns\": \"gateway\""),
        "{style}: {err}"
    );
    assert!(emulator.requests().is_empty(), "{style}: nothing was sent");

    // A manifest for team A; a flag naming another gateway is an error.
    managed(
        dir,
        "team-a",
        GATEWAY,
        json!(["team-a-*"]),
        &["team-a-support", "team-a-new"],
    );
    let (code, _, err) = run_args(
        &emulator,
        dir,
        &["plan", "team-a", "--gateway-id", "gw-other"],
    );
    assert_eq!(code, 1, "{style}: {err}");
    assert!(
        err.contains("names gateway_id `gw-1`, but `gw-other` was given"),
        "{style}: {err}"
    );
    assert!(emulator.requests().is_empty(), "{style}: nothing was sent");

    // validate checks the manifest too.
    let (code, out, err) = run_args(&emulator, dir, &["validate", "team-a"]);
    assert_eq!(code, 0, "{style}: {err}");
    assert!(
        out.contains("ok team-a/routes.manifest.json (account acct-1, gateway gw-1, owns routes named `team-a-*`)"),
        "{style}: {out}"
    );

    // Prune by pattern: only team A's extra route is deleted.
    let (code, plan) = {
        let (code, out, err) = run_args(
            &emulator,
            dir,
            &["plan", "team-a", "--prune", "--output", "json"],
        );
        assert_eq!(code, 2, "{style}: {err}");
        (code, serde_json::from_str::<Value>(&out).expect("JSON"))
    };
    assert_eq!(code, 2);
    assert_eq!(plan["summary"]["delete"], 1, "{style}");
    assert_eq!(plan["summary"]["not_managed"], OTHER_ROUTES + 1, "{style}");
    let deleted: Vec<&str> = plan["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .filter(|r| r["action"] == "delete")
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(deleted, ["team-a-old"], "{style}");
    let (code, out, _) = run_args(&emulator, dir, &["plan", "team-a", "--prune"]);
    assert_eq!(code, 2, "{style}");
    assert!(out.contains("not managed here"), "{style}: {out}");
    emulator.clear_requests();
    let (code, out, err) = run_args(&emulator, dir, &["apply", "team-a", "--prune", "--yes"]);
    assert_eq!(code, 0, "{style}: {err}");
    assert!(
        out.contains("team-a-old (route-") && out.contains("deleted"),
        "{style}: {out}"
    );
    assert_eq!(
        writes_since(&emulator),
        [Operation::CreateRoute, Operation::DeleteRoute],
        "{style}"
    );
    let names = names_on(&emulator, GATEWAY).await;
    assert!(
        names.contains(&"team-b-support".to_string()) && names.contains(&"other-00".to_string()),
        "{style}: other teams' routes are untouched"
    );
    assert!(!names.contains(&"team-a-old".to_string()), "{style}");

    // A file the directory does not own: refused, nothing sent.
    emulator.clear_requests();
    let stray = json!({"name": "team-b-support", "elements": fixtures::graph()});
    std::fs::write(dir.join("team-a/team-b-support.json"), stray.to_string()).expect("write");
    let (code, _, err) = run_args(&emulator, dir, &["plan", "team-a"]);
    assert_eq!(code, 1, "{style}: {err}");
    assert!(
        err.contains("route `team-b-support` is not owned by this directory"),
        "{style}: {err}"
    );
    std::fs::remove_file(dir.join("team-a/team-b-support.json")).expect("removed");
    assert!(emulator.requests().is_empty(), "{style}: nothing was sent");

    // Two directories, two gateways, one run: staging owns a fresh gateway whole.
    managed(
        dir,
        "staging",
        "gw-staging",
        json!("gateway"),
        &["team-a-support"],
    );
    emulator
        .seed_route(ACCOUNT, "gw-staging", "leftover", fixtures::graph())
        .expect("seeded");
    // CLOUDFLARE_GATEWAY_ID names team A's gateway, which contradicts staging's manifest.
    let (code, _, err) = run_args(&emulator, dir, &["plan", "team-a", "staging"]);
    assert_eq!(code, 1, "{style}: {err}");
    assert!(
        err.contains("staging/routes.manifest.json names gateway_id `gw-staging`, but `gw-1`"),
        "{style}: {err}"
    );
    assert!(emulator.requests().is_empty(), "{style}: nothing was sent");
    let unscoped = |args: &[&str]| {
        support::run(
            routes(&emulator)
                .env_remove("CLOUDFLARE_GATEWAY_ID")
                .current_dir(dir)
                .args(args),
        )
    };
    let (code, out, err) = unscoped(&["plan", "team-a", "staging", "--prune"]);
    assert_eq!(code, 2, "{style}: {err}");
    assert!(
        out.contains("== team-a/routes.manifest.json (account acct-1, gateway gw-1)")
            && out.contains("== staging/routes.manifest.json (account acct-1, gateway gw-staging)")
            && out.contains("in all: 1 to create, 0 to update, 1 to delete, 2 unchanged"),
        "{style}: {out}"
    );
    assert_eq!(writes_since(&emulator), [], "{style}: plan writes nothing");
    let (code, out, err) = unscoped(&["apply", "team-a", "staging", "--prune", "--yes"]);
    assert_eq!(code, 0, "{style}: {err}");
    assert!(
        out.contains("leftover (route-") && out.contains("deleted"),
        "{style}: {out}"
    );
    assert_eq!(
        names_on(&emulator, "gw-staging").await,
        ["team-a-support"],
        "{style}: staging applied to its own gateway"
    );
    let (code, out, err) = unscoped(&["plan", "team-a", "staging", "--prune", "--output", "json"]);
    assert_eq!(code, 0, "{style}: {out}{err}");
    let both: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        both["directories"].as_array().map(Vec::len),
        Some(2),
        "{style}"
    );
    assert_eq!(
        both["directories"][1]["gateway_id"], "gw-staging",
        "{style}"
    );

    // The whole gateway: every route no file describes is deleted.
    managed(dir, "whole", GATEWAY, json!("gateway"), &["team-a-support"]);
    emulator.clear_requests();
    let (code, _, err) = run_args(&emulator, dir, &["apply", "whole", "--prune", "--yes"]);
    assert_eq!(code, 0, "{style}: {err}");
    assert_eq!(
        writes_since(&emulator).len(),
        OTHER_ROUTES + 2,
        "{style}: each other route deleted"
    );
    assert_eq!(
        names_on(&emulator, GATEWAY).await,
        ["team-a-support"],
        "{style}"
    );
}

in_both_styles!(ownership: ownership_against_the_documented_style, ownership_against_the_live_style);
