//! What changed between two graphs, element by element: elements added, removed, and changed
//! (with the fields that differ), matched by id. Plans, diffs and history show these.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

/// One element's change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElementChange {
    /// The element's id.
    pub element_id: String,
    /// What happened to it.
    #[serde(flatten)]
    pub change: Change,
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
            }),
            Some(new) if new != old => {
                let mut fields = Vec::new();
                differing(old, new, String::new(), &mut fields);
                changes.push(ElementChange {
                    element_id: id.clone(),
                    change: Change::Changed { fields },
                });
            }
            Some(_) => {}
        }
    }
    for id in to.keys().filter(|id| !from.contains_key(*id)) {
        changes.push(ElementChange {
            element_id: id.clone(),
            change: Change::Added,
        });
    }
    changes.sort_by(|a, b| a.element_id.cmp(&b.element_id));
    changes
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

/// The pointers under `at` where `old` and `new` differ, descending into objects.
fn differing(old: &Value, new: &Value, at: String, fields: &mut Vec<String>) {
    match (old, new) {
        (Value::Object(old), Value::Object(new)) => {
            let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
            for key in keys {
                let child = format!("{at}/{key}");
                match (old.get(key), new.get(key)) {
                    (Some(a), Some(b)) if a == b => {}
                    (Some(a), Some(b)) => differing(a, b, child, fields),
                    _ => fields.push(child),
                }
            }
        }
        _ if old != new => fields.push(if at.is_empty() { "/".to_string() } else { at }),
        _ => {}
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
}
