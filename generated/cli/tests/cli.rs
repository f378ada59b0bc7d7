//! The `routes` binary run as a user runs it, against a local mock server: operations, JSON
//! output, `apply` (create, update, no-op), `diff`, bad arguments and missing credentials.

use assert_cmd::Command;
use httpmock::Method::{GET, PATCH, POST};
use std::sync::atomic::{AtomicUsize, Ordering};

use httpmock::{HttpMockResponse, Mock, MockServer};
use serde_json::{Value, json};

/// The workspace's one set of fixtures (the sample graph).
#[path = "../../client/tests/support/fixtures.rs"]
mod fixtures;

const ACCOUNT: &str = "acct-1";
const GATEWAY: &str = "gw-1";
const TOKEN: &str = "cli-test-token";

/// The binary, with credentials, base URL and default ids pointing at `server`.
fn routes(server: &MockServer) -> Command {
    let mut command = Command::cargo_bin("routes").expect("the routes binary");
    command
        .env_clear()
        .env("CLOUDFLARE_API_TOKEN", TOKEN)
        .env("CLOUDFLARE_BASE_URL", server.base_url())
        .env("CLOUDFLARE_ACCOUNT_ID", ACCOUNT)
        .env("CLOUDFLARE_GATEWAY_ID", GATEWAY);
    command
}

fn base() -> String {
    format!("/accounts/{ACCOUNT}/ai-gateway/gateways/{GATEWAY}/routes")
}

/// The workspace's sample graph, with its `large` model calling `model`.
fn graph(model: &str) -> Value {
    let mut graph = fixtures::graph();
    for element in graph.as_array_mut().expect("an array") {
        if element["id"] == "large" {
            element["properties"]["model"] = json!(model);
        }
    }
    graph
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

/// A route file in a temporary folder.
fn route_file(name: &str, elements: Value) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("route.json");
    let text =
        serde_json::to_string_pretty(&json!({"name": name, "elements": elements})).expect("json");
    std::fs::write(&path, text).expect("write");
    (dir, path)
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

/// `GET …/routes/route-1` answering `routes` in order, the last one for ever after: reads of a
/// route may lag a deployment, so `apply` reads until the new graph shows.
async fn serve_reads(server: &MockServer, routes: Vec<Value>) -> Mock<'_> {
    let next = AtomicUsize::new(0);
    server
        .mock_async(move |when, then| {
            when.method(GET).path(format!("{}/route-1", base()));
            then.respond_with(move |_| {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let body = json!({"success": true, "result": routes[i.min(routes.len() - 1)]});
                HttpMockResponse::builder()
                    .status(200)
                    .header("content-type", "application/json")
                    .body(body.to_string())
                    .build()
            });
        })
        .await
}

fn stdout_json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("standard output is JSON")
}

#[test]
fn help_lists_every_operation_and_apply_and_diff() {
    let output = Command::cargo_bin("routes")
        .expect("binary")
        .arg("--help")
        .output()
        .expect("runs");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    for command in [
        "list-routes",
        "create-route",
        "get-route",
        "update-route",
        "delete-route",
        "list-versions",
        "create-version",
        "get-version",
        "list-deployments",
        "create-deployment",
        "apply",
        "diff",
    ] {
        assert!(text.contains(command), "`{command}` missing from:\n{text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn list_routes_prints_the_page_as_json() {
    let server = MockServer::start_async().await;
    let answer = page("routes", json!([route("support-bot", graph("gpt-4o"))]));
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
    let answer = json!({"success": true, "result": route("other", graph("gpt-4o"))});
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
                .json_body(json!({"success": true, "route": route("renamed", graph("gpt-4o"))}));
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

#[test]
fn a_refused_connection_says_why_on_one_line() {
    // Nothing listens on port 9 (discard) of the loopback address.
    let output = Command::cargo_bin("routes")
        .expect("the routes binary")
        .env_clear()
        .env("CLOUDFLARE_API_TOKEN", TOKEN)
        .env("CLOUDFLARE_BASE_URL", "http://127.0.0.1:9")
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

#[tokio::test(flavor = "multi_thread")]
async fn apply_creates_a_route_that_does_not_exist() {
    let server = MockServer::start_async().await;
    let list = serve(&server, GET, base(), page("routes", json!([]))).await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(base())
                .json_body(json!({"name": "support-bot", "elements": graph("gpt-4o")}));
            then.status(200).json_body(
                json!({"success": true, "result": route("support-bot", graph("gpt-4o"))}),
            );
        })
        .await;
    let (_dir, file) = route_file("support-bot", graph("gpt-4o"));
    let output = routes(&server)
        .arg("apply")
        .arg(&file)
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    list.assert_async().await;
    create.assert_async().await;
    let applied = stdout_json(&output);
    assert_eq!(applied["action"], "created");
    assert_eq!(applied["route_id"], "route-1");
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_deploys_a_changed_graph_as_a_new_version() {
    let server = MockServer::start_async().await;
    let wanted = graph("gpt-4o-mini");
    serve(
        &server,
        GET,
        base(),
        page("routes", json!([route("support-bot", graph("gpt-4o"))])),
    )
    .await;
    let create_version = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("{}/route-1/versions", base()))
                .json_body(json!({"elements": wanted}));
            then.status(200).json_body(
                json!({"success": true, "result": route("support-bot", wanted.clone())}),
            );
        })
        .await;
    let version = json!({"version_id": "v-2", "active": "false", "data": wanted.to_string(),
        "created_at": "2026-11-02 09:00:00"});
    serve(
        &server,
        GET,
        format!("{}/route-1/versions", base()),
        page("versions", json!([version])),
    )
    .await;
    let deploy = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("{}/route-1/deployments", base()))
                .json_body(json!({"version_id": "v-2"}));
            then.status(200).json_body(
                json!({"success": true, "result": route("support-bot", wanted.clone())}),
            );
        })
        .await;
    let detail = json!({"success": true, "result": {"id": "route-1", "name": "support-bot",
        "gateway_id": GATEWAY, "version_id": "v-2", "active": "true", "data": wanted.to_string(),
        "created_at": "2026-11-02 09:00:00", "modified_at": "2026-11-02T09:00:01Z"}});
    serve(
        &server,
        GET,
        format!("{}/route-1/versions/v-2", base()),
        detail,
    )
    .await;

    // Read once to compare, then until the deployed graph shows.
    let reads = serve_reads(
        &server,
        vec![
            route("support-bot", graph("gpt-4o")),
            route("support-bot", wanted.clone()),
        ],
    )
    .await;

    let (_dir, file) = route_file("support-bot", wanted.clone());
    let output = routes(&server)
        .arg("apply")
        .arg(&file)
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(reads.calls_async().await, 2);
    create_version.assert_async().await;
    deploy.assert_async().await;
    let applied = stdout_json(&output);
    assert_eq!(applied["action"], "updated");
    assert_eq!(applied["version_id"], "v-2");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_apply_of_the_same_file_changes_nothing() {
    let server = MockServer::start_async().await;
    // The live graph is the file's, listed in another order: still the same graph.
    let mut live = graph("gpt-4o");
    live.as_array_mut().expect("array").reverse();
    serve(
        &server,
        GET,
        base(),
        page("routes", json!([route("support-bot", live.clone())])),
    )
    .await;
    serve_reads(&server, vec![route("support-bot", live)]).await;
    let writes = server
        .mock_async(|when, then| {
            when.method(POST);
            then.status(500);
        })
        .await;
    let (_dir, file) = route_file("support-bot", graph("gpt-4o"));
    let output = routes(&server)
        .arg("apply")
        .arg(&file)
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout_json(&output)["action"], "unchanged");
    assert_eq!(
        writes.calls_async().await,
        0,
        "no request that changes anything"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn diff_shows_the_change_or_says_there_is_none() {
    let server = MockServer::start_async().await;
    serve(
        &server,
        GET,
        base(),
        page("routes", json!([route("support-bot", graph("gpt-4o"))])),
    )
    .await;
    serve_reads(&server, vec![route("support-bot", graph("gpt-4o"))]).await;
    let (_dir, changed) = route_file("support-bot", graph("gpt-4o-mini"));
    let output = routes(&server)
        .arg("diff")
        .arg(&changed)
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("-      \"model\": \"gpt-4o\","), "{text}");
    assert!(
        text.contains("+      \"model\": \"gpt-4o-mini\","),
        "{text}"
    );

    let (_dir2, same) = route_file("support-bot", graph("gpt-4o"));
    let output = routes(&server)
        .arg("diff")
        .arg(&same)
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&output.stdout).contains("already has this graph"));

    let (_dir3, absent) = route_file("new-route", graph("gpt-4o"));
    let output = routes(&server)
        .arg("diff")
        .arg(&absent)
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&output.stdout).contains("apply would create it"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invalid_route_file_is_refused_before_any_request() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(500);
        })
        .await;
    let mut broken = graph("gpt-4o");
    broken[4]["outputs"]["success"]["elementId"] = json!("nowhere");
    let (_dir, file) = route_file("support-bot", broken);
    let output = routes(&server)
        .arg("apply")
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("not valid") && stderr.contains("nowhere"),
        "{stderr}"
    );
    assert_eq!(any.calls_async().await, 0);
}

#[test]
fn bad_arguments_exit_2() {
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
