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
