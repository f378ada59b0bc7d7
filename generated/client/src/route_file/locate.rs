//! Where a route file is wrong: decoding that keeps the JSON pointer of the failure (serde
//! loses it inside the internally tagged `RouteElement`, so an element is decoded again part
//! by part), the element it is in, and keys decoding dropped, with a likely intended key.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::RouteFileError;
use crate::types::{
    ConditionalOutputs, ConditionalProperties, ElementRef, FallbackOutputs, ModelProperties,
    RateLimitProperties, StartOutputs,
};

/// Decodes `value` as `T`; an error names the JSON pointer and the element it is in.
pub(super) fn decode<T: DeserializeOwned>(value: &Value) -> Result<T, RouteFileError> {
    let (pointer, message) = match decode_at::<T>(value, "") {
        Ok(decoded) => return Ok(decoded),
        Err(failure) => failure,
    };
    // Inside an element serde reports only the element; decode its parts to find the field.
    let (pointer, message) = match element_index(&pointer) {
        // serde stops at the element, or at a field of it that it reports as missing.
        Some(index) if pointer.matches('/').count() <= 3 => {
            within_element(value, index).unwrap_or((pointer, message))
        }
        _ => (pointer, message),
    };
    let mut error = RouteFileError::new(pointer.clone(), message);
    error.element = element_at(value, &pointer);
    Err(error)
}

/// `T` decoded from `value`, or the pointer (under `prefix`) and message of the first failure.
/// A missing field's pointer names the field itself.
fn decode_at<T: DeserializeOwned>(value: &Value, prefix: &str) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let mut pointer = prefix.to_string();
        for segment in e.path().iter() {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
                Segment::Map { key } => pointer.push_str(&format!("/{}", escape(key))),
                Segment::Enum { .. } | Segment::Unknown => {}
            }
        }
        let message = e.inner().to_string();
        if let Some(field) = missing_field(&message) {
            pointer.push_str(&format!("/{}", escape(field)));
            return (
                pointer,
                "missing field".to_string() + &hint(value, e.path(), field),
            );
        }
        (pointer, message)
    })
}

/// The field a serde "missing field `x`" message names.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// For a missing field, a key in the same object that looks like it was meant:
/// `; the file has `elementID`: a misspelling of `elementId`?`.
fn hint(decoded: &Value, path: &serde_path_to_error::Path, field: &str) -> String {
    let mut object = decoded;
    for segment in path.iter() {
        use serde_path_to_error::Segment;
        object = match segment {
            Segment::Seq { index } => &object[*index],
            Segment::Map { key } => &object[key.as_str()],
            _ => object,
        };
    }
    match object.as_object().and_then(|keys| {
        keys.keys()
            .find(|key| key.as_str() != field && looks_like(key, field))
    }) {
        Some(key) => format!(" `{field}`; the file has `{key}`: a misspelling of `{field}`?"),
        None => format!(" `{field}`"),
    }
}

/// Whether `given` is probably a misspelling of `wanted`: equal ignoring case, `-` and `_`,
/// or within two edits.
fn looks_like(given: &str, wanted: &str) -> bool {
    let fold = |s: &str| s.to_lowercase().replace(['-', '_'], "");
    fold(given) == fold(wanted) || strsim::damerau_levenshtein(given, wanted) <= 2
}

/// An element that serde reports as a whole, decoded part by part for the failing field.
fn within_element(root: &Value, index: usize) -> Option<(String, String)> {
    let element = root.get("elements")?.get(index)?;
    let at = format!("/elements/{index}");
    let kind = element.get("type").and_then(Value::as_str)?;
    let part = |name: &str| (element.get(name), format!("{at}/{name}"));
    type Check = fn(&Value, &str) -> Result<(), (String, String)>;
    fn check<T: DeserializeOwned>(value: &Value, prefix: &str) -> Result<(), (String, String)> {
        decode_at::<T>(value, prefix).map(|_| ())
    }
    let parts: &[(&str, Check)] = match kind {
        "start" => &[("outputs", check::<StartOutputs>)],
        "conditional" => &[
            ("properties", check::<ConditionalProperties>),
            ("outputs", check::<ConditionalOutputs>),
        ],
        "percentage" | "end" => &[(
            "outputs",
            check::<std::collections::BTreeMap<String, ElementRef>>,
        )],
        "rate" => &[
            ("properties", check::<RateLimitProperties>),
            ("outputs", check::<FallbackOutputs>),
        ],
        "model" => &[
            ("properties", check::<ModelProperties>),
            ("outputs", check::<FallbackOutputs>),
        ],
        _ => &[],
    };
    parts.iter().find_map(|(name, check)| match part(name) {
        (Some(value), prefix) => check(value, &prefix).err(),
        (None, _) => None,
    })
}

/// The index of the element a pointer is in, if it is under `/elements/N`.
fn element_index(pointer: &str) -> Option<usize> {
    pointer
        .strip_prefix("/elements/")?
        .split('/')
        .next()?
        .parse()
        .ok()
}

/// The element (index, id) a pointer is in.
pub(super) fn element_at(root: &Value, pointer: &str) -> Option<(usize, Option<String>)> {
    let index = element_index(pointer)?;
    let id = root
        .pointer(&format!("/elements/{index}/id"))
        .and_then(Value::as_str)
        .map(str::to_string);
    Some((index, id))
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The JSON pointer of the first key in `input` that decoding dropped. An empty object, array
/// or null that the types leave out when encoding is not counted: nothing was lost.
pub(super) fn first_unknown_key(input: &Value, understood: &Value, at: String) -> Option<String> {
    match (input, understood) {
        (Value::Object(given), Value::Object(kept)) => given.iter().find_map(|(key, value)| {
            let child = format!("{at}/{}", escape(key));
            match kept.get(key) {
                Some(kept_value) => first_unknown_key(value, kept_value, child),
                None if is_empty(value) => None,
                None => Some(child),
            }
        }),
        (Value::Array(given), Value::Array(kept)) => given
            .iter()
            .zip(kept)
            .enumerate()
            .find_map(|(i, (g, k))| first_unknown_key(g, k, format!("{at}/{i}"))),
        _ => None,
    }
}

/// For an unknown key at `pointer`, a known key beside it that it may be a misspelling of.
pub(super) fn did_you_mean(pointer: &str) -> String {
    let key = pointer.rsplit('/').next().unwrap_or_default();
    let known = [
        "id",
        "name",
        "elements",
        "tests",
        "type",
        "outputs",
        "properties",
        "elementId",
        "provider",
        "model",
        "retries",
        "timeout",
        "conditions",
        "key",
        "limit",
        "limitType",
        "window",
        "next",
        "true",
        "false",
        "success",
        "fallback",
        "request",
        "expect",
        "metadata",
        "headers",
        "body",
        "end",
        "models",
        "branches",
    ];
    match known.iter().find(|k| **k != key && looks_like(key, k)) {
        Some(meant) => format!(" `{key}`: a misspelling of `{meant}`?"),
        None => format!(" `{key}`: route files have no such field"),
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}
