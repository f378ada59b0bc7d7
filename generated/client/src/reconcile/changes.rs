//! What changed between two graphs, element by element: elements added, removed, and changed
//! (with the fields that differ and their old and new values), matched by id. Plans, diffs and
//! history show these.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::graph::shorten;

/// Most characters a value shows in a [`FieldChange`]'s text, the ellipsis included.
pub const MAX_VALUE_CHARS: usize = 60;

/// One element's change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElementChange {
    /// The element's id.
    pub element_id: String,
    /// What happened to it.
    #[serde(flatten)]
    pub change: Change,
    /// Each field that differs with its old and new value: every field of an added or removed
    /// element (but its id), the differing fields of a changed one, in pointer order.
    pub values: Vec<FieldChange>,
}

/// What happened to an element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// It is new.
    Added,
    /// It is gone.
    Removed,
    /// It is in both, different.
    Changed {
        /// The fields that differ, as JSON pointers inside the element, such as
        /// `/properties/model` or `/outputs/fallback/elementId`.
        fields: Vec<String>,
    },
}

/// One field's old and new value. A field inside an object is a leaf of its own; an array is
/// one value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// Where, as a JSON pointer inside the element (`/properties/model`).
    pub field: String,
    /// Its value before; `None` where it did not exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// Its value after; `None` where it no longer exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

impl FieldChange {
    /// The field as a reader names it: `/properties/model` is `model`,
    /// `/outputs/fallback/elementId` is `outputs.fallback`, `/properties/conditions/m/$eq` is
    /// `conditions.m.$eq`.
    pub fn label(&self) -> String {
        let field = self
            .field
            .strip_prefix("/properties")
            .unwrap_or(&self.field);
        let field = match field.strip_prefix("/outputs/") {
            Some(output) => {
                let output = output.strip_suffix("/elementId").unwrap_or(output);
                return format!("outputs.{output}");
            }
            None => field,
        };
        field.trim_start_matches('/').replace('/', ".")
    }
}

/// `model: gpt-4o → gpt-4o-mini`; `+ model: gpt-4o` for a new field and `- model: gpt-4o` for
/// one gone; each value shortened by [`shown_value`].
impl fmt::Display for FieldChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = self.label();
        match (&self.old, &self.new) {
            (Some(old), Some(new)) => {
                write!(f, "{label}: {} → {}", shown_value(old), shown_value(new))
            }
            (None, Some(new)) => write!(f, "+ {label}: {}", shown_value(new)),
            (Some(old), None) => write!(f, "- {label}: {}", shown_value(old)),
            (None, None) => write!(f, "{label}"),
        }
    }
}

/// A value as one line for a reader: a string as itself (quoted as JSON when empty, padded or
/// holding control characters, so it stays one visible line), anything else as compact JSON;
/// at most [`MAX_VALUE_CHARS`] characters (see [`shorten`](crate::graph::shorten)).
pub fn shown_value(value: &Value) -> String {
    let text = match value {
        Value::String(s) if !s.is_empty() && s.trim() == s && !s.chars().any(char::is_control) => {
            s.clone()
        }
        other => other.to_string(),
    };
    shorten(&text, MAX_VALUE_CHARS)
}

impl fmt::Display for ElementChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.change {
            Change::Added => write!(f, "+ {}", self.element_id),
            Change::Removed => write!(f, "- {}", self.element_id),
            Change::Changed { fields } => {
                write!(f, "~ {} ({})", self.element_id, fields.join(", "))
            }
        }
    }
}

/// The changes that turn graph `from` into graph `to`, in id order. Elements are matched by
/// `id`; numbers compare by value as the API writes them (`2`, `2.0` and `2e0` are one
/// number), inside `conditions` too, and keys in any order.
pub fn element_changes<A: Serialize, B: Serialize>(from: &[A], to: &[B]) -> Vec<ElementChange> {
    let from = by_id(from);
    let to = by_id(to);
    let mut changes = Vec::new();
    for (id, old) in &from {
        match to.get(id) {
            None => changes.push(ElementChange {
                element_id: id.clone(),
                change: Change::Removed,
                values: whole(old, |value| (Some(value), None)),
            }),
            Some(new) if new != old => {
                let mut values = Vec::new();
                differing(Some(old), Some(new), String::new(), &mut values);
                changes.push(ElementChange {
                    element_id: id.clone(),
                    change: Change::Changed {
                        fields: values.iter().map(|v| v.field.clone()).collect(),
                    },
                    values,
                });
            }
            Some(_) => {}
        }
    }
    for (id, new) in to.iter().filter(|(id, _)| !from.contains_key(*id)) {
        changes.push(ElementChange {
            element_id: id.clone(),
            change: Change::Added,
            values: whole(new, |value| (None, Some(value))),
        });
    }
    changes.sort_by(|a, b| a.element_id.cmp(&b.element_id));
    changes
}

/// Every field of an element but its id, as a change made by `side` (old or new).
fn whole(
    element: &Value,
    side: impl Fn(&Value) -> (Option<&Value>, Option<&Value>),
) -> Vec<FieldChange> {
    let mut values = Vec::new();
    let mut without_id = element.clone();
    if let Value::Object(object) = &mut without_id {
        object.remove("id");
    }
    let (old, new) = side(&without_id);
    differing(old, new, String::new(), &mut values);
    values
}

/// Elements as JSON by id (a repeated id keeps the first, as links resolve), numbers as the API
/// stores them so `2.0` and `2` are no change.
fn by_id<T: Serialize>(elements: &[T]) -> BTreeMap<String, Value> {
    let mut map = BTreeMap::new();
    for element in elements {
        let value = crate::graph::compare::as_compared(element);
        let id = value
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        map.entry(id).or_insert(value);
    }
    map
}

/// The fields under `at` where `old` and `new` differ, with their values, descending into
/// objects (on either side, so an object added or removed shows its leaves).
fn differing(old: Option<&Value>, new: Option<&Value>, at: String, fields: &mut Vec<FieldChange>) {
    let object = |value: Option<&Value>| match value {
        Some(Value::Object(map)) => Some(map.clone()),
        _ => None,
    };
    match (object(old), object(new)) {
        (Some(a), Some(b)) => descend(Some(&a), Some(&b), &at, fields),
        (Some(a), None) if new.is_none() => descend(Some(&a), None, &at, fields),
        (None, Some(b)) if old.is_none() => descend(None, Some(&b), &at, fields),
        _ if old != new => fields.push(FieldChange {
            field: if at.is_empty() { "/".to_string() } else { at },
            old: old.cloned(),
            new: new.cloned(),
        }),
        _ => {}
    }
}

/// [`differing`] for each key of either object.
fn descend(
    old: Option<&serde_json::Map<String, Value>>,
    new: Option<&serde_json::Map<String, Value>>,
    at: &str,
    fields: &mut Vec<FieldChange>,
) {
    let keys: std::collections::BTreeSet<&String> = old
        .into_iter()
        .chain(new)
        .flat_map(|map| map.keys())
        .collect();
    for key in keys {
        let (a, b) = (old.and_then(|m| m.get(key)), new.and_then(|m| m.get(key)));
        if a != b {
            differing(a, b, format!("{at}/{key}"), fields);
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn added_removed_and_changed_elements_are_named_with_their_fields() {
        let from = [
            json!({"id": "start", "type": "start", "outputs": {"next": {"elementId": "gpt"}}}),
            json!({"id": "gpt", "type": "model", "properties": {"model": "gpt-4o", "retries": 1},
                   "outputs": {"fallback": {"elementId": "end"}}}),
            json!({"id": "old", "type": "end", "outputs": {}}),
        ];
        let to = [
            json!({"id": "start", "type": "start", "outputs": {"next": {"elementId": "gpt"}}}),
            json!({"id": "gpt", "type": "model", "properties": {"model": "gpt-4.1", "retries": 1},
                   "outputs": {"fallback": {"elementId": "end"}}}),
            json!({"id": "end", "type": "end", "outputs": {}}),
        ];
        let changes = element_changes(&from, &to);
        let shown: Vec<String> = changes.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["+ end", "~ gpt (/properties/model)", "- old"]);
        assert!(element_changes(&from, &from).is_empty());
    }

    #[test]
    fn a_whole_number_written_either_way_is_no_change() {
        let a = [json!({"id": "r", "properties": {"limit": 100}})];
        let b: Vec<crate::types::RouteElement> = Vec::new();
        assert_eq!(element_changes(&a, &b).len(), 1);
        let number: crate::Number = serde_json::from_value(json!(100.0)).expect("number");
        let c = [json!({"id": "r", "properties": {"limit": number}})];
        assert!(element_changes(&a, &c).is_empty());
    }

    #[test]
    fn numbers_inside_conditions_compare_by_value() {
        let sent: Value =
            serde_json::from_str(r#"{"id": "if", "properties": {"conditions": {"m": {"$eq": 2.0}, "n": {"$in": [2e0]}}}}"#)
                .expect("json");
        let stored =
            json!({"id": "if", "properties": {"conditions": {"n": {"$in": [2]}, "m": {"$eq": 2}}}});
        assert!(element_changes(std::slice::from_ref(&sent), &[stored]).is_empty());
        let changed =
            json!({"id": "if", "properties": {"conditions": {"m": {"$eq": 3}, "n": {"$in": [2]}}}});
        let shown: Vec<String> = element_changes(&[sent], &[changed])
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(shown, ["~ if (/properties/conditions/m/$eq)"]);
    }

    #[test]
    fn each_changed_field_carries_its_old_and_new_value() {
        let from = [json!({"id": "large", "type": "model",
            "properties": {"model": "gpt-4o", "provider": "openai"},
            "outputs": {"fallback": {"elementId": "end"}}})];
        let to = [
            json!({"id": "large", "type": "model",
                "properties": {"model": "gpt-4o-mini", "provider": "openai"},
                "outputs": {"fallback": {"elementId": "backup"}}}),
            json!({"id": "end", "type": "end", "outputs": {}}),
        ];
        let changes = element_changes(&from, &to);
        let shown: Vec<Vec<String>> = changes
            .iter()
            .map(|c| c.values.iter().map(ToString::to_string).collect())
            .collect();
        assert_eq!(
            shown,
            [
                vec!["+ type: end".to_string()],
                vec![
                    "outputs.fallback: end → backup".to_string(),
                    "model: gpt-4o → gpt-4o-mini".to_string(),
                ],
            ]
        );
        assert_eq!(
            serde_json::to_value(&changes[1]).expect("json"),
            json!({"element_id": "large", "change": "changed",
                "fields": ["/outputs/fallback/elementId", "/properties/model"],
                "values": [
                    {"field": "/outputs/fallback/elementId", "old": "end", "new": "backup"},
                    {"field": "/properties/model", "old": "gpt-4o", "new": "gpt-4o-mini"}]})
        );
        let removed = element_changes(&to[1..], &[] as &[Value]);
        assert_eq!(removed[0].values[0].to_string(), "- type: end");
    }

    #[test]
    fn a_field_added_to_a_changed_element_shows_only_its_new_value() {
        let from = [json!({"id": "if", "properties": {"conditions": {}}})];
        let to = [json!({"id": "if", "properties": {"conditions": {"m": {"$eq": "a"}}}})];
        let changes = element_changes(&from, &to);
        assert_eq!(changes[0].values[0].to_string(), "+ conditions.m.$eq: a");
        assert_eq!(
            changes[0].to_string(),
            "~ if (/properties/conditions/m/$eq)"
        );
    }

    #[test]
    fn long_values_are_cut_to_sixty_characters_on_a_character_boundary() {
        let long = "é".repeat(100);
        let shown = shown_value(&json!(long));
        assert_eq!(shown.chars().count(), MAX_VALUE_CHARS);
        assert!(shown.ends_with('…'));
        assert!(shown.starts_with(&"é".repeat(59)));
        let exact = "x".repeat(MAX_VALUE_CHARS);
        assert_eq!(shown_value(&json!(exact)), exact);
        assert_eq!(shorten("🦀🦀🦀", 2), "🦀…");
        assert_eq!(shorten("abc", 1), "…");
    }

    #[test]
    fn values_that_would_mislead_as_bare_text_are_shown_as_json() {
        assert_eq!(shown_value(&json!("")), "\"\"");
        assert_eq!(shown_value(&json!(" padded")), "\" padded\"");
        assert_eq!(shown_value(&json!("two\nlines")), "\"two\\nlines\"");
        assert_eq!(shown_value(&json!(2)), "2");
        assert_eq!(shown_value(&json!(["a", 1])), "[\"a\",1]");
    }
}
