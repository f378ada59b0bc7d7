//! The one graph equality: the same elements, whatever their order, with numbers compared by
//! value (`2`, `2.0` and `2e0` are one number) and objects, `conditions` included, whatever
//! their key order. The API answers with elements in another order, conditions re-keyed and
//! numbers as JavaScript writes them, so `replace_graph`, `apply` and `diff` all compare
//! through here.

use std::cmp::Ordering;

use serde::Serialize;
use serde_json::Value;

use super::AnyElement;
use crate::Number;
use crate::types::RouteElement;

/// Whether `received` (a graph as the API answered it) is the graph `sent`: the same elements,
/// in any order, numbers equal by value and keys in any order. A graph holding a kind this
/// client does not know cannot be shown to be the same, so it is not.
pub fn same_graph(received: &[AnyElement], sent: &[RouteElement]) -> bool {
    if received.len() != sent.len() {
        return false;
    }
    let Some(received) = received
        .iter()
        .map(AnyElement::known)
        .collect::<Option<Vec<_>>>()
    else {
        return false;
    };
    comparable(&received) == comparable(&sent.iter().collect::<Vec<_>>())
}

/// An element as compared: its JSON with every number as the API stores it
/// ([`Number::normalize_all`]). `serde_json`'s objects compare without regard to key order.
pub(crate) fn as_compared<T: Serialize>(element: &T) -> Value {
    let mut value = serde_json::to_value(element).unwrap_or(Value::Null);
    Number::normalize_all(&mut value);
    value
}

/// A graph's elements as compared, sorted by id, then by their normalised JSON.
fn comparable(elements: &[&RouteElement]) -> Vec<Value> {
    let mut values: Vec<(String, String, Value)> = elements
        .iter()
        .map(|element| {
            let value = as_compared(element);
            (element.id().to_string(), sorted_text(&value), value)
        })
        .collect();
    values.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    values.into_iter().map(|(_, _, value)| value).collect()
}

/// `value` as text with object keys sorted, so equal values have equal text whatever the
/// order their keys were kept in.
fn sorted_text(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let inner: Vec<String> = entries
                .into_iter()
                .map(|(key, value)| format!("{}:{}", Value::from(key.as_str()), sorted_text(value)))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(sorted_text).collect();
            format!("[{}]", inner.join(","))
        }
        other => other.to_string(),
    }
}

/// A graph's elements in id order (repeated ids by their JSON): the order graphs are compared
/// and shown in, so that a diff shows changes, not reordering.
pub fn in_id_order(elements: &[RouteElement]) -> Vec<RouteElement> {
    let mut sorted = elements.to_vec();
    sorted.sort_by(id_order);
    sorted
}

fn id_order(a: &RouteElement, b: &RouteElement) -> Ordering {
    let json = |e: &RouteElement| sorted_text(&as_compared(e));
    a.id().cmp(b.id()).then_with(|| json(a).cmp(&json(b)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn graph(value: serde_json::Value) -> Vec<RouteElement> {
        serde_json::from_value(value).expect("a graph")
    }

    fn received(elements: &[RouteElement]) -> Vec<AnyElement> {
        elements.iter().cloned().map(AnyElement::from).collect()
    }

    fn sample() -> Vec<RouteElement> {
        graph(json!([
            {"id": "start", "type": "start", "outputs": {"next": {"elementId": "end"}}},
            {"id": "end", "type": "end", "outputs": {}},
            {"id": "x", "type": "end", "outputs": {}}
        ]))
    }

    #[test]
    fn the_same_elements_in_another_order_are_the_same_graph() {
        let sent = sample();
        let mut reordered = sent.clone();
        reordered.reverse();
        assert!(same_graph(&received(&reordered), &sent));
        assert!(same_graph(&received(&sent), &sent));
    }

    #[test]
    fn a_changed_missing_or_extra_element_is_another_graph() {
        let sent = sample();
        assert!(!same_graph(&received(&sent[..2]), &sent));
        let mut extra = sent.clone();
        extra.push(sent[2].clone());
        assert!(!same_graph(&received(&extra), &sent));
        let changed = graph(json!([
            {"id": "start", "type": "start", "outputs": {"next": {"elementId": "x"}}},
            {"id": "end", "type": "end", "outputs": {}},
            {"id": "x", "type": "end", "outputs": {}}
        ]));
        assert!(!same_graph(&received(&changed), &sent));
    }

    fn conditional(conditions: serde_json::Value) -> Vec<RouteElement> {
        graph(json!([
            {"id": "start", "type": "start", "outputs": {"next": {"elementId": "if"}}},
            {"id": "if", "type": "conditional", "properties": {"conditions": conditions},
             "outputs": {"true": {"elementId": "end"}, "false": {"elementId": "end"}}},
            {"id": "end", "type": "end", "outputs": {}}
        ]))
    }

    #[test]
    fn numbers_compare_by_value_and_keys_in_any_order_inside_conditions() {
        let sent: serde_json::Value = serde_json::from_str(
            r#"{"$and": [{"metadata.tier": {"$eq": 2.0}}, {"metadata.n": {"$in": [1e0, 3]}}],
                "metadata.x": {"$ne": "a", "$eq": 0.5}}"#,
        )
        .expect("json");
        let stored: serde_json::Value = serde_json::from_str(
            r#"{"metadata.x":{"$eq":0.5,"$ne":"a"},"$and":[{"metadata.tier":{"$eq":2}},{"metadata.n":{"$in":[1,3]}}]}"#,
        )
        .expect("json");
        assert!(same_graph(
            &received(&conditional(stored.clone())),
            &conditional(sent.clone())
        ));
        assert!(same_graph(
            &received(&conditional(sent)),
            &conditional(stored)
        ));
        for (a, b) in [("2e0", "2"), ("2.0", "2"), ("2", "2.00")] {
            let a: serde_json::Value =
                serde_json::from_str(&format!(r#"{{"m": {{"$eq": {a}}}}}"#)).expect("json");
            let b: serde_json::Value =
                serde_json::from_str(&format!(r#"{{"m": {{"$eq": {b}}}}}"#)).expect("json");
            assert!(same_graph(&received(&conditional(a)), &conditional(b)));
        }
        let other = json!({"m": {"$eq": 2.5}});
        let two = json!({"m": {"$eq": 2}});
        assert!(!same_graph(
            &received(&conditional(other)),
            &conditional(two.clone())
        ));
        let text = json!({"m": {"$eq": "2"}});
        assert!(!same_graph(
            &received(&conditional(text)),
            &conditional(two)
        ));
    }

    #[test]
    fn an_unknown_kind_is_never_the_same() {
        let sent = sample();
        let mut got = received(&sent[..2]);
        let unknown: AnyElement =
            serde_json::from_value(json!({"id": "x", "type": "cache", "outputs": {}}))
                .expect("an unknown kind decodes");
        got.push(unknown);
        assert!(!same_graph(&got, &sent));
    }

    #[test]
    fn id_order_sorts_by_id_then_content_whatever_the_order_given() {
        let mut elements = graph(json!([
            {"id": "b", "type": "end", "outputs": {"z": {"elementId": "a"}}},
            {"id": "b", "type": "end", "outputs": {}},
            {"id": "a", "type": "end", "outputs": {}}
        ]));
        let sorted = in_id_order(&elements);
        let ids: Vec<&str> = sorted.iter().map(RouteElement::id).collect();
        assert_eq!(ids, ["a", "b", "b"]);
        elements.swap(0, 1);
        assert_eq!(in_id_order(&elements), sorted);
    }
}
