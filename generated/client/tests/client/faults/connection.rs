//! The connection: resets, timeouts, bodies cut short.

use super::*;

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
