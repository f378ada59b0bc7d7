//! Graphs as the API judges and stores them: decoded into the client's `RouteElement` and
//! checked by its `graph::validate` (any failure is 7001), and, in the live style, stripped of
//! element properties the API does not know while the submitted numbers stay as written.

use cloudflare_dynamic_routing::graph::validate;
use cloudflare_dynamic_routing::types::RouteElement;
use serde_json::{Map, Value};

use crate::config::Style;
use crate::error::ApiError;

/// The graph to store for `submitted`: checked (7001 if invalid), then kept as sent when
/// documented, or with unknown properties dropped when live.
pub(crate) fn to_store(style: Style, submitted: &Value) -> Result<Value, ApiError> {
    let decoded = check(submitted)?;
    Ok(match style {
        Style::Documented => submitted.clone(),
        Style::Live => drop_unknown_properties(submitted, &decoded),
    })
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
        ApiError::invalid(format!("Invalid route graph: {at}: {}", e.inner()))
    })?;
    validate(&decoded)
        .map_err(|problems| ApiError::invalid(format!("Invalid route graph:\n{problems}")))?;
    Ok(decoded)
}

/// `submitted` with each element's `properties` cut to the keys its kind knows, as the live
/// API stores it (evidence row 9: `condition` for `conditions`, a rate's `technique`, are
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
}
