//! Bodies larger than the client reads: a success body past `MAX_RESPONSE_BODY`, declared or
//! not, is a clean `ResponseTooLarge` naming the limit; an error body is cut, not refused.

use super::*;
use cloudflare_dynamic_routing::MAX_RESPONSE_BODY;

/// A JSON string just longer than the limit, inside an otherwise valid route envelope.
fn oversized_route() -> String {
    let mut route = route_ok();
    route["result"]["name"] = json!("x".repeat(MAX_RESPONSE_BODY));
    route.to_string()
}

#[tokio::test]
async fn a_success_body_over_the_limit_is_an_error_naming_it() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(200)
                .header("content-type", "application/json")
                .body(oversized_route());
        })
        .await;
    let error = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .expect_err("too large");
    let shown = error.to_string();
    assert!(
        matches!(error, Error::ResponseTooLarge { operation: "get_route", limit } if limit == MAX_RESPONSE_BODY),
        "{error:?}"
    );
    assert!(shown.contains(&MAX_RESPONSE_BODY.to_string()), "{shown}");
}

#[tokio::test]
async fn an_undeclared_length_over_the_limit_is_cut_while_read() {
    // A raw server that streams without `Content-Length` (closing the connection to end it).
    let body = oversized_route();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let head =
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n";
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    });
    let error = Client::builder()
        .base_url(format!("http://{addr}"))
        .api_token("test-token")
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client")
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .expect_err("too large");
    assert!(matches!(error, Error::ResponseTooLarge { .. }), "{error:?}");
}

#[tokio::test]
async fn a_large_error_body_is_cut_and_still_reported() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(404).body("y".repeat(MAX_RESPONSE_BODY + 1));
        })
        .await;
    let error = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .expect_err("404");
    let api = api(error);
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.body.len(), 1 << 20, "the first MiB is kept");
}
