//! The one by-id index of a graph, so validation, explanation and pictures all follow a link
//! to the same element.

use std::collections::HashMap;

use crate::types::RouteElement;

/// Each id's first holder: a link names an element by id, and with repeated ids the first
/// element holding it is the one linked to. Validation goes further and counts an empty
/// `elementId` as dangling whatever holds it (see [`ElementIndex::resolve`]).
#[derive(Debug, Clone)]
pub(crate) struct ElementIndex<'a> {
    positions: HashMap<&'a str, usize>,
}

impl<'a> ElementIndex<'a> {
    /// Indexes `elements` by id.
    pub(crate) fn new(elements: &'a [RouteElement]) -> Self {
        let mut positions = HashMap::with_capacity(elements.len());
        for (position, element) in elements.iter().enumerate() {
            positions.entry(element.id()).or_insert(position);
        }
        Self { positions }
    }

    /// The position of the element a link to `id` leads to, if any.
    pub(crate) fn position(&self, id: &str) -> Option<usize> {
        self.positions.get(id).copied()
    }

    /// Where a link to `id` leads under validation's rules: nowhere for an empty id, which
    /// cannot name an element the API would accept.
    pub(crate) fn resolve(&self, id: &str) -> Option<usize> {
        self.position(id).filter(|_| !id.is_empty())
    }

    /// Whether valid links can reach the element at `position`: its id is non-empty and not
    /// already held by an earlier element.
    pub(crate) fn is_linkable(&self, position: usize, element: &RouteElement) -> bool {
        self.resolve(element.id()) == Some(position)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn elements(ids: &[&str]) -> Vec<RouteElement> {
        let list: Vec<_> = ids
            .iter()
            .map(|id| json!({"id": id, "type": "end", "outputs": {}}))
            .collect();
        serde_json::from_value(json!(list)).expect("end elements decode")
    }

    #[test]
    fn the_first_holder_of_an_id_is_linked_to_and_empty_ids_never_resolve() {
        let graph = elements(&["a", "b", "a", "", ""]);
        let index = ElementIndex::new(&graph);
        assert_eq!(index.position("a"), Some(0));
        assert_eq!(index.position("b"), Some(1));
        assert_eq!(index.position(""), Some(3));
        assert_eq!(index.resolve(""), None);
        assert_eq!(index.resolve("a"), Some(0));
        assert_eq!(index.position("c"), None);
        let linkable: Vec<bool> = graph
            .iter()
            .enumerate()
            .map(|(position, element)| index.is_linkable(position, element))
            .collect();
        assert_eq!(linkable, [true, true, false, false, false]);
    }
}
