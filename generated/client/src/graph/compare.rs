//! The one graph equality: the same elements, whatever their order. The API may answer with a
//! graph's elements in another order than they were sent, so `replace_graph`, `apply` and
//! `diff` all compare through here.

use std::cmp::Ordering;

use super::AnyElement;
use crate::types::RouteElement;

/// Whether `received` (a graph as the API answered it) is the graph `sent`: the same elements,
/// in any order. A graph holding a kind this client does not know cannot be shown to be the
/// same, so it is not.
pub fn same_graph(received: &[AnyElement], sent: &[RouteElement]) -> bool {
    if received.len() != sent.len() {
        return false;
    }
    let Some(mut received) = received
        .iter()
        .map(AnyElement::known)
        .collect::<Option<Vec<_>>>()
    else {
        return false;
    };
    let mut sent: Vec<&RouteElement> = sent.iter().collect();
    received.sort_by(|a, b| id_order(a, b));
    sent.sort_by(|a, b| id_order(a, b));
    received == sent
}

/// A graph's elements in id order (repeated ids by their JSON): the order graphs are compared
/// and shown in, so that a diff shows changes, not reordering.
pub fn in_id_order(elements: &[RouteElement]) -> Vec<RouteElement> {
    let mut sorted = elements.to_vec();
    sorted.sort_by(id_order);
    sorted
}

fn id_order(a: &RouteElement, b: &RouteElement) -> Ordering {
    let json = |e: &RouteElement| serde_json::to_string(e).unwrap_or_default();
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
