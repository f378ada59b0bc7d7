//! Arguments checked before anything is sent.

use super::*;
use cloudflare_dynamic_routing::graph::Rule;

#[tokio::test]
async fn unusable_ids_are_rejected_without_a_request() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200).json_body(route_ok());
        })
        .await;
    let client = client(&server.base_url());

    for bad in ["", ".", "..", "  "] {
        let mut errors = Vec::new();
        let good = client.gateway(ACCOUNT, GATEWAY);
        errors.push(good.get_route(bad).await.map(drop));
        errors.push(good.update_route(bad, "x").await.map(drop));
        errors.push(good.delete_route(bad).await.map(drop));
        errors.push(good.list_versions(bad).await.map(drop));
        errors.push(good.create_version(bad, typed!(graph())).await.map(drop));
        errors.push(good.get_version(bad, VERSION_ID).await.map(drop));
        errors.push(good.get_version(ROUTE_ID, bad).await.map(drop));
        errors.push(good.list_deployments(bad).await.map(drop));
        errors.push(good.create_deployment(bad, VERSION_ID).await.map(drop));
        errors.push(good.create_deployment(ROUTE_ID, bad).await.map(drop));
        errors.push(good.replace_graph(bad, typed!(graph())).await.map(drop));
        for scope in [client.gateway(bad, GATEWAY), client.gateway(ACCOUNT, bad)] {
            errors.push(scope.list_routes(PageRequest::default()).await.map(drop));
            errors.push(scope.create_route("x", typed!(graph())).await.map(drop));
            errors.push(scope.get_route(ROUTE_ID).await.map(drop));
            errors.push(
                scope
                    .routes(NonZeroU64::new(2).unwrap())
                    .try_collect::<Vec<_>>()
                    .await
                    .map(drop),
            );
        }
        for result in errors {
            let error = result.expect_err("an unusable id");
            assert!(
                matches!(error, Error::InvalidArgument { .. }),
                "id {bad:?}: {error:?}"
            );
            assert!(error.to_string().contains("nothing was sent"), "{error}");
        }
    }
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn ids_with_reserved_characters_are_percent_encoded() {
    let server = MockServer::start_async().await;
    let client = client(&server.base_url());
    for (id, encoded) in [
        ("a/b", "a%2Fb"),
        ("a?b", "a%3Fb"),
        ("a#b", "a%23b"),
        ("a b", "a%20b"),
    ] {
        let expected = route_path(encoded);
        let mock = server
            .mock_async(|when, then| {
                when.method(GET).is_true(move |request| {
                    request.uri().path() == expected && request.uri().query().is_none()
                });
                then.status(200).json_body(route_ok());
            })
            .await;
        client
            .gateway(ACCOUNT, GATEWAY)
            .get_route(id)
            .await
            .unwrap_or_else(|e| panic!("{id:?}: {e:?}"));
        assert_eq!(mock.calls_async().await, 1, "{id:?} as {encoded}");
        mock.delete_async().await;
    }
}

fn bad_graph() -> Value {
    json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "nowhere"}}},
        {"id": "end", "type": "end", "outputs": {}}
    ])
}

#[tokio::test]
async fn an_invalid_graph_is_not_sent_unless_validation_is_off() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200).json_body(route_ok());
        })
        .await;
    let gateway_client = client(&server.base_url());
    let gateway = gateway_client.gateway(ACCOUNT, GATEWAY);

    let error = gateway
        .create_route("broken", typed!(bad_graph()))
        .await
        .expect_err("invalid graph");
    let Error::InvalidGraph {
        operation,
        problems,
    } = &error
    else {
        panic!("expected Error::InvalidGraph, got {error:?}");
    };
    assert_eq!(*operation, "create_route");
    assert!(!problems.is_empty());
    assert!(error.to_string().contains("nowhere"), "{error}");

    let error = gateway
        .create_version(ROUTE_ID, typed!(bad_graph()))
        .await
        .expect_err("invalid graph");
    assert!(
        matches!(
            error,
            Error::InvalidGraph {
                operation: "create_version",
                ..
            }
        ),
        "{error:?}"
    );
    let error = gateway
        .replace_graph(ROUTE_ID, typed!(bad_graph()))
        .await
        .expect_err("invalid graph");
    assert!(matches!(error, Error::InvalidGraph { .. }), "{error:?}");
    assert_eq!(any.calls_async().await, 0);
    any.delete_async().await;

    // With validation off, the same graph goes out as given.
    let trusting = Client::builder()
        .base_url(server.base_url())
        .api_token("test-token")
        .retry_policy(fast_retries())
        .validate_graphs(false)
        .build()
        .expect("client");
    sends_as_given(&server, &trusting, "broken", bad_graph()).await;
}

/// Creates route `name` and a version of [`ROUTE_ID`] with `graph` through `client`, and
/// asserts that each went out once, exactly as given.
async fn sends_as_given(server: &MockServer, client: &Client, name: &str, graph: Value) {
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(routes_path())
                .json_body(json!({"name": name, "elements": graph}));
            then.status(200).json_body(route_ok());
        })
        .await;
    let version = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("{}/versions", route_path(ROUTE_ID)))
                .json_body(json!({"elements": graph}));
            then.status(200)
                .json_body(envelope_result(route(json!({}))));
        })
        .await;
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    gateway
        .create_route(name, typed!(graph.clone()))
        .await
        .expect("sent as given");
    gateway
        .create_version(ROUTE_ID, typed!(graph.clone()))
        .await
        .expect("sent as given");
    assert_eq!(create.calls_async().await, 1);
    assert_eq!(version.calls_async().await, 1);
}

/// The sample graph whose `plan` conditional uses `$equals`, an operator Cloudflare does not
/// document: the API would store it and never match it.
fn undocumented_operator_graph() -> Value {
    let mut graph = graph();
    graph[1]["properties"]["conditions"] = json!({"metadata.plan": {"$equals": "free"}});
    graph
}

#[tokio::test]
async fn an_undocumented_operator_is_not_sent_unless_allowed() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200).json_body(route_ok());
        })
        .await;
    let strict = client(&server.base_url());
    let gateway = strict.gateway(ACCOUNT, GATEWAY);
    let refusals = [
        gateway
            .create_route("equals", typed!(undocumented_operator_graph()))
            .await
            .map(drop),
        gateway
            .create_version(ROUTE_ID, typed!(undocumented_operator_graph()))
            .await
            .map(drop),
    ];
    for (result, expected) in refusals.into_iter().zip(["create_route", "create_version"]) {
        let error = result.expect_err("an undocumented operator");
        let Error::InvalidGraph {
            operation,
            problems,
        } = &error
        else {
            panic!("expected Error::InvalidGraph, got {error:?}");
        };
        assert_eq!(*operation, expected);
        assert_eq!(problems.len(), 1, "{problems}");
        assert_eq!(problems[0].rule, Rule::DocumentedOperators);
        assert_eq!(problems[0].element_id.as_deref(), Some("plan"));
        assert!(
            error
                .to_string()
                .contains("element `plan` [documented-operators]: operator `$equals`"),
            "{error}"
        );
    }
    assert_eq!(any.calls_async().await, 0, "nothing was sent");
    any.delete_async().await;

    // Allowed by name, the same graph goes out as given.
    let allowing = Client::builder()
        .base_url(server.base_url())
        .api_token("test-token")
        .retry_policy(fast_retries())
        .allow_operators(["$equals"])
        .build()
        .expect("client");
    sends_as_given(&server, &allowing, "equals", undocumented_operator_graph()).await;
}
