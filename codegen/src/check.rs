//! Step 2: check what the generator relies on, so a spec it cannot handle fails here with a
//! location instead of inside progenitor (which asserts, or has `todo!()`, on such shapes).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::{Error, naming, pointer};

/// The HTTP methods an OpenAPI path item may hold.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The only media type the generated client sends and reads.
pub const JSON: &str = "application/json";

/// Checks the whole document; the first problem found is returned.
pub fn check(document: &Value) -> Result<(), Error> {
    check_refs(document, document, "#")?;
    let paths = document
        .get("paths")
        .and_then(Value::as_object)
        .filter(|paths| !paths.is_empty())
        .ok_or_else(|| Error::at("#/paths", "the spec has no paths"))?;
    let mut seen: BTreeMap<&str, String> = BTreeMap::new();
    for (path, item) in paths {
        let item_pointer = pointer::push("#/paths", path);
        let item = deref(document, item);
        for (method, operation) in operations(item) {
            let at = pointer::push(&item_pointer, method);
            let id = operation
                .get("operationId")
                .and_then(Value::as_str)
                .filter(|id| !id.trim().is_empty())
                .ok_or_else(|| Error::at(&at, "operation has no operationId"))?;
            if let Some(first) = seen.insert(id, at.clone()) {
                return Err(Error::at(
                    &at,
                    format!("operationId `{id}` is already used at {first}"),
                ));
            }
            if naming::method_for(id).is_none() {
                return Err(Error::at(
                    pointer::push(&at, "operationId"),
                    format!(
                        "operation `{id}` has no method name; add it to OPERATIONS in codegen/src/naming.rs"
                    ),
                ));
            }
            check_parameters(document, path, (item, &item_pointer), operation, &at)?;
            check_request_body(document, operation, &at)?;
            check_responses(document, operation, &at)?;
        }
    }
    Ok(())
}

/// The operations of a path item, in document order.
pub fn operations(item: &Value) -> impl Iterator<Item = (&str, &Map<String, Value>)> {
    item.as_object().into_iter().flat_map(|item| {
        item.iter().filter_map(|(method, operation)| {
            let method = METHODS.iter().find(|m| **m == method)?;
            Some((*method, operation.as_object()?))
        })
    })
}

/// Follows a local `$ref` (already checked to resolve); other values are returned as they are.
fn deref<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => pointer::resolve(document, reference)
            .map(|target| deref(document, target))
            .unwrap_or(value),
        None => value,
    }
}

/// Every `$ref` must be local and resolve.
fn check_refs(document: &Value, value: &Value, at: &str) -> Result<(), Error> {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref") {
                let target = reference
                    .as_str()
                    .ok_or_else(|| Error::at(at, "`$ref` must be a string"))?;
                if !target.starts_with("#/") {
                    return Err(Error::at(
                        pointer::push(at, "$ref"),
                        format!("`$ref` to `{target}` is not local to this document; vendor it in"),
                    ));
                }
                if pointer::resolve(document, target).is_none() {
                    return Err(Error::at(
                        pointer::push(at, "$ref"),
                        format!("`$ref` to `{target}` does not resolve"),
                    ));
                }
            }
            for (key, child) in map {
                check_refs(document, child, &pointer::push(at, key))?;
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                check_refs(document, child, &pointer::push(at, &index.to_string()))?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn check_parameters(
    document: &Value,
    path: &str,
    (item, item_at): (&Value, &str),
    operation: &Map<String, Value>,
    at: &str,
) -> Result<(), Error> {
    let shared = item.get("parameters").and_then(Value::as_array);
    let own = operation.get("parameters").and_then(Value::as_array);
    let mut declared_in_path = Vec::new();
    let sources = [
        (shared, pointer::push(item_at, "parameters")),
        (own, pointer::push(at, "parameters")),
    ];
    for (list, list_at) in sources {
        for (index, parameter) in list.into_iter().flatten().enumerate() {
            let param_at = pointer::push(&list_at, &index.to_string());
            let parameter = deref(document, parameter);
            let name = parameter.get("name").and_then(Value::as_str).unwrap_or("?");
            let location = parameter.get("in").and_then(Value::as_str).unwrap_or("?");
            match location {
                "path" => declared_in_path.push(name.to_string()),
                "query" => {}
                other => {
                    return Err(Error::at(
                        param_at,
                        format!(
                            "parameter `{name}` is in `{other}`; only path and query parameters are supported"
                        ),
                    ));
                }
            }
            let schema = parameter.get("schema").map(|s| deref(document, s));
            let kind = schema.and_then(|s| s.get("type")).and_then(Value::as_str);
            if !matches!(kind, Some("string" | "integer" | "number" | "boolean")) {
                return Err(Error::at(
                    pointer::push(&param_at, "schema"),
                    format!(
                        "parameter `{name}` has type {}; path and query parameters must be a string, integer, number or boolean",
                        kind.map_or("(none)".to_string(), |k| format!("`{k}`"))
                    ),
                ));
            }
        }
    }
    let in_template: Vec<&str> = path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    for name in &in_template {
        if !declared_in_path.iter().any(|d| d == name) {
            return Err(Error::at(
                at,
                format!(
                    "path `{path}` uses `{{{name}}}` but the operation declares no path parameter `{name}`"
                ),
            ));
        }
    }
    for name in &declared_in_path {
        if !in_template.contains(&name.as_str()) {
            return Err(Error::at(
                pointer::push(at, "parameters"),
                format!("path parameter `{name}` does not appear in the path `{path}`"),
            ));
        }
    }
    Ok(())
}

fn check_request_body(
    document: &Value,
    operation: &Map<String, Value>,
    at: &str,
) -> Result<(), Error> {
    let Some(body) = operation.get("requestBody") else {
        return Ok(());
    };
    let body = deref(document, body);
    check_media_types(body, &pointer::push(at, "requestBody"), "request body")
}

fn check_responses(
    document: &Value,
    operation: &Map<String, Value>,
    at: &str,
) -> Result<(), Error> {
    let responses_at = pointer::push(at, "responses");
    let responses = operation
        .get("responses")
        .and_then(Value::as_object)
        .ok_or_else(|| Error::at(&responses_at, "operation has no responses"))?;
    let mut success_with_body = Vec::new();
    for (status, response) in responses {
        let response_at = pointer::push(&responses_at, status);
        let response = deref(document, response);
        check_media_types(response, &response_at, &format!("response {status}"))?;
        let has_body = response
            .get("content")
            .and_then(Value::as_object)
            .is_some_and(|c| !c.is_empty());
        if status.starts_with('2') && has_body {
            success_with_body.push(status.as_str());
        }
    }
    if !responses.keys().any(|s| s.starts_with('2')) {
        return Err(Error::at(
            responses_at,
            "operation has no success (2xx) response",
        ));
    }
    if success_with_body.len() > 1 {
        return Err(Error::at(
            responses_at,
            format!(
                "success responses {} all have bodies; the generated client supports one success body per operation",
                success_with_body.join(", ")
            ),
        ));
    }
    Ok(())
}

fn check_media_types(holder: &Value, at: &str, what: &str) -> Result<(), Error> {
    let Some(content) = holder.get("content").and_then(Value::as_object) else {
        return Ok(());
    };
    for (media_type, media) in content {
        let media_at = pointer::push(&pointer::push(at, "content"), media_type);
        if media_type != JSON {
            return Err(Error::at(
                media_at,
                format!("{what} has media type `{media_type}`; only `{JSON}` is supported"),
            ));
        }
        if media.get("schema").is_none() {
            return Err(Error::at(media_at, format!("{what} has no schema")));
        }
    }
    Ok(())
}
