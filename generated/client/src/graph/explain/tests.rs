//! Offline explanations: the sample graph sends free-plan and pro-plan requests the expected
//! ways; every condition operator is checked; unknown operators, cycles and dangling
//! references are reported rather than guessed at or looped on.

use crate::graph::explain::{
    Decision, DecisionKind, Doubt, Explanation, MAX_DECISIONS, Reason, Stop, Verdict,
    evaluate_conditions, explain,
};
use crate::types::RouteElement;
use serde_json::{Value, json};

/// The workspace's sample graph.
fn sample() -> Vec<RouteElement> {
    elements(crate::fixtures::graph())
}

fn request(plan: &str) -> Value {
    json!({
        "metadata": {"plan": plan, "user": "alice"},
        "headers": {"Content-Type": "application/json"},
        "body": {"model": "auto"},
    })
}

fn elements(value: Value) -> Vec<RouteElement> {
    serde_json::from_value(value).expect("elements decode")
}

/// A graph whose only conditional holds `conditions`, leading to `yes` or `no` model
/// elements, so which branches were taken shows in the models tried.
fn gate(conditions: Value) -> Vec<RouteElement> {
    let model = |id: &str| {
        json!({"id": id, "type": "model",
               "properties": {"provider": "p", "model": id, "retries": 0, "timeout": 1000},
               "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}})
    };
    elements(json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "gate"}}},
        {"id": "gate", "type": "conditional", "properties": {"conditions": conditions},
         "outputs": {"true": {"elementId": "yes"}, "false": {"elementId": "no"}}},
        model("yes"),
        model("no"),
        {"id": "end", "type": "end", "outputs": {}},
    ]))
}

/// The decision ids of a kind, in order.
fn ids_where(explanation: &Explanation, pick: impl Fn(&DecisionKind) -> bool) -> Vec<&str> {
    explanation
        .decisions
        .iter()
        .filter(|decision| pick(&decision.kind))
        .map(|decision| decision.element_id.as_str())
        .collect()
}

fn verdict(explanation: &Explanation) -> Verdict {
    explanation
        .decisions
        .iter()
        .find_map(|decision| match &decision.kind {
            DecisionKind::Conditional { verdict, .. } => Some(*verdict),
            _ => None,
        })
        .expect("a conditional decision")
}

fn path_ids(explanation: &Explanation) -> Vec<Vec<&str>> {
    explanation
        .paths
        .iter()
        .map(|path| path.elements.iter().map(String::as_str).collect())
        .collect()
}

// --- the sample graph ---

#[test]
fn a_free_plan_request_goes_through_the_budget_to_the_small_model() {
    let explanation = explain(&sample(), &request("free"));
    assert_eq!(verdict(&explanation), Verdict::Holds);
    assert_eq!(explanation.models(), ["small"]);
    assert!(!explanation.truncated);
    assert_eq!(
        path_ids(&explanation),
        [
            vec!["start", "plan", "budget", "small", "end"],
            vec!["start", "plan", "budget", "small", "end"],
            vec!["start", "plan", "budget", "end"],
        ]
    );
    let reasons: Vec<&[Reason]> = explanation
        .paths
        .iter()
        .map(|path| path.reasons.as_slice())
        .collect();
    let hold = Reason::Conditions {
        holds: true,
        certain: true,
    };
    assert_eq!(
        reasons,
        [
            &[
                Reason::Next,
                hold,
                Reason::WithinLimit,
                Reason::ModelAnswers
            ][..],
            &[Reason::Next, hold, Reason::WithinLimit, Reason::ModelFails][..],
            &[Reason::Next, hold, Reason::Limited][..],
        ]
    );
    let answered: Vec<Option<&str>> = explanation
        .paths
        .iter()
        .map(|path| path.answered_by.as_deref())
        .collect();
    assert_eq!(answered, [Some("small"), None, None]);
    for path in &explanation.paths {
        assert_eq!(path.share, Some(1.0));
        assert_eq!(
            path.stop,
            Stop::End {
                element_id: "end".to_owned()
            }
        );
    }
}

#[test]
fn the_rate_element_reports_both_outcomes() {
    let explanation = explain(&sample(), &request("free"));
    let branches: Vec<(&str, &str, Reason)> = explanation
        .decisions
        .iter()
        .filter_map(|decision| match &decision.kind {
            DecisionKind::Branch { label, reason, .. } if decision.element_id == "budget" => {
                Some((decision.element_id.as_str(), label.as_str(), *reason))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        branches,
        [
            ("budget", "success", Reason::WithinLimit),
            ("budget", "fallback", Reason::Limited),
        ]
    );
}

#[test]
fn a_pro_plan_request_splits_70_30_between_large_and_small() {
    let explanation = explain(&sample(), &request("pro"));
    assert_eq!(verdict(&explanation), Verdict::Fails);
    assert_eq!(explanation.models(), ["large", "small"]);
    assert_eq!(
        path_ids(&explanation),
        [
            vec!["start", "plan", "split", "large", "end"],
            vec!["start", "plan", "split", "large", "small", "end"],
            vec!["start", "plan", "split", "large", "small", "end"],
            vec!["start", "plan", "split", "small", "end"],
            vec!["start", "plan", "split", "small", "end"],
        ]
    );
    let shares: Vec<Option<f64>> = explanation.paths.iter().map(|path| path.share).collect();
    assert_eq!(
        shares,
        [Some(0.7), Some(0.7), Some(0.7), Some(0.3), Some(0.3)]
    );
    // The large model's fallback is the small one, tried only if the large one fails.
    assert_eq!(explanation.paths[1].models, ["large", "small"]);
    assert_eq!(explanation.paths[1].reasons[3], Reason::ModelFails);
    assert_eq!(explanation.paths[1].answered_by.as_deref(), Some("small"));
    let weights: Vec<Reason> = explanation
        .decisions
        .iter()
        .filter_map(|decision| match &decision.kind {
            DecisionKind::Branch { reason, .. } if decision.element_id == "split" => Some(*reason),
            _ => None,
        })
        .collect();
    assert_eq!(
        weights,
        [
            Reason::Weighted {
                percent: Some(70.0)
            },
            Reason::Weighted {
                percent: Some(30.0)
            },
        ]
    );
}

#[test]
fn the_trace_reads_as_an_indented_outline() {
    let text = explain(&sample(), &request("free")).to_string();
    let expected = "\
start `start`
next → `plan` (every request)
conditional `plan`: {\"metadata.plan\":{\"$eq\":\"free\"}} holds
true → `budget` (conditions hold)
rate `budget`: 100 requests per 3600 s, keyed by `metadata.user`
  success → `small` (within the limit)
    model `small`: try workers-ai `@cf/meta/llama-3.1-8b-instruct` (retries 1, timeout 10000 ms)
      success → `end` (if it answers)
        end `end`: the request leaves
      fallback → `end` (if it fails)
        end `end`: the request leaves
  fallback → `end` (if limited)
    end `end`: the request leaves
paths:
  1. [100%] start → plan → budget [within limit] → small [answers] → end: answered by `small`
  2. [100%] start → plan → budget [within limit] → small [fails] → end: no model answers
  3. [100%] start → plan → budget [limited] → end: no model answers
";
    assert_eq!(text, expected);
}

// --- condition operators, through the public evaluator and through `explain` ---

fn check(conditions: Value, request: &Value) -> Verdict {
    let Value::Object(conditions) = conditions else {
        panic!("conditions are an object");
    };
    evaluate_conditions(&conditions, request).verdict
}

fn holds(conditions: Value, request: &Value) -> bool {
    match check(conditions.clone(), request) {
        Verdict::Holds => true,
        Verdict::Fails => false,
        Verdict::Undetermined => panic!("{conditions} is undetermined"),
    }
}

#[test]
fn eq_matches_equal_values_including_numbers_written_differently() {
    let r = json!({"metadata": {"plan": "free", "tier": 2, "beta": true}});
    assert!(holds(json!({"metadata.plan": {"$eq": "free"}}), &r));
    assert!(!holds(json!({"metadata.plan": {"$eq": "pro"}}), &r));
    assert!(holds(json!({"metadata.tier": {"$eq": 2.0}}), &r));
    assert!(holds(json!({"metadata.beta": {"$eq": true}}), &r));
    assert!(!holds(json!({"metadata.tier": {"$eq": "2"}}), &r));
}

#[test]
fn implicit_equality_is_eq() {
    let r = json!({"metadata": {"plan": "free", "org": {"id": 7}}});
    assert!(holds(json!({"metadata.plan": "free"}), &r));
    assert!(!holds(json!({"metadata.plan": "pro"}), &r));
    // An object with no operators is compared whole.
    assert!(holds(json!({"metadata.org": {"id": 7}}), &r));
    assert!(!holds(json!({"metadata.org": {"id": 8}}), &r));
}

#[test]
fn ne_holds_for_other_values_and_missing_fields() {
    let r = json!({"metadata": {"plan": "free"}});
    assert!(!holds(json!({"metadata.plan": {"$ne": "free"}}), &r));
    assert!(holds(json!({"metadata.plan": {"$ne": "pro"}}), &r));
    assert!(holds(json!({"metadata.missing": {"$ne": "pro"}}), &r));
}

#[test]
fn in_and_nin_test_membership() {
    let r = json!({"metadata": {"plan": "team"}});
    assert!(holds(
        json!({"metadata.plan": {"$in": ["team", "pro"]}}),
        &r
    ));
    assert!(!holds(json!({"metadata.plan": {"$in": ["free"]}}), &r));
    assert!(!holds(
        json!({"metadata.plan": {"$nin": ["team", "pro"]}}),
        &r
    ));
    assert!(holds(json!({"metadata.plan": {"$nin": ["free"]}}), &r));
    assert!(holds(json!({"metadata.missing": {"$nin": ["free"]}}), &r));
    assert!(!holds(json!({"metadata.missing": {"$in": ["free"]}}), &r));
}

#[test]
fn in_without_an_array_is_malformed_not_guessed() {
    let r = json!({"metadata": {"plan": "team"}});
    let conditions = json!({"metadata.plan": {"$in": "team"}});
    let Value::Object(conditions) = conditions else {
        unreachable!()
    };
    let evaluation = evaluate_conditions(&conditions, &r);
    assert_eq!(evaluation.verdict, Verdict::Undetermined);
    assert!(matches!(&evaluation.doubts[..], [Doubt::Malformed(m)] if m.contains("$in")));
}

#[test]
fn gt_gte_lt_lte_order_numbers() {
    let r = json!({"body": {"max_tokens": 1000}});
    assert!(holds(json!({"body.max_tokens": {"$gt": 999}}), &r));
    assert!(!holds(json!({"body.max_tokens": {"$gt": 1000}}), &r));
    assert!(holds(json!({"body.max_tokens": {"$gte": 1000}}), &r));
    assert!(!holds(json!({"body.max_tokens": {"$gte": 1000.5}}), &r));
    assert!(holds(json!({"body.max_tokens": {"$lt": 1000.5}}), &r));
    assert!(!holds(json!({"body.max_tokens": {"$lt": 1000}}), &r));
    assert!(holds(json!({"body.max_tokens": {"$lte": 1000}}), &r));
    assert!(!holds(json!({"body.max_tokens": {"$lte": 999}}), &r));
    // A range: several operators on one field must all hold.
    assert!(holds(
        json!({"body.max_tokens": {"$gt": 500, "$lte": 1000}}),
        &r
    ));
}

#[test]
fn comparisons_order_strings_but_not_mixed_kinds_or_missing_fields() {
    let r = json!({"metadata": {"region": "eu", "count": "5"}});
    assert!(holds(json!({"metadata.region": {"$gt": "ap"}}), &r));
    assert!(!holds(json!({"metadata.region": {"$lt": "ap"}}), &r));
    // A string never orders against a number, as in MongoDB.
    assert!(!holds(json!({"metadata.count": {"$gt": 1}}), &r));
    assert!(!holds(json!({"metadata.missing": {"$lt": 10}}), &r));
}

#[test]
fn exists_tests_presence() {
    let r = json!({"metadata": {"user": "alice", "nothing": null}});
    assert!(holds(json!({"metadata.user": {"$exists": true}}), &r));
    assert!(!holds(json!({"metadata.user": {"$exists": false}}), &r));
    assert!(holds(json!({"metadata.missing": {"$exists": false}}), &r));
    assert!(!holds(json!({"metadata.missing": {"$exists": true}}), &r));
    // Present but null still exists.
    assert!(holds(json!({"metadata.nothing": {"$exists": true}}), &r));
}

#[test]
fn and_needs_every_clause_and_or_any() {
    let r = json!({"metadata": {"plan": "free", "region": "eu"}});
    let and =
        |region: &str| json!({"$and": [{"metadata.plan": "free"}, {"metadata.region": region}]});
    assert!(holds(and("eu"), &r));
    assert!(!holds(and("us"), &r));
    let or = |region: &str| json!({"$or": [{"metadata.plan": "pro"}, {"metadata.region": region}]});
    assert!(holds(or("eu"), &r));
    assert!(!holds(or("us"), &r));
    // Nested.
    assert!(holds(
        json!({"$or": [{"$and": [{"metadata.plan": "free"}, {"metadata.region": "eu"}]},
                       {"metadata.plan": "pro"}]}),
        &r
    ));
}

#[test]
fn several_fields_in_one_object_must_all_hold() {
    let r = json!({"metadata": {"plan": "free", "region": "eu"}});
    assert!(holds(
        json!({"metadata.plan": "free", "metadata.region": "eu"}),
        &r
    ));
    assert!(!holds(
        json!({"metadata.plan": "free", "metadata.region": "us"}),
        &r
    ));
}

#[test]
fn dotted_paths_reach_into_metadata_headers_and_body() {
    let r = json!({
        "metadata": {"org": {"tier": "gold"}},
        "headers": {"X-Team": "search"},
        "body": {"messages": [{"role": "system"}, {"role": "user"}], "stream": true},
    });
    assert!(holds(json!({"metadata.org.tier": "gold"}), &r));
    assert!(holds(json!({"headers.X-Team": "search"}), &r));
    // Header names match in any case.
    assert!(holds(json!({"headers.x-team": "search"}), &r));
    assert!(holds(json!({"body.stream": true}), &r));
    assert!(holds(json!({"body.messages.1.role": "user"}), &r));
    // Only header names are case-insensitive.
    assert!(!holds(json!({"body.Stream": true}), &r));
}

#[test]
fn missing_fields_equal_null_and_nothing_else() {
    let r = json!({"metadata": {}});
    assert!(!holds(json!({"metadata.plan": "free"}), &r));
    assert!(holds(json!({"metadata.plan": null}), &r));
    assert!(!holds(json!({"headers.x-team": {"$eq": "search"}}), &r));
    assert!(!holds(json!({"body.messages.0.role": "user"}), &r));
    // A request that is not even an object has no fields.
    assert!(!holds(json!({"metadata.plan": "free"}), &json!("text")));
}

#[test]
fn array_fields_match_any_item() {
    let r = json!({"metadata": {"tags": ["beta", "eu"], "scores": [1, 9]}});
    assert!(holds(json!({"metadata.tags": "beta"}), &r));
    assert!(holds(json!({"metadata.tags": ["beta", "eu"]}), &r));
    assert!(holds(json!({"metadata.scores": {"$gt": 5}}), &r));
    assert!(!holds(json!({"metadata.scores": {"$gt": 9}}), &r));
}

#[test]
fn explain_follows_only_the_branch_the_conditions_choose() {
    let conditions = json!({"headers.x-priority": {"$in": ["high", "urgent"]}});
    let high = explain(
        &gate(conditions.clone()),
        &json!({"headers": {"x-priority": "high"}}),
    );
    assert_eq!(high.models(), ["yes"]);
    let low = explain(
        &gate(conditions),
        &json!({"headers": {"x-priority": "low"}}),
    );
    assert_eq!(low.models(), ["no"]);
}

// --- unknown operators ---

#[test]
fn an_unknown_operator_is_reported_not_guessed() {
    let conditions = json!({"metadata.plan": {"$regex": "^fr"}});
    let explanation = explain(&gate(conditions), &request("free"));
    assert_eq!(explanation.unknown_operators(), [("gate", "$regex")]);
    assert_eq!(verdict(&explanation), Verdict::Undetermined);
    // Both outcomes are explored, and marked as undetermined.
    assert_eq!(explanation.models(), ["yes", "no"]);
    assert!(explanation.paths.iter().all(|path| path.is_undetermined()));
    let text = explanation.to_string();
    assert!(text.contains("unknown operator `$regex`"), "{text}");
    assert!(text.contains("undetermined"), "{text}");
}

#[test]
fn an_unknown_operator_beside_a_false_clause_still_leaves_it_undetermined() {
    let conditions = json!({"$and": [{"metadata.plan": "pro"}, {"$where": "true"}]});
    let explanation = explain(&gate(conditions), &request("free"));
    assert_eq!(explanation.unknown_operators(), [("gate", "$where")]);
    assert_eq!(verdict(&explanation), Verdict::Undetermined);
}

#[test]
fn every_unknown_operator_is_named() {
    let conditions = json!({"metadata.plan": {"$regex": "x", "$eq": "free"},
                            "metadata.user": {"$size": 2}});
    let explanation = explain(&gate(conditions), &request("free"));
    assert_eq!(
        explanation.unknown_operators(),
        [("gate", "$regex"), ("gate", "$size")]
    );
}

// --- faulty graphs ---

#[test]
fn a_cycle_stops_with_a_report() {
    let graph = elements(json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "a"}}},
        {"id": "a", "type": "model",
         "properties": {"provider": "p", "model": "a", "retries": 0, "timeout": 1000},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "b"}}},
        {"id": "b", "type": "model",
         "properties": {"provider": "p", "model": "b", "retries": 0, "timeout": 1000},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "a"}}},
        {"id": "end", "type": "end", "outputs": {}},
    ]));
    let explanation = explain(&graph, &json!({}));
    assert!(!explanation.truncated);
    let cycles: Vec<&Decision> = explanation
        .decisions
        .iter()
        .filter(|decision| matches!(decision.kind, DecisionKind::Cycle { .. }))
        .collect();
    assert_eq!(cycles.len(), 1);
    assert_eq!(cycles[0].element_id, "b");
    let stops: Vec<&Stop> = explanation.paths.iter().map(|path| &path.stop).collect();
    assert!(stops.contains(&&Stop::Cycle {
        from: "b".to_owned(),
        target: "a".to_owned()
    }));
    assert!(explanation.to_string().contains("a cycle"));
}

#[test]
fn a_self_loop_stops_with_a_report() {
    let graph = elements(json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "start"}}},
    ]));
    let explanation = explain(&graph, &json!({}));
    assert_eq!(
        ids_where(&explanation, |kind| matches!(
            kind,
            DecisionKind::Cycle { .. }
        )),
        ["start"]
    );
    assert_eq!(explanation.paths.len(), 1);
}

#[test]
fn a_dangling_reference_stops_with_a_report() {
    let graph = elements(json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "budget"}}},
        {"id": "budget", "type": "rate",
         "properties": {"key": "metadata.user", "limit": 1, "limitType": "cost", "window": 60},
         "outputs": {"success": {"elementId": "nowhere"}, "fallback": {"elementId": "end"}}},
        {"id": "end", "type": "end", "outputs": {}},
    ]));
    let explanation = explain(&graph, &json!({}));
    let dangling: Vec<&DecisionKind> = explanation
        .decisions
        .iter()
        .map(|decision| &decision.kind)
        .filter(|kind| matches!(kind, DecisionKind::Dangling { .. }))
        .collect();
    assert_eq!(
        dangling,
        [&DecisionKind::Dangling {
            label: "success".to_owned(),
            target: "nowhere".to_owned()
        }]
    );
    assert_eq!(
        explanation.paths[0].stop,
        Stop::Dangling {
            from: "budget".to_owned(),
            target: "nowhere".to_owned()
        }
    );
    assert_eq!(
        explanation.paths[1].stop,
        Stop::End {
            element_id: "end".to_owned()
        }
    );
}

#[test]
fn a_graph_without_start_is_reported() {
    let graph = elements(json!([{"id": "end", "type": "end", "outputs": {}}]));
    let explanation = explain(&graph, &json!({}));
    assert_eq!(explanation.decisions.len(), 1);
    assert_eq!(explanation.decisions[0].kind, DecisionKind::NoStart);
    assert!(explanation.paths.is_empty());
    assert!(explain(&[], &json!({})).paths.is_empty());
}

#[test]
fn an_element_without_outputs_stops_its_path() {
    let graph = elements(json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "split"}}},
        {"id": "split", "type": "percentage", "outputs": {}},
    ]));
    let explanation = explain(&graph, &json!({}));
    assert_eq!(
        explanation.paths[0].stop,
        Stop::NoOutputs {
            element_id: "split".to_owned()
        }
    );
}

#[test]
fn a_graph_with_exponentially_many_paths_is_cut_off() {
    // 40 models, each falling back to the next and succeeding to it too: 2^40 paths.
    let mut list = vec![json!({"id": "start", "type": "start",
                               "outputs": {"next": {"elementId": "m0"}}})];
    for i in 0..40 {
        let next = if i == 39 {
            "end".to_owned()
        } else {
            format!("m{}", i + 1)
        };
        list.push(json!({"id": format!("m{i}"), "type": "model",
            "properties": {"provider": "p", "model": "m", "retries": 0, "timeout": 1000},
            "outputs": {"success": {"elementId": next}, "fallback": {"elementId": next}}}));
    }
    list.push(json!({"id": "end", "type": "end", "outputs": {}}));
    let explanation = explain(&elements(Value::Array(list)), &json!({}));
    assert!(explanation.truncated);
    assert!(explanation.decisions.len() <= MAX_DECISIONS);
    assert_eq!(
        explanation.decisions.last().map(|decision| &decision.kind),
        Some(&DecisionKind::Truncated)
    );
}

#[test]
fn unknown_percentage_labels_give_an_unknown_share() {
    let graph = elements(json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "split"}}},
        {"id": "split", "type": "percentage",
         "outputs": {"most": {"elementId": "end"}, "100%": {"elementId": "end"}}},
        {"id": "end", "type": "end", "outputs": {}},
    ]));
    let explanation = explain(&graph, &json!({}));
    let shares: Vec<Option<f64>> = explanation.paths.iter().map(|path| path.share).collect();
    assert_eq!(shares, [Some(1.0), None]);
}
