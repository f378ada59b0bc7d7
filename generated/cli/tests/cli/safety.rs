//! The generated subcommands are as safe as `apply`: a graph is validated before
//! `create-route` and `create-version` send it (`--no-validate` opts out), a body template is
//! printed and never sent, a flag that contradicts the body is an error, and the help has no
//! placeholder or repeated text. The emulator's journal shows what was sent.

use assert_cmd::Command;
use cloudflare_dynamic_routing::types::{NewDeployment, NewRoute, NewVersion, RouteUpdate};
use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig};
use serde_json::{Value, json};

use crate::support::{ACCOUNT, GATEWAY};
use crate::{fixtures, support};

/// The binary pointed at `emulator`, with default ids.
fn routes(emulator: &Emulator) -> Command {
    support::routes_at(&emulator.base_url())
}

/// `body` written to a file in `dir`.
fn body_file(dir: &tempfile::TempDir, body: &Value) -> std::path::PathBuf {
    let path = dir.path().join("body.json");
    std::fs::write(&path, body.to_string()).expect("write");
    path
}

/// The sample graph with its large model falling back to itself: a cycle.
fn cyclic() -> Value {
    let mut graph = fixtures::graph();
    graph[4]["outputs"]["fallback"]["elementId"] = json!("large");
    graph
}

/// The sample graph split 60/30: not 100%.
fn short_split() -> Value {
    let mut graph = fixtures::graph();
    graph[3]["outputs"] = json!({"60%": {"elementId": "small"}, "30%": {"elementId": "large"}});
    graph
}

async fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig::documented())
        .await
        .expect("the emulator starts")
}

#[tokio::test(flavor = "multi_thread")]
async fn create_route_and_create_version_validate_the_graph_before_sending() {
    let emulator = emulator().await;
    let route = emulator
        .seed_route(ACCOUNT, GATEWAY, "existing", fixtures::graph())
        .expect("seeded");
    let dir = tempfile::tempdir().expect("a temporary folder");

    let file = body_file(&dir, &json!({"name": "looping", "elements": cyclic()}));
    let output = routes(&emulator)
        .args(["create-route", "--json-body"])
        .arg(&file)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cycle") && stderr.contains("--no-validate"),
        "{stderr}"
    );
    assert!(emulator.requests().is_empty(), "nothing was sent");

    let file = body_file(&dir, &json!({"elements": short_split()}));
    let output = routes(&emulator)
        .args(["create-version", "--id", &route, "--json-body"])
        .arg(&file)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("90%"), "{stderr}");
    assert!(emulator.requests().is_empty(), "nothing was sent");

    // The opt-out sends it, and the API's own check answers.
    let output = routes(&emulator)
        .args([
            "create-version",
            "--no-validate",
            "--id",
            &route,
            "--json-body",
        ])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        emulator.requests().len(),
        1,
        "sent once, with --no-validate"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn create_route_refuses_an_undocumented_operator_unless_allowed() {
    let emulator = emulator().await;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut graph = fixtures::graph();
    graph[1]["properties"]["conditions"] = json!({"metadata.plan": {"$equals": "free"}});
    let file = body_file(&dir, &json!({"name": "equals", "elements": graph.clone()}));
    let create = |extra: &[&str]| {
        routes(&emulator)
            .args(["create-route", "--json-body"])
            .arg(&file)
            .args(extra)
            .output()
            .expect("runs")
    };

    // Checked as `apply` checks it: refused, nothing sent.
    let output = create(&[]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "element `plan` [documented-operators]: operator `$equals` is not one Cloudflare documents"
        ) && stderr.contains("--allow-operator"),
        "{stderr}"
    );
    assert!(emulator.requests().is_empty(), "nothing was sent");

    // Allowed by name, it is sent once; `--no-validate` skips the check too.
    let output = create(&["--allow-operator", "$equals"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(emulator.writes().len(), 1, "created once allowed");
    body_file(&dir, &json!({"name": "unchecked", "elements": graph}));
    let output = create(&["--no-validate"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(emulator.writes().len(), 2, "created again unchecked");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_template_is_printed_valid_and_nothing_is_sent() {
    let emulator = emulator().await;
    for (command, check) in [
        (
            "create-route",
            (|v| serde_json::from_value::<NewRoute>(v).map(drop)) as fn(Value) -> _,
        ),
        ("create-version", |v| {
            serde_json::from_value::<NewVersion>(v).map(drop)
        }),
        ("update-route", |v| {
            serde_json::from_value::<RouteUpdate>(v).map(drop)
        }),
        ("create-deployment", |v| {
            serde_json::from_value::<NewDeployment>(v).map(drop)
        }),
    ] {
        let output = routes(&emulator)
            .args([command, "--id", "route-1", "--json-body-template"])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(0), "{command}");
        let template: Value = serde_json::from_slice(&output.stdout).expect("a JSON template");
        check(template).unwrap_or_else(|e| panic!("{command}'s template is not its body: {e}"));
    }
    assert!(emulator.requests().is_empty(), "a template never sends");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_flag_that_contradicts_the_body_is_an_error() {
    let emulator = emulator().await;
    let route = emulator
        .seed_route(ACCOUNT, GATEWAY, "existing", fixtures::graph())
        .expect("seeded");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let named = body_file(
        &dir,
        &json!({"name": "from-the-file", "elements": fixtures::graph()}),
    );
    let output = routes(&emulator)
        .args(["create-route", "--name", "from-the-flag", "--json-body"])
        .arg(&named)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("--name") && stderr.contains("from-the-file"),
        "{stderr}"
    );

    let deploy = body_file(&dir, &json!({"version_id": "version-1"}));
    let output = routes(&emulator)
        .args([
            "create-deployment",
            "--id",
            &route,
            "--version-id",
            "version-9",
        ])
        .arg("--json-body")
        .arg(&deploy)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(emulator.requests().is_empty(), "nothing was sent");
}

#[test]
fn help_has_no_placeholder_or_repeated_text_and_there_is_a_version() {
    let help = |args: &[&str]| {
        let output = support::routes().args(args).output().expect("runs");
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let version = help(&["--version"]);
    assert_eq!(
        version.trim(),
        format!("routes {}", env!("CARGO_PKG_VERSION"))
    );
    for command in support::commands() {
        let text = help(&[&command, "--help"]);
        assert!(!text.contains("XXX"), "{command}: {text}");
        let paragraphs: Vec<&str> = text.split("\n\n").map(str::trim).collect();
        let first = paragraphs[0];
        assert_eq!(
            paragraphs.iter().filter(|p| **p == first).count(),
            1,
            "{command} repeats its description: {text}"
        );
    }
    for command in ["create-route", "create-version", "apply"] {
        assert!(
            help(&[command, "--help"]).contains("--no-validate"),
            "{command}"
        );
    }
}

#[test]
fn every_option_of_every_command_is_explained() {
    for command in support::commands() {
        let output = support::routes()
            .args([&command, "--help"])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(0), "{command}");
        let text = String::from_utf8_lossy(&output.stdout);
        let lines: Vec<&str> = text.lines().collect();
        for (at, line) in lines.iter().enumerate() {
            let option = line.trim_start();
            if !option.starts_with("--") {
                continue;
            }
            // Long help: the explanation is on the next line; short help: after the name.
            let explained = match option.split_once("  ") {
                Some((_, rest)) => !rest.trim().is_empty() && !rest.trim().starts_with("[env"),
                None => lines.get(at + 1).is_some_and(|next| {
                    let next = next.trim();
                    !next.is_empty() && !next.starts_with("[env")
                }),
            };
            assert!(
                explained,
                "{command}: `{option}` has no explanation:\n{text}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_page_of_routes_says_that_more_may_follow() {
    let emulator = emulator().await;
    for n in 0..3 {
        emulator
            .seed_route(ACCOUNT, GATEWAY, &format!("route-{n}"), fixtures::graph())
            .expect("seeded");
    }
    let page = |number: &str| {
        routes(&emulator)
            .args(["list-routes", "--per-page", "2", "--page", number])
            .output()
            .expect("runs")
    };
    let first = page("1");
    assert_eq!(first.status.code(), Some(0));
    let note = String::from_utf8_lossy(&first.stderr);
    assert!(note.contains("more may follow: --page 2"), "{note}");
    let last = page("2");
    assert_eq!(last.status.code(), Some(0));
    assert!(
        last.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&last.stderr)
    );
    let listed: Value = serde_json::from_slice(&last.stdout).expect("JSON");
    assert_eq!(listed["routes"].as_array().map(Vec::len), Some(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_refuses_an_undocumented_operator_unless_allowed() {
    let emulator = emulator().await;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut graph = fixtures::graph();
    graph[1]["properties"]["conditions"] = json!({"metadata.plan": {"$equals": "free"}});
    let file = dir.path().join("route.json");
    std::fs::write(&file, json!({"name": "r", "elements": graph}).to_string()).expect("write");
    let output = routes(&emulator)
        .arg("apply")
        .arg(&file)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("$equals"), "{stderr}");
    assert!(emulator.requests().is_empty(), "nothing was sent");
    let output = routes(&emulator)
        .arg("apply")
        .arg(&file)
        .args(["--allow-operator", "$equals"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(emulator.writes().len(), 1, "created once allowed");
}
