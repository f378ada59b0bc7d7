//! Walking a document: every operation, every request and response body schema, every
//! sub-schema. The one traversal that normalising and the overlay share.

use serde_json::{Map, Value};

use crate::naming::Role;
use crate::{Error, check, pointer};

/// Where a JSON body's schema sits inside a request body or a response.
const JSON_SCHEMA: &str = "/content/application~1json/schema";

/// Calls `f` on every operation, with its JSON pointer, in document order.
pub fn for_each_operation(
    document: &mut Value,
    f: &mut impl FnMut(&mut Value, &str) -> Result<(), Error>,
) -> Result<(), Error> {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for (path, item) in paths.iter_mut() {
        let item_at = pointer::push("#/paths", path);
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            if check::METHODS.contains(&method.as_str()) {
                f(operation, &pointer::push(&item_at, method))?;
            }
        }
    }
    Ok(())
}

/// Calls `f` on every request and response body schema, with its pointer and its role.
pub fn for_each_body(
    document: &mut Value,
    f: &mut impl FnMut(&mut Value, &str, Role) -> Result<(), Error>,
) -> Result<(), Error> {
    for_each_operation(document, &mut |operation, at| {
        if let Some(schema) = operation.pointer_mut(&format!("/requestBody{JSON_SCHEMA}")) {
            f(
                schema,
                &format!("{at}/requestBody{JSON_SCHEMA}"),
                Role::RequestBody,
            )?;
        }
        let responses = operation
            .get_mut("responses")
            .and_then(Value::as_object_mut);
        for (status, response) in responses.into_iter().flatten() {
            let role = if status.starts_with('2') {
                Role::SuccessBody
            } else {
                Role::ErrorBody
            };
            if let Some(schema) = response.pointer_mut(JSON_SCHEMA) {
                let response_at = pointer::push(&pointer::push(at, "responses"), status);
                f(schema, &format!("{response_at}{JSON_SCHEMA}"), role)?;
            }
        }
        Ok(())
    })
}

/// Calls `f` on each direct sub-schema of `object` (property schemas, `items`,
/// `additionalProperties`, and union members), with its pointer and whether it is a member of
/// a `oneOf`/`anyOf`/`allOf`.
pub fn for_each_child(
    object: &mut Map<String, Value>,
    at: &str,
    f: &mut impl FnMut(&mut Value, &str, bool) -> Result<(), Error>,
) -> Result<(), Error> {
    if let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) {
        let properties_at = pointer::push(at, "properties");
        for (name, property) in properties.iter_mut() {
            f(property, &pointer::push(&properties_at, name), false)?;
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(child) = object.get_mut(key) {
            f(child, &pointer::push(at, key), false)?;
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(members) = object.get_mut(key).and_then(Value::as_array_mut) {
            let members_at = pointer::push(at, key);
            for (i, member) in members.iter_mut().enumerate() {
                f(member, &pointer::push(&members_at, &i.to_string()), true)?;
            }
        }
    }
    Ok(())
}
