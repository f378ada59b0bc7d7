//! 429 and Retry-After.

use super::*;

#[tokio::test]
async fn rate_limited_once_then_ok_succeeds_on_the_second_attempt() {
    let server = MockServer::start_async().await;
    let mock = scripted(
        &server,
        GET,
        &route_path(ROUTE_ID),
        vec![rate_limited(), json_reply(200, &route_ok())],
    )
    .await;

    let route = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .expect("the retry succeeds");
    assert_eq!(route.name, "support-bot");
    assert_eq!(mock.calls_async().await, 2);
}

#[tokio::test]
async fn rate_limited_for_ever_gives_up_after_three_attempts() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(429)
                .header("retry-after", "0")
                .json_body(error_body(971, "Please wait and consider throttling"));
        })
        .await;

    let error = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .expect_err("429 for ever");
    assert!(error.is_rate_limited(), "{error:?}");
    assert!(error.has_code(971));
    assert!(!error.may_have_been_applied());
    assert_eq!(api(error).attempts, 3);
    assert_eq!(mock.calls_async().await, 3);
}
