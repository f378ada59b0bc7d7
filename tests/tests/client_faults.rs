//! Faults on the wire and in the answers: every one ends in a typed [`Error`] or in the
//! retry behaviour `retry.rs` documents, never in a panic.
//!
//! Retries use a 1-5 ms backoff so the tests are fast; nothing here asserts how long anything
//! took, only what was sent (hit counts), what came back and how often it was tried.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::num::NonZeroU64;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cloudflare_dynamic_routing::retry::{MAX_RETRY_AFTER, is_retryable_status, retry_after};
use cloudflare_dynamic_routing::{ApiError, Client, Error, PageRequest, RetryPolicy};
use futures_util::TryStreamExt;
use httpmock::Method::{DELETE, GET, PATCH, POST};
use httpmock::{HttpMockResponse, Method, Mock, MockServer};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Value, json};
use tests::fixtures::{
    ACCOUNT, GATEWAY, ROUTE_ID, VERSION_ID, envelope_result, error_body, full_route, graph,
    listed_route_named, page, route, route_path, routes_path,
};

/// Two retries, 1-5 ms apart.
fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
    }
}

fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .api_token("test-token")
        .retry_policy(fast_retries())
        .build()
        .expect("client")
}

/// A JSON value as whatever the call wants (a graph as the elements parameter), so that no
/// generated type is named here.
macro_rules! typed {
    ($value:expr) => {
        serde_json::from_value($value).expect("the fixture decodes")
    };
}

/// A response for [`scripted`].
fn reply(status: u16, headers: &[(&str, &str)], body: &str) -> HttpMockResponse {
    let mut builder = HttpMockResponse::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.to_string()).build()
}

fn json_reply(status: u16, body: &Value) -> HttpMockResponse {
    reply(
        status,
        &[("content-type", "application/json")],
        &body.to_string(),
    )
}

/// A mock that answers `replies` in order, the last one for ever after.
async fn scripted<'a>(
    server: &'a MockServer,
    method: Method,
    path: &str,
    replies: Vec<HttpMockResponse>,
) -> Mock<'a> {
    let next = AtomicUsize::new(0);
    server
        .mock_async(move |when, then| {
            when.method(method).path(path);
            then.respond_with(move |_| {
                let i = next.fetch_add(1, Ordering::SeqCst);
                replies[i.min(replies.len() - 1)].clone()
            });
        })
        .await
}

/// A 429 asking for no wait (`Retry-After: 0`).
fn rate_limited() -> HttpMockResponse {
    reply(
        429,
        &[("content-type", "application/json"), ("retry-after", "0")],
        &error_body(971, "Please wait and consider throttling").to_string(),
    )
}

fn route_ok() -> Value {
    envelope_result(full_route())
}

fn api(error: Error) -> ApiError {
    match error {
        Error::Api(api) => api,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// 429 and Retry-After

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

#[test]
fn retry_after_reads_seconds_http_dates_and_milliseconds_capped_at_a_minute() {
    let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    let headers = |pairs: &[(&'static str, &str)]| {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).expect("header"));
        }
        map
    };
    let date = |at: SystemTime| httpdate::fmt_http_date(at);

    assert_eq!(retry_after(&headers(&[]), now), None);
    assert_eq!(
        retry_after(&headers(&[("retry-after", "7")]), now),
        Some(Duration::from_secs(7))
    );
    assert_eq!(
        retry_after(&headers(&[("retry-after", " 0 ")]), now),
        Some(Duration::ZERO)
    );
    assert_eq!(
        retry_after(
            &headers(&[("retry-after", &date(now + Duration::from_secs(30)))]),
            now
        ),
        Some(Duration::from_secs(30))
    );
    // A date in the past means "now".
    assert_eq!(
        retry_after(
            &headers(&[("retry-after", &date(now - Duration::from_secs(30)))]),
            now
        ),
        Some(Duration::ZERO)
    );
    // A hand-written IMF-fixdate parses too.
    assert_eq!(
        retry_after(
            &headers(&[("retry-after", "Thu, 01 Jan 1970 00:00:10 GMT")]),
            UNIX_EPOCH
        ),
        Some(Duration::from_secs(10))
    );
    assert_eq!(
        retry_after(&headers(&[("retry-after-ms", "1500")]), now),
        Some(Duration::from_millis(1500))
    );
    assert_eq!(
        retry_after(&headers(&[("retry-after-ms", "2.5")]), now),
        Some(Duration::from_micros(2500))
    );
    // `retry-after-ms` wins over `Retry-After`.
    assert_eq!(
        retry_after(
            &headers(&[("retry-after-ms", "250"), ("retry-after", "9")]),
            now
        ),
        Some(Duration::from_millis(250))
    );
    // Capped at a minute, however asked.
    assert_eq!(MAX_RETRY_AFTER, Duration::from_secs(60));
    for pairs in [
        [("retry-after", "3600")],
        [("retry-after-ms", "600000")],
        [("retry-after", &*date(now + Duration::from_secs(86_400)))],
    ] {
        assert_eq!(
            retry_after(&headers(&pairs), now),
            Some(MAX_RETRY_AFTER),
            "{pairs:?}"
        );
    }
    // Nonsense is ignored rather than obeyed.
    for pairs in [
        [("retry-after", "soon")],
        [("retry-after", "-5")],
        [("retry-after-ms", "-5")],
        [("retry-after", "")],
    ] {
        assert_eq!(retry_after(&headers(&pairs), now), None, "{pairs:?}");
    }
}

#[test]
fn backoff_doubles_with_jitter_and_stays_within_the_maximum() {
    let policy = RetryPolicy {
        max_retries: 5,
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_secs(1),
    };
    for _ in 0..200 {
        for (retry, full) in [(1, 100), (2, 200), (3, 400), (4, 800)] {
            let wait = policy.backoff(retry);
            let full = Duration::from_millis(full);
            assert!(
                wait <= full && wait >= full.mul_f64(0.75),
                "retry {retry}: {wait:?} not within [0.75, 1] x {full:?}"
            );
        }
        for retry in [5, 10, 31, 32, 1000, u32::MAX] {
            let wait = policy.backoff(retry);
            assert!(
                wait <= policy.max_backoff && wait >= policy.max_backoff.mul_f64(0.75),
                "retry {retry}: {wait:?}"
            );
        }
        // With no Retry-After, `delay` is the backoff; with one, the server's wish.
        assert!(policy.delay(1, None) <= Duration::from_millis(100));
        let mut asked = HeaderMap::new();
        asked.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(policy.delay(1, Some(&asked)), Duration::from_secs(3));
    }
    assert_eq!(RetryPolicy::none().max_retries, 0);
    assert_eq!(RetryPolicy::default().max_retries, 2);

    for status in [408, 409, 429, 500, 502, 503, 504] {
        assert!(is_retryable_status(StatusCode::from_u16(status).unwrap()));
    }
    for status in [200, 400, 401, 403, 404, 422] {
        assert!(!is_retryable_status(StatusCode::from_u16(status).unwrap()));
    }
}

// ---------------------------------------------------------------------------------------------
// 5xx, and what a POST may repeat

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

// ---------------------------------------------------------------------------------------------
// The connection: resets, timeouts, bodies cut short

/// A raw TCP server on 127.0.0.1 that accepts at most `max` connections (for at most 10 s)
/// and answers each with `reply` (after reading the request head) or, with `None`, drops it
/// at once. Returns its address and how many connections it accepted.
fn raw_server(max: usize, reply: Option<&'static [u8]>) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let addr = listener.local_addr().expect("address");
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(10);
        while count.load(Ordering::SeqCst) < max && Instant::now() < deadline {
            match listener.accept() {
                Ok((mut stream, _)) => {
                    count.fetch_add(1, Ordering::SeqCst);
                    let Some(reply) = reply else {
                        drop(stream);
                        continue;
                    };
                    stream.set_nonblocking(false).expect("blocking");
                    stream
                        .set_read_timeout(Some(Duration::from_secs(2)))
                        .expect("read timeout");
                    let mut head = Vec::new();
                    let mut buffer = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buffer) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => head.extend_from_slice(&buffer[..n]),
                        }
                    }
                    let _ = stream.write_all(reply);
                    let _ = stream.flush();
                    let _ = stream.shutdown(std::net::Shutdown::Both);
                }
                Err(_) => thread::sleep(Duration::from_millis(2)),
            }
        }
    });
    (addr, accepted)
}

#[tokio::test]
async fn connections_dropped_at_once_fail_as_transport_after_three_attempts() {
    let (addr, accepted) = raw_server(10, None);
    let error = client(&format!("http://{addr}"))
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .expect_err("every connection is dropped");
    let Error::Transport {
        operation,
        attempts,
        ..
    } = &error
    else {
        panic!("expected Error::Transport, got {error:?}");
    };
    assert_eq!(*operation, "get_route");
    assert_eq!(*attempts, 3);
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
    assert!(error.to_string().contains("3 attempt"), "{error}");
    assert!(std::error::Error::source(&error).is_some());
}

#[tokio::test]
async fn nothing_listening_fails_as_transport_and_a_create_was_never_sent() {
    // Bind then close a port, so nothing listens there.
    let addr = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let error = client(&format!("http://{addr}"))
        .gateway(ACCOUNT, GATEWAY)
        .create_route("support-bot", typed!(graph()))
        .await
        .expect_err("connection refused");
    let Error::Transport { attempts, sent, .. } = &error else {
        panic!("expected Error::Transport, got {error:?}");
    };
    // A POST whose connection failed never left: repeating it is safe, and it was repeated.
    assert!(!sent);
    assert_eq!(*attempts, 3);
    assert!(!error.may_have_been_applied());
}

#[tokio::test]
async fn a_slow_get_times_out_on_every_attempt() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(200)
                .json_body(route_ok())
                .delay(Duration::from_secs(2));
        })
        .await;
    let client = Client::builder()
        .base_url(server.base_url())
        .api_token("test-token")
        .retry_policy(fast_retries())
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");

    let error = client
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .expect_err("too slow");
    let Error::Timeout {
        operation,
        attempts,
        after,
    } = &error
    else {
        panic!("expected Error::Timeout, got {error:?}");
    };
    assert_eq!(
        (*operation, *attempts, *after),
        ("get_route", 3, Duration::from_millis(200))
    );
    assert!(!error.may_have_been_applied());
    assert_eq!(mock.calls_async().await, 3);
}

#[tokio::test]
async fn a_slow_create_version_times_out_once_and_may_have_been_applied() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("{}/versions", route_path(ROUTE_ID)));
            then.status(200)
                .json_body(envelope_result(route(json!({}))))
                .delay(Duration::from_secs(2));
        })
        .await;
    let client = Client::builder()
        .base_url(server.base_url())
        .api_token("test-token")
        .retry_policy(fast_retries())
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");

    let error = client
        .gateway(ACCOUNT, GATEWAY)
        .create_version(ROUTE_ID, typed!(graph()))
        .await
        .expect_err("too slow");
    let Error::Timeout {
        operation,
        attempts,
        ..
    } = &error
    else {
        panic!("expected Error::Timeout, got {error:?}");
    };
    assert_eq!((*operation, *attempts), ("create_version", 1));
    assert!(error.may_have_been_applied());
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_a_transport_error() {
    const CUT: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"success\":true,";
    let (addr, accepted) = raw_server(5, Some(CUT));
    let error = client(&format!("http://{addr}"))
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .expect_err("the body is cut");
    let Error::Transport {
        operation,
        attempts,
        sent,
        ..
    } = &error
    else {
        panic!("expected Error::Transport, got {error:?}");
    };
    assert_eq!(*operation, "get_route");
    assert!(*sent);
    // The status line was a success, so the transport did not retry: the body is read after.
    assert_eq!(*attempts, 1);
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_complete_but_cut_json_body_is_a_decode_error() {
    const CUT: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{\"success\":true";
    let (addr, _) = raw_server(5, Some(CUT));
    let error = client(&format!("http://{addr}"))
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .expect_err("the JSON is cut");
    let Error::Decode(decode) = &error else {
        panic!("expected Error::Decode, got {error:?}");
    };
    assert_eq!(decode.operation, "get_route");
    assert!(!decode.path.is_empty(), "{decode:?}");
    assert!(!decode.message.is_empty(), "{decode:?}");
    assert_eq!(decode.snippet, "{\"success\":true");
    let shown = error.to_string();
    assert!(
        shown.contains("get_route") && shown.contains("{\"success\":true"),
        "{shown}"
    );
}

// ---------------------------------------------------------------------------------------------
// Error pages and bodies of every shape

#[tokio::test]
async fn an_html_error_page_is_kept_and_retried() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(502)
                .header("content-type", "text/html")
                .body("<html>Bad gateway</html>");
        })
        .await;
    let error = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .expect_err("502");
    let shown = error.to_string();
    assert!(shown.contains("<html>Bad gateway</html>"), "{shown}");
    assert!(shown.contains("502"), "{shown}");
    let api = api(error);
    assert_eq!(api.status, StatusCode::BAD_GATEWAY);
    assert!(api.errors.is_empty());
    assert_eq!(api.body, "<html>Bad gateway</html>");
    assert_eq!(api.attempts, 3);
    assert_eq!(mock.calls_async().await, 3);
}

#[tokio::test]
async fn json_labelled_text_plain_still_decodes() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(200)
                .header("content-type", "text/plain")
                .body(route_ok().to_string());
        })
        .await;
    let route = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .expect("the body is JSON whatever its label says");
    assert_eq!(route.name, "support-bot");
}

#[tokio::test]
async fn an_html_page_with_status_200_is_a_decode_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(200)
                .header("content-type", "text/html")
                .body("<html>Please enable cookies</html>");
        })
        .await;
    let error = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .expect_err("HTML is not the route");
    let Error::Decode(decode) = &error else {
        panic!("expected Error::Decode, got {error:?}");
    };
    assert_eq!(decode.operation, "get_route");
    assert!(decode.snippet.contains("Please enable cookies"));
    assert!(error.to_string().contains("get_route"));
}

#[tokio::test]
async fn auth_and_not_found_errors_are_typed_carry_the_ray_id_and_are_not_retried() {
    for (status, code, message) in [
        (401, 10000, "Authentication error"),
        (403, 10000, "Authentication error"),
        (404, 7003, "Could not route to /routes/route-1"),
    ] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(GET).path(route_path(ROUTE_ID));
                then.status(status)
                    .header("cf-ray", "8f1e2d3c4b5a6978-LHR")
                    .json_body(error_body(code, message));
            })
            .await;
        let error = client(&server.base_url())
            .gateway(ACCOUNT, GATEWAY)
            .get_route(ROUTE_ID)
            .await
            .expect_err("an error status");
        assert_eq!(error.is_auth(), status != 404, "{status}");
        assert_eq!(error.is_not_found(), status == 404, "{status}");
        assert!(!error.is_rate_limited());
        assert!(error.has_code(code), "{error:?}");
        assert!(!error.has_code(1));
        assert!(!error.may_have_been_applied());
        let shown = error.to_string();
        assert!(
            shown.contains(message) && shown.contains(&code.to_string()),
            "{shown}"
        );
        assert!(shown.contains("8f1e2d3c4b5a6978-LHR"), "{shown}");
        let api = api(error);
        assert_eq!(api.status.as_u16(), status);
        assert_eq!(api.ray_id.as_deref(), Some("8f1e2d3c4b5a6978-LHR"));
        assert_eq!(api.attempts, 1);
        assert_eq!(api.errors.len(), 1);
        assert_eq!(api.errors[0].message, message);
        assert_eq!(mock.calls_async().await, 1, "{status}");
    }
}

#[tokio::test]
async fn error_bodies_of_any_shape_keep_the_status() {
    // (body, each error's code and message)
    type Expected = Vec<(Option<i64>, &'static str)>;
    let cases: Vec<(String, Expected)> = vec![
        (
            r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[],"result":null}"#.into(),
            vec![(Some(10000), "Authentication error")],
        ),
        (
            r#"{"success":false,"errors":[{"code":7001,"message":"a"}],"result":[]}"#.into(),
            vec![(Some(7001), "a")],
        ),
        (
            r#"{"success":false,"errors":[{"code":7002,"message":"b"}]}"#.into(),
            vec![(Some(7002), "b")],
        ),
        (
            r#"{"success":false,"errors":[{"message":"no code"}],"result":{}}"#.into(),
            vec![(None, "no code")],
        ),
        (
            r#"{"success":false,"errors":[{"code":"10000","message":"string code"}]}"#.into(),
            vec![(Some(10000), "string code")],
        ),
        (
            r#"{"success":false,"errors":[{"code":12}, "bare text", 5]}"#.into(),
            vec![(Some(12), ""), (None, "bare text"), (None, "")],
        ),
        (r#"{"success":false,"errors":null}"#.into(), vec![]),
        (r#"{"success":false,"errors":{"code":1}}"#.into(), vec![]),
        (String::new(), vec![]),
        (r#"{"success":false,"errors":[{"#.into(), vec![]),
        ("not json at all".into(), vec![]),
        ("[1,2,3]".into(), vec![]),
    ];
    let server = MockServer::start_async().await;
    for (body, expected) in cases {
        let mock = server
            .mock_async(|when, then| {
                when.method(GET).path(route_path(ROUTE_ID));
                then.status(400)
                    .header("content-type", "application/json")
                    .body(body.clone());
            })
            .await;
        let error = client(&server.base_url())
            .gateway(ACCOUNT, GATEWAY)
            .get_route(ROUTE_ID)
            .await
            .expect_err("400");
        let _ = error.to_string();
        let api = api(error);
        assert_eq!(api.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(api.body, body);
        let got: Vec<(Option<i64>, &str)> = api
            .errors
            .iter()
            .map(|m| (m.code, m.message.as_str()))
            .collect();
        assert_eq!(got, expected, "{body}");
        assert_eq!(mock.calls_async().await, 1, "{body}");
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn a_decode_failure_names_the_field_path() {
    let server = MockServer::start_async().await;
    let mut body = route_ok();
    body["result"]["elements"][0]["outputs"] = json!({});
    server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(200).json_body(body);
        })
        .await;
    let error = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .expect_err("a start without `next`");
    let Error::Decode(decode) = &error else {
        panic!("expected Error::Decode, got {error:?}");
    };
    assert_eq!(decode.operation, "get_route");
    assert!(decode.path.contains("elements"), "{decode:?}");
    assert!(decode.message.contains("next"), "{decode:?}");
    assert!(error.to_string().contains(&decode.path), "{error}");
}

// ---------------------------------------------------------------------------------------------
// Arguments checked before anything is sent

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
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(routes_path())
                .json_body(json!({"name": "broken", "elements": bad_graph()}));
            then.status(200).json_body(route_ok());
        })
        .await;
    let version = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(format!("{}/versions", route_path(ROUTE_ID)))
                .json_body(json!({"elements": bad_graph()}));
            then.status(200)
                .json_body(envelope_result(route(json!({}))));
        })
        .await;
    let gateway = trusting.gateway(ACCOUNT, GATEWAY);
    gateway
        .create_route("broken", typed!(bad_graph()))
        .await
        .expect("sent unvalidated");
    gateway
        .create_version(ROUTE_ID, typed!(bad_graph()))
        .await
        .expect("sent unvalidated");
    assert_eq!(create.calls_async().await, 1);
    assert_eq!(version.calls_async().await, 1);
}

// ---------------------------------------------------------------------------------------------
// Pagination

#[tokio::test]
async fn the_routes_stream_follows_pages_until_a_short_one() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for (number, ids) in [
        ("1", vec!["r1", "r2"]),
        ("2", vec!["r3", "r4"]),
        ("3", vec!["r5"]),
        ("4", vec!["r6"]),
    ] {
        let routes: Vec<Value> = ids.into_iter().map(listed_route_named).collect();
        pages.push(
            server
                .mock_async(|when, then| {
                    when.method(GET)
                        .path(routes_path())
                        .query_param("page", number)
                        .query_param("per_page", "2");
                    then.status(200).json_body(page("routes", json!(routes)));
                })
                .await,
        );
    }
    let client = client(&server.base_url());
    let routes: Vec<_> = client
        .gateway(ACCOUNT, GATEWAY)
        .routes(NonZeroU64::new(2).unwrap())
        .try_collect()
        .await
        .expect("three pages");
    let ids: Vec<&str> = routes.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["r1", "r2", "r3", "r4", "r5"]);
    let mut hits = Vec::new();
    for mock in &pages {
        hits.push(mock.calls_async().await);
    }
    assert_eq!(hits, [1, 1, 1, 0]);
}

#[tokio::test]
async fn an_empty_first_page_is_an_empty_stream() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(routes_path())
                .query_param("page", "1");
            then.status(200).json_body(page("routes", json!([])));
        })
        .await;
    let client = client(&server.base_url());
    let routes: Vec<_> = client
        .gateway(ACCOUNT, GATEWAY)
        .routes(NonZeroU64::new(2).unwrap())
        .try_collect()
        .await
        .expect("one empty page");
    assert!(routes.is_empty());
    assert_eq!(first.calls_async().await, 1);
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(routes_path())
                .query_param("page", "1");
            then.status(200).json_body(page(
                "routes",
                json!([listed_route_named("r1"), listed_route_named("r2")]),
            ));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(routes_path())
                .query_param("page", "2");
            then.status(403)
                .json_body(error_body(10000, "Authentication error"));
        })
        .await;
    let client = client(&server.base_url());
    let error = client
        .gateway(ACCOUNT, GATEWAY)
        .routes(NonZeroU64::new(2).unwrap())
        .try_collect::<Vec<_>>()
        .await
        .expect_err("page 2 fails");
    assert!(error.is_auth(), "{error:?}");
}

// ---------------------------------------------------------------------------------------------
// replace_graph

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

// ---------------------------------------------------------------------------------------------
// Safe methods are retried too

#[tokio::test]
async fn renames_and_deletes_are_retried_after_a_server_error() {
    let server = MockServer::start_async().await;
    let listed = envelope_result(route(json!({"account_tag": ACCOUNT, "deployment": {
        "created_at": "2026-11-01 10:00:01", "deployment_id": "deployment-3", "version_id": VERSION_ID},
        "version": {"active": "true", "created_at": "2026-11-01 10:00:00", "data": "[]",
                    "version_id": VERSION_ID}})));
    let mut renamed = listed.clone();
    renamed["route"] = renamed["result"].take();
    let rename = scripted(
        &server,
        PATCH,
        &route_path(ROUTE_ID),
        vec![
            json_reply(503, &error_body(10001, "busy")),
            json_reply(200, &renamed),
        ],
    )
    .await;
    let delete = scripted(
        &server,
        DELETE,
        &route_path(ROUTE_ID),
        vec![
            json_reply(500, &error_body(10001, "busy")),
            json_reply(200, &envelope_result(route(json!({})))),
        ],
    )
    .await;
    let client = client(&server.base_url());
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    gateway
        .update_route(ROUTE_ID, "renamed")
        .await
        .expect("rename");
    gateway.delete_route(ROUTE_ID).await.expect("delete");
    assert_eq!(rename.calls_async().await, 2);
    assert_eq!(delete.calls_async().await, 2);
}
