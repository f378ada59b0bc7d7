//! The `routes` binary run as a user runs it, against a local mock server: operations, JSON
//! output, API errors, bad arguments and missing credentials. Routes as code (`plan`, `apply`,
//! `diff`…) is tested against the stateful emulator, in `routes_as_code.rs`.

use assert_cmd::Command;
use cloudflare_dynamic_routing::operations::OPERATIONS;
use httpmock::Method::{GET, PATCH};
use httpmock::{Mock, MockServer};
use serde_json::{Value, json};

use crate::support::{ACCOUNT, GATEWAY, TOKEN};
use crate::{fixtures, support};

/// The binary, with credentials, base URL and default ids pointing at `server`.
fn routes(server: &MockServer) -> Command {
    support::routes_at(&server.base_url())
}

fn base() -> String {
    format!("/accounts/{ACCOUNT}/ai-gateway/gateways/{GATEWAY}/routes")
}

fn route(name: &str, elements: Value) -> Value {
    json!({
        "id": "route-1", "name": name, "gateway_id": GATEWAY, "account_tag": ACCOUNT,
        "created_at": "2026-11-01T10:00:00Z", "modified_at": "2026-11-01T10:00:00Z",
        "elements": elements,
        "deployment": {"deployment_id": "d-1", "version_id": "v-1", "created_at": "2026-11-01 10:00:00"},
        "version": {"version_id": "v-1", "active": "true", "data": "[]", "created_at": "2026-11-01 10:00:00"}
    })
}

fn page(key: &str, items: Value) -> Value {
    json!({"success": true, "data": {"page": 1, "per_page": 50, "order_by": "created_at",
        "order_by_direction": "desc", key: items}})
}

async fn serve(
    server: &MockServer,
    method: httpmock::Method,
    path: String,
    body: Value,
) -> Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(method)
                .path(path)
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200).json_body(body);
        })
        .await
}

fn stdout_json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("standard output is JSON")
}

#[test]
fn help_lists_every_operation() {
    let commands = support::commands();
    for operation in OPERATIONS {
        let command = operation.name.replace('_', "-");
        assert!(
            commands.contains(&command),
            "`{command}` missing from {commands:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn list_routes_prints_the_page_as_json() {
    let server = MockServer::start_async().await;
    let answer = page("routes", json!([route("support-bot", fixtures::graph())]));
    let mock = serve(&server, GET, base(), answer.clone()).await;
    let output = routes(&server).arg("list-routes").output().expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    mock.assert_async().await;
    // The envelope is unwrapped, and each graph shown once: in `elements`, not again as the
    // JSON string in `version.data`.
    let mut expected = answer["data"].clone();
    let listed = &mut expected["routes"][0];
    listed["version"]
        .as_object_mut()
        .expect("a version")
        .remove("data");
    assert_eq!(stdout_json(&output), expected);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(text.matches("\"gpt-4o\"").count(), 1, "one graph: {text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn explicit_ids_override_the_environment() {
    let server = MockServer::start_async().await;
    let answer = json!({"success": true, "result": route("other", fixtures::graph())});
    let path = "/accounts/acct-2/ai-gateway/gateways/gw-2/routes/route-9".to_string();
    let mock = serve(&server, GET, path, answer.clone()).await;
    let output = routes(&server)
        .args([
            "get-route",
            "--account-id",
            "acct-2",
            "--gateway-id",
            "gw-2",
            "--id",
            "route-9",
        ])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    mock.assert_async().await;
    assert_eq!(stdout_json(&output)["name"], "other");
}

#[tokio::test(flavor = "multi_thread")]
async fn update_route_sends_the_new_name() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(format!("{}/route-1", base()))
                .json_body(json!({"name": "renamed"}));
            then.status(200)
                .json_body(json!({"success": true, "route": route("renamed", fixtures::graph())}));
        })
        .await;
    let output = routes(&server)
        .args(["update-route", "--id", "route-1", "--name", "renamed"])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    mock.assert_async().await;
    assert_eq!(stdout_json(&output)["name"], "renamed");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_api_error_is_one_line_and_exit_1() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("{}/missing", base()));
            then.status(400)
                .header("cf-ray", "8f1e2d3c4b5a6978-LHR")
                .json_body(json!({"success": false, "result": null,
                "errors": [{"code": 7002, "message": "Route not found"}]}));
        })
        .await;
    let output = routes(&server)
        .args(["get-route", "--id", "missing"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // The same rendering as `apply`'s errors: operation, status, codes, messages, cf-ray.
    assert_eq!(
        stderr.trim(),
        "error: get_route: HTTP 400 Bad Request; [7002] Route not found (cf-ray 8f1e2d3c4b5a6978-LHR)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_credentials_answered_400_say_to_check_them() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("{}/route-1", base()));
            then.status(400).json_body(json!({"success": false, "result": null,
                "errors": [{"code": 9106,
                            "message": "Missing X-Auth-Key, X-Auth-Email or Authorization headers"}]}));
        })
        .await;
    let output = routes(&server)
        .args(["get-route", "--id", "route-1"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: get_route: HTTP 400 Bad Request; [9106]")
            && stderr.contains("the credentials were refused: check them"),
        "{stderr}"
    );
}

#[test]
fn a_refused_connection_says_why_on_one_line() {
    // Nothing listens on port 9 (discard) of the loopback address.
    let output = support::routes_unscoped("http://127.0.0.1:9")
        .args([
            "get-route",
            "--id",
            "r",
            "--account-id",
            "a",
            "--gateway-id",
            "g",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: get_route: the request failed")
            && stderr.contains("Connection refused"),
        "{stderr}"
    );
}

#[test]
fn bad_arguments_exit_2_or_1_for_plan_and_diff() {
    let server = MockServer::start();
    let unknown = routes(&server).arg("frobnicate").output().expect("runs");
    assert_eq!(unknown.status.code(), Some(2));
    let missing_id = routes(&server).arg("get-route").output().expect("runs");
    assert_eq!(missing_id.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing_id.stderr).contains("--id"));
    let no_account = routes(&server)
        .env_remove("CLOUDFLARE_ACCOUNT_ID")
        .arg("list-routes")
        .output()
        .expect("runs");
    assert_eq!(no_account.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_account.stderr).contains("--account-id"));
    // `plan` and `diff` exit 2 for "changes", so their bad usage is 1: CI cannot mistake a
    // missing gateway for a difference. The files are read first (a manifest may name the
    // gateway), so the directory holds one.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let route = json!({"name": "support", "elements": fixtures::graph()});
    std::fs::write(dir.path().join("support.json"), route.to_string()).expect("write");
    for gate in ["plan", "diff"] {
        let no_gateway = routes(&server)
            .env_remove("CLOUDFLARE_GATEWAY_ID")
            .arg(gate)
            .arg(dir.path())
            .output()
            .expect("runs");
        assert_eq!(no_gateway.status.code(), Some(1), "{gate}");
        let stderr = String::from_utf8_lossy(&no_gateway.stderr);
        assert!(
            stderr.contains("--gateway-id") && stderr.contains("routes.manifest.json"),
            "{stderr}"
        );
    }
}

#[test]
fn missing_credentials_are_one_line_and_exit_1() {
    let server = MockServer::start();
    let output = routes(&server)
        .env_remove("CLOUDFLARE_API_TOKEN")
        .arg("list-routes")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("CLOUDFLARE_API_TOKEN"), "{stderr}");
    assert!(output.stdout.is_empty());
}
