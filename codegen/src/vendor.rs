//! Cutting our fragment out of Cloudflare's full OpenAPI document, for `cargo xtask vendor`.
//!
//! The cut keeps the Dynamic Routing paths and exactly what they use: the components they
//! reference (transitively), the security schemes they name and the tags they carry. The output
//! has every object's keys sorted, so a fresh cut diffs cleanly against the committed spec, and
//! the committed spec is a fixed point of [`cut`].

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::{Error, pointer};

/// Every kept path is this one or starts with it followed by `/`.
pub const DYNAMIC_ROUTING_PREFIX: &str =
    "/accounts/{account_id}/ai-gateway/gateways/{gateway_id}/routes";

/// Cuts the Dynamic Routing fragment out of `full`, the bytes of Cloudflare's `openapi.json`.
///
/// Returns the fragment as text: keys sorted at every level, array order kept, 2-space
/// indentation, one final newline. Only the fragment is type-checked as OpenAPI 3.0, so a
/// quirk elsewhere in the (huge) upstream document cannot block vendoring.
pub fn cut(full: &[u8]) -> Result<String, Error> {
    let document = crate::parse::parse_json(full)?;
    let fragment = fragment(&document)?;
    crate::parse::typed(&fragment)?;
    let mut text = serde_json::to_string_pretty(&sorted(fragment))
        .map_err(|e| Error::at("#", format!("cannot write the fragment as JSON: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// How many operations a document's paths hold; for reporting what a cut kept.
pub fn operation_count(document: &Value) -> usize {
    let paths = document.get("paths").and_then(Value::as_object);
    paths
        .into_iter()
        .flat_map(Map::values)
        .map(|item| crate::check::operations(item).count())
        .sum()
}

/// Whether `path` is one of ours: the prefix itself or below it, not `.../routes-other`.
fn is_routing(path: &str) -> bool {
    path.strip_prefix(DYNAMIC_ROUTING_PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Builds the fragment (keys not yet sorted).
fn fragment(document: &Value) -> Result<Value, Error> {
    let paths: Vec<(&String, &Value)> = document
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| Error::at("#/paths", "the upstream document has no `paths` object"))?
        .iter()
        .filter(|(path, _)| is_routing(path))
        .collect();
    if paths.is_empty() {
        return Err(Error::at(
            "#/paths",
            format!(
                "no path is `{DYNAMIC_ROUTING_PREFIX}` or below it; is this Cloudflare's full openapi.json?"
            ),
        ));
    }

    let mut used = Used::new(document);
    let mut tags = BTreeSet::new();
    for &(path, item) in &paths {
        let item_at = pointer::push("#/paths", path);
        used.walk(item, &mut item_at.clone())?;
        for (method, operation) in crate::check::operations(item) {
            let at = pointer::push(&item_at, method);
            if let Some(Value::Array(requirements)) = operation.get("security") {
                used.schemes(requirements, &pointer::push(&at, "security"))?;
            }
            if let Some(Value::Array(names)) = operation.get("tags") {
                tags.extend(names.iter().filter_map(Value::as_str));
            }
        }
    }
    if let Some(Value::Array(requirements)) = document.get("security") {
        used.schemes(requirements, "#/security")?;
    }
    used.drain()?;

    let mut out = Map::new();
    for key in ["openapi", "info", "servers", "security"] {
        if let Some(value) = document.get(key) {
            out.insert(key.to_string(), value.clone());
        }
    }
    let paths = paths
        .into_iter()
        .map(|(path, item)| (path.clone(), item.clone()));
    out.insert("paths".to_string(), Value::Object(paths.collect()));
    let components = used.components();
    if !components.is_empty() {
        out.insert("components".to_string(), Value::Object(components));
    }
    match document.get("tags") {
        None => {}
        Some(Value::Array(all)) => {
            let kept: Vec<Value> = all
                .iter()
                .filter(|tag| {
                    let name = tag.get("name").and_then(Value::as_str);
                    name.is_some_and(|name| tags.contains(name))
                })
                .cloned()
                .collect();
            if !kept.is_empty() {
                out.insert("tags".to_string(), Value::Array(kept));
            }
        }
        Some(_) => return Err(Error::at("#/tags", "`tags` must be an array")),
    }
    Ok(Value::Object(out))
}

/// The components the kept paths use, found by following references from them.
struct Used<'a> {
    document: &'a Value,
    /// Kind (`schemas`, `parameters`, ...) to names.
    kept: BTreeMap<String, BTreeSet<String>>,
    /// Kept but not yet searched for references of their own.
    pending: Vec<(String, String)>,
}

impl<'a> Used<'a> {
    fn new(document: &'a Value) -> Self {
        Self {
            document,
            kept: BTreeMap::new(),
            pending: Vec::new(),
        }
    }

    fn component(&self, kind: &str, name: &str) -> Option<&'a Value> {
        let document = self.document;
        document.get("components")?.get(kind)?.get(name)
    }

    fn keep(&mut self, kind: &str, name: &str) {
        if self
            .kept
            .entry(kind.to_string())
            .or_default()
            .insert(name.to_string())
        {
            self.pending.push((kind.to_string(), name.to_string()));
        }
    }

    /// Records every `$ref` under `value`; `at` is its pointer, restored on return.
    fn walk(&mut self, value: &Value, at: &mut String) -> Result<(), Error> {
        let length = at.len();
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    self.reference(reference, &pointer::push(at, "$ref"))?;
                }
                for (key, child) in map {
                    *at = pointer::push(at, key);
                    self.walk(child, at)?;
                    at.truncate(length);
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    *at = pointer::push(at, &index.to_string());
                    self.walk(child, at)?;
                    at.truncate(length);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Keeps the component `reference` points into (all of it, even for a deeper pointer).
    fn reference(&mut self, reference: &str, at: &str) -> Result<(), Error> {
        let Some(fragment) = reference.strip_prefix('#') else {
            return Err(Error::at(
                at,
                format!(
                    "`$ref` to `{reference}` is not local to the document; only `#/components/...` references can be vendored"
                ),
            ));
        };
        if pointer::resolve(self.document, reference).is_none() {
            return Err(Error::at(
                at,
                format!("`$ref` to `{reference}` does not resolve"),
            ));
        }
        let mut tokens = fragment
            .split('/')
            .skip(1)
            .map(|token| token.replace("~1", "/").replace("~0", "~"));
        match (tokens.next().as_deref(), tokens.next(), tokens.next()) {
            (Some("components"), Some(kind), Some(name)) => {
                self.keep(&kind, &name);
                Ok(())
            }
            _ => Err(Error::at(
                at,
                format!(
                    "`$ref` to `{reference}` does not name a component; only `#/components/<kind>/<name>` references can be vendored"
                ),
            )),
        }
    }

    /// Keeps the security schemes named in a list of security requirements.
    fn schemes(&mut self, requirements: &[Value], at: &str) -> Result<(), Error> {
        for (index, requirement) in requirements.iter().enumerate() {
            let Some(requirement) = requirement.as_object() else {
                continue; // the type check of the fragment reports it
            };
            for name in requirement.keys() {
                if self.component("securitySchemes", name).is_none() {
                    return Err(Error::at(
                        pointer::push(&pointer::push(at, &index.to_string()), name),
                        format!(
                            "security scheme `{name}` is not defined in `#/components/securitySchemes`"
                        ),
                    ));
                }
                self.keep("securitySchemes", name);
            }
        }
        Ok(())
    }

    /// Follows references from kept components until no new one turns up.
    fn drain(&mut self) -> Result<(), Error> {
        while let Some((kind, name)) = self.pending.pop() {
            let Some(value) = self.component(&kind, &name) else {
                continue; // only kept once found, so unreachable in practice
            };
            let mut at = pointer::push(&pointer::push("#/components", &kind), &name);
            self.walk(value, &mut at)?;
        }
        Ok(())
    }

    /// The kept components, as the `components` object of the fragment.
    fn components(&self) -> Map<String, Value> {
        let mut out = Map::new();
        for (kind, names) in &self.kept {
            let entries: Map<String, Value> = names
                .iter()
                .filter_map(|name| Some((name.clone(), self.component(kind, name)?.clone())))
                .collect();
            out.insert(kind.clone(), Value::Object(entries));
        }
        out
    }
}

/// Rebuilds `value` with every object's keys in byte order; `preserve_order` is on in this
/// workspace, so serde_json would otherwise keep upstream's order.
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_matches_whole_segments_only() {
        assert!(is_routing(DYNAMIC_ROUTING_PREFIX));
        assert!(is_routing(&format!("{DYNAMIC_ROUTING_PREFIX}/{{id}}")));
        assert!(!is_routing(&format!("{DYNAMIC_ROUTING_PREFIX}-other")));
        assert!(!is_routing("/accounts/{account_id}/ai-gateway/gateways"));
    }
}
