//! Decoding and encoding benchmarks: a 1,000-route list-routes response (12 elements of all
//! six kinds per route) into the generated types, into `serde_json::Value`, into borrowing
//! structs (the typed floor) and scanned with `IgnoredAny` (the floor); each with and without
//! dropping the result inside the timing; and 1,000 create-version bodies encoded typed and as
//! `Value`.

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
    assert!(
        page.data
            .routes
            .iter()
            .all(|r| r.graph().is_some_and(|g| g.len() == 12))
    );
    let floor: floor::Page<'_> = serde_json::from_slice(&body).expect("the floor decodes");
    assert!(floor.data.routes.iter().all(|r| r.elements.len() == 12));

    // The same body with every object's keys in byte order, as Cloudflare's API reference
    // shows its examples: an element's `type` then comes last, after `outputs`/`properties`.
    let type_last = serde_json::to_vec(&keys_sorted(
        serde_json::from_slice(&body).expect("re-reads"),
    ))
    .expect("encodes");
    assert_eq!(type_last.len(), body.len());
    let same: RoutePageResponse = serde_json::from_slice(&type_last).expect("decodes");
    assert_eq!(same, page);

    let mut group = c.benchmark_group("decode_list_routes_1000");
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("typed_RoutePageResponse", |b| {
        b.iter(|| serde_json::from_slice::<RoutePageResponse>(black_box(&body)).expect("decodes"))
    });
    group.bench_function("typed_RoutePageResponse_type_last", |b| {
        b.iter(|| {
            serde_json::from_slice::<RoutePageResponse>(black_box(&type_last)).expect("decodes")
        })
    });
    group.bench_function("serde_json_Value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&body)).expect("decodes"))
    });
    group.bench_function("typed_RoutePageResponse_decode_only", |b| {
        b.iter_with_large_drop(|| {
            serde_json::from_slice::<RoutePageResponse>(black_box(&body)).expect("decodes")
        })
    });
    group.bench_function("serde_json_Value_decode_only", |b| {
        b.iter_with_large_drop(|| {
            serde_json::from_slice::<Value>(black_box(&body)).expect("decodes")
        })
    });
    group.bench_function("floor_borrowed", |b| {
        b.iter(|| serde_json::from_slice::<floor::Page<'_>>(black_box(&body)).expect("decodes"))
    });
    group.bench_function("IgnoredAny", |b| {
        b.iter(|| serde_json::from_slice::<IgnoredAny>(black_box(&body)).expect("scans"))
    });
    group.finish();
}

/// `value` with every object's keys in byte order (whatever order `Value` maps keep).
fn keys_sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, keys_sorted(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(keys_sorted).collect()),
        other => other,
    }
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

/// The same body decoded into plain derived structs that borrow every string from the input
/// and skip `conditions` and percentage labels: a lower bound for any typed decode with
/// serde_json (no string is allocated, only the `Vec`s), to set beside `IgnoredAny`.
#[allow(dead_code)] // the fields are decoded, never read
mod floor {
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct Page<'a> {
        #[serde(borrow)]
        pub data: Data<'a>,
        pub success: bool,
    }

    #[derive(Deserialize)]
    pub struct Data<'a> {
        pub order_by: &'a str,
        pub order_by_direction: &'a str,
        pub page: f64,
        pub per_page: f64,
        #[serde(borrow)]
        pub routes: Vec<Route<'a>>,
    }

    #[derive(Deserialize)]
    pub struct Route<'a> {
        pub id: &'a str,
        pub name: &'a str,
        pub gateway_id: &'a str,
        pub account_tag: Option<&'a str>,
        pub created_at: &'a str,
        pub modified_at: &'a str,
        #[serde(borrow)]
        pub deployment: Deployment<'a>,
        #[serde(borrow)]
        pub version: Version<'a>,
        #[serde(borrow)]
        pub elements: Vec<Element<'a>>,
    }

    #[derive(Deserialize)]
    pub struct Deployment<'a> {
        pub created_at: &'a str,
        pub deployment_id: &'a str,
        pub version_id: &'a str,
    }

    #[derive(Deserialize)]
    pub struct Version<'a> {
        pub active: &'a str,
        pub created_at: &'a str,
        pub data: &'a str,
        pub is_valid: Option<bool>,
        pub version_id: &'a str,
    }

    #[derive(Deserialize)]
    pub struct Element<'a> {
        pub id: &'a str,
        #[serde(rename = "type")]
        pub kind: &'a str,
        #[serde(borrow)]
        pub properties: Option<Properties<'a>>,
        #[serde(borrow)]
        pub outputs: Outputs<'a>,
    }

    #[derive(Deserialize)]
    pub struct Properties<'a> {
        pub key: Option<&'a str>,
        pub limit: Option<f64>,
        #[serde(rename = "limitType")]
        pub limit_type: Option<&'a str>,
        pub window: Option<f64>,
        pub model: Option<&'a str>,
        pub provider: Option<&'a str>,
        pub retries: Option<f64>,
        pub timeout: Option<f64>,
        pub conditions: Option<serde::de::IgnoredAny>,
    }

    #[derive(Deserialize)]
    pub struct Outputs<'a> {
        #[serde(borrow)]
        pub next: Option<Ref<'a>>,
        #[serde(rename = "true", borrow)]
        pub true_: Option<Ref<'a>>,
        #[serde(rename = "false", borrow)]
        pub false_: Option<Ref<'a>>,
        #[serde(borrow)]
        pub success: Option<Ref<'a>>,
        #[serde(borrow)]
        pub fallback: Option<Ref<'a>>,
    }

    #[derive(Deserialize)]
    pub struct Ref<'a> {
        #[serde(rename = "elementId")]
        pub element_id: &'a str,
    }
}

criterion_group! {
    name = benches;
    config = config();
    targets = decode, encode
}
criterion_main!(benches);
