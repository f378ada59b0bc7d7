//! No empty or dot path parameter leaves the machine, from any entry point: every operation of
//! the operation table, with each of its path parameters set to ``, `.` or `..` in turn, through
//! the `Gateway` methods, the low-level `client.raw()` builders and the `routes` subcommands.
//! The emulator records every request it receives, so "nothing was sent" is observed, not
//! assumed.

use std::collections::BTreeMap;

use cloudflare_dynamic_routing::operations::OPERATIONS;
use cloudflare_dynamic_routing::types::RouteElement;
use cloudflare_dynamic_routing::{Client, PageRequest};
use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig};
use serde_json::json;

use crate::{fixtures, support};

/// The values that would make a URL name another resource.
const UNUSABLE: [&str; 3] = ["", ".", ".."];

/// A path parameter's usable value.
fn usable(parameter: &str) -> &'static str {
    match parameter {
        "account_id" => "acct",
        "gateway_id" => "gw",
        "version_id" => "version-1",
        _ => "route-1",
    }
}

/// The `{parameters}` of a path template, in order.
fn parameters(template: &str) -> Vec<&str> {
    template
        .split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

fn sample() -> Vec<RouteElement> {
    serde_json::from_value(fixtures::graph()).expect("the sample decodes")
}

/// Calls `operation` through the `Gateway` methods with these path parameters.
async fn through_gateway(
    client: &Client,
    operation: &str,
    at: &BTreeMap<&str, &str>,
) -> Result<(), String> {
    let gateway = client.gateway(at["account_id"], at["gateway_id"]);
    let id = at.get("id").copied().unwrap_or_default();
    let result = match operation {
        "list_routes" => gateway.list_routes(PageRequest::default()).await.map(drop),
        "create_route" => gateway.create_route("x", sample()).await.map(drop),
        "get_route" => gateway.get_route(id).await.map(drop),
        "update_route" => gateway.update_route(id, "x").await.map(drop),
        "delete_route" => gateway.delete_route(id).await.map(drop),
        "list_versions" => gateway.list_versions(id).await.map(drop),
        "create_version" => gateway.create_version(id, sample()).await.map(drop),
        "get_version" => gateway.get_version(id, at["version_id"]).await.map(drop),
        "list_deployments" => gateway.list_deployments(id).await.map(drop),
        "create_deployment" => gateway.create_deployment(id, "version-1").await.map(drop),
        other => panic!("an operation this test does not know: {other}"),
    };
    result.map_err(|e| e.to_string())
}

/// Calls `operation` through the generated low-level client, `client.raw()`.
async fn through_raw(
    client: &Client,
    operation: &str,
    at: &BTreeMap<&str, &str>,
) -> Result<(), String> {
    let raw = client.raw();
    let (account, gateway) = (at["account_id"], at["gateway_id"]);
    let id = at.get("id").copied().unwrap_or_default();
    let result = match operation {
        "list_routes" => raw
            .list_routes()
            .account_id(account)
            .gateway_id(gateway)
            .send()
            .await
            .map(drop),
        "create_route" => raw
            .create_route()
            .account_id(account)
            .gateway_id(gateway)
            .body_map(|b| b.name("x".to_string()).elements(sample()))
            .send()
            .await
            .map(drop),
        "get_route" => raw
            .get_route()
            .account_id(account)
            .gateway_id(gateway)
            .id(id)
            .send()
            .await
            .map(drop),
        "update_route" => raw
            .update_route()
            .account_id(account)
            .gateway_id(gateway)
            .id(id)
            .body_map(|b| b.name("x".to_string()))
            .send()
            .await
            .map(drop),
        "delete_route" => raw
            .delete_route()
            .account_id(account)
            .gateway_id(gateway)
            .id(id)
            .send()
            .await
            .map(drop),
        "list_versions" => raw
            .list_versions()
            .account_id(account)
            .gateway_id(gateway)
            .id(id)
            .send()
            .await
            .map(drop),
        "create_version" => raw
            .create_version()
            .account_id(account)
            .gateway_id(gateway)
            .id(id)
            .body_map(|b| b.elements(sample()))
            .send()
            .await
            .map(drop),
        "get_version" => raw
            .get_version()
            .account_id(account)
            .gateway_id(gateway)
            .id(id)
            .version_id(at["version_id"])
            .send()
            .await
            .map(drop),
        "list_deployments" => raw
            .list_deployments()
            .account_id(account)
            .gateway_id(gateway)
            .id(id)
            .send()
            .await
            .map(drop),
        "create_deployment" => raw
            .create_deployment()
            .account_id(account)
            .gateway_id(gateway)
            .id(id)
            .body_map(|b| b.version_id("version-1".to_string()))
            .send()
            .await
            .map(drop),
        other => panic!("an operation this test does not know: {other}"),
    };
    result.map_err(|e| e.to_string())
}

/// Runs `operation` as a `routes` subcommand; returns its exit code and standard error.
fn through_cli(emulator: &Emulator, operation: &str, at: &BTreeMap<&str, &str>) -> (i32, String) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut command = support::routes_unscoped(&emulator.base_url());
    command.arg(operation.replace('_', "-"));
    for (parameter, value) in at {
        command
            .arg(format!("--{}", parameter.replace('_', "-")))
            .arg(value);
    }
    let body = match operation {
        "create_route" => Some(json!({"name": "x", "elements": fixtures::graph()})),
        "create_version" => Some(json!({"elements": fixtures::graph()})),
        "update_route" => Some(json!({"name": "x"})),
        "create_deployment" => Some(json!({"version_id": "version-1"})),
        _ => None,
    };
    if let Some(body) = body {
        let path = dir.path().join("body.json");
        std::fs::write(&path, body.to_string()).expect("write");
        command.arg("--json-body").arg(path);
    }
    let output = command.output().expect("runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// An emulator and a client pointed at it.
async fn start() -> (Emulator, Client) {
    let emulator = Emulator::start(EmulatorConfig::documented())
        .await
        .expect("the emulator starts");
    let client = Client::builder()
        .base_url(emulator.base_url())
        .api_token("token")
        .build()
        .expect("client");
    (emulator, client)
}

#[tokio::test(flavor = "multi_thread")]
async fn no_empty_or_dot_segment_leaves_the_machine_from_any_entry_point() {
    let (emulator, client) = start().await;
    let mut cases = 0;
    for operation in OPERATIONS {
        for parameter in parameters(operation.path) {
            for bad in UNUSABLE {
                let at: BTreeMap<&str, &str> = parameters(operation.path)
                    .into_iter()
                    .map(|p| (p, if p == parameter { bad } else { usable(p) }))
                    .collect();
                let case = format!("{} with {parameter} = {bad:?}", operation.name);

                let error = through_gateway(&client, operation.name, &at)
                    .await
                    .expect_err(&case);
                assert!(
                    error.contains("nothing was sent"),
                    "Gateway, {case}: {error}"
                );

                let error = through_raw(&client, operation.name, &at)
                    .await
                    .expect_err(&case);
                assert!(error.contains("nothing was sent"), "raw(), {case}: {error}");

                let (code, stderr) = through_cli(&emulator, operation.name, &at);
                assert_ne!(code, 0, "routes, {case}: {stderr}");

                let received = emulator.requests();
                assert!(
                    received.is_empty(),
                    "{case} reached the server: {received:?}"
                );
                cases += 1;
            }
        }
    }
    // 10 operations with 2, 2, 3, 3, 3, 3, 3, 4, 3 and 3 path parameters, three values each.
    assert_eq!(cases, 29 * 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn usable_parameters_do_reach_the_server_from_every_entry_point() {
    // The control: the same calls with usable values are sent (and answered 404, since the
    // emulator's gateway is empty), so the refusals above are the guard's doing.
    let (emulator, client) = start().await;
    let at: BTreeMap<&str, &str> = parameters(OPERATIONS[2].path)
        .into_iter()
        .map(|p| (p, usable(p)))
        .collect();
    let name = OPERATIONS[2].name;
    let _ = through_gateway(&client, name, &at).await;
    let _ = through_raw(&client, name, &at).await;
    let _ = through_cli(&emulator, name, &at);
    assert_eq!(emulator.requests().len(), 3, "{name}");
}
