//! `replace_graph`: which version it deploys, and when it deploys none.

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

/// Mocks the four requests of `replace_graph` with `versions` listed; returns the
/// (create version, list versions, deploy `expected`, get `expected`) mocks.
async fn replace_graph_mocks<'a>(
    server: &'a MockServer,
    versions: Value,
    expected: &str,
) -> [Mock<'a>; 4] {
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
    [create, list, deploy, get]
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
    assert_eq!(hits(&mocks).await, [1, 1, 1, 1]);
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
    assert_eq!(hits(&mocks).await, [1, 1, 1, 1]);
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
    assert_eq!(hits(&mocks).await, [1, 1, 1, 1]);
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
    assert_eq!(hits(&mocks).await, [1, 1, 1, 1]);
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
    assert_eq!(hits(&mocks).await, [1, 1, 0, 0]);
}
