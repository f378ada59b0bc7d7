//! Graph validation: a good graph passes, each rule catches its own fault and only that, and
//! several faults are all reported at once.

use std::collections::BTreeSet;

use crate::graph::{Problem, Rule, validate};
use crate::types::RouteElement;
use serde_json::{Value, json};

fn decode(value: Value) -> Vec<RouteElement> {
    serde_json::from_value(value).expect("test graph decodes")
}

/// The workspace's sample graph: every element kind, valid.
fn good() -> Value {
    crate::fixtures::graph()
}

/// `good()` with the element `id` replaced by `element`.
fn with(id: &str, element: Value) -> Vec<RouteElement> {
    let mut graph = good();
    let slot = graph
        .as_array_mut()
        .and_then(|elements| elements.iter_mut().find(|e| e["id"] == id))
        .expect("element exists");
    *slot = element;
    decode(graph)
}

fn problems(elements: &[RouteElement]) -> Vec<Problem> {
    validate(elements)
        .expect_err("graph should be invalid")
        .into_vec()
}

/// Asserts every problem is under `rule`, and that they name exactly `ids`.
fn only(problems: &[Problem], rule: Rule, ids: &[Option<&str>]) {
    let rules: BTreeSet<String> = problems.iter().map(|p| format!("{:?}", p.rule)).collect();
    assert_eq!(
        rules,
        BTreeSet::from([format!("{rule:?}")]),
        "rules reported: {problems:#?}"
    );
    let named: Vec<Option<&str>> = problems.iter().map(|p| p.element_id.as_deref()).collect();
    assert_eq!(named, ids, "elements named: {problems:#?}");
}

#[test]
fn good_graph_with_every_kind_passes() {
    let elements = decode(good());
    let kinds: BTreeSet<_> = elements.iter().map(|e| e.kind()).collect();
    assert_eq!(kinds.len(), 6);
    assert_eq!(validate(&elements), Ok(()));
}

#[test]
fn no_start_is_one_start_problem() {
    let mut graph = good();
    graph.as_array_mut().expect("array").remove(0);
    let found = problems(&decode(graph));
    only(&found, Rule::OneStart, &[None]);
    assert_eq!(found[0].to_string(), found[0].message);
}

#[test]
fn second_start_is_one_start_problem() {
    let mut graph = good();
    graph
        .as_array_mut()
        .expect("array")
        .push(json!({"id": "start2", "type": "start", "outputs": {"next": {"elementId": "end"}}}));
    let found = problems(&decode(graph));
    only(&found, Rule::OneStart, &[Some("start2")]);
    assert!(found[0].to_string().starts_with("element `start2`: "));
}

#[test]
fn duplicate_and_empty_ids_are_unique_ids_problems() {
    let mut graph = good();
    graph
        .as_array_mut()
        .expect("array")
        .push(json!({"id": "end", "type": "end", "outputs": {}}));
    only(&problems(&decode(graph)), Rule::UniqueIds, &[Some("end")]);

    let mut graph = good();
    graph
        .as_array_mut()
        .expect("array")
        .push(json!({"id": "", "type": "end", "outputs": {}}));
    let found = problems(&decode(graph));
    only(&found, Rule::UniqueIds, &[Some("")]);
    assert!(found[0].message.contains("empty id"));
}

#[test]
fn dangling_reference_is_reported() {
    let elements = with(
        "small",
        json!({"id": "small", "type": "model",
               "properties": {"provider": "workers-ai", "model": "m", "retries": 0, "timeout": 1},
               "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "nowhere"}}}),
    );
    let found = problems(&elements);
    only(&found, Rule::DanglingReference, &[Some("small")]);
    assert!(found[0].message.contains("nowhere"));
}

#[test]
fn unreachable_element_is_reported() {
    let mut graph = good();
    graph.as_array_mut().expect("array").push(json!(
        {"id": "orphan", "type": "model",
         "properties": {"provider": "openai", "model": "gpt-4o-mini", "retries": 1, "timeout": 5},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}}
    ));
    only(
        &problems(&decode(graph)),
        Rule::Unreachable,
        &[Some("orphan")],
    );
}

#[test]
fn element_with_no_way_to_an_end_is_no_end() {
    // A split with no outputs is a dead end; the conditional can still reach the end, and
    // the budget now leads to `large` so it stays reachable.
    let mut graph = good();
    graph[3]["outputs"] = json!({});
    graph[2]["outputs"]["success"]["elementId"] = json!("large");
    let found = problems(&decode(graph));
    only(&found, Rule::NoEnd, &[Some("split")]);
    assert!(found[0].message.contains("no outputs"));
}

#[test]
fn cycle_is_reported_once_naming_an_element_on_it() {
    // `small` falls back to `large`, which already falls back to `small`.
    let elements = with(
        "small",
        json!({"id": "small", "type": "model",
               "properties": {"provider": "workers-ai", "model": "m", "retries": 0, "timeout": 1},
               "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "large"}}}),
    );
    let found = problems(&elements);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].rule, Rule::Cycle);
    let on_cycle = found[0].element_id.as_deref();
    assert!(matches!(on_cycle, Some("small" | "large")), "{found:#?}");
}

#[test]
fn cycle_in_a_long_chain_is_found_without_deep_recursion() {
    // 100 000 chained percentage elements, the last looping to itself; a recursive search
    // would overflow the test thread's stack.
    let n = 100_000;
    let mut graph = vec![json!({"id": "start", "type": "start",
                                "outputs": {"next": {"elementId": "p0"}}})];
    for i in 0..n - 1 {
        graph.push(json!({"id": format!("p{i}"), "type": "percentage",
                          "outputs": {"100%": {"elementId": format!("p{}", i + 1)}}}));
    }
    let last = format!("p{}", n - 1);
    graph.push(json!({"id": last, "type": "percentage",
                      "outputs": {"40%": {"elementId": last}, "60%": {"elementId": "end"}}}));
    graph.push(json!({"id": "end", "type": "end", "outputs": {}}));
    let found = problems(&decode(Value::Array(graph)));
    only(&found, Rule::Cycle, &[Some(last.as_str())]);
}

#[test]
fn empty_conditional_branch_is_reported() {
    let mut graph = good();
    graph[1]["outputs"]["false"]["elementId"] = json!("");
    // Keep `split` reachable another way, so only the branch is at fault.
    graph[2]["outputs"]["fallback"]["elementId"] = json!("split");
    let found = problems(&decode(graph));
    only(&found, Rule::ConditionalBranches, &[Some("plan")]);
    assert!(found[0].message.contains("`false`"));
}

#[test]
fn bad_percentage_outputs_are_reported() {
    // Bad label, `else`, over five outputs: all under one rule, on one element.
    let elements = with(
        "split",
        json!({"id": "split", "type": "percentage", "outputs": {
            "10%": {"elementId": "large"}, "20%": {"elementId": "large"},
            "30%": {"elementId": "small"}, "sixty": {"elementId": "small"},
            "else": {"elementId": "end"}, "101%": {"elementId": "end"}}}),
    );
    let found = problems(&elements);
    only(&found, Rule::PercentageOutputs, &[Some("split"); 4]);

    // Good labels that do not total 100.
    let elements = with(
        "split",
        json!({"id": "split", "type": "percentage", "outputs": {
            "60%": {"elementId": "large"}, "30%": {"elementId": "small"}}}),
    );
    let found = problems(&elements);
    only(&found, Rule::PercentageOutputs, &[Some("split")]);
    assert!(found[0].message.contains("90%"));
}

#[test]
fn bad_rate_limit_is_reported() {
    let elements = with(
        "budget",
        json!({"id": "budget", "type": "rate",
               "properties": {"key": "", "limit": 0, "limitType": "cost", "window": -1},
               "outputs": {"success": {"elementId": "small"}, "fallback": {"elementId": "end"}}}),
    );
    only(&problems(&elements), Rule::RateLimit, &[Some("budget"); 3]);
}

#[test]
fn bad_model_call_is_reported() {
    let elements = with(
        "large",
        json!({"id": "large", "type": "model",
               "properties": {"provider": "", "model": " ", "retries": 1.5, "timeout": -1},
               "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "small"}}}),
    );
    only(&problems(&elements), Rule::ModelCall, &[Some("large"); 4]);

    let elements = with(
        "large",
        json!({"id": "large", "type": "model",
               "properties": {"provider": "openai", "model": "gpt-4o", "retries": -1,
                              "timeout": 2.5},
               "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "small"}}}),
    );
    only(&problems(&elements), Rule::ModelCall, &[Some("large"); 2]);
}

/// Live behaviour 16: Cloudflare's dashboard writes a model's `timeout` and `retries` as 0 and
/// names the start and end `START` and `END`; such a graph is valid.
#[test]
fn a_model_element_made_in_the_dashboard_validates() {
    let graph = json!([
        {"id": "START", "type": "start",
         "outputs": {"next": {"elementId": "model-1760000000000-k3x9"}}},
        {"id": "model-1760000000000-k3x9", "type": "model",
         "properties": {"provider": "openai", "model": "gpt-4o-mini", "retries": 0, "timeout": 0},
         "outputs": {"success": {"elementId": "END"}, "fallback": {"elementId": "END"}}},
        {"id": "END", "type": "end", "outputs": {}}
    ]);
    assert_eq!(validate(&decode(graph)), Ok(()));
}

#[test]
fn end_outputs_are_enforced_by_the_type() {
    // `Rule::EndOutputs`: an empty map is accepted; a missing one does not decode.
    assert_eq!(validate(&decode(good())), Ok(()));
    let missing = json!([{"id": "end", "type": "end"}]);
    assert!(serde_json::from_value::<Vec<RouteElement>>(missing).is_err());
}

#[test]
fn several_problems_are_all_reported_in_graph_order() {
    let graph = json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "budget"}}},
        {"id": "budget", "type": "rate",
         "properties": {"key": "k", "limit": 0, "limitType": "count", "window": 60},
         "outputs": {"success": {"elementId": "model"}, "fallback": {"elementId": "gone"}}},
        {"id": "model", "type": "model",
         "properties": {"provider": "openai", "model": "", "retries": 0, "timeout": 1},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}},
        {"id": "model", "type": "end", "outputs": {}},
        {"id": "end", "type": "end", "outputs": {}},
        {"id": "start2", "type": "start", "outputs": {"next": {"elementId": "end"}}}
    ]);
    let found = problems(&decode(graph));
    let got: Vec<(Option<&str>, Rule)> = found
        .iter()
        .map(|p| (p.element_id.as_deref(), p.rule))
        .collect();
    assert_eq!(
        got,
        vec![
            (Some("budget"), Rule::DanglingReference),
            (Some("budget"), Rule::RateLimit),
            (Some("model"), Rule::ModelCall),
            (Some("model"), Rule::UniqueIds),
            (Some("start2"), Rule::OneStart),
        ],
        "{found:#?}"
    );
}

#[test]
fn operators_outside_the_documented_set_are_listed_unless_allowed() {
    let mut graph = good();
    graph[1]["properties"]["conditions"] = json!({"$or": [
        {"metadata.plan": {"$equals": "free"}},
        {"metadata.tier": {"$in": ["a"], "$regex": "x"}}
    ]});
    let elements = decode(graph);
    assert_eq!(
        crate::graph::undocumented_operators(&elements, &[]),
        [
            ("plan".to_string(), "$equals".to_string()),
            ("plan".to_string(), "$regex".to_string())
        ]
    );
    let allowed = ["$regex".to_string()];
    assert_eq!(
        crate::graph::undocumented_operators(&elements, &allowed),
        [("plan".to_string(), "$equals".to_string())]
    );
    assert!(crate::graph::undocumented_operators(&decode(good()), &[]).is_empty());
}

/// `good()` with the `plan` conditional using `conditions`.
fn with_conditions(conditions: Value) -> Vec<RouteElement> {
    let mut graph = good();
    graph[1]["properties"]["conditions"] = conditions;
    decode(graph)
}

#[test]
fn check_refuses_undocumented_operators_unless_allowed_and_validate_does_not() {
    use crate::graph::{GraphCheck, check};
    let elements = with_conditions(json!({"metadata.plan": {"$equals": "free"}}));
    assert_eq!(validate(&elements), Ok(()), "the API itself accepts it");

    let found = check(&elements, &GraphCheck::default()).expect_err("refused");
    only(&found, Rule::DocumentedOperators, &[Some("plan")]);
    assert!(
        found[0]
            .message
            .contains("operator `$equals` is not one Cloudflare documents"),
        "{}",
        found[0].message
    );

    let allowing = GraphCheck {
        allowed_operators: vec!["$equals".to_string()],
        ..GraphCheck::default()
    };
    assert_eq!(check(&elements, &allowing), Ok(()));
    let skipping = GraphCheck {
        skip_validation: true,
        ..GraphCheck::default()
    };
    assert_eq!(check(&elements, &skipping), Ok(()));
    assert_eq!(check(&decode(good()), &GraphCheck::default()), Ok(()));
}

#[test]
fn check_reports_rules_and_operators_together_in_element_order() {
    use crate::graph::{GraphCheck, check};
    let mut graph = good();
    graph[1]["properties"]["conditions"] = json!({"metadata.plan": {"$equals": "free"}});
    graph.as_array_mut().expect("array").remove(0);
    let found = check(&decode(graph), &GraphCheck::default()).expect_err("refused");
    let rules: Vec<Rule> = found.iter().map(|p| p.rule).collect();
    assert_eq!(rules[0], Rule::OneStart, "{found:#?}");
    assert!(rules.contains(&Rule::DocumentedOperators), "{found:#?}");
}

#[test]
fn graph_problems_display_one_line_per_problem_naming_element_and_rule() {
    let mut graph = good();
    graph.as_array_mut().expect("array").remove(0);
    graph[3]["outputs"]["fallback"]["elementId"] = json!("nowhere");
    let found = validate(&decode(graph)).expect_err("invalid");
    let text = found.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), found.len(), "{text}");
    assert_eq!(lines[0], format!("graph [one-start]: {}", found[0].message));
    let dangling = found
        .iter()
        .position(|p| p.rule == Rule::DanglingReference)
        .expect("a dangling reference");
    let id = found[dangling].element_id.as_deref().expect("an element");
    assert_eq!(
        lines[dangling],
        format!(
            "element `{id}` [dangling-reference]: {}",
            found[dangling].message
        )
    );
    assert!(lines[dangling].contains("nowhere"), "{text}");
}

#[test]
fn graph_problems_are_never_empty() {
    use crate::graph::GraphProblems;
    assert_eq!(GraphProblems::new(Vec::new()), None);
    let one = Problem {
        element_id: None,
        rule: Rule::OneStart,
        message: "no start element".to_string(),
    };
    let problems = GraphProblems::new(vec![one.clone()]).expect("one problem");
    assert_eq!(problems.to_string(), "graph [one-start]: no start element");
    assert_eq!(problems.into_vec(), [one]);
}
