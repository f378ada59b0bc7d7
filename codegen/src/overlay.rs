//! The overlay: how the live API differs from the published schema, kept beside the vendored
//! spec (`spec/overlay.json`) instead of edited into it, and applied before types are named.
//!
//! Each change names the live behaviour it absorbs (`live_behaviour`), selects every object
//! schema that has all of `where.properties` (in request or response bodies, if `where.in`
//! says so), and may make properties `optional`, `nullable`, replace them (`set_properties`),
//! add optional ones (`add_properties`) or let an array property's items also be another
//! schema (`widen_items`: the spec's own item schema stays, so every operation's copy is still
//! compared when types are named). A `$ref` inside a change points into the spec.
//! A change that matches nothing is an error: the behaviour it absorbed may be gone.

use serde_json::{Map, Value};

use crate::naming::Role;
use crate::{Error, pointer, walk};

/// Which bodies a change applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Any,
    Request,
    Response,
}

impl Scope {
    fn covers(self, role: Role) -> bool {
        match self {
            Self::Any => true,
            Self::Request => role == Role::RequestBody,
            Self::Response => matches!(role, Role::SuccessBody | Role::ErrorBody),
        }
    }
}

#[derive(Debug, Clone)]
struct Change {
    at: String,
    properties: Vec<String>,
    /// Properties a matching schema must not have.
    lacks: Vec<String>,
    scope: Scope,
    optional: Vec<String>,
    nullable: Vec<String>,
    set_properties: Map<String, Value>,
    add_properties: Map<String, Value>,
    widen_items: Map<String, Value>,
}

/// A parsed overlay, ready to apply.
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    changes: Vec<Change>,
}

const CHANGE_KEYS: &[&str] = &[
    "live_behaviour",
    "where",
    "optional",
    "nullable",
    "set_properties",
    "add_properties",
    "widen_items",
];

impl Overlay {
    /// Parses the overlay's bytes; errors carry locations in the overlay.
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        let document: Value =
            serde_json::from_slice(bytes).map_err(|e| crate::parse::json_error(&e))?;
        let changes = document
            .get("changes")
            .and_then(Value::as_array)
            .ok_or_else(|| Error::at("#/changes", "the overlay needs a `changes` array"))?;
        let changes = changes
            .iter()
            .enumerate()
            .map(|(i, change)| parse_change(change, &format!("#/changes/{i}")))
            .collect::<Result<_, _>>()?;
        Ok(Self { changes })
    }

    /// Applies every change to `document` (whose own `$ref`s are already inlined).
    pub fn apply(&self, document: &mut Value) -> Result<(), Error> {
        let original = document.clone();
        for change in &self.changes {
            let change = change.resolved(&original)?;
            let mut matched = 0;
            walk::for_each_body(document, &mut |schema, at, role| {
                apply_below(&change, schema, at, role, &mut matched);
                Ok(())
            })?;
            if matched == 0 {
                return Err(Error::at(
                    pointer::push(&change.at, "where"),
                    format!(
                        "matches no schema with properties {:?}; the live behaviour it absorbs may be gone: remove the change or fix `where`",
                        change.properties
                    ),
                )
                .in_overlay());
            }
        }
        Ok(())
    }
}

fn parse_change(change: &Value, at: &str) -> Result<Change, Error> {
    let object = change
        .as_object()
        .ok_or_else(|| Error::at(at, "a change must be an object"))?;
    if let Some(unknown) = object.keys().find(|k| !CHANGE_KEYS.contains(&k.as_str())) {
        return Err(Error::at(
            pointer::push(at, unknown),
            format!("unknown key `{unknown}`; a change has {CHANGE_KEYS:?}"),
        ));
    }
    let behaviour = object.get("live_behaviour").and_then(Value::as_str);
    if behaviour.is_none_or(|b| b.trim().is_empty()) {
        return Err(Error::at(
            pointer::push(at, "live_behaviour"),
            "every change must name the live behaviour it absorbs",
        ));
    }
    let where_at = pointer::push(at, "where");
    let selector = object
        .get("where")
        .and_then(Value::as_object)
        .ok_or_else(|| Error::at(&where_at, "a change needs `where` with `properties`"))?;
    let properties = strings(
        selector.get("properties"),
        &pointer::push(&where_at, "properties"),
    )?;
    if properties.is_empty() {
        return Err(Error::at(
            pointer::push(&where_at, "properties"),
            "`where.properties` must name at least one property",
        ));
    }
    let lacks = strings(selector.get("lacks"), &pointer::push(&where_at, "lacks"))?;
    if let Some(unknown) = selector
        .keys()
        .find(|k| !["properties", "lacks", "in"].contains(&k.as_str()))
    {
        return Err(Error::at(
            pointer::push(&where_at, unknown),
            format!("unknown key `{unknown}`; `where` has `properties`, `lacks` and `in`"),
        ));
    }
    let scope = match selector.get("in").and_then(Value::as_str) {
        None => Scope::Any,
        Some("request") => Scope::Request,
        Some("response") => Scope::Response,
        Some(other) => {
            return Err(Error::at(
                pointer::push(&where_at, "in"),
                format!("`in` is `request` or `response`, not `{other}`"),
            ));
        }
    };
    let map = |key: &str| -> Result<Map<String, Value>, Error> {
        match object.get(key) {
            None => Ok(Map::new()),
            Some(Value::Object(map)) => Ok(map.clone()),
            Some(_) => Err(Error::at(
                pointer::push(at, key),
                format!("`{key}` must be an object of schemas"),
            )),
        }
    };
    let parsed = Change {
        at: at.to_string(),
        properties,
        lacks,
        scope,
        optional: strings(object.get("optional"), &pointer::push(at, "optional"))?,
        nullable: strings(object.get("nullable"), &pointer::push(at, "nullable"))?,
        set_properties: map("set_properties")?,
        add_properties: map("add_properties")?,
        widen_items: map("widen_items")?,
    };
    let does_nothing = parsed.optional.is_empty()
        && parsed.nullable.is_empty()
        && parsed.set_properties.is_empty()
        && parsed.add_properties.is_empty()
        && parsed.widen_items.is_empty();
    if does_nothing {
        return Err(Error::at(at, "the change changes nothing"));
    }
    Ok(parsed)
}

fn strings(value: Option<&Value>, at: &str) -> Result<Vec<String>, Error> {
    match value {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| Error::at(at, "expected a list of property names"))
            })
            .collect(),
        Some(_) => Err(Error::at(at, "expected a list of property names")),
    }
}

impl Change {
    /// This change with every `$ref` in its schemas replaced by the spec's schema it names.
    fn resolved(&self, document: &Value) -> Result<Self, Error> {
        let mut change = self.clone();
        for (key, map) in [
            ("set_properties", &mut change.set_properties),
            ("add_properties", &mut change.add_properties),
            ("widen_items", &mut change.widen_items),
        ] {
            for (name, schema) in map.iter_mut() {
                let at = pointer::push(&pointer::push(&self.at, key), name);
                resolve_refs(schema, document, &at)?;
            }
        }
        Ok(change)
    }
}

fn resolve_refs(value: &mut Value, document: &Value, at: &str) -> Result<(), Error> {
    if let Some(reference) = value.get("$ref").and_then(Value::as_str) {
        let target = pointer::resolve(document, reference).ok_or_else(|| {
            Error::at(
                pointer::push(at, "$ref"),
                format!("`$ref` to `{reference}` does not resolve in the spec"),
            )
            .in_overlay()
        })?;
        *value = target.clone();
        return Ok(());
    }
    match value {
        Value::Object(map) => map
            .iter_mut()
            .try_for_each(|(k, v)| resolve_refs(v, document, &pointer::push(at, k))),
        Value::Array(items) => items
            .iter_mut()
            .enumerate()
            .try_for_each(|(i, v)| resolve_refs(v, document, &pointer::push(at, &i.to_string()))),
        _ => Ok(()),
    }
}

/// Applies `change` to `schema` and every schema inside it that matches.
fn apply_below(change: &Change, schema: &mut Value, at: &str, role: Role, matched: &mut usize) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let _ = walk::for_each_child(object, at, &mut |child, child_at, _| {
        apply_below(change, child, child_at, role, matched);
        Ok(())
    });
    let has_all = object
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| {
            change.properties.iter().all(|name| p.contains_key(name))
                && !change.lacks.iter().any(|name| p.contains_key(name))
        });
    if change.scope.covers(role) && has_all {
        *matched += 1;
        apply_here(change, object);
    }
}

fn apply_here(change: &Change, object: &mut Map<String, Value>) {
    if let Some(required) = object.get_mut("required").and_then(Value::as_array_mut) {
        required.retain(|name| {
            !name
                .as_str()
                .is_some_and(|n| change.optional.iter().any(|o| o == n))
        });
    }
    let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (name, schema) in &change.set_properties {
        if properties.contains_key(name) {
            properties.insert(name.clone(), schema.clone());
        }
    }
    for (name, schema) in &change.add_properties {
        if !properties.contains_key(name) {
            properties.insert(name.clone(), schema.clone());
        }
    }
    for (name, alternative) in &change.widen_items {
        if let Some(items) = properties.get_mut(name).and_then(|p| p.get_mut("items")) {
            let original = items.take();
            *items = serde_json::json!({ "oneOf": [original, alternative] });
        }
    }
    for name in &change.nullable {
        if let Some(Value::Object(property)) = properties.get_mut(name) {
            property.insert("nullable".to_string(), Value::Bool(true));
        }
    }
}
