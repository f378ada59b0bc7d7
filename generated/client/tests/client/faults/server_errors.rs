//! 5xx, and what a POST may repeat.

use super::*;

#[tokio::test]
async fn server_errors_on_a_get_are_retried() {
    for status in [500, 502, 503] {
        let server = MockServer::start_async().await;
        let mock = scripted(
            &server,
            GET,
            &route_path(ROUTE_ID),
            vec![
                json_reply(status, &error_body(10001, "Internal error")),
                json_reply(200, &route_ok()),
            ],
        )
        .await;
        let route = client(&server.base_url())
            .gateway(ACCOUNT, GATEWAY)
            .get_route(ROUTE_ID)
            .await
            .unwrap_or_else(|e| panic!("{status} then 200: {e:?}"));
        assert_eq!(route.id, ROUTE_ID);
        assert_eq!(mock.calls_async().await, 2, "{status}");
    }
}

#[tokio::test]
async fn a_server_error_on_a_create_is_not_retried_and_may_have_been_applied() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path(routes_path());
            then.status(500)
                .json_body(error_body(10001, "Internal server error"));
        })
        .await;

    let error = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .create_route("support-bot", typed!(graph()))
        .await
        .expect_err("500");
    assert!(error.may_have_been_applied(), "{error:?}");
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    let api = api(error);
    assert_eq!(api.attempts, 1);
    assert_eq!(api.operation, "create_route");
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn a_rate_limited_create_is_retried() {
    let server = MockServer::start_async().await;
    let mock = scripted(
        &server,
        POST,
        &routes_path(),
        vec![rate_limited(), json_reply(200, &route_ok())],
    )
    .await;
    let route = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .create_route("support-bot", typed!(graph()))
        .await
        .expect("429 then 200");
    assert_eq!(route.name, "support-bot");
    assert_eq!(mock.calls_async().await, 2);

    // 429 for ever: all three attempts, and the create was never applied.
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path(routes_path());
            then.status(429).json_body(error_body(971, "Please wait"));
        })
        .await;
    let error = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .create_route("support-bot", typed!(graph()))
        .await
        .expect_err("429");
    assert!(error.is_rate_limited());
    assert!(!error.may_have_been_applied());
    assert_eq!(api(error).attempts, 3);
    assert_eq!(mock.calls_async().await, 3);
}

#[tokio::test]
async fn a_duplicate_name_is_a_typed_error_and_the_create_is_not_repeated() {
    // The live API answers a taken name with a 500 and a database message.
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path(routes_path());
            then.status(500).json_body(error_body(
                7005,
                "D1_ERROR: UNIQUE constraint failed: routes.name: SQLITE_CONSTRAINT",
            ));
        })
        .await;
    let error = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .create_route("support-bot", typed!(graph()))
        .await
        .expect_err("the name is taken");
    assert!(error.is_duplicate_name(), "{error:?}");
    assert!(
        !error.may_have_been_applied(),
        "a refused insert applied nothing"
    );
    assert_eq!(mock.calls_async().await, 1, "never repeated");
    assert!(
        error.to_string().contains("UNIQUE constraint failed"),
        "{error}"
    );
}

#[tokio::test]
async fn a_conflict_on_a_create_or_rename_is_a_duplicate_name_and_other_errors_are_not() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(PATCH).path(route_path(ROUTE_ID));
            then.status(409)
                .json_body(error_body(7005, "route already exists"));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(routes_path());
            then.status(500)
                .json_body(error_body(10001, "Internal server error"));
        })
        .await;
    let gateway_client = client(&server.base_url());
    let gateway = gateway_client.gateway(ACCOUNT, GATEWAY);
    let renamed = gateway
        .update_route(ROUTE_ID, "taken")
        .await
        .expect_err("409");
    assert!(renamed.is_duplicate_name(), "{renamed:?}");
    let other = gateway
        .create_route("support-bot", typed!(graph()))
        .await
        .expect_err("500");
    assert!(!other.is_duplicate_name(), "{other:?}");
    assert!(other.may_have_been_applied());
}
