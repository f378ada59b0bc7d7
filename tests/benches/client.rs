//! Client-overhead benchmark: 1,000 GET-route calls on loopback against a minimal keep-alive
//! HTTP/1.1 server that answers every request with the same route, through our client (hooks,
//! default retry policy armed, tracing on without a subscriber) and through raw `reqwest` +
//! `serde_json` into the same `RouteResponse`, sequentially and 64 at a time.

use std::hint::black_box;
use std::time::Duration;

use cloudflare_dynamic_routing::Client;
use cloudflare_dynamic_routing::types::{Route, RouteResponse};
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use futures_util::{StreamExt, stream};
use tests::fixtures;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Calls per measured iteration.
const CALLS: usize = 1_000;
/// Calls in flight at once in the concurrent variant.
const CONCURRENCY: usize = 64;
const TOKEN: &str = "bench-token";

/// Starts the server on its own thread and runtime; returns its base URL.
fn serve(body: Vec<u8>) -> String {
    let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(&body);
    let response: &'static [u8] = response.leak();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    listener.set_nonblocking(true).expect("non-blocking");
    let address = listener.local_addr().expect("an address");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let listener = TcpListener::from_std(listener).expect("a tokio listener");
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    continue;
                };
                tokio::spawn(answer(socket, response));
            }
        });
    });
    format!("http://{address}")
}

/// Answers every request on one keep-alive connection with `response` (requests have no body).
async fn answer(mut socket: tokio::net::TcpStream, response: &'static [u8]) {
    let _ = socket.set_nodelay(true);
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        while let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            buffer.drain(..end + 4);
            if socket.write_all(response).await.is_err() {
                return;
            }
        }
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

/// The `reqwest::Client` both sides use, built the same way.
fn http() -> reqwest::Client {
    cloudflare_dynamic_routing::http_client_builder()
        .expect("TLS setup")
        .build()
        .expect("a reqwest client")
}

async fn raw_get(http: &reqwest::Client, base: &str, id: &str) -> Route {
    let url = format!("{base}{}", fixtures::route_path(id));
    let response = http
        .get(url)
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("sent")
        .error_for_status()
        .expect("a success");
    response
        .json::<RouteResponse>()
        .await
        .expect("decodes")
        .result
}

async fn client_get(client: &Client, id: &str) -> Route {
    client
        .gateway(fixtures::ACCOUNT, fixtures::GATEWAY)
        .get_route(id)
        .await
        .expect("a route")
}

fn calls(c: &mut Criterion) {
    let body =
        serde_json::to_vec(&fixtures::envelope_result(fixtures::full_route())).expect("encodes");
    let base = serve(body);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let raw = http();
    // No rate budget: thousands of calls against a local server would otherwise be paced to
    // Cloudflare's 1,200 per five minutes, and the raw side has none.
    let client = Client::builder()
        .base_url(&base)
        .api_token(TOKEN)
        .http_client(http())
        .no_rate_budget()
        .build()
        .expect("a client");
    // Both sides decode the same route.
    let (a, b) = runtime.block_on(async {
        (
            raw_get(&raw, &base, fixtures::ROUTE_ID).await,
            client_get(&client, fixtures::ROUTE_ID).await,
        )
    });
    assert_eq!(a, b);

    let mut group = c.benchmark_group("get_route_1000_sequential");
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("raw_reqwest_serde_json", |bench| {
        bench.iter(|| {
            runtime.block_on(async {
                for _ in 0..CALLS {
                    black_box(raw_get(&raw, &base, fixtures::ROUTE_ID).await);
                }
            })
        })
    });
    group.bench_function("client_get_route", |bench| {
        bench.iter(|| {
            runtime.block_on(async {
                for _ in 0..CALLS {
                    black_box(client_get(&client, fixtures::ROUTE_ID).await);
                }
            })
        })
    });
    group.finish();

    let mut group = c.benchmark_group("get_route_1000_concurrent_64");
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("raw_reqwest_serde_json", |bench| {
        bench.iter(|| {
            runtime.block_on(
                stream::iter(0..CALLS)
                    .map(|_| raw_get(&raw, &base, fixtures::ROUTE_ID))
                    .buffer_unordered(CONCURRENCY)
                    .for_each(|route| async move {
                        black_box(route);
                    }),
            )
        })
    });
    group.bench_function("client_get_route", |bench| {
        bench.iter(|| {
            runtime.block_on(
                stream::iter(0..CALLS)
                    .map(|_| client_get(&client, fixtures::ROUTE_ID))
                    .buffer_unordered(CONCURRENCY)
                    .for_each(|route| async move {
                        black_box(route);
                    }),
            )
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
    targets = calls
}
criterion_main!(benches);
