//! The default HTTP client's TLS (rustls with `ring`, set on the reqwest builder): an `https`
//! base URL gets a real TLS ClientHello with the host's name and HTTP/1.1 ALPN, and a server
//! that ends the handshake is a transport error, never a panic.

use std::time::Duration;

use crate::support::fixtures::{ACCOUNT, GATEWAY, ROUTE_ID};
use cloudflare_dynamic_routing::{Client, Error, RetryPolicy};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

/// Reads one whole TLS record from the first connection, then hangs up.
async fn first_tls_record(listener: TcpListener) -> Vec<u8> {
    let (mut socket, _) = listener.accept().await.expect("a connection");
    let mut record = vec![0u8; 5];
    socket
        .read_exact(&mut record)
        .await
        .expect("a record header");
    let length = u16::from_be_bytes([record[3], record[4]]) as usize;
    record.resize(5 + length, 0);
    socket
        .read_exact(&mut record[5..])
        .await
        .expect("the record body");
    record
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn an_https_base_url_gets_a_tls_client_hello_and_a_hang_up_is_a_transport_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    let server = tokio::spawn(first_tls_record(listener));

    let client = Client::builder()
        .api_token("token")
        .base_url(format!("https://localhost:{port}"))
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("the default client builds");
    let result = client.gateway(ACCOUNT, GATEWAY).get_route(ROUTE_ID).await;

    let hello = server.await.expect("the server task");
    assert_eq!(hello[0], 0x16, "a TLS handshake record: {hello:02x?}");
    assert_eq!(hello[5], 0x01, "a ClientHello: {hello:02x?}");
    assert!(contains(&hello, b"localhost"), "SNI names the host");
    assert!(contains(&hello, b"http/1.1"), "ALPN offers HTTP/1.1");
    match result {
        Err(error @ Error::Transport { .. }) => {
            assert!(!error.to_string().is_empty());
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
}

#[test]
fn the_default_http_client_builder_builds() {
    let http = cloudflare_dynamic_routing::http_client_builder()
        .expect("TLS setup")
        .build();
    assert!(http.is_ok(), "{http:?}");
}
