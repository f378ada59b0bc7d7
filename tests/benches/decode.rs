//! Decoding and encoding benchmarks: a 1,000-route list-routes response (12 elements of all
//! six kinds per route) into the generated types, into `serde_json::Value`, and scanned with
//! `IgnoredAny` (the floor); and 1,000 create-version bodies encoded typed and as `Value`.

use std::hint::black_box;
use std::time::Duration;

use cloudflare_dynamic_routing::types::{NewVersion, RoutePageResponse};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use serde::de::IgnoredAny;
use serde_json::Value;
use tests::fixtures;

/// How many routes the list response holds, and how many create-version bodies are encoded.
const ROUTES: usize = 1_000;

fn decode(c: &mut Criterion) {
    let body = serde_json::to_vec(&fixtures::large_route_page(ROUTES)).expect("encodes");
    // The fixture is what the benchmark claims: it decodes, with every route and element.
    let page: RoutePageResponse = serde_json::from_slice(&body).expect("decodes");
    assert_eq!(page.data.routes.len(), ROUTES);
    assert!(page.data.routes.iter().all(|r| r.elements.len() == 12));

    let mut group = c.benchmark_group("decode_list_routes_1000");
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("typed_RoutePageResponse", |b| {
        b.iter(|| serde_json::from_slice::<RoutePageResponse>(black_box(&body)).expect("decodes"))
    });
    group.bench_function("serde_json_Value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&body)).expect("decodes"))
    });
    group.bench_function("IgnoredAny", |b| {
        b.iter(|| serde_json::from_slice::<IgnoredAny>(black_box(&body)).expect("scans"))
    });
    group.finish();
}

fn encode(c: &mut Criterion) {
    // One create-version body per route: `{"elements": [12 elements]}`, 1,000 of them.
    let values: Vec<Value> = (0..ROUTES)
        .map(|n| serde_json::json!({ "elements": fixtures::large_graph(n) }))
        .collect();
    let typed: Vec<NewVersion> = values
        .iter()
        .map(|v| serde_json::from_value(v.clone()).expect("a valid body"))
        .collect();
    let bytes: usize = values.iter().map(|v| v.to_string().len()).sum();

    let mut group = c.benchmark_group("encode_create_version_1000");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("typed_NewVersion", |b| {
        b.iter(|| {
            for body in black_box(&typed) {
                black_box(serde_json::to_vec(body).expect("encodes"));
            }
        })
    });
    group.bench_function("serde_json_Value", |b| {
        b.iter(|| {
            for body in black_box(&values) {
                black_box(serde_json::to_vec(body).expect("encodes"));
            }
        })
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8))
}

criterion_group! {
    name = benches;
    config = config();
    targets = decode, encode
}
criterion_main!(benches);
