//! Hand-written methods on generated types: a route's or version's graph and a version's state,
//! read the same way whichever shape the API answered in (documented or live; see
//! `spec/overlay.json`).

use crate::graph::AnyElement;
use crate::types::{ActiveFlag, Route, Version, VersionData, VersionDetail};

impl VersionData {
    /// The graph this holds: the elements themselves, or the documented JSON string of them.
    /// `None` when the string is not a JSON list of elements.
    pub fn elements(&self) -> Option<Vec<AnyElement>> {
        match self {
            Self::String(text) => serde_json::from_str(text).ok(),
            Self::Array(elements) => Some(elements.clone()),
        }
    }
}

impl ActiveFlag {
    /// Whether the version is the deployed one: `"true"` or `true`.
    pub fn is_active(&self) -> bool {
        match self {
            Self::String(text) => text.trim() == "true",
            Self::Boolean(active) => *active,
        }
    }
}

/// A graph sent as `elements` or as `data`: `elements` when it holds any, else `data`'s, else
/// `elements` as sent (an empty graph stays empty; a missing one stays missing).
fn graph(
    elements: Option<&Vec<AnyElement>>,
    data: Option<&VersionData>,
) -> Option<Vec<AnyElement>> {
    match elements {
        Some(elements) if !elements.is_empty() => Some(elements.clone()),
        _ => data
            .and_then(VersionData::elements)
            .or_else(|| elements.cloned()),
    }
}

impl Route {
    /// The route's graph, whichever way the API sent it: top-level `elements`, or (as the live
    /// API may, with `elements` absent, `null` or `[]`) the deployed graph in `version.data`, as
    /// a JSON array or the documented JSON string.
    ///
    /// `None` when the answer carries no graph at all: a route as *listed* (the live list
    /// carries none; read the route with `get_route`). A missing graph is never an empty one.
    pub fn graph(&self) -> Option<Vec<AnyElement>> {
        graph(self.elements.as_ref(), self.version.data.as_ref())
    }
}

impl Version {
    /// Whether this version is the deployed one.
    pub fn is_active(&self) -> bool {
        self.active.is_active()
    }

    /// The version's graph, when `data` carries it (a listed route's version has no `data`).
    pub fn graph(&self) -> Option<Vec<AnyElement>> {
        self.data.as_ref().and_then(VersionData::elements)
    }
}

impl VersionDetail {
    /// Whether this version is the deployed one.
    pub fn is_active(&self) -> bool {
        self.active.is_active()
    }

    /// The version's graph, whichever way the API sent it (`elements`, or `data` as an array
    /// or a string); `None` when it carries none.
    pub fn graph(&self) -> Option<Vec<AnyElement>> {
        graph(self.elements.as_ref(), self.data.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::fixtures;
    use crate::graph::same_graph;
    use crate::types::{Route, RouteElement, Version};

    fn sample() -> Vec<RouteElement> {
        serde_json::from_value(fixtures::graph()).expect("the sample decodes")
    }

    fn route(with: Value) -> Route {
        let mut route = fixtures::full_route();
        for (key, value) in with.as_object().expect("an object") {
            route[key] = value.clone();
        }
        serde_json::from_value(route).expect("the route decodes")
    }

    #[test]
    fn the_graph_is_read_from_elements_or_from_version_data_as_array_or_string() {
        let in_elements = route(json!({}));
        assert!(same_graph(
            &in_elements.graph().expect("a graph"),
            &sample()
        ));

        for elements in [json!(null), json!([])] {
            for data in [
                fixtures::graph(),
                Value::String(fixtures::graph().to_string()),
            ] {
                let mut version = fixtures::version();
                version["data"] = data;
                let live = route(json!({"elements": elements, "version": version}));
                assert!(
                    same_graph(&live.graph().expect("a graph"), &sample()),
                    "{elements}"
                );
            }
        }
        let mut absent = fixtures::full_route();
        absent
            .as_object_mut()
            .expect("an object")
            .remove("elements");
        absent["version"]["data"] = fixtures::graph();
        let absent: Route = serde_json::from_value(absent).expect("decodes");
        assert!(absent.elements.is_none());
        assert!(same_graph(&absent.graph().expect("a graph"), &sample()));
    }

    #[test]
    fn a_listed_route_without_a_graph_has_none_never_an_empty_one() {
        let mut listed = fixtures::listed_route();
        let object = listed.as_object_mut().expect("an object");
        object.remove("elements");
        listed["version"] = json!({"active": true, "created_at": "2026-11-01 10:00:00",
                                   "version_id": "v1"});
        let listed: Route = serde_json::from_value(listed).expect("a live list item decodes");
        assert_eq!(listed.elements, None);
        assert_eq!(listed.graph(), None);
        assert!(listed.version.is_active());
        // Encoded again, the missing graph stays missing rather than becoming `[]`.
        let again = serde_json::to_value(&listed).expect("encodes");
        assert!(again.get("elements").is_none(), "{again}");
    }

    #[test]
    fn active_is_read_from_the_documented_string_or_a_boolean() {
        for (active, expected) in [
            (json!("true"), true),
            (json!("false"), false),
            (json!(true), true),
            (json!(false), false),
        ] {
            let version: Version = serde_json::from_value(json!({
                "active": active, "created_at": "c", "data": "[]", "version_id": "v"
            }))
            .expect("decodes");
            assert_eq!(version.is_active(), expected, "{active}");
            assert_eq!(version.graph(), Some(Vec::new()));
        }
        let neither = serde_json::from_value::<Version>(
            json!({"active": 1, "created_at": "c", "version_id": "v"}),
        );
        assert!(neither.is_err());
    }
}
