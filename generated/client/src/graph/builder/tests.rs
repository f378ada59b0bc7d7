//! The typed graph builder: the sample graph builds with readable ids in a stable order,
//! round-trips through serde, passes validation, and misuse (foreign handles, repeated ids,
//! repeated weights, bad settings) is an error rather than a broken graph.

use crate::graph::{BuildError, ElementKind, GraphBuilder, ModelCall, RateLimit, Rule, validate};
use crate::types::{RateLimitType, RouteElement};
use serde_json::json;

/// The brief's sample: free plans through a budget to a small model, others 70/30 between a
/// large model (falling back to the small one) and the small one. The same graph as the
/// workspace's fixture, which the other tests read as JSON.
fn sample() -> Result<Vec<RouteElement>, BuildError> {
    let mut g = GraphBuilder::new();
    let end = g.end("end");
    let small_call = ModelCall::new("workers-ai", "@cf/meta/llama-3.1-8b-instruct")
        .retries(1)
        .timeout_ms(10_000);
    let small = g.model("small", small_call, end, end);
    let large_call = ModelCall::new("openai", "gpt-4o")
        .retries(2)
        .timeout_ms(30_000);
    let large = g.model("large", large_call, end, small);
    let split = g.percentage("split", [(70, large), (30, small)]);
    let limit = RateLimit::count(100)
        .per_seconds(3600)
        .keyed_by("metadata.user");
    let budget = g.rate("budget", limit, small, end);
    let free_plan = json!({"metadata.plan": {"$eq": "free"}});
    let plan = g.conditional("plan", free_plan, budget, split);
    g.start(plan).build()
}

/// Every edge as (from, label, to).
fn edges(elements: &[RouteElement]) -> Vec<(String, String, String)> {
    elements
        .iter()
        .flat_map(|element| {
            element.outputs().into_iter().map(|output| {
                (
                    element.id().to_owned(),
                    output.label.to_owned(),
                    output.target.to_owned(),
                )
            })
        })
        .collect()
}

#[test]
fn the_sample_builds_start_first_then_in_creation_order() {
    let elements = sample().expect("builds");
    let ids: Vec<&str> = elements.iter().map(RouteElement::id).collect();
    assert_eq!(
        ids,
        ["start", "end", "small", "large", "split", "budget", "plan"]
    );
    let kinds: Vec<ElementKind> = elements.iter().map(RouteElement::kind).collect();
    assert_eq!(
        kinds,
        [
            ElementKind::Start,
            ElementKind::End,
            ElementKind::Model,
            ElementKind::Model,
            ElementKind::Percentage,
            ElementKind::Rate,
            ElementKind::Conditional,
        ]
    );
}

#[test]
fn the_sample_has_the_expected_links_and_labels() {
    let elements = sample().expect("builds");
    let expected = [
        ("start", "next", "plan"),
        ("small", "success", "end"),
        ("small", "fallback", "end"),
        ("large", "success", "end"),
        ("large", "fallback", "small"),
        ("split", "30%", "small"),
        ("split", "70%", "large"),
        ("budget", "success", "small"),
        ("budget", "fallback", "end"),
        ("plan", "true", "budget"),
        ("plan", "false", "split"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(edges(&elements), expected);
}

#[test]
fn the_sample_carries_its_settings() {
    let elements = sample().expect("builds");
    let value = serde_json::to_value(&elements).expect("encodes");
    assert_eq!(value[1], json!({"id": "end", "type": "end", "outputs": {}}));
    assert_eq!(
        value[2]["properties"],
        json!({"provider": "workers-ai", "model": "@cf/meta/llama-3.1-8b-instruct",
               "retries": 1, "timeout": 10000})
    );
    assert_eq!(
        value[5]["properties"],
        json!({"key": "metadata.user", "limit": 100, "limitType": "count", "window": 3600})
    );
    assert_eq!(
        value[6]["properties"],
        json!({"conditions": {"metadata.plan": {"$eq": "free"}}})
    );
}

#[test]
fn the_sample_round_trips_through_serde() {
    let elements = sample().expect("builds");
    let value = serde_json::to_value(&elements).expect("encodes");
    let back: Vec<RouteElement> = serde_json::from_value(value).expect("decodes");
    assert_eq!(back, elements);
}

#[test]
fn the_sample_passes_validation() {
    let elements = sample().expect("builds");
    assert_eq!(validate(&elements), Ok(()));
}

#[test]
fn building_twice_gives_the_same_graph() {
    assert_eq!(sample().expect("builds"), sample().expect("builds"));
}

#[test]
fn into_route_names_the_graph() {
    let mut g = GraphBuilder::new();
    let end = g.end("done");
    let route = g.start(end).into_route("minimal").expect("builds");
    assert_eq!(route.name, "minimal");
    assert_eq!(route.elements.len(), 2);
    assert_eq!(validate(&route.elements), Ok(()));
}

#[test]
fn start_as_sets_the_start_id() {
    let mut g = GraphBuilder::new();
    let end = g.end("end");
    let elements = g.start_as("entry", end).build().expect("builds");
    assert_eq!(elements[0].id(), "entry");
    assert_eq!(elements[0].kind(), ElementKind::Start);
}

#[test]
fn id_of_knows_only_its_own_handles() {
    let mut mine = GraphBuilder::new();
    let mut other = GraphBuilder::new();
    let end = mine.end("end");
    let foreign = other.end("end");
    assert_eq!(mine.id_of(end), Some("end"));
    assert_eq!(mine.id_of(foreign), None);
}

#[test]
fn a_handle_from_another_builder_is_an_error() {
    let mut other = GraphBuilder::new();
    let foreign_end = other.end("end");

    let mut g = GraphBuilder::new();
    let end = g.end("end");
    let model = g.model("gpt", ModelCall::new("openai", "gpt-4o"), end, foreign_end);
    let error = g.start(model).build().expect_err("foreign handle");
    assert_eq!(
        error,
        BuildError::ForeignHandle {
            element_id: "gpt".to_owned()
        }
    );
    assert!(error.to_string().contains("another graph builder"));
}

#[test]
fn a_foreign_handle_as_the_start_target_is_an_error() {
    let mut other = GraphBuilder::new();
    let foreign_end = other.end("end");
    let mut g = GraphBuilder::new();
    g.end("end");
    let error = g.start(foreign_end).build().expect_err("foreign handle");
    assert_eq!(
        error,
        BuildError::ForeignHandle {
            element_id: "start".to_owned()
        }
    );
}

#[test]
fn a_repeated_id_is_an_error() {
    let mut g = GraphBuilder::new();
    let end = g.end("same");
    let model = g.model("same", ModelCall::new("openai", "gpt-4o"), end, end);
    let error = g.start(model).build().expect_err("duplicate id");
    assert_eq!(
        error,
        BuildError::DuplicateId {
            id: "same".to_owned()
        }
    );
}

#[test]
fn an_element_named_like_the_start_is_an_error() {
    let mut g = GraphBuilder::new();
    let end = g.end("start");
    let error = g.start(end).build().expect_err("duplicate id");
    assert_eq!(
        error,
        BuildError::DuplicateId {
            id: "start".to_owned()
        }
    );
}

#[test]
fn repeated_weights_are_an_error_not_a_lost_branch() {
    let mut g = GraphBuilder::new();
    let end = g.end("end");
    let a = g.model("a", ModelCall::new("openai", "gpt-4o"), end, end);
    let b = g.model("b", ModelCall::new("openai", "gpt-4o-mini"), end, end);
    let split = g.percentage("split", [(50, a), (50, b)]);
    let error = g.start(split).build().expect_err("same label twice");
    assert_eq!(
        error,
        BuildError::DuplicateWeight {
            element_id: "split".to_owned(),
            label: "50%".to_owned()
        }
    );
}

#[test]
fn conditions_that_are_not_an_object_are_an_error() {
    let mut g = GraphBuilder::new();
    let end = g.end("end");
    let plan = g.conditional("plan", json!(["not", "a", "filter"]), end, end);
    let error = g.start(plan).build().expect_err("not an object");
    assert_eq!(
        error,
        BuildError::ConditionsNotObject {
            element_id: "plan".to_owned()
        }
    );
}

/// The rules of an invalid graph, in order.
fn invalid_rules(error: BuildError) -> Vec<Rule> {
    match error {
        BuildError::Invalid(problems) => problems.iter().map(|problem| problem.rule).collect(),
        other => panic!("expected an invalid graph, got {other:?}"),
    }
}

#[test]
fn weights_not_totalling_100_fail_validation() {
    let mut g = GraphBuilder::new();
    let end = g.end("end");
    let a = g.model("a", ModelCall::new("openai", "gpt-4o"), end, end);
    let b = g.model("b", ModelCall::new("openai", "gpt-4o-mini"), end, end);
    let split = g.percentage("split", [(60, a), (30, b)]);
    let error = g.start(split).build().expect_err("total 90");
    assert_eq!(invalid_rules(error), [Rule::PercentageOutputs]);
}

#[test]
fn an_element_nothing_leads_to_fails_validation() {
    let mut g = GraphBuilder::new();
    let end = g.end("end");
    g.model("orphan", ModelCall::new("openai", "gpt-4o"), end, end);
    let error = g.start(end).build().expect_err("unreachable");
    assert_eq!(invalid_rules(error), [Rule::Unreachable]);
}

#[test]
fn bad_settings_fail_validation() {
    let mut g = GraphBuilder::new();
    let end = g.end("end");
    // No provider, no model (a timeout of 0 is valid: live behaviour 16).
    let model = g.model("m", ModelCall::new("", " ").timeout_ms(0), end, end);
    // No key, and an empty window.
    let rate = g.rate("r", RateLimit::cost(2.5).per_seconds(0), model, end);
    let error = g.start(rate).build().expect_err("bad settings");
    assert_eq!(
        invalid_rules(error.clone()),
        // By position: the model was added before the rate.
        [
            Rule::ModelCall,
            Rule::ModelCall,
            Rule::RateLimit,
            Rule::RateLimit
        ]
    );
    assert!(error.to_string().contains("key is empty"), "{error}");
}

#[test]
fn cost_limits_and_defaults_are_encoded() {
    let mut g = GraphBuilder::new();
    let end = g.end("end");
    let model = g.model("m", ModelCall::new("openai", "gpt-4o"), end, end);
    let rate = g.rate(
        "r",
        RateLimit::cost(2.5).keyed_by("headers.x-team"),
        model,
        end,
    );
    let elements = g.start(rate).build().expect("builds");
    match &elements[3] {
        RouteElement::Rate { properties, .. } => {
            assert_eq!(properties.limit_type, RateLimitType::Cost);
            assert_eq!(properties.limit, 2.5);
            assert_eq!(properties.window, 60.0);
            assert_eq!(properties.key, "headers.x-team");
        }
        other => panic!("expected the rate element, got {other:?}"),
    }
    match &elements[2] {
        RouteElement::Model { properties, .. } => {
            assert_eq!(properties.retries, 0.0);
            assert_eq!(properties.timeout, 30_000.0);
        }
        other => panic!("expected the model element, got {other:?}"),
    }
}

#[test]
fn the_sample_is_the_workspace_fixture() {
    let built = sample().expect("builds");
    let fixture: Vec<RouteElement> =
        serde_json::from_value(crate::fixtures::graph()).expect("the fixture decodes");
    assert_eq!(
        crate::graph::in_id_order(&built),
        crate::graph::in_id_order(&fixture)
    );
}
