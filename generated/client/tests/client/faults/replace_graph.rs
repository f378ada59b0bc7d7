//! `replace_graph`: which version it deploys, and when it deploys none.

use cloudflare_dynamic_routing::DeployWait;

use super::*;

fn listed_version(id: &str, created_at: &str, data: &str) -> Value {
    json!({"active": "false", "created_at": created_at, "data": data, "is_valid": true,
           "version_id": id})
}

fn version_detail(id: &str) -> Value {
    envelope_result(json!({
        "id": ROUTE_ID, "name": "support-bot", "gateway_id": GATEWAY, "version_id": id,
        "active": "true", "data": graph().to_string(), "created_at": "2026-11-03 09:00:00",
        "modified_at": "2026-11-03T09:00:00Z", "elements": graph()
    }))
}

/// Mocks the five requests of `replace_graph` with `versions` listed and the route already
/// showing the sent graph; returns the (create version, list versions, deploy `expected`, get
/// `expected`, read the route back) mocks.
async fn replace_graph_mocks<'a>(
    server: &'a MockServer,
    versions: Value,
    expected: &str,
) -> [Mock<'a>; 5] {
    let versions_path = format!("{}/versions", route_path(ROUTE_ID));
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(&versions_path)
                .json_body(json!({"elements": graph()}));
            then.status(200)
                .json_body(envelope_result(route(json!({}))));
        })
        .await;
    let list = server
        .mock_async(|when, then| {
            when.method(GET).path(&versions_path);
            then.status(200).json_body(page("versions", versions));
        })
        .await;
    let deploy = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("{}/deployments", route_path(ROUTE_ID)))
                .json_body(json!({"version_id": expected}));
            then.status(200)
                .json_body(envelope_result(route(json!({}))));
        })
        .await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path(format!("{versions_path}/{expected}"));
            then.status(200).json_body(version_detail(expected));
        })
        .await;
    let read_back = server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(200).json_body(envelope_result(full_route()));
        })
        .await;
    [create, list, deploy, get, read_back]
}

async fn hits(mocks: &[Mock<'_>]) -> Vec<usize> {
    let mut hits = Vec::new();
    for mock in mocks {
        hits.push(mock.calls_async().await);
    }
    hits
}

#[tokio::test]
async fn replace_graph_deploys_the_newest_version_with_the_sent_graph() {
    let server = MockServer::start_async().await;
    let sent = graph().to_string();
    let versions = json!([
        listed_version("version-1", "2026-11-01 10:00:00", &sent),
        listed_version("version-3", "2026-11-04 10:00:00", "[]"),
        listed_version("version-2", "2026-11-03 09:00:00", &sent),
    ]);
    let mocks = replace_graph_mocks(&server, versions, "version-2").await;
    let deployed = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .replace_graph(ROUTE_ID, typed!(graph()))
        .await
        .expect("replaced");
    assert_eq!(deployed.version_id, "version-2");
    assert_eq!(hits(&mocks).await, [1, 1, 1, 1, 1]);
}

#[tokio::test]
async fn replace_graph_finds_a_version_whose_graph_comes_back_in_another_order() {
    // The API may list a graph's elements in another order than they were sent; it is the
    // same graph (`graph::same_graph`), so that version is the one deployed.
    let server = MockServer::start_async().await;
    let mut reordered = graph();
    reordered.as_array_mut().expect("an array").reverse();
    let versions = json!([listed_version(
        "version-2",
        "2026-11-03 09:00:00",
        &reordered.to_string()
    )]);
    let mocks = replace_graph_mocks(&server, versions, "version-2").await;
    let deployed = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .replace_graph(ROUTE_ID, typed!(graph()))
        .await
        .expect("replaced");
    assert_eq!(deployed.version_id, "version-2");
    assert_eq!(hits(&mocks).await, [1, 1, 1, 1, 1]);
}

#[tokio::test]
async fn replace_graph_finds_a_version_whose_data_writes_whole_numbers_as_integers() {
    // The API stores the graph as JavaScript writes it: `100`, not `100.0`.
    let server = MockServer::start_async().await;
    let as_javascript_writes_it = graph().to_string().replace(".0,", ",").replace(".0}", "}");
    assert!(!as_javascript_writes_it.contains(".0"));
    let versions = json!([listed_version(
        "version-2",
        "2026-11-03 09:00:00",
        &as_javascript_writes_it
    )]);
    let mocks = replace_graph_mocks(&server, versions, "version-2").await;
    let deployed = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .replace_graph(ROUTE_ID, typed!(graph()))
        .await
        .expect("the stored graph is the sent one");
    assert_eq!(deployed.version_id, "version-2");
    assert_eq!(hits(&mocks).await, [1, 1, 1, 1, 1]);
}

#[tokio::test]
async fn replace_graph_finds_a_version_whose_data_is_the_graph_itself() {
    // `data` is documented as a JSON string, but an array of elements is read as well.
    let server = MockServer::start_async().await;
    let versions = json!([
        {"active": "false", "created_at": "2026-11-03 09:00:00", "data": graph(),
         "is_valid": true, "version_id": "version-2"},
        listed_version("version-1", "2026-11-01 10:00:00", "[]"),
    ]);
    let mocks = replace_graph_mocks(&server, versions, "version-2").await;
    let deployed = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .replace_graph(ROUTE_ID, typed!(graph()))
        .await
        .expect("the listed graph is the sent one");
    assert_eq!(deployed.version_id, "version-2");
    assert_eq!(hits(&mocks).await, [1, 1, 1, 1, 1]);
}

#[tokio::test]
async fn replace_graph_without_a_matching_version_deploys_nothing() {
    let server = MockServer::start_async().await;
    let versions = json!([
        listed_version("version-1", "2026-11-01 10:00:00", "[]"),
        listed_version("version-2", "2026-11-03 09:00:00", "not json"),
    ]);
    let mocks = replace_graph_mocks(&server, versions, "version-2").await;
    let error = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .replace_graph(ROUTE_ID, typed!(graph()))
        .await
        .expect_err("no version has the graph");
    assert!(
        matches!(
            error,
            Error::InvalidArgument {
                operation: "replace_graph",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("nothing was deployed"),
        "{error}"
    );
    assert_eq!(hits(&mocks).await, [1, 1, 0, 0, 0]);
}

/// A client that re-reads a route after deploying every 1-4 ms, for up to `timeout`.
fn waiting_client(base_url: &str, timeout: Duration) -> Client {
    Client::builder()
        .base_url(base_url)
        .api_token("test-token")
        .retry_policy(fast_retries())
        .deploy_wait(DeployWait {
            timeout,
            first_interval: Duration::from_millis(1),
            max_interval: Duration::from_millis(4),
        })
        .build()
        .expect("client")
}

/// Create version answering with the new version's id at the top level (live API), deploy and
/// get version for `version-9`; returns the (create, deploy, get version) mocks.
async fn live_create_mocks(server: &MockServer) -> [Mock<'_>; 3] {
    let versions_path = format!("{}/versions", route_path(ROUTE_ID));
    let create = server
        .mock_async(|when, then| {
            when.method(POST).path(&versions_path);
            then.status(200)
                .json_body(envelope_result(route(json!({"version_id": "version-9"}))));
        })
        .await;
    let deploy = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("{}/deployments", route_path(ROUTE_ID)))
                .json_body(json!({"version_id": "version-9"}));
            then.status(200)
                .json_body(envelope_result(route(json!({}))));
        })
        .await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path(format!("{versions_path}/version-9"));
            then.status(200).json_body(version_detail("version-9"));
        })
        .await;
    [create, deploy, get]
}

/// A route as the live API reads it back: no `elements`, the graph in `version.data`.
fn live_route_showing(graph: Value) -> Value {
    let mut version = crate::support::fixtures::version();
    version["data"] = graph;
    version["active"] = json!(true);
    let mut route = full_route();
    route.as_object_mut().expect("an object").remove("elements");
    route["version"] = version;
    envelope_result(route)
}

#[tokio::test]
async fn replace_graph_uses_the_version_id_create_version_answers_with() {
    let server = MockServer::start_async().await;
    let [create, deploy, get] = live_create_mocks(&server).await;
    let list = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("{}/versions", route_path(ROUTE_ID)));
            then.status(500);
        })
        .await;
    let read_back = server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(200).json_body(live_route_showing(graph()));
        })
        .await;
    let deployed = waiting_client(&server.base_url(), Duration::from_secs(5))
        .gateway(ACCOUNT, GATEWAY)
        .replace_graph(ROUTE_ID, typed!(graph()))
        .await
        .expect("replaced");
    assert_eq!(deployed.version_id, "version-9");
    assert_eq!(hits(&[create, deploy, get, read_back]).await, [1, 1, 1, 1]);
    assert_eq!(
        list.calls_async().await,
        0,
        "no search when the id came back"
    );
}

#[tokio::test]
async fn replace_graph_waits_until_reads_show_the_deployed_graph() {
    // The live API serves the previous graph for a while after a deployment.
    let server = MockServer::start_async().await;
    let [create, deploy, get] = live_create_mocks(&server).await;
    let previous = live_route_showing(json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "end"}}},
        {"id": "end", "type": "end", "outputs": {}}
    ]));
    let json = |body: &Value| {
        reply(
            200,
            &[("content-type", "application/json")],
            &body.to_string(),
        )
    };
    let read_back = scripted(
        &server,
        GET,
        &route_path(ROUTE_ID),
        vec![
            json(&previous),
            json(&previous),
            json(&live_route_showing(graph())),
        ],
    )
    .await;
    let deployed = waiting_client(&server.base_url(), Duration::from_secs(30))
        .gateway(ACCOUNT, GATEWAY)
        .replace_graph(ROUTE_ID, typed!(graph()))
        .await
        .expect("replaced once reads caught up");
    assert_eq!(deployed.version_id, "version-9");
    assert_eq!(
        read_back.calls_async().await,
        3,
        "read until the graph showed"
    );
    assert_eq!(hits(&[create, deploy, get]).await, [1, 1, 1]);
}

#[tokio::test]
async fn a_deployment_that_never_shows_is_an_error_that_says_so() {
    let server = MockServer::start_async().await;
    let [create, deploy, _get] = live_create_mocks(&server).await;
    let read_back = server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(200).json_body(live_route_showing(json!([])));
        })
        .await;
    let error = waiting_client(&server.base_url(), Duration::from_millis(30))
        .gateway(ACCOUNT, GATEWAY)
        .replace_graph(ROUTE_ID, typed!(graph()))
        .await
        .expect_err("the graph never shows");
    match &error {
        Error::DeployNotVisible {
            operation,
            route_id,
            version_id,
            ..
        } => {
            assert_eq!(*operation, "replace_graph");
            assert_eq!(route_id, ROUTE_ID);
            assert_eq!(version_id, "version-9");
        }
        other => panic!("expected DeployNotVisible, got {other:?}"),
    }
    let message = error.to_string();
    assert!(
        message.contains("version-9") && message.contains("was deployed"),
        "{message}"
    );
    assert!(
        read_back.calls_async().await >= 2,
        "read more than once before giving up"
    );
    assert_eq!(
        hits(&[create, deploy]).await,
        [1, 1],
        "deployed once, never again"
    );
}

#[tokio::test]
async fn without_a_deploy_wait_replace_graph_does_not_read_back() {
    let server = MockServer::start_async().await;
    let [create, deploy, get] = live_create_mocks(&server).await;
    let read_back = server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(500);
        })
        .await;
    let client = Client::builder()
        .base_url(server.base_url())
        .api_token("test-token")
        .deploy_wait(DeployWait::none())
        .build()
        .expect("client");
    let deployed = client
        .gateway(ACCOUNT, GATEWAY)
        .replace_graph(ROUTE_ID, typed!(graph()))
        .await
        .expect("replaced");
    assert_eq!(deployed.version_id, "version-9");
    assert_eq!(hits(&[create, deploy, get]).await, [1, 1, 1]);
    assert_eq!(read_back.calls_async().await, 0);
}

#[tokio::test]
async fn replace_graph_reads_a_version_listed_without_its_graph() {
    // A list may leave `data` out, as the live API's route lists do; that version is read.
    let server = MockServer::start_async().await;
    let versions = json!([
        {"active": "false", "created_at": "2026-11-03 09:00:00", "version_id": "version-2"},
        listed_version("version-1", "2026-11-01 10:00:00", "[]"),
    ]);
    let mocks = replace_graph_mocks(&server, versions, "version-2").await;
    let deployed = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .replace_graph(ROUTE_ID, typed!(graph()))
        .await
        .expect("the version read has the sent graph");
    assert_eq!(deployed.version_id, "version-2");
    // create, list, deploy once, get twice (the search, then the answer), read back.
    assert_eq!(hits(&mocks).await, [1, 1, 1, 2, 1]);
}
