//! `routes apply` and `routes diff` against the emulator, in its documented and in its live
//! style, on a gateway that already holds more routes than one page: create; apply again →
//! no write; change the graph → one version and one deployment, visible at once to the next
//! read; apply again at once → no write despite the live API's read lag; an invalid graph →
//! nothing sent. Writes are counted from what the emulator received.

use assert_cmd::Command;
use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig, Operation};
use serde_json::{Value, json};

/// The workspace's one set of fixtures (the sample graph).
#[path = "../../client/tests/support/fixtures.rs"]
mod fixtures;

const ACCOUNT: &str = "acct-emulated";
const GATEWAY: &str = "gw-emulated";
const TOKEN: &str = "emulator-token";
/// More than the 50 routes `apply` reads a page, so finding a route takes two pages.
const OTHER_ROUTES: usize = 55;

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
    let mut command = Command::cargo_bin("routes").expect("the routes binary");
    command
        .env_clear()
        .env("CLOUDFLARE_API_TOKEN", TOKEN)
        .env("CLOUDFLARE_BASE_URL", emulator.base_url())
        .env("CLOUDFLARE_ACCOUNT_ID", ACCOUNT)
        .env("CLOUDFLARE_GATEWAY_ID", GATEWAY);
    command
}

/// The sample graph with its `large` model calling `model`.
fn graph(model: &str) -> Value {
    let mut graph = fixtures::graph();
    for element in graph.as_array_mut().expect("an array") {
        if element["id"] == "large" {
            element["properties"]["model"] = json!(model);
        }
    }
    graph
}

/// Runs `routes <command> <file>` with a route file of `name` and `elements`; returns the
/// exit code, standard output and standard error.
fn run(emulator: &Emulator, command: &str, name: &str, elements: Value) -> (i32, String, String) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("route.json");
    let text =
        serde_json::to_string_pretty(&json!({"name": name, "elements": elements})).expect("json");
    std::fs::write(&path, text).expect("write");
    let output = routes(emulator)
        .arg(command)
        .arg(&path)
        .output()
        .expect("runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
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

    let (code, out, err) = run(&emulator, "apply", "support-bot", graph("gpt-4o"));
    assert_eq!(code, 0, "{style}: {err}");
    assert!(out.contains("\"created\""), "{style}: {out}");
    assert_eq!(writes_since(&emulator), [Operation::CreateRoute], "{style}");

    let (code, out, err) = run(&emulator, "apply", "support-bot", graph("gpt-4o"));
    assert_eq!(code, 0, "{style}: {err}");
    assert!(out.contains("\"unchanged\""), "{style}: {out}");
    assert_eq!(
        writes_since(&emulator),
        [],
        "{style}: applying again writes nothing"
    );

    let (code, out, err) = run(&emulator, "diff", "support-bot", graph("gpt-4o-mini"));
    assert_eq!(code, 0, "{style}: {err}");
    assert!(
        out.contains("+      \"model\": \"gpt-4o-mini\","),
        "{style}: {out}"
    );
    assert_eq!(writes_since(&emulator), [], "{style}: diff writes nothing");

    let (code, out, err) = run(&emulator, "apply", "support-bot", graph("gpt-4o-mini"));
    assert_eq!(code, 0, "{style}: {err}");
    assert!(out.contains("\"updated\""), "{style}: {out}");
    assert_eq!(
        writes_since(&emulator),
        [Operation::CreateVersion, Operation::CreateDeployment],
        "{style}: one version, one deployment"
    );

    // At once, while the live style would still serve the old graph had `apply` not waited.
    let (code, out, err) = run(&emulator, "apply", "support-bot", graph("gpt-4o-mini"));
    assert_eq!(code, 0, "{style}: {err}");
    assert!(out.contains("\"unchanged\""), "{style}: {out}");
    assert_eq!(
        writes_since(&emulator),
        [],
        "{style}: no write despite the lag"
    );

    let (code, out, err) = run(&emulator, "diff", "support-bot", graph("gpt-4o-mini"));
    assert_eq!(code, 0, "{style}: {err}");
    assert!(out.contains("already has this graph"), "{style}: {out}");

    emulator.clear_requests();
    let mut broken = graph("gpt-4o");
    broken[4]["outputs"]["success"]["elementId"] = json!("nowhere");
    let (code, _, err) = run(&emulator, "apply", "support-bot", broken);
    assert_eq!(code, 1, "{style}: an invalid graph fails");
    assert!(err.contains("nowhere"), "{style}: {err}");
    assert!(emulator.requests().is_empty(), "{style}: nothing was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_converges_against_the_documented_style() {
    apply_converges(EmulatorConfig::documented()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_converges_against_the_live_style() {
    apply_converges(EmulatorConfig::live()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_converges_when_live_reads_send_elements_as_null_or_empty() {
    use cloudflare_dynamic_routing_emulator::MissingElements;
    for missing in [MissingElements::Null, MissingElements::Empty] {
        apply_converges(EmulatorConfig::live().with_missing_elements(missing)).await;
    }
}
