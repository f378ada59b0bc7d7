//! Property tests: arbitrary and mutated bodies fed to every decoder, to the client's whole
//! decode path over HTTP, to route files and to the graph functions. None may panic; every
//! failure is a typed error with a message.
//!
//! Mutations start from the valid fixtures and drop keys, change a value's type, add keys,
//! splice in huge numbers, deep nesting (bounded) and unicode escapes, then truncate, insert
//! garbage bytes and duplicate keys in the text. Failing cases are persisted by proptest
//! (`proptest-regressions/`) and replayed first on the next run.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crate::support::fixtures::{
    ACCOUNT, GATEWAY, ROUTE_ID, deployment, envelope_result, error_body, full_route, graph,
    listed_route, page, route, routes_path, version,
};
use cloudflare_dynamic_routing::graph::{explain, to_dot, to_mermaid, validate};
use cloudflare_dynamic_routing::types::{
    DeploymentPageResponse, ErrorBody, NewDeployment, NewRoute, NewVersion, RouteElement,
    RoutePageResponse, RouteResponse, RouteUpdate, RouteWithoutDeploymentResponse,
    UpdatedRouteResponse, VersionDetailResponse, VersionPageResponse,
};
use cloudflare_dynamic_routing::{Client, PageRequest, RetryPolicy};
use httpmock::Method::GET;
use httpmock::{HttpMockResponse, MockServer};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Seeds: one valid body per decoder.
// ---------------------------------------------------------------------------------------------

fn version_detail() -> Value {
    json!({
        "id": ROUTE_ID, "name": "r", "gateway_id": GATEWAY, "version_id": "version-2",
        "active": "true", "data": graph().to_string(), "elements": graph(),
        "created_at": "2026-11-01 10:00:00", "modified_at": "2026-11-02T11:30:15.250Z",
    })
}

/// A valid body for every response envelope and request type.
fn seeds() -> Vec<Value> {
    let mut listed_version = version();
    listed_version["data"] = graph();
    vec![
        envelope_result(full_route()),
        json!({"success": true, "route": full_route()}),
        page("routes", json!([listed_route(), listed_route()])),
        envelope_result(route(json!({}))),
        page("versions", json!([version(), listed_version])),
        envelope_result(version_detail()),
        page("deployments", json!([deployment()])),
        error_body(7001, "invalid graph"),
        json!({"name": "support-bot", "elements": graph()}),
        json!({"name": "renamed"}),
        json!({"elements": graph()}),
        json!({"version_id": "version-2"}),
        graph(),
    ]
}

/// Keys the types know, so that added and duplicated keys hit real fields.
const KEYS: &[&str] = &[
    "id",
    "name",
    "type",
    "outputs",
    "properties",
    "elementId",
    "conditions",
    "next",
    "true",
    "false",
    "fallback",
    "success",
    "result",
    "route",
    "data",
    "routes",
    "versions",
    "deployments",
    "errors",
    "code",
    "message",
    "elements",
    "version",
    "deployment",
    "created_at",
    "modified_at",
    "gateway_id",
    "version_id",
    "deployment_id",
    "active",
    "is_valid",
    "comment",
    "page",
    "per_page",
    "order_by",
    "order_by_direction",
    "model",
    "provider",
    "retries",
    "timeout",
    "key",
    "limit",
    "limitType",
    "window",
    "account_tag",
    "30%",
    "$eq",
    "metadata.plan",
];

/// Text spliced in place of a value: numbers serde cannot hold, bounded deep nesting, odd
/// escapes and unicode.
fn raw_values() -> Vec<String> {
    let mut raw: Vec<String> = [
        "1e400",
        "-1e400",
        "1E+308",
        "1.7976931348623157e309",
        "18446744073709551616",
        "-9223372036854775809",
        "123456789012345678901234567890.5e-999999",
        "-0",
        "0e0",
        "NaN",
        "Infinity",
        "-",
        "1.",
        ".5",
        "01",
        "\"\\ud800\"",
        "\"\\udc00\\ud800\"",
        "\"\\u0000\"",
        "\"\\uD83D\\uDE00\"",
        "\"\\x41\"",
        "\"\\u12\"",
        "\"\u{1}\"",
        "\"\u{202e}\u{fe0f}é\u{10ffff}\"",
        "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
        "\"2026-13-45T99:99:99Z\"",
        "\"\"",
        "true",
        "null",
        "[]",
        "{}",
    ]
    .map(str::to_string)
    .to_vec();
    for depth in [8, 64, 127, 128, 129, 200] {
        raw.push(format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
        raw.push(format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth)));
    }
    raw
}

// ---------------------------------------------------------------------------------------------
// Strategies.
// ---------------------------------------------------------------------------------------------

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,12}",
        prop::sample::select(KEYS).prop_map(str::to_string),
        prop::sample::select(vec![
            "",
            " ",
            ".",
            "..",
            "-->",
            "\"",
            "\\",
            "<br/>",
            "]]",
            "{}",
            "a\"b",
            "\u{0}",
            "\n",
            "🙂",
            "\u{202e}",
            "metadata.plan",
            "free",
            "0%",
            "100%",
            "-5%",
            "1e9%",
            "NaN%",
        ])
        .prop_map(str::to_string),
    ]
}

fn arb_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from), // NaN and infinities become null
        (-5i64..105).prop_map(Value::from),
        prop::sample::select(vec![0.0, -0.0, 0.5, 30.0, 1e300, -1e300, f64::MIN_POSITIVE])
            .prop_map(Value::from),
    ]
}

fn arb_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        arb_number(),
        arb_string().prop_map(Value::from),
    ]
}

/// Any JSON value, at most 4 levels deep.
fn arb_json() -> impl Strategy<Value = Value> {
    arb_leaf().prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((arb_string(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// A change to a JSON tree; `node` picks a node by its preorder index (modulo their count).
#[derive(Debug, Clone)]
enum Mutation {
    DropKey {
        node: usize,
        key: usize,
    },
    Replace {
        node: usize,
        with: Value,
    },
    AddKey {
        node: usize,
        key: String,
        value: Value,
    },
    Raw {
        node: usize,
        text: usize,
    },
}

/// A change to the encoded text.
#[derive(Debug, Clone)]
enum TextMutation {
    Truncate(usize),
    Insert(usize, Vec<u8>),
    DuplicateKey(usize, &'static str, Value),
    Delete(usize, usize),
}

fn arb_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<usize>(), any::<usize>()).prop_map(|(node, key)| Mutation::DropKey { node, key }),
        3 => (any::<usize>(), arb_json()).prop_map(|(node, with)| Mutation::Replace { node, with }),
        1 => (any::<usize>(), arb_string(), arb_json())
            .prop_map(|(node, key, value)| Mutation::AddKey { node, key, value }),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(node, text)| Mutation::Raw { node, text }),
    ]
}

fn arb_text_mutation() -> impl Strategy<Value = TextMutation> {
    prop_oneof![
        any::<usize>().prop_map(TextMutation::Truncate),
        (
            any::<usize>(),
            prop_oneof![
                prop::collection::vec(any::<u8>(), 1..8),
                prop::sample::select(vec![
                    b",".to_vec(),
                    b"}".to_vec(),
                    b"]".to_vec(),
                    b"\"".to_vec(),
                    b"\\".to_vec(),
                    b"\xff\xfe".to_vec(),
                    b"\xc3".to_vec(),
                    b"\0".to_vec(),
                    b"{\"".to_vec(),
                ]),
            ]
        )
            .prop_map(|(at, bytes)| TextMutation::Insert(at, bytes)),
        (any::<usize>(), prop::sample::select(KEYS), arb_leaf())
            .prop_map(|(at, key, value)| TextMutation::DuplicateKey(at, key, value)),
        (any::<usize>(), 1usize..16).prop_map(|(at, len)| TextMutation::Delete(at, len)),
    ]
}

/// Bytes shown as an escaped byte string, so that a failing case reads as text.
#[derive(Clone)]
struct Body(Vec<u8>);

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "b\"{}\"", self.0.escape_ascii())
    }
}

/// Mostly nothing, now and then one or two changes.
fn rarely<T: std::fmt::Debug + Clone + 'static>(
    change: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Vec<T>> {
    prop_oneof![
        3 => Just(Vec::new()),
        1 => prop::collection::vec(change, 1..3),
    ]
}

/// A mutated fixture body: which seed, then tree mutations, then text mutations.
fn arb_mutated_body() -> impl Strategy<Value = Body> {
    (
        any::<usize>(),
        prop::collection::vec(arb_mutation(), 0..4),
        prop::collection::vec(arb_text_mutation(), 0..3),
    )
        .prop_map(|(seed, mutations, text)| {
            let seeds = seeds();
            Body(mutate(seeds[seed % seeds.len()].clone(), &mutations, &text))
        })
}

/// Every node's JSON pointer, in preorder.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_at = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                pointers(child, child_at, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn mutate(mut value: Value, mutations: &[Mutation], text: &[TextMutation]) -> Vec<u8> {
    let raw = raw_values();
    let mut splices = Vec::new();
    for mutation in mutations {
        let mut all = Vec::new();
        pointers(&value, String::new(), &mut all);
        let pick = |node: usize| all[node % all.len()].clone();
        match mutation {
            Mutation::DropKey { node, key } => {
                if let Some(Value::Object(map)) = value.pointer_mut(&pick(*node))
                    && !map.is_empty()
                {
                    let name = map.keys().nth(key % map.len()).cloned().unwrap_or_default();
                    map.remove(&name);
                }
            }
            Mutation::Replace { node, with } => {
                if let Some(slot) = value.pointer_mut(&pick(*node)) {
                    *slot = with.clone();
                }
            }
            Mutation::AddKey {
                node,
                key,
                value: added,
            } => {
                if let Some(Value::Object(map)) = value.pointer_mut(&pick(*node)) {
                    map.insert(key.clone(), added.clone());
                }
            }
            Mutation::Raw { node, text } => {
                if let Some(slot) = value.pointer_mut(&pick(*node)) {
                    let marker = format!("@@raw{}@@", splices.len());
                    *slot = Value::String(marker.clone());
                    splices.push((format!("\"{marker}\""), raw[text % raw.len()].clone()));
                }
            }
        }
    }
    let mut encoded = value.to_string();
    for (marker, raw) in splices {
        encoded = encoded.replacen(&marker, &raw, 1);
    }
    let mut bytes = encoded.into_bytes();
    for mutation in text {
        let len = bytes.len();
        match mutation {
            TextMutation::Truncate(at) => bytes.truncate(at % (len + 1)),
            TextMutation::Insert(at, garbage) => {
                let at = at % (len + 1);
                bytes.splice(at..at, garbage.iter().copied());
            }
            TextMutation::DuplicateKey(nth, key, value) => {
                let opens: Vec<usize> = (0..len).filter(|&i| bytes[i] == b'{').collect();
                if !opens.is_empty() {
                    let at = opens[nth % opens.len()] + 1;
                    let entry = format!("{}:{value},", Value::from(*key));
                    bytes.splice(at..at, entry.into_bytes());
                }
            }
            TextMutation::Delete(at, n) => {
                let at = at % (len + 1);
                bytes.drain(at..(at + n).min(len));
            }
        }
    }
    bytes
}

/// Element ids the generated graphs link between, odd ones included.
const IDS: &[&str] = &[
    "start", "a", "b", "c", "end", "", "a\"b", "x y", "🙂", "-->", "<br/>", "{}", "a\\",
];

fn arb_id() -> impl Strategy<Value = String> {
    prop_oneof![
        5 => prop::sample::select(IDS).prop_map(str::to_string),
        1 => arb_string(),
    ]
}

fn arb_ref() -> impl Strategy<Value = Value> {
    arb_id().prop_map(|id| json!({"elementId": id}))
}

/// MongoDB-style conditions: field paths to operator objects or values, `$and`/`$or` lists,
/// and now and then anything at all.
fn arb_conditions() -> impl Strategy<Value = Value> {
    let field = prop::sample::select(vec![
        "metadata.plan",
        "metadata.user",
        "headers.x-tier",
        "body.model",
        "metadata",
        "body",
        "metadata.a.b.c",
        "",
        ".",
        "$and",
        "$or",
        "$eq",
        "plan",
    ]);
    let operator = prop::sample::select(vec![
        "$eq", "$ne", "$in", "$nin", "$gt", "$gte", "$lt", "$lte", "$exists", "$regex", "$bogus",
        "plain",
    ]);
    let test = prop_oneof![
        arb_leaf(),
        prop::collection::vec((operator, arb_json()), 0..3).prop_map(|ops| Value::Object(
            ops.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
        )),
    ];
    let leaf = prop::collection::vec((field, test), 0..3).prop_map(|entries| {
        Value::Object(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    });
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(|all| json!({"$and": all})),
            prop::collection::vec(inner, 0..3).prop_map(|any| json!({"$or": any})),
            arb_json(),
        ]
    })
}

/// One element that decodes (mostly): every kind, with links among [`IDS`].
fn arb_element() -> impl Strategy<Value = Value> {
    prop_oneof![
        (arb_id(), arb_ref()).prop_map(|(id, next)| {
            json!({"id": id, "type": "start", "outputs": {"next": next}})
        }),
        (arb_id(), arb_conditions(), arb_ref(), arb_ref()).prop_map(|(id, c, t, f)| {
            json!({"id": id, "type": "conditional", "properties": {"conditions": c},
                   "outputs": {"true": t, "false": f}})
        }),
        (
            arb_id(),
            prop::collection::vec((arb_string(), arb_ref()), 0..4)
        )
            .prop_map(|(id, outputs)| {
                let outputs: serde_json::Map<String, Value> = outputs.into_iter().collect();
                json!({"id": id, "type": "percentage", "outputs": outputs})
            }),
        (
            arb_id(),
            arb_string(),
            arb_number(),
            arb_string(),
            arb_number(),
            arb_ref(),
            arb_ref()
        )
            .prop_map(|(id, key, limit, limit_type, window, fallback, success)| {
                json!({"id": id, "type": "rate",
                       "properties": {"key": key, "limit": limit, "limitType": limit_type,
                                      "window": window},
                       "outputs": {"fallback": fallback, "success": success}})
            }),
        (
            arb_id(),
            arb_string(),
            arb_string(),
            arb_number(),
            arb_number(),
            arb_ref(),
            arb_ref()
        )
            .prop_map(
                |(id, model, provider, retries, timeout, fallback, success)| {
                    json!({"id": id, "type": "model",
                       "properties": {"model": model, "provider": provider, "retries": retries,
                                      "timeout": timeout},
                       "outputs": {"fallback": fallback, "success": success}})
                }
            ),
        (
            arb_id(),
            prop::collection::vec((arb_string(), arb_ref()), 0..2)
        )
            .prop_map(|(id, outputs)| {
                let outputs: serde_json::Map<String, Value> = outputs.into_iter().collect();
                json!({"id": id, "type": "end", "outputs": outputs})
            }),
    ]
}

/// A graph: generated elements, now and then with the fixture's mixed in, then mutated.
fn arb_graph_json() -> impl Strategy<Value = Body> {
    (
        prop::collection::vec(arb_element(), 0..10),
        any::<bool>(),
        rarely(arb_mutation()),
        rarely(arb_text_mutation()),
    )
        .prop_map(|(mut elements, with_fixture, mutations, text)| {
            if with_fixture && let Value::Array(fixture) = graph() {
                elements.extend(fixture);
            }
            Body(mutate(Value::Array(elements), &mutations, &text))
        })
}

/// A request to explain: the documented shape with any contents, or any JSON at all.
fn arb_request() -> impl Strategy<Value = Value> {
    prop_oneof![
        (arb_json(), arb_json(), arb_json())
            .prop_map(|(m, h, b)| json!({"metadata": m, "headers": h, "body": b})),
        (arb_string(), arb_string()).prop_map(|(plan, user)| {
            json!({"metadata": {"plan": plan, "user": user}, "headers": {}, "body": {}})
        }),
        Just(json!({"metadata": {"plan": "free", "user": "u1"}})),
        arb_json(),
    ]
}

// ---------------------------------------------------------------------------------------------
// What each case runs.
// ---------------------------------------------------------------------------------------------

/// Decodes `bytes` as `T` both from bytes and through a `Value`; what decodes re-encodes.
fn decode_as<T: DeserializeOwned + Serialize>(bytes: &[u8]) -> Option<T> {
    if let Ok(value) = serde_json::from_slice::<Value>(bytes)
        && let Ok(decoded) = serde_json::from_value::<T>(value)
    {
        serde_json::to_vec(&decoded).expect("a decoded value re-encodes");
    }
    let decoded = serde_json::from_slice::<T>(bytes).ok()?;
    serde_json::to_vec(&decoded).expect("a decoded value re-encodes");
    Some(decoded)
}

/// Every decoder on one body; graphs that decode go on to the graph functions.
fn decode_everything(bytes: &[u8], request: &Value) {
    decode_as::<RouteResponse>(bytes);
    decode_as::<UpdatedRouteResponse>(bytes);
    decode_as::<RoutePageResponse>(bytes);
    decode_as::<RouteWithoutDeploymentResponse>(bytes);
    decode_as::<VersionPageResponse>(bytes);
    decode_as::<VersionDetailResponse>(bytes);
    decode_as::<DeploymentPageResponse>(bytes);
    decode_as::<ErrorBody>(bytes);
    decode_as::<RouteUpdate>(bytes);
    decode_as::<NewDeployment>(bytes);
    decode_as::<RouteElement>(bytes);
    if let Some(route) = decode_as::<NewRoute>(bytes) {
        exercise_graph(&route.elements, request);
    }
    if let Some(version) = decode_as::<NewVersion>(bytes) {
        exercise_graph(&version.elements, request);
    }
    if let Some(elements) = decode_as::<Vec<RouteElement>>(bytes) {
        exercise_graph(&elements, request);
    }
    let text = String::from_utf8_lossy(bytes);
    exercise_route_file(&text, request);
}

fn exercise_graph(elements: &[RouteElement], request: &Value) {
    if let Err(problems) = validate(elements) {
        assert!(!problems.is_empty(), "validate failed with no problem");
        for problem in problems {
            assert!(!problem.to_string().is_empty());
        }
    }
    let mermaid = to_mermaid(elements);
    assert!(
        mermaid.ends_with('\n'),
        "to_mermaid: no final newline: {mermaid:?}"
    );
    let dot = to_dot(elements);
    assert!(dot.ends_with('\n'), "to_dot: no final newline: {dot:?}");
    let explanation = explain(elements, request);
    let _ = explanation.to_string();
    let _ = explanation.models();
    let _ = explanation.unknown_operators();
}

fn exercise_route_file(text: &str, request: &Value) {
    match cloudflare_dynamic_routing::route_file::from_json(text) {
        Ok(route) => {
            let written = cloudflare_dynamic_routing::route_file::to_json(&route);
            assert!(written.ends_with('\n'));
            // Read back, it is the same route; numbers may differ in the last bit, since
            // serde_json's default float parsing is not exactly rounded.
            let reread = cloudflare_dynamic_routing::route_file::from_json(&written)
                .unwrap_or_else(|e| panic!("a written route file does not read back: {e}"));
            assert_eq!(reread.name, route.name);
            let ids = |r: &cloudflare_dynamic_routing::route_file::RouteFile| {
                r.elements
                    .iter()
                    .map(|e| e.id().to_string())
                    .collect::<Vec<_>>()
            };
            assert_eq!(ids(&reread), ids(&route));
            exercise_graph(&route.elements, request);
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        max_shrink_iters: 2_000,
        // Next to this file: the tests crate's lib.rs is not where proptest looks for it.
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

#[test]
fn the_seeds_decode_as_their_types() {
    let seeds = seeds();
    let bytes: Vec<Vec<u8>> = seeds.iter().map(|s| s.to_string().into_bytes()).collect();
    assert!(decode_as::<RouteResponse>(&bytes[0]).is_some());
    assert!(decode_as::<UpdatedRouteResponse>(&bytes[1]).is_some());
    assert!(decode_as::<RoutePageResponse>(&bytes[2]).is_some());
    assert!(decode_as::<RouteWithoutDeploymentResponse>(&bytes[3]).is_some());
    assert!(decode_as::<VersionPageResponse>(&bytes[4]).is_some());
    assert!(decode_as::<VersionDetailResponse>(&bytes[5]).is_some());
    assert!(decode_as::<DeploymentPageResponse>(&bytes[6]).is_some());
    assert!(decode_as::<ErrorBody>(&bytes[7]).is_some());
    assert!(decode_as::<NewRoute>(&bytes[8]).is_some());
    assert!(cloudflare_dynamic_routing::route_file::from_json(&seeds[8].to_string()).is_ok());
    assert!(decode_as::<RouteUpdate>(&bytes[9]).is_some());
    assert!(decode_as::<NewVersion>(&bytes[10]).is_some());
    assert!(decode_as::<NewDeployment>(&bytes[11]).is_some());
    assert!(decode_as::<Vec<RouteElement>>(&bytes[12]).is_some());
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_bytes_never_panic_a_decoder(
        bytes in prop::collection::vec(any::<u8>(), 0..256).prop_map(Body),
        request in arb_request(),
    ) {
        decode_everything(&bytes.0, &request);
    }

    #[test]
    fn arbitrary_json_never_panics_a_decoder(value in arb_json(), request in arb_request()) {
        decode_everything(value.to_string().as_bytes(), &request);
        // Wrapped the way the envelopes are, so that the outer layers decode and the inner
        // ones meet the arbitrary value.
        for wrapped in [
            json!({"success": true, "result": value}),
            json!({"success": true, "route": value}),
            json!({"success": true, "data": value}),
            json!({"name": "n", "elements": [value]}),
        ] {
            decode_everything(wrapped.to_string().as_bytes(), &request);
        }
    }

    #[test]
    fn arbitrary_strings_never_panic_route_files(text in "\\PC{0,64}|.{0,64}") {
        if let Err(error) = cloudflare_dynamic_routing::route_file::from_json(&text) {
            prop_assert!(!error.to_string().is_empty());
        }
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn mutated_fixture_bodies_never_panic_a_decoder(
        body in arb_mutated_body(),
        request in arb_request(),
    ) {
        decode_everything(&body.0, &request);
    }

    #[test]
    fn generated_and_mutated_graphs_never_panic_the_graph_functions(
        body in arb_graph_json(),
        request in arb_request(),
    ) {
        decode_everything(&body.0, &request);
        // As a route file too, which reads strictly.
        if let Ok(elements) = serde_json::from_slice::<Value>(&body.0) {
            let file = json!({"name": "fuzzed", "elements": elements});
            exercise_route_file(&file.to_string(), &request);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The client's whole decode path, over HTTP.
// ---------------------------------------------------------------------------------------------

/// One mock server and one client for every HTTP case; each case swaps the reply.
struct Harness {
    runtime: tokio::runtime::Runtime,
    _server: MockServer,
    client: Client,
    reply: Arc<Mutex<HttpMockResponse>>,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let server = MockServer::start();
        let reply = Arc::new(Mutex::new(HttpMockResponse::builder().status(200).build()));
        let shared = reply.clone();
        server.mock(|when, then| {
            when.method(GET).path_prefix(routes_path());
            then.respond_with(move |_| shared.lock().expect("reply lock").clone());
        });
        let client = Client::builder()
            .base_url(server.base_url())
            .api_token("test-token")
            .retry_policy(RetryPolicy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client");
        Harness {
            runtime,
            _server: server,
            client,
            reply,
        }
    })
}

/// A reply's body: the operation's own valid answer or Cloudflare's error envelope, maybe
/// mutated, or anything else.
#[derive(Debug, Clone)]
enum Reply {
    Answer(Vec<Mutation>, Vec<TextMutation>),
    ErrorEnvelope(Vec<Mutation>, Vec<TextMutation>),
    Other(Body),
}

impl Reply {
    fn body(&self, list: bool) -> Vec<u8> {
        match self {
            Self::Answer(mutations, text) => {
                let answer = if list {
                    page("routes", json!([listed_route()]))
                } else {
                    envelope_result(full_route())
                };
                mutate(answer, mutations, text)
            }
            Self::ErrorEnvelope(mutations, text) => {
                mutate(error_body(1000, "failure"), mutations, text)
            }
            Self::Other(body) => body.0.clone(),
        }
    }

    fn is_intact_answer(&self) -> bool {
        matches!(self, Self::Answer(m, t) if m.is_empty() && t.is_empty())
    }
}

/// A reply: status, content type (or none) and body.
fn arb_reply() -> impl Strategy<Value = (u16, Option<&'static str>, Reply)> {
    let status = prop_oneof![
        4 => Just(200u16),
        3 => prop::sample::select(vec![
            201u16, 202, 204, 206, 299, 300, 301, 304, 400, 401, 403, 404, 409, 418, 429, 500,
            502, 503, 504, 599,
        ]),
        1 => 200u16..600,
    ];
    let content_type = prop::sample::select(vec![
        Some("application/json"),
        Some("application/json; charset=utf-8"),
        Some("text/html"),
        Some("text/plain"),
        Some("application/octet-stream"),
        Some("garbage;;=/x"),
        None,
    ]);
    let reply = prop_oneof![
        4 => (rarely(arb_mutation()), rarely(arb_text_mutation()))
            .prop_map(|(m, t)| Reply::Answer(m, t)),
        1 => (rarely(arb_mutation()), rarely(arb_text_mutation()))
            .prop_map(|(m, t)| Reply::ErrorEnvelope(m, t)),
        2 => arb_mutated_body().prop_map(Reply::Other),
        1 => arb_json().prop_map(|v| Reply::Other(Body(v.to_string().into_bytes()))),
        1 => prop::collection::vec(any::<u8>(), 0..128).prop_map(|b| Reply::Other(Body(b))),
        1 => Just(Reply::Other(Body(b"<html><body>502 Bad Gateway</body></html>".to_vec()))),
    ];
    (status, content_type, reply)
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn any_reply_gives_ok_or_a_described_error(
        (status, content_type, reply) in arb_reply(),
        list in any::<bool>(),
    ) {
        let harness = harness();
        let mut response = HttpMockResponse::builder().status(status);
        if let Some(content_type) = content_type {
            response = response.header("content-type", content_type);
        }
        *harness.reply.lock().expect("reply lock") = response.body(reply.body(list)).build();
        let gateway = harness.client.gateway(ACCOUNT, GATEWAY);
        let outcome = harness.runtime.block_on(async {
            if list {
                gateway.list_routes(PageRequest::default()).await.map(drop)
            } else {
                gateway.get_route(ROUTE_ID).await.map(drop)
            }
        });
        match outcome {
            Err(error) => {
                let text = error.to_string();
                prop_assert!(!text.is_empty());
                // An error status is reported as such, whatever the body.
                if !(200..300).contains(&status) {
                    prop_assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{}", text);
                }
                // The operation's own answer, intact, with 200 and JSON, decodes.
                prop_assert!(
                    !(status == 200 && content_type == Some("application/json")
                        && reply.is_intact_answer()),
                    "the valid answer failed: {}", text
                );
            }
            Ok(()) => prop_assert!((200..300).contains(&status), "HTTP {} gave Ok", status),
        }
    }
}
