//! `--dry-run` on the generated subcommands that write: it is on exactly those (the operation
//! table's non-`GET` operations, read from `routes --help`), sends nothing (the emulator's
//! journal stays empty), prints the method, URL and body that the same command without it then
//! sends (compared with what the emulator received), never a credential, and fails a bad request
//! exactly as the real command does.

use std::collections::BTreeSet;

use assert_cmd::Command;
use cloudflare_dynamic_routing::REDACTED;
use cloudflare_dynamic_routing::operations::OPERATIONS;
use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig};
use serde_json::{Value, json};

use crate::fixtures;
use crate::support::{self, ACCOUNT, GATEWAY, TOKEN, run};

/// The generated subcommands of the operations that are not `GET`.
fn write_subcommands() -> BTreeSet<String> {
    OPERATIONS
        .iter()
        .filter(|o| o.method != "GET")
        .map(|o| o.name.replace('_', "-"))
        .collect()
}

#[test]
fn exactly_the_subcommands_that_write_take_dry_run_and_the_others_refuse_it() {
    let mut taking = BTreeSet::new();
    for command in support::commands() {
        let (code, help, err) = run(support::routes().args([command.as_str(), "--help"]));
        assert_eq!(code, 0, "{command}: {err}");
        if help.contains("--dry-run") {
            taking.insert(command.clone());
            continue;
        }
        let (code, _, err) = run(support::routes().args([command.as_str(), "--dry-run"]));
        assert_ne!(code, 0, "{command} accepts --dry-run without saying so");
        assert!(err.contains("--dry-run"), "{command}: {err}");
    }
    assert_eq!(taking, write_subcommands());
}

/// `body` in a new file under `dir`.
fn body_file(dir: &tempfile::TempDir, name: &str, body: &Value) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, body.to_string()).expect("write");
    path.display().to_string()
}

/// The binary pointed at `emulator`, with default ids and [`TOKEN`].
fn routes(emulator: &Emulator) -> Command {
    support::routes_at(&emulator.base_url())
}

/// Runs `arguments` with `--dry-run` (nothing may reach the emulator, no credential may be
/// printed), then without, and checks that the request the emulator received is the one the dry
/// run printed. Returns the real run's output.
fn dry_then_real(emulator: &Emulator, arguments: &[&str]) -> Value {
    let command = arguments[0];
    let (code, out, err) = run(routes(emulator).args(arguments).arg("--dry-run"));
    assert_eq!(code, 0, "{command}: {err}");
    assert!(
        emulator.requests().is_empty(),
        "{command}: the dry run sent nothing"
    );
    assert!(err.contains("nothing was sent"), "{command}: {err}");
    assert!(
        !out.contains(TOKEN) && !err.contains(TOKEN),
        "{command}: the token is printed: {out}{err}"
    );
    let prepared: Value = serde_json::from_str(&out).expect("the dry run prints JSON");
    assert_eq!(prepared["headers"]["authorization"], REDACTED, "{command}");
    assert!(
        out.contains("\n  \"method\""),
        "{command}: pretty JSON: {out}"
    );

    let (code, real, err) = run(routes(emulator).args(arguments));
    assert_eq!(code, 0, "{command}: {err}");
    let requests = emulator.requests();
    assert_eq!(requests.len(), 1, "{command}: {requests:?}");
    let sent = &requests[0];
    let url = format!(
        "{}{}{}",
        emulator.base_url(),
        sent.path,
        sent.query
            .as_ref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default()
    );
    assert_eq!(prepared["method"], sent.method.as_str(), "{command}");
    assert_eq!(prepared["url"], url.as_str(), "{command}");
    assert_eq!(
        prepared["body"],
        sent.body.clone().unwrap_or(Value::Null),
        "{command}"
    );
    emulator.clear_requests();
    serde_json::from_str(&real).unwrap_or(Value::Null)
}

async fn every_write_prints_what_the_real_run_sends(config: EmulatorConfig) {
    let emulator = Emulator::start(config).await.expect("the emulator starts");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let route_body = body_file(
        &dir,
        "route.json",
        &json!({"name": "support bot/ä", "elements": fixtures::graph()}),
    );
    let created = dry_then_real(&emulator, &["create-route", "--json-body", &route_body]);
    let route = created["id"].as_str().expect("a route id").to_string();

    let mut graph = fixtures::graph();
    graph[4]["properties"]["timeout"] = json!(45000);
    let version_body = body_file(&dir, "version.json", &json!({"elements": graph}));
    dry_then_real(
        &emulator,
        &[
            "create-version",
            "--id",
            &route,
            "--json-body",
            &version_body,
        ],
    );
    // The documented answer to create-version names no version; the route names its live one.
    let (code, read, err) = run(routes(&emulator).args(["get-route", "--id", &route]));
    assert_eq!(code, 0, "{err}");
    emulator.clear_requests();
    let read: Value = serde_json::from_str(&read).expect("JSON");
    let version = read["version"]["version_id"]
        .as_str()
        .or(read["version_id"].as_str())
        .unwrap_or_else(|| panic!("a version id in {read}"))
        .to_string();

    dry_then_real(
        &emulator,
        &[
            "create-deployment",
            "--id",
            &route,
            "--version-id",
            &version,
        ],
    );
    dry_then_real(
        &emulator,
        &["update-route", "--id", &route, "--name", "renamed"],
    );
    dry_then_real(&emulator, &["delete-route", "--id", &route]);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_write_prints_what_the_real_run_sends_against_the_documented_style() {
    every_write_prints_what_the_real_run_sends(EmulatorConfig::documented()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_write_prints_what_the_real_run_sends_against_the_live_style() {
    every_write_prints_what_the_real_run_sends(EmulatorConfig::live()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_fails_a_bad_request_as_the_real_run_does() {
    let emulator = Emulator::start(EmulatorConfig::documented())
        .await
        .expect("the emulator starts");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut cyclic = fixtures::graph();
    cyclic[4]["outputs"]["fallback"]["elementId"] = json!("large");
    let looping = body_file(
        &dir,
        "looping.json",
        &json!({"name": "looping", "elements": cyclic}),
    );
    let not_json = body_file(&dir, "broken.json", &json!("x"));
    std::fs::write(&not_json, "{").expect("write");
    let cases: [Vec<&str>; 4] = [
        vec!["create-route", "--json-body", &looping],
        vec!["create-route", "--json-body", &not_json],
        vec!["delete-route", "--id", ".."],
        vec![
            "update-route",
            "--id",
            "r",
            "--name",
            "n",
            "--json-body",
            &looping,
        ],
    ];
    for arguments in cases {
        let real = run(routes(&emulator).args(&arguments));
        let dry = run(routes(&emulator).args(&arguments).arg("--dry-run"));
        assert_ne!(real.0, 0, "{arguments:?} fails");
        assert_eq!(dry, real, "{arguments:?}: the dry run fails the same way");
        assert!(
            emulator.requests().is_empty(),
            "{arguments:?}: nothing was sent"
        );
    }

    // `--no-validate` lets the dry run through as it lets the real one (whose graph the API then
    // judges).
    let (code, out, err) = run(routes(&emulator).args([
        "create-route",
        "--no-validate",
        "--dry-run",
        "--json-body",
        &looping,
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"looping\""), "{out}");
    assert!(emulator.requests().is_empty(), "nothing was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_never_prints_an_email_or_a_key() {
    let emulator = Emulator::start(EmulatorConfig::documented())
        .await
        .expect("the emulator starts");
    let (code, out, err) = run(support::routes()
        .env("CLOUDFLARE_EMAIL", "someone@example.com")
        .env("CLOUDFLARE_API_KEY", "global-key-1234")
        .env("CLOUDFLARE_BASE_URL", emulator.base_url())
        .args([
            "delete-route",
            "--account-id",
            ACCOUNT,
            "--gateway-id",
            GATEWAY,
        ])
        .args(["--id", "r", "--dry-run"]));
    assert_eq!(code, 0, "{err}");
    for secret in ["someone@example.com", "global-key-1234"] {
        assert!(!out.contains(secret) && !err.contains(secret), "{out}{err}");
    }
    let prepared: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(prepared["headers"]["x-auth-email"], REDACTED);
    assert_eq!(prepared["headers"]["x-auth-key"], REDACTED);
    assert_eq!(prepared["method"], "DELETE");
    assert!(emulator.requests().is_empty(), "nothing was sent");
}
