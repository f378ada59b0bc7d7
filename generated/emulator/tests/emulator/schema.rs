//! Conformance: every answer of the documented style validates against the vendored spec's
//! response schema for its operation and status. The spec documents one error shape, under
//! `400`, so every error answer (400, 401, 404, 409) is checked against it. The spec is
//! OpenAPI 3.0: its schemas are turned into JSON Schema draft 4 (`$ref`s inlined, `nullable`
//! made a `null` type, `example` and `x-` extensions left out) and formats are checked.

use cloudflare_dynamic_routing_emulator::{EmulatorConfig, Operation};
use serde_json::{Map, Value, json};

use crate::support::*;

const SPEC: &str = include_str!("../../../../spec/dynamic-routing.openapi.json");

/// The operation object whose `operationId` is `id`.
fn operation<'s>(spec: &'s Value, id: &str) -> &'s Value {
    spec["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_object().expect("a path item").values())
        .find(|op| op["operationId"] == json!(id))
        .unwrap_or_else(|| panic!("no operation `{id}` in the spec"))
}

/// The JSON Schema of `operation`'s answer with `status`, or of its `400` (the one documented
/// error) when the status is not documented.
fn response_schema(spec: &Value, operation: Operation, status: u16) -> Value {
    let responses = &operation_of(spec, operation)["responses"];
    let response = responses
        .get(status.to_string())
        .filter(|_| status < 400)
        .unwrap_or(&responses["400"]);
    let schema = &response["content"]["application/json"]["schema"];
    assert!(schema.is_object(), "{operation}: no schema for {status}");
    json_schema(schema, spec, 0)
}

fn operation_of(spec: &Value, operation: Operation) -> &Value {
    self::operation(spec, operation.operation_id())
}

/// An OpenAPI 3.0 schema as JSON Schema draft 4.
fn json_schema(schema: &Value, spec: &Value, depth: u32) -> Value {
    assert!(depth < 64, "a `$ref` cycle");
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    if let Some(Value::String(reference)) = map.get("$ref") {
        let pointer = reference.strip_prefix('#').expect("a local `$ref`");
        let target = spec.pointer(pointer).expect("the `$ref` resolves");
        return json_schema(target, spec, depth + 1);
    }
    let mut out = Map::new();
    for (key, value) in map {
        let converted = match key.as_str() {
            "nullable" | "example" => continue,
            key if key.starts_with("x-") => continue,
            // Property names are not keywords: convert each schema, keep every name.
            "properties" => Value::Object(
                value
                    .as_object()
                    .expect("properties")
                    .iter()
                    .map(|(name, s)| (name.clone(), json_schema(s, spec, depth + 1)))
                    .collect(),
            ),
            "items" | "additionalProperties" | "not" => json_schema(value, spec, depth + 1),
            "oneOf" | "anyOf" | "allOf" => Value::Array(
                value
                    .as_array()
                    .expect("a list of schemas")
                    .iter()
                    .map(|s| json_schema(s, spec, depth + 1))
                    .collect(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    if map.get("nullable") == Some(&Value::Bool(true)) {
        if let Some(Value::Array(values)) = out.get_mut("enum") {
            values.push(Value::Null);
        }
        match out.get("type").cloned() {
            Some(Value::String(kind)) => {
                out.insert("type".into(), json!([kind, "null"]));
            }
            _ => return json!({"anyOf": [Value::Object(out), {"type": "null"}]}),
        }
    }
    Value::Object(out)
}

fn check(spec: &Value, operation: Operation, status: u16, body: &Value) -> Vec<String> {
    let schema = response_schema(spec, operation, status);
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("a valid JSON Schema");
    validator
        .iter_errors(body)
        .map(|e| format!("{operation} {status}: {e} at `{}`", e.instance_path()))
        .collect()
}

#[tokio::test]
async fn every_documented_answer_matches_the_spec() {
    let spec: Value = serde_json::from_str(SPEC).expect("the spec is JSON");
    let emulator = emulator(EmulatorConfig::documented()).await;
    let raw = Raw::new(&emulator);
    let mut answers: Vec<(Operation, Answer)> = Vec::new();

    let created = raw
        .post(&routes_path(), json!({"name": "r", "elements": graph()}))
        .await;
    let id = text(&created.body["result"]["id"]);
    answers.push((Operation::CreateRoute, created));
    raw.create("taken", graph()).await;
    let versions = format!("{}/versions", route_path(&id));
    let deployments = format!("{}/deployments", route_path(&id));

    answers.push((Operation::ListRoutes, raw.get(&routes_path()).await));
    answers.push((Operation::GetRoute, raw.get(&route_path(&id)).await));
    let renamed = raw.patch(&route_path(&id), json!({"name": "r2"})).await;
    answers.push((Operation::UpdateRoute, renamed));
    let version = raw
        .post(&versions, json!({"elements": small_graph("m")}))
        .await;
    answers.push((Operation::CreateVersion, version));
    let listed = raw.get(&versions).await;
    let v2 = text(&listed.body["data"]["versions"][0]["version_id"]);
    answers.push((Operation::ListVersions, listed));
    answers.push((
        Operation::GetVersion,
        raw.get(&format!("{versions}/{v2}")).await,
    ));
    let deployed = raw.post(&deployments, json!({"version_id": v2})).await;
    answers.push((Operation::CreateDeployment, deployed));
    answers.push((Operation::ListDeployments, raw.get(&deployments).await));
    answers.push((Operation::DeleteRoute, raw.delete(&route_path(&id)).await));

    // Errors: an invalid graph, a missing route, a taken name, no credentials.
    let mut bad = graph();
    bad[6]
        .as_object_mut()
        .expect("the end element")
        .remove("outputs");
    let invalid = raw
        .post(&routes_path(), json!({"name": "bad", "elements": bad}))
        .await;
    answers.push((Operation::CreateRoute, invalid));
    answers.push((Operation::GetRoute, raw.get(&route_path(&id)).await));
    let (other, _) = raw.create("other", graph()).await;
    let taken = raw
        .patch(&route_path(&other), json!({"name": "taken"}))
        .await;
    answers.push((Operation::UpdateRoute, taken));
    let anonymous = raw
        .send(raw.anonymous(reqwest::Method::GET, &routes_path()))
        .await;
    answers.push((Operation::ListRoutes, anonymous));

    let statuses: Vec<(Operation, u16)> = answers.iter().map(|(o, a)| (*o, a.status)).collect();
    for operation in Operation::ALL {
        assert!(
            statuses.contains(&(operation, 200)),
            "{operation} is not exercised: {statuses:?}"
        );
    }
    for status in [400, 401, 404, 409] {
        assert!(
            statuses.iter().any(|(_, s)| *s == status),
            "no {status}: {statuses:?}"
        );
    }
    let problems: Vec<String> = answers
        .iter()
        .flat_map(|(operation, answer)| check(&spec, *operation, answer.status, &answer.body))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_catches_a_wrong_shape() {
    // A live-style list item (no `elements`, boolean `active`) is not the documented shape.
    let spec: Value = serde_json::from_str(SPEC).expect("the spec is JSON");
    let live_item = json!({"success": true, "data": {
        "routes": [{"id": "r", "name": "n", "gateway_id": "g", "account_tag": "a",
                    "created_at": "2026-11-01T10:00:00Z", "modified_at": "2026-11-01T10:00:00Z",
                    "deployment": {"deployment_id": "d", "version_id": "v", "created_at": "x"},
                    "version": {"version_id": "v", "active": true, "created_at": "x"}}],
        "page": 1, "per_page": 20, "order_by": "created_at", "order_by_direction": "desc"}});
    let problems = check(&spec, Operation::ListRoutes, 200, &live_item);
    assert!(problems.len() >= 3, "{problems:?}");
    let bad_time = json!({"success": true, "result": {"id": "r", "name": "n", "gateway_id": "g",
        "created_at": "yesterday", "modified_at": "2026-11-01T10:00:00Z", "elements": []}});
    assert_eq!(
        check(&spec, Operation::DeleteRoute, 200, &bad_time).len(),
        1
    );
}
