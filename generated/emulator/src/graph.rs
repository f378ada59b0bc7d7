//! Graphs as the API judges and stores them: decoded into the client's `RouteElement` and
//! checked by its `graph::validate` (any failure is 7001; a missing required field, such as a
//! `model`'s `outputs.fallback`, `properties.timeout` or `properties.retries`, is "Required"),
//! and, in the live style, stripped of element properties the API does not know, with numbers
//! as JavaScript writes them and `conditions` keys in one order (live behaviours 10, 13 and 14 of `spec/PROVENANCE.md`).

use cloudflare_dynamic_routing::Number;
use cloudflare_dynamic_routing::graph::validate;
use cloudflare_dynamic_routing::types::RouteElement;
use serde_json::{Map, Value};

use crate::config::Style;
use crate::error::ApiError;

/// The graph to store for `submitted`: checked (7001 if invalid), then kept as sent when
/// documented, or as the live API keeps it: unknown properties dropped, every number as
/// JavaScript writes it (`2.0`, `2e0` → `2`) and `conditions` keys sorted (live behaviours 10 and 14).
pub(crate) fn to_store(style: Style, submitted: &Value) -> Result<Value, ApiError> {
    let decoded = check(submitted)?;
    Ok(match style {
        Style::Documented => submitted.clone(),
        Style::Live => {
            let mut stored = drop_unknown_properties(submitted, &decoded);
            Number::normalize_all(&mut stored);
            if let Value::Array(elements) = &mut stored {
                for conditions in elements
                    .iter_mut()
                    .filter_map(|e| e.pointer_mut("/properties/conditions"))
                {
                    sort_keys(conditions);
                }
            }
            stored
        }
    })
}

/// `value` with every object's keys in sorted order, at every depth: the API does not keep the
/// order `conditions` were written in.
fn sort_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            for (key, mut child) in entries {
                sort_keys(&mut child);
                map.insert(key, child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(sort_keys),
        _ => {}
    }
}

/// The elements decoded and validated, or a 7001 error naming every problem.
pub(crate) fn check(elements: &Value) -> Result<Vec<RouteElement>, ApiError> {
    let decoded: Vec<RouteElement> = serde_path_to_error::deserialize(elements).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." {
            "elements".to_string()
        } else {
            format!("elements.{path}")
        };
        let problem = e.inner().to_string();
        // A missing field is answered as the live API does (live behaviour 13): its path and "Required".
        match missing_field(&problem) {
            Some(field) => {
                ApiError::invalid(format!("Invalid route graph: {at}.{field}: Required"))
            }
            None => ApiError::invalid(format!("Invalid route graph: {at}: {problem}")),
        }
    })?;
    validate(&decoded)
        .map_err(|problems| ApiError::invalid(format!("Invalid route graph:\n{problems}")))?;
    Ok(decoded)
}

/// The field serde names in "missing field `x`" (its message may go on after the name).
fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// `submitted` with each element's `properties` cut to the keys its kind knows, as the live
/// API stores it (live behaviour 10: `condition` for `conditions`, a rate's `technique`, are
/// dropped silently). The known keys are those the typed element serialises back; the kept
/// values are the submitted ones, so `30000` stays `30000` rather than the typed `30000.0`.
pub(crate) fn drop_unknown_properties(submitted: &Value, decoded: &[RouteElement]) -> Value {
    let Value::Array(elements) = submitted else {
        return submitted.clone();
    };
    let kept = elements
        .iter()
        .zip(decoded)
        .map(|(element, typed)| keep_known(element, typed))
        .collect();
    Value::Array(kept)
}

fn keep_known(element: &Value, typed: &RouteElement) -> Value {
    let mut element = element.clone();
    let Some(object) = element.as_object_mut() else {
        return element;
    };
    let Some(Value::Object(properties)) = object.get("properties") else {
        return element;
    };
    let retyped = serde_json::to_value(typed).unwrap_or_default();
    match retyped.get("properties") {
        Some(Value::Object(known)) => {
            let kept: Map<String, Value> = properties
                .iter()
                .filter(|(key, _)| known.contains_key(*key) || kept_when_empty(typed, key))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect();
            object.insert("properties".to_string(), Value::Object(kept));
        }
        // A kind without properties (start, percentage, end) keeps none.
        _ => {
            object.remove("properties");
        }
    }
    element
}

/// Keys the typed element leaves out when empty, though known: a conditional's `conditions`
/// (`{}` is skipped when serialised).
fn kept_when_empty(typed: &RouteElement, key: &str) -> bool {
    matches!(typed, RouteElement::Conditional { .. }) && key == "conditions"
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn graph(rate_properties: Value) -> Value {
        json!([
            {"id": "start", "type": "start", "outputs": {"next": {"elementId": "budget"}}},
            {"id": "budget", "type": "rate", "properties": rate_properties,
             "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}},
            {"id": "end", "type": "end", "outputs": {}}
        ])
    }

    #[test]
    fn keeps_known_properties_as_written_and_drops_the_rest() {
        let submitted = graph(
            json!({"key": "metadata.user", "limit": 100, "limitType": "count",
                                     "window": 3600, "technique": "sliding"}),
        );
        let decoded = check(&submitted).expect("valid");
        let stored = drop_unknown_properties(&submitted, &decoded);
        assert_eq!(
            stored[1]["properties"],
            json!({"key": "metadata.user", "limit": 100, "limitType": "count", "window": 3600})
        );
        assert_eq!(stored[1]["properties"]["limit"].to_string(), "100");
    }

    #[test]
    fn an_invalid_graph_names_the_problem() {
        let missing_window = graph(json!({"key": "k", "limit": 1, "limitType": "count"}));
        let error = check(&missing_window).expect_err("no window");
        assert_eq!(error.code, 7001);
        assert!(error.message.contains("window"), "{}", error.message);

        let split = json!([
            {"id": "start", "type": "start", "outputs": {"next": {"elementId": "split"}}},
            {"id": "split", "type": "percentage",
             "outputs": {"60%": {"elementId": "end"}, "else": {"elementId": "end"}}},
            {"id": "end", "type": "end", "outputs": {}}
        ]);
        let error = check(&split).expect_err("an else output");
        assert!(error.message.contains("else"), "{}", error.message);
    }

    fn model(properties: Value, outputs: Value) -> Value {
        json!([
            {"id": "start", "type": "start", "outputs": {"next": {"elementId": "gpt"}}},
            {"id": "gpt", "type": "model", "properties": properties, "outputs": outputs},
            {"id": "end", "type": "end", "outputs": {}}
        ])
    }

    #[test]
    fn a_model_without_fallback_timeout_or_retries_is_required_in_both_styles() {
        let both = json!({"success": {"elementId": "end"}, "fallback": {"elementId": "end"}});
        let full = json!({"provider": "openai", "model": "gpt-4o", "timeout": 30000, "retries": 1});
        for style in [Style::Documented, Style::Live] {
            let stored = to_store(style, &model(full.clone(), both.clone()));
            assert!(stored.is_ok(), "{:?}", stored.err().map(|e| e.message));
            for missing in ["timeout", "retries"] {
                let mut properties = full.clone();
                properties.as_object_mut().expect("object").remove(missing);
                let error = to_store(style, &model(properties, both.clone())).expect_err(missing);
                assert_eq!(error.code, 7001);
                assert!(
                    error.message.ends_with(&format!("{missing}: Required")),
                    "{}",
                    error.message
                );
            }
            let no_fallback = json!({"success": {"elementId": "end"}});
            let error = to_store(style, &model(full.clone(), no_fallback)).expect_err("fallback");
            assert!(
                error.message.ends_with("fallback: Required"),
                "{}",
                error.message
            );
        }
    }

    #[test]
    fn live_style_stores_numbers_as_javascript_and_conditions_keys_in_one_order() {
        let submitted: Value = serde_json::from_str(
            r#"[{"id": "start", "type": "start", "outputs": {"next": {"elementId": "if"}}},
                {"id": "if", "type": "conditional",
                 "properties": {"conditions": {"metadata.z": {"$eq": 2.0}, "metadata.a": {"$in": [2e0, 0.5]}}},
                 "outputs": {"true": {"elementId": "end"}, "false": {"elementId": "end"}}},
                {"id": "end", "type": "end", "outputs": {}}]"#,
        )
        .expect("json");
        let live = to_store(Style::Live, &submitted).expect("valid");
        assert_eq!(
            live[1]["properties"]["conditions"].to_string(),
            r#"{"metadata.a":{"$in":[2,0.5]},"metadata.z":{"$eq":2}}"#
        );
        let documented = to_store(Style::Documented, &submitted).expect("valid");
        assert_eq!(documented, submitted);
        assert_eq!(
            documented[1]["properties"]["conditions"]["metadata.z"]["$eq"].to_string(),
            "2.0"
        );
    }
}
