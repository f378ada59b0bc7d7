//! Step 3: give every distinct schema shape exactly one meaningful name.
//!
//! Upstream writes every schema inline and repeats the element union in every operation.
//! Left like that, typify names each copy after its position and conflates shapes that merely
//! share a name. So, before progenitor sees the document: every local `$ref` is inlined; then,
//! bottom-up, each named-type-worthy schema (record object, string enum, union) is keyed by its
//! structure, identical structures become one component, and each component is named by the
//! rules in [`crate::naming`]. Operations get their method names from the same module.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::naming::{self, Pattern, Role, Rule};
use crate::overlay::Overlay;
use crate::{Error, pointer, walk};

/// Keys that document a schema without changing what it accepts; they do not make two
/// shapes distinct.
const ANNOTATIONS: &[&str] = &["description", "example", "title", "externalDocs"];

/// Prefix of the provisional component names used while shapes are being collected.
const PROVISIONAL: &str = "#/components/schemas/~shape";

/// The normalised document, ready for progenitor.
pub struct Normalised {
    /// The OpenAPI document with every shape a named component.
    pub document: Value,
}

/// Inlines references, applies the overlay, hoists and names every shape, and renames
/// operations.
pub fn normalise(document: Value, overlay: &Overlay) -> Result<Normalised, Error> {
    let mut document = inline_refs(&document, &document, "#", &mut Vec::new())?;
    overlay.apply(&mut document)?;
    walk::for_each_operation(&mut document, &mut name_operation)?;
    let mut shapes = Shapes::default();
    walk::for_each_body(&mut document, &mut |schema, at, role| {
        shapes.hoist(schema, at, role, false)
    })?;
    let names = shapes.name_all()?;
    let mut schemas = Map::new();
    for (shape, (name, doc)) in shapes.shapes.iter().zip(&names) {
        let mut schema = shape.schema.clone();
        document_fields(&mut schema, name, &shape.locations[0])?;
        if let Some(object) = schema.as_object_mut() {
            object.insert("description".to_string(), Value::String(doc.to_string()));
        }
        schemas.insert(name.clone(), schema);
    }
    let mut components = Map::new();
    components.insert("schemas".to_string(), Value::Object(schemas));
    if let Some(security) = document.pointer("/components/securitySchemes") {
        components.insert("securitySchemes".to_string(), security.clone());
    }
    document["components"] = Value::Object(components);
    rename_refs(&mut document, &names);
    Ok(Normalised { document })
}

/// Gives every property of a named type (and every variant of a union) its rustdoc: the
/// spec's own description if it has one, else the one in [`naming::FIELD_DOCS`]. A property
/// that is a reference is wrapped as `allOf: [$ref]`, the one place a description can sit
/// beside a reference in OpenAPI 3.0; typify reads that as the referenced type.
fn document_fields(schema: &mut Value, type_name: &str, at: &str) -> Result<(), Error> {
    if let Some(variants) = schema.get_mut("oneOf").and_then(Value::as_array_mut) {
        for variant in variants {
            let tag = variant
                .pointer("/properties/type/enum/0")
                .and_then(Value::as_str);
            let doc = naming::ELEMENT_DOCS
                .iter()
                .find(|(t, _)| Some(*t) == tag)
                .map(|(_, doc)| *doc);
            if let (Some(doc), Some(object)) = (doc, variant.as_object_mut()) {
                object
                    .entry("description")
                    .or_insert_with(|| Value::String(doc.to_string()));
            }
            document_fields(variant, type_name, at)?;
        }
        return Ok(());
    }
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for (property, field) in properties.iter_mut() {
        let Some(object) = field.as_object_mut() else {
            continue;
        };
        if object.contains_key("description") || (property == "type" && object.contains_key("enum"))
        {
            continue;
        }
        let doc = naming::field_doc(type_name, property).ok_or_else(|| {
            Error::at(
                pointer::push(&pointer::push(at, "properties"), property),
                format!("field `{property}` of `{type_name}` has no description; add one to FIELD_DOCS in codegen/src/naming.rs"),
            )
        })?;
        if object.contains_key("$ref") {
            *field = json!({ "allOf": [Value::Object(object.clone())], "description": doc });
        } else {
            object.insert("description".to_string(), Value::String(doc.to_string()));
        }
    }
    Ok(())
}

/// Replaces every local `$ref` with (a copy of) its target, so shapes are compared by
/// structure wherever they came from. A reference cycle is an error: recursive schemas are
/// not part of this API and would need a deliberate name.
fn inline_refs(
    document: &Value,
    value: &Value,
    at: &str,
    stack: &mut Vec<String>,
) -> Result<Value, Error> {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                if stack.iter().any(|r| r == reference) {
                    return Err(Error::at(
                        pointer::push(at, "$ref"),
                        format!(
                            "`$ref` to `{reference}` refers back to itself; recursive schemas are not supported"
                        ),
                    ));
                }
                let target = pointer::resolve(document, reference).ok_or_else(|| {
                    Error::at(
                        pointer::push(at, "$ref"),
                        format!("`$ref` to `{reference}` does not resolve"),
                    )
                })?;
                stack.push(reference.to_string());
                let inlined = inline_refs(document, target, at, stack);
                stack.pop();
                return inlined;
            }
            let mut out = Map::new();
            for (key, child) in map {
                let child_at = pointer::push(at, key);
                out.insert(key.clone(), inline_refs(document, child, &child_at, stack)?);
            }
            Ok(Value::Object(out))
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, child)| {
                inline_refs(document, child, &pointer::push(at, &i.to_string()), stack)
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        other => Ok(other.clone()),
    }
}

/// Sets the operationId progenitor sees to our method name; upstream's id stays in an
/// extension for reference.
fn name_operation(operation: &mut Value, at: &str) -> Result<(), Error> {
    let id = operation
        .get("operationId")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::at(at, "operation has no operationId"))?
        .to_string();
    let method = naming::method_for(&id).ok_or_else(|| {
        Error::at(
            pointer::push(at, "operationId"),
            format!(
                "operation `{id}` has no method name; add it to OPERATIONS in codegen/src/naming.rs"
            ),
        )
    })?;
    operation["operationId"] = Value::String(method.to_string());
    operation["x-cloudflare-operation-id"] = Value::String(id);
    Ok(())
}

/// One distinct structure and everywhere it occurs.
struct Shape {
    /// The first occurrence, with its own sub-shapes replaced by provisional references.
    schema: Value,
    /// JSON pointers of every occurrence, in document order.
    locations: Vec<String>,
    /// The roles it occurs in.
    roles: BTreeSet<Role>,
}

#[derive(Default)]
struct Shapes {
    /// In the order first met; a shape's sub-shapes always come before it.
    shapes: Vec<Shape>,
    by_key: BTreeMap<String, usize>,
}

impl Shapes {
    /// Hoists `schema`'s sub-shapes, then `schema` itself if it deserves a name, replacing it
    /// with a provisional reference.
    fn hoist(
        &mut self,
        schema: &mut Value,
        at: &str,
        role: Role,
        is_union_variant: bool,
    ) -> Result<(), Error> {
        let Some(object) = schema.as_object_mut() else {
            return Ok(());
        };
        walk::for_each_child(object, at, &mut |child, child_at, is_member| {
            self.hoist(child, child_at, Role::Nested, is_member)
        })?;
        // Object variants stay inline (typify builds tagged enums only from inline objects);
        // a variant that is itself a union is named like any other union.
        let is_union = object.contains_key("oneOf") || object.contains_key("anyOf");
        if (is_union_variant && !is_union) || !deserves_name(object) {
            return Ok(());
        }
        let key = canonical_schema(schema);
        let index = match self.by_key.get(&key) {
            Some(&index) => index,
            None => {
                self.shapes.push(Shape {
                    schema: schema.clone(),
                    locations: Vec::new(),
                    roles: BTreeSet::new(),
                });
                self.by_key.insert(key, self.shapes.len() - 1);
                self.shapes.len() - 1
            }
        };
        let shape = &mut self.shapes[index];
        shape.locations.push(at.to_string());
        shape.roles.insert(role);
        *schema = json!({ "$ref": format!("{PROVISIONAL}{index}") });
        Ok(())
    }

    /// Names every shape by the rules; returns (name, doc) per shape, in shape order.
    fn name_all(&self) -> Result<Vec<(String, &'static str)>, Error> {
        let mut names: Vec<(String, &'static str)> = Vec::with_capacity(self.shapes.len());
        let mut owner: BTreeMap<String, usize> = BTreeMap::new();
        for (index, shape) in self.shapes.iter().enumerate() {
            let at = &shape.locations[0];
            let matching: Vec<(&Rule, String)> = naming::RULES
                .iter()
                .filter_map(|rule| matches(rule, shape, &names).map(|name| (rule, name)))
                .collect();
            let (rule, name) = match matching.as_slice() {
                [one] => one,
                [] => {
                    return Err(Error::at(
                        at,
                        format!(
                            "no naming rule matches this schema ({}; used at {} place(s)); add a rule to RULES in codegen/src/naming.rs",
                            describe(&shape.schema),
                            shape.locations.len()
                        ),
                    ));
                }
                many => {
                    let candidates: Vec<&str> = many.iter().map(|(_, n)| n.as_str()).collect();
                    return Err(Error::at(
                        at,
                        format!(
                            "more than one naming rule matches this schema ({}): {}; make the rules in codegen/src/naming.rs tell them apart",
                            describe(&shape.schema),
                            candidates.join(", ")
                        ),
                    ));
                }
            };
            if let Some(&other) = owner.get(name) {
                let first = &self.shapes[other];
                return Err(Error::at(
                    at,
                    format!(
                        "this schema and the one at {} are different shapes but would both be named `{name}` ({}); add a rule that tells them apart in codegen/src/naming.rs",
                        first.locations[0],
                        difference(&first.schema, &shape.schema)
                    ),
                ));
            }
            owner.insert(name.clone(), index);
            names.push((name.clone(), rule.doc));
        }
        Ok(names)
    }
}

/// Whether a schema becomes a named Rust type: records, string enums of more than one value
/// (a one-value enum is a union's tag) and unions. Arrays, maps and free-form objects stay
/// inline as `Vec`, map and `serde_json::Map`.
fn deserves_name(object: &Map<String, Value>) -> bool {
    let has = |key: &str| object.get(key).is_some();
    let record = object
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    let enumeration = object
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|values| values.len() > 1);
    record || enumeration || has("oneOf") || has("anyOf")
}

/// The name a rule gives a shape, if it matches.
fn matches(rule: &Rule, shape: &Shape, named: &[(String, &str)]) -> Option<String> {
    if !rule.roles.is_empty() && !rule.roles.iter().any(|r| shape.roles.contains(r)) {
        return None;
    }
    let schema = &shape.schema;
    let properties: BTreeSet<&str> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    match &rule.pattern {
        Pattern::Object { has, lacks } => {
            let fits = !properties.is_empty()
                && has.iter().all(|p| properties.contains(p))
                && !lacks.iter().any(|p| properties.contains(p));
            fits.then(|| rule.name.to_string())
        }
        Pattern::Envelope(payload) => {
            let expected: BTreeSet<&str> = ["success", *payload].into();
            if properties != expected {
                return None;
            }
            let reference = schema
                .pointer(&format!("/properties/{payload}/$ref"))?
                .as_str()?;
            let index: usize = reference.strip_prefix(PROVISIONAL)?.parse().ok()?;
            let (payload_name, _) = named.get(index)?;
            Some(rule.name.replace("{payload}", payload_name))
        }
        Pattern::StringEnum(values) => {
            let found: BTreeSet<&str> = schema
                .get("enum")?
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .collect();
            let wanted: BTreeSet<&str> = values.iter().copied().collect();
            (found == wanted).then(|| rule.name.to_string())
        }
        Pattern::Union(kinds) => {
            let found: Vec<&str> = schema
                .get("oneOf")?
                .as_array()?
                .iter()
                .filter_map(
                    |variant| match variant.get("$ref").and_then(Value::as_str) {
                        Some(reference) => {
                            let index: usize = reference.strip_prefix(PROVISIONAL)?.parse().ok()?;
                            named.get(index).map(|(name, _)| name.as_str())
                        }
                        None => variant.get("type")?.as_str(),
                    },
                )
                .collect();
            (found == *kinds).then(|| rule.name.to_string())
        }
        Pattern::TaggedUnion(tags) => {
            let variants = schema.get("oneOf")?.as_array()?;
            let found: BTreeSet<&str> = variants
                .iter()
                .filter_map(|v| v.pointer("/properties/type/enum/0")?.as_str())
                .collect();
            let wanted: BTreeSet<&str> = tags.iter().copied().collect();
            (found == wanted && variants.len() == tags.len()).then(|| rule.name.to_string())
        }
    }
}

/// A short description of a shape for error messages.
fn describe(schema: &Value) -> String {
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        let names: Vec<&str> = properties.keys().map(String::as_str).collect();
        return format!("an object with properties {}", names.join(", "));
    }
    if let Some(values) = schema.get("enum") {
        return format!("an enum of {values}");
    }
    if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
        return format!("a union of {} variants", variants.len());
    }
    "a schema".to_string()
}

/// How two same-named shapes differ, for error messages.
fn difference(first: &Value, second: &Value) -> String {
    let props = |s: &Value| -> BTreeSet<String> {
        s.get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    };
    let (a, b) = (props(first), props(second));
    let only_first: Vec<&String> = a.difference(&b).collect();
    let only_second: Vec<&String> = b.difference(&a).collect();
    if only_first.is_empty() && only_second.is_empty() {
        "same properties, different property types or requirements".to_string()
    } else {
        format!(
            "properties only there: {:?}; only here: {:?}",
            only_first, only_second
        )
    }
}

/// The structural identity of a schema: its JSON with object keys sorted, annotations left out,
/// and `required`/`enum` compared as sets. Sub-shapes are provisional references by now, so
/// identical parents have identical children.
fn canonical_schema(schema: &Value) -> String {
    let Some(object) = schema.as_object() else {
        return canonical_value(schema);
    };
    let mut entries: Vec<(&String, String)> = Vec::new();
    for (key, value) in object {
        if ANNOTATIONS.contains(&key.as_str()) {
            continue;
        }
        let canonical = match key.as_str() {
            "properties" => {
                let mut props: Vec<(&String, String)> = value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, s)| (name, canonical_schema(s)))
                    .collect();
                props.sort();
                let inner: Vec<String> = props
                    .into_iter()
                    .map(|(name, s)| format!("{}:{s}", Value::String(name.clone())))
                    .collect();
                format!("{{{}}}", inner.join(","))
            }
            "items" | "additionalProperties" | "not" => canonical_schema(value),
            "oneOf" | "anyOf" | "allOf" => {
                let inner: Vec<String> = value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(canonical_schema)
                    .collect();
                format!("[{}]", inner.join(","))
            }
            "required" | "enum" => {
                let mut inner: Vec<String> = value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(canonical_value)
                    .collect();
                inner.sort();
                format!("[{}]", inner.join(","))
            }
            _ => canonical_value(value),
        };
        entries.push((key, canonical));
    }
    entries.sort();
    let inner: Vec<String> = entries
        .into_iter()
        .map(|(k, v)| format!("{}:{v}", Value::String(k.clone())))
        .collect();
    format!("{{{}}}", inner.join(","))
}

/// Any JSON value with object keys sorted.
fn canonical_value(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, String)> =
                map.iter().map(|(k, v)| (k, canonical_value(v))).collect();
            entries.sort();
            let inner: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{}:{v}", Value::String(k.clone())))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(canonical_value).collect();
            format!("[{}]", inner.join(","))
        }
        other => other.to_string(),
    }
}

/// Rewrites provisional references to the final component names.
fn rename_refs(value: &mut Value, names: &[(String, &str)]) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some(index) = reference.strip_prefix(PROVISIONAL)
                && let Some((name, _)) = index.parse::<usize>().ok().and_then(|i| names.get(i))
            {
                *reference = format!("#/components/schemas/{name}");
            }
            map.values_mut().for_each(|child| rename_refs(child, names));
        }
        Value::Array(items) => items.iter_mut().for_each(|child| rename_refs(child, names)),
        _ => {}
    }
}
