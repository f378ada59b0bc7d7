//! What the live API really sends decodes: each test is one behaviour that
//! `spec/overlay.json` absorbs (or that the generated types tolerate by design).

use crate::support::fixtures;
use cloudflare_dynamic_routing::graph::same_graph;
use cloudflare_dynamic_routing::graph::{AnyElement, known_elements};
use cloudflare_dynamic_routing::types::{
    ErrorBody, RouteElement, RoutePageResponse, RouteResponse, RouteWithoutDeploymentResponse,
    VersionData, VersionDetailResponse, VersionPageResponse,
};
use serde_json::{Value, json};

fn decode<T: serde::de::DeserializeOwned>(body: Value) -> T {
    match serde_json::from_value(body) {
        Ok(value) => value,
        Err(e) => panic!("{} does not decode: {e}", std::any::type_name::<T>()),
    }
}

#[test]
fn account_tag_comes_and_goes_on_routes() {
    let mut route = fixtures::route(json!({
        "deployment": fixtures::deployment(), "version": fixtures::version(),
    }));
    let without: RouteResponse = decode(json!({"success": true, "result": route.clone()}));
    assert_eq!(without.result.account_tag, None);
    route["account_tag"] = json!("acct");
    let with: RouteResponse = decode(json!({"success": true, "result": route.clone()}));
    assert_eq!(with.result.account_tag.as_deref(), Some("acct"));
    let page: RoutePageResponse = decode(fixtures::page("routes", json!([route])));
    assert_eq!(page.data.routes[0].account_tag.as_deref(), Some("acct"));
}

#[test]
fn version_data_is_a_string_or_an_array_of_elements() {
    let mut version = fixtures::version();
    version["data"] = json!("[]");
    let listed: VersionPageResponse = decode(fixtures::page("versions", json!([version.clone()])));
    assert!(matches!(&listed.data.versions[0].data, Some(VersionData::String(s)) if s == "[]"));
    version["data"] = fixtures::graph();
    let listed: VersionPageResponse = decode(fixtures::page("versions", json!([version])));
    match &listed.data.versions[0].data {
        Some(VersionData::Array(elements)) => assert_eq!(
            elements.len(),
            fixtures::graph().as_array().map_or(0, Vec::len)
        ),
        other => panic!("expected elements, got {other:?}"),
    }
}

fn version_detail(extra: Value) -> Value {
    let mut detail = json!({
        "id": fixtures::ROUTE_ID, "name": "r", "gateway_id": fixtures::GATEWAY,
        "version_id": fixtures::VERSION_ID, "active": "true", "data": "[]",
        "created_at": "2026-11-01 10:00:00", "modified_at": "2026-11-02T11:30:15.250Z",
    });
    for (key, value) in extra.as_object().expect("object") {
        detail[key] = value.clone();
    }
    json!({"success": true, "result": detail})
}

#[test]
fn a_version_s_elements_may_be_missing_or_null() {
    let missing: VersionDetailResponse = decode(version_detail(json!({})));
    assert_eq!(missing.result.elements, None);
    let null: VersionDetailResponse = decode(version_detail(json!({"elements": null})));
    assert_eq!(null.result.elements, None);
    let present: VersionDetailResponse =
        decode(version_detail(json!({"elements": fixtures::graph()})));
    assert!(present.result.elements.is_some_and(|e| !e.is_empty()));
}

#[test]
fn is_valid_and_comment_come_and_go() {
    let with: VersionDetailResponse = decode(version_detail(
        json!({"is_valid": false, "comment": "first try"}),
    ));
    assert_eq!(with.result.is_valid, Some(false));
    assert_eq!(with.result.comment.as_deref(), Some("first try"));
    let without: VersionDetailResponse = decode(version_detail(json!({})));
    assert_eq!(
        (without.result.is_valid, without.result.comment),
        (None, None)
    );
}

#[test]
fn unknown_fields_are_ignored() {
    let body = version_detail(
        json!({"brand_new_field": {"nested": [1, 2]}, "elements": fixtures::graph()}),
    );
    let decoded: VersionDetailResponse = decode(body);
    assert_eq!(decoded.result.version_id, fixtures::VERSION_ID);
}

#[test]
fn error_bodies_carry_codes_and_may_have_a_null_or_absent_result() {
    let with_code: ErrorBody = decode(json!({
        "success": false, "result": null,
        "errors": [{"code": 7001, "message": "Invalid route"}]
    }));
    assert_eq!(with_code.errors[0].code, Some(7001));
    assert_eq!(with_code.result, None);
    let absent: ErrorBody = decode(json!({"success": false, "errors": [{"message": "x"}]}));
    assert_eq!((absent.errors[0].code, absent.result), (None, None));
}

fn graph_with_a_new_kind() -> Value {
    let mut graph = fixtures::graph();
    graph.as_array_mut().expect("array").push(json!({
        "id": "cache", "type": "semantic_cache",
        "properties": {"threshold": 0.92}, "outputs": {"hit": {"elementId": "end"}}
    }));
    graph
}

#[test]
fn an_element_of_an_unknown_kind_is_kept_whole() {
    let graph = graph_with_a_new_kind();
    let route = fixtures::route(json!({
        "deployment": fixtures::deployment(), "version": fixtures::version(), "elements": graph.clone(),
    }));
    let decoded: RouteResponse = decode(json!({"success": true, "result": route.clone()}));
    let elements = decoded.result.graph().expect("a graph");
    let last = elements.last().expect("elements");
    match last {
        AnyElement::Unknown(unknown) => {
            assert_eq!(unknown.kind(), "semantic_cache");
            assert_eq!(unknown.id(), Some("cache"));
            assert_eq!(unknown.json()["properties"]["threshold"], json!(0.92));
        }
        AnyElement::Known(known) => panic!("decoded as a known kind: {known:?}"),
    }
    assert_eq!(last.id(), "cache");
    // It re-encodes exactly as it came, with the rest of the route.
    assert_eq!(
        serde_json::to_value(&decoded.result).expect("encodes"),
        route
    );
    // The graph tools say which elements they cannot reason about.
    let elements = decoded.result.graph().expect("a graph");
    let unknown = known_elements(&elements).expect_err("one unknown kind");
    assert_eq!(unknown.len(), 1);

    let page: RoutePageResponse = decode(fixtures::page("routes", json!([route])));
    assert_eq!(
        page.data.routes[0].graph().expect("a graph").len(),
        graph.as_array().map_or(0, Vec::len)
    );
}

#[test]
fn a_malformed_element_of_a_known_kind_is_still_an_error() {
    let mut graph = fixtures::graph();
    let rate = graph
        .as_array_mut()
        .and_then(|g| g.iter_mut().find(|e| e["type"] == "rate"))
        .expect("the fixture has a rate element");
    rate["properties"]
        .as_object_mut()
        .expect("properties")
        .remove("limit");
    let route = fixtures::route(json!({
        "deployment": fixtures::deployment(), "version": fixtures::version(), "elements": graph,
    }));
    let error = serde_json::from_value::<RouteResponse>(json!({"success": true, "result": route}))
        .expect_err("a rate element without a limit");
    assert!(error.to_string().contains("limit"), "{error}");
}

#[test]
fn known_elements_of_a_graph_of_known_kinds_are_all_of_them() {
    let elements: Vec<AnyElement> = decode(fixtures::graph());
    let known = known_elements(&elements).expect("all known");
    assert_eq!(known.len(), elements.len());
    assert!(elements.iter().zip(&known).all(|(any, known)| any == known));
}

fn sample() -> Vec<RouteElement> {
    decode(fixtures::graph())
}

/// A route as the live API lists it: no `elements`, and `version` without `data`, with
/// `active` a boolean (live behaviours 1 and 3 of `spec/PROVENANCE.md`).
fn live_listed_route(id: &str) -> Value {
    let mut route = fixtures::listed_route_named(id);
    route.as_object_mut().expect("an object").remove("elements");
    route["version"] = json!({"active": true, "created_at": "2026-11-01 10:00:00",
                              "version_id": "version-2"});
    route
}

#[test]
fn a_live_list_page_decodes_and_its_missing_graphs_are_none() {
    let page: RoutePageResponse = decode(fixtures::page(
        "routes",
        json!([live_listed_route("a"), live_listed_route("b")]),
    ));
    for route in &page.data.routes {
        assert_eq!(route.elements, None, "missing, not empty");
        assert_eq!(route.graph(), None);
        assert_eq!(route.version.data, None);
        assert!(route.version.is_active());
    }
}

#[test]
fn a_live_get_route_carries_its_graph_in_version_data_only() {
    for elements in [None, Some(json!(null)), Some(json!([]))] {
        let mut route = fixtures::full_route();
        match &elements {
            None => {
                route.as_object_mut().expect("an object").remove("elements");
            }
            Some(value) => route["elements"] = value.clone(),
        }
        route["version"]["data"] = fixtures::graph();
        route["version"]["active"] = json!(true);
        let got: RouteResponse = decode(json!({"success": true, "result": route}));
        let graph = got.result.graph().expect("the graph from version.data");
        assert!(same_graph(&graph, &sample()), "elements {elements:?}");
    }
}

#[test]
fn create_version_may_carry_the_new_version_id_at_the_top_level() {
    let documented: RouteWithoutDeploymentResponse =
        decode(fixtures::envelope_result(fixtures::route(json!({}))));
    assert_eq!(documented.result.version_id, None);
    let live: RouteWithoutDeploymentResponse = decode(fixtures::envelope_result(fixtures::route(
        json!({"version_id": "version-3"}),
    )));
    assert_eq!(live.result.version_id.as_deref(), Some("version-3"));
}

#[test]
fn a_route_decoded_from_any_shape_re_encodes_its_numbers_as_they_came() {
    // Integers as JavaScript writes them (`30000`), in `elements`, in `version.data` as an
    // array, and in `version.data` as a string: none turns into `30000.0`.
    let mut in_data = fixtures::full_route();
    in_data
        .as_object_mut()
        .expect("an object")
        .remove("elements");
    in_data["version"]["data"] = fixtures::graph();
    let mut in_string = fixtures::full_route();
    in_string["elements"] = json!([]);
    in_string["version"]["data"] = json!(fixtures::graph().to_string());
    for route in [fixtures::full_route(), in_data, in_string] {
        let got: RouteResponse = decode(json!({"success": true, "result": route.clone()}));
        let graph = got.result.graph().expect("a graph");
        let text = serde_json::to_string(&graph).expect("encodes");
        assert!(
            text.contains("\"timeout\":30000") && !text.contains(".0"),
            "{text}"
        );
        let again: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(again, fixtures::graph(), "re-encoded as sent");
    }
}
