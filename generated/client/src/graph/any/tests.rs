//! An element decodes to the same value whatever the order of its fields: `AnyElement`'s
//! one-pass decoder (kind first) and its buffered path (fields before `type`) both agree with
//! an independent oracle: the input parsed as a `serde_json::Value` (last repeated key wins),
//! then the generated `RouteElement`'s derived decoder for a known kind, or the object kept
//! whole for any other.

use crate::fixtures;
use crate::graph::AnyElement;
use crate::types::RouteElement;
use serde_json::{Map, Value, json};

const KNOWN: [&str; 6] = ["start", "conditional", "percentage", "rate", "model", "end"];

/// What the element in `text` must decode to, or `None` if it must not decode.
fn oracle(text: &str) -> Option<AnyElement> {
    let Ok(Value::Object(object)) = serde_json::from_str::<Value>(text) else {
        return None;
    };
    let known = object
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|kind| KNOWN.contains(&kind));
    if known {
        serde_json::from_value::<RouteElement>(Value::Object(object))
            .ok()
            .map(AnyElement::Known)
    } else {
        // Unknown kinds are kept whole: the oracle is the object itself, re-read.
        serde_json::from_value::<AnyElement>(Value::Object(object.clone()))
            .ok()
            .filter(|e| matches!(e, AnyElement::Unknown(u) if *u.json() == object))
    }
}

/// `text` decoded from a slice (borrowed strings), from a reader (owned strings) and from a
/// `Value`; all three must agree with the oracle.
fn assert_decodes_as_oracle(text: &str) {
    let expected = oracle(text);
    let from_slice = serde_json::from_slice::<AnyElement>(text.as_bytes()).ok();
    let from_reader = serde_json::from_reader::<_, AnyElement>(text.as_bytes()).ok();
    let from_value = serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| serde_json::from_value::<AnyElement>(v).ok());
    assert_eq!(from_slice, expected, "from a slice: {text}");
    assert_eq!(from_reader, expected, "from a reader: {text}");
    assert_eq!(from_value, expected, "from a Value: {text}");
}

/// Every ordering of `entries`, as JSON object text.
fn orderings(entries: &[(String, String)]) -> Vec<String> {
    if entries.len() <= 1 {
        return vec![format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{k}:{v}"))
                .collect::<String>()
        )];
    }
    let mut all = Vec::new();
    for first in 0..entries.len() {
        let mut rest = entries.to_vec();
        let (key, value) = rest.remove(first);
        for tail in orderings(&rest) {
            let inner = &tail[1..tail.len() - 1];
            let sep = if inner.is_empty() { "" } else { "," };
            all.push(format!("{{{key}:{value}{sep}{inner}}}"));
        }
    }
    all
}

fn entries(object: &Map<String, Value>) -> Vec<(String, String)> {
    object
        .iter()
        .map(|(k, v)| (Value::from(k.as_str()).to_string(), v.to_string()))
        .collect()
}

fn sample_elements() -> Vec<Map<String, Value>> {
    let mut graph = fixtures::large_graph(7);
    if let (Value::Array(all), Value::Array(more)) = (&mut graph, fixtures::graph()) {
        all.extend(more);
        all.push(
            json!({"id": "cache", "type": "semantic_cache", "properties": {"t": 0.5},
                        "outputs": {"hit": {"elementId": "end"}}}),
        );
    }
    graph
        .as_array()
        .expect("an array")
        .iter()
        .map(|e| e.as_object().expect("an object").clone())
        .collect()
}

#[test]
fn every_order_of_every_elements_fields_decodes_alike() {
    let mut checked = 0;
    for element in sample_elements() {
        for text in orderings(&entries(&element)) {
            assert_decodes_as_oracle(&text);
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked} orderings");
}

#[test]
fn unknown_fields_repeated_keys_and_escapes_decode_alike_in_every_order() {
    for element in sample_elements() {
        let mut fields = entries(&element);
        // An unknown field, a repeated id (the last one wins) and an escaped key that
        // still spells `outputs`.
        fields.push(("\"note\"".into(), "[1,{\"a\":null}]".into()));
        fields.push(("\"id\"".into(), "\"renamed\"".into()));
        if let Some(outputs) = fields.iter().position(|(k, _)| k == "\"outputs\"") {
            fields[outputs].0 = "\"out\\u0070uts\"".into();
        }
        for text in orderings(&fields) {
            assert_decodes_as_oracle(&text);
        }
    }
}

#[test]
fn broken_elements_are_errors_in_every_order() {
    let broken = [
        json!({"id": "m", "type": "model", "outputs": {"success": {"elementId": "e"},
               "fallback": {"elementId": "e"}}}),
        json!({"id": "m", "type": "model", "properties": {"model": "m", "provider": "p",
               "retries": 0.0, "timeout": 1.0}}),
        json!({"type": "start", "outputs": {"next": {"elementId": "e"}}}),
        json!({"id": 5, "type": "end", "outputs": {}}),
        json!({"id": "r", "type": "rate", "properties": {"key": "k", "limit": 1.0,
               "limitType": "tokens", "window": 60.0},
               "outputs": {"success": {"elementId": "e"}, "fallback": {"elementId": "e"}}}),
    ];
    for element in broken {
        let object = element.as_object().expect("an object");
        for text in orderings(&entries(object)) {
            assert!(oracle(&text).is_none(), "the oracle rejects {text}");
            assert_decodes_as_oracle(&text);
        }
    }
}

#[test]
fn errors_name_the_missing_field() {
    let cases = [
        (
            r#"{"type":"model","id":"m","outputs":{"success":{"elementId":"e"},"fallback":{"elementId":"e"}}}"#,
            "properties",
        ),
        (
            r#"{"type":"start","outputs":{"next":{"elementId":"e"}}}"#,
            "id",
        ),
        (r#"{"id":"s","type":"start"}"#, "outputs"),
        (
            r#"{"type":"rate","id":"r","properties":{"key":"k","limitType":"count","window":1},"outputs":{"success":{"elementId":"e"},"fallback":{"elementId":"e"}}}"#,
            "limit",
        ),
    ];
    for (text, field) in cases {
        let error = serde_json::from_str::<AnyElement>(text).expect_err(text);
        assert!(
            error.to_string().contains(&format!("`{field}`")),
            "{text}: {error}"
        );
    }
}

#[test]
fn a_second_type_of_another_kind_is_an_error_and_of_the_same_kind_is_not() {
    let text = r#"{"id":"e","type":"end","outputs":{},"type":"start"}"#;
    let error = serde_json::from_str::<AnyElement>(text).expect_err("two kinds");
    assert!(
        error.to_string().contains("second, different `type`"),
        "{error}"
    );

    let text = r#"{"id":"e","type":"end","outputs":{},"type":"end"}"#;
    let element = serde_json::from_str::<AnyElement>(text).expect("one kind, twice");
    assert_eq!(element.id(), "e");
}

#[test]
fn a_non_object_is_an_error() {
    for text in ["[]", "\"start\"", "null", "3"] {
        assert!(serde_json::from_str::<AnyElement>(text).is_err(), "{text}");
    }
}
