//! Reading request bodies and queries: a JSON object with its required fields, every problem a
//! 400 with code 7001 that names it, as the API's own request validation does.

use serde_json::{Map, Value};

use crate::error::ApiError;

/// The body as a JSON object.
pub(crate) fn object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::invalid(
            "the request body is empty; a JSON object is required",
        ));
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(other) => Err(ApiError::invalid(format!(
            "the request body must be a JSON object, not {}",
            kind(&other)
        ))),
        Err(e) => Err(ApiError::invalid(format!(
            "the request body is not valid JSON: {e}"
        ))),
    }
}

/// A required, non-empty string field.
pub(crate) fn string(object: &Map<String, Value>, field: &str) -> Result<String, ApiError> {
    match object.get(field) {
        None => Err(ApiError::invalid(format!("`{field}`: Required"))),
        Some(Value::String(text)) if text.trim().is_empty() => {
            Err(ApiError::invalid(format!("`{field}` must not be empty")))
        }
        Some(Value::String(text)) => Ok(text.clone()),
        Some(other) => Err(ApiError::invalid(format!(
            "`{field}`: expected a string, received {}",
            kind(other)
        ))),
    }
}

/// The required `elements` field, as sent (judged later by `graph::check`).
pub(crate) fn elements(object: &Map<String, Value>) -> Result<Value, ApiError> {
    object
        .get("elements")
        .cloned()
        .ok_or_else(|| ApiError::invalid("`elements`: Required"))
}

/// An optional whole-number query parameter of at least 1, or `default`.
pub(crate) fn positive(name: &str, value: Option<&str>, default: u64) -> Result<u64, ApiError> {
    let Some(text) = value else {
        return Ok(default);
    };
    match text.trim().parse::<u64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(ApiError::invalid(format!(
            "`{name}` must be a whole number of at least 1, not `{text}`"
        ))),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bad_body_names_its_problem() {
        let message = |body: &[u8]| object(body).expect_err("bad").message;
        assert!(message(b"").contains("empty"));
        assert!(message(b"{\"name\":").contains("not valid JSON"));
        assert!(message(b"[1]").contains("not an array"));
        let body = object(br#"{"name": 3}"#).expect("an object");
        assert!(
            string(&body, "name")
                .expect_err("a number")
                .message
                .contains("a number")
        );
        assert!(
            string(&body, "other")
                .expect_err("missing")
                .message
                .contains("Required")
        );
        assert!(positive("page", Some("0"), 1).is_err());
        assert_eq!(positive("page", None, 1), Ok(1));
    }
}
