//! Route tests: cases kept with a route file, each a request and what must happen to it,
//! checked offline against the graph with [`explain`](crate::graph::explain()) before the
//! graph is deployed.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{RouteFile, RouteFileError};
use crate::graph::{DecisionKind, Explanation, Reason, Stop, Verdict, explain};

/// One case: a request and what must happen to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RouteTest {
    /// What the case shows, for reports.
    pub name: String,
    /// The request, as the gateway would see it.
    #[serde(default)]
    pub request: TestRequest,
    /// What must happen to it; every expectation given must hold.
    pub expect: Expectation,
}

/// A request as conditions see it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TestRequest {
    /// The request's metadata (`cf-aig-metadata`), such as `{"plan": "free"}`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub metadata: Map<String, Value>,
    /// Its headers.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub headers: Map<String, Value>,
    /// Its JSON body.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub body: Value,
}

/// What must happen to a request. Omitted expectations are not checked; a case must give at
/// least one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// The `end` element reached when every model tried answers and no budget is spent: every
    /// such path (one per percentage branch) must stop there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// The `model` elements the request may try, in the order they are tried (a model's
    /// fallback after it; percentage branches in the order written), each once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub models: Option<Vec<String>>,
    /// Conditionals the request must reach, each with the branch it must take: `true` when
    /// its conditions hold, `false` when they do not.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub branches: BTreeMap<String, bool>,
}

/// A case that did not pass: what was expected and what happened, with the request's paths.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFailure {
    /// The case's name.
    pub case: String,
    /// Each expectation that failed, in words.
    pub problems: Vec<String>,
    /// Every path the request may take, as [`RequestPath`](crate::graph::RequestPath) shows it.
    pub paths: Vec<String>,
}

impl fmt::Display for CaseFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "case `{}` failed: {}",
            self.case,
            self.problems.join("; ")
        )?;
        for path in &self.paths {
            write!(f, "\n    path: {path}")?;
        }
        Ok(())
    }
}

/// Cases from a `*.tests.json` file: an array of cases, or `{"tests": [...]}`.
pub(super) fn from_json(text: &str) -> Result<Vec<RouteTest>, RouteFileError> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Cases {
        List(Vec<Value>),
        Wrapped { tests: Vec<Value> },
    }
    let cases: Cases = serde_json::from_str(text).map_err(|e| {
        RouteFileError::new(
            format!("line {}, column {}", e.line(), e.column()),
            format!("not an array of cases nor {{\"tests\": [...]}}: {e}"),
        )
    })?;
    let (cases, prefix) = match cases {
        Cases::List(cases) => (cases, ""),
        Cases::Wrapped { tests } => (tests, "/tests"),
    };
    cases
        .iter()
        .enumerate()
        .map(|(index, case)| {
            serde_path_to_error::deserialize::<_, RouteTest>(case).map_err(|e| {
                RouteFileError::new(
                    format!("{prefix}/{index}"),
                    format!("not a case: {} at `{}`", e.inner(), e.path()),
                )
            })
        })
        .collect()
}

/// One case run: its name, how long it took, and why it failed if it did (for reports that
/// list every case, such as JUnit's).
#[derive(Debug, Clone, PartialEq)]
pub struct CaseOutcome {
    /// The case's name.
    pub name: String,
    /// How long evaluating it took.
    pub duration: Duration,
    /// `None` when it passed.
    pub failure: Option<CaseFailure>,
}

/// Runs every case of `route` against its graph; the failures, in case order (empty when all
/// pass).
pub fn run_tests(route: &RouteFile) -> Vec<CaseFailure> {
    run_each(route)
        .into_iter()
        .filter_map(|outcome| outcome.failure)
        .collect()
}

/// Runs every case of `route` against its graph; each case's outcome, in case order.
pub fn run_each(route: &RouteFile) -> Vec<CaseOutcome> {
    route
        .tests
        .iter()
        .map(|case| {
            let started = Instant::now();
            let failure = run(route, case);
            CaseOutcome {
                name: case.name.clone(),
                duration: started.elapsed(),
                failure,
            }
        })
        .collect()
}

fn run(route: &RouteFile, case: &RouteTest) -> Option<CaseFailure> {
    let request = serde_json::json!({
        "metadata": case.request.metadata,
        "headers": case.request.headers,
        "body": case.request.body,
    });
    let explanation = explain(&route.elements, &request);
    let expect = &case.expect;
    let mut problems = Vec::new();
    if expect.end.is_none() && expect.models.is_none() && expect.branches.is_empty() {
        problems.push("it expects nothing: give `end`, `models` or `branches`".to_string());
    }
    if let Some(end) = &expect.end {
        problems.extend(check_end(&explanation, end));
    }
    if let Some(models) = &expect.models {
        let tried = explanation.models();
        if tried != models.iter().map(String::as_str).collect::<Vec<_>>() {
            problems.push(format!(
                "expected models {} to be tried, but {} may be",
                list(models),
                list(&tried)
            ));
        }
    }
    for (conditional, holds) in &expect.branches {
        problems.extend(check_branch(&explanation, conditional, *holds));
    }
    if explanation.truncated {
        problems.push("the graph has too many paths to explore".to_string());
    }
    (!problems.is_empty()).then(|| CaseFailure {
        case: case.name.clone(),
        problems,
        paths: explanation.paths.iter().map(ToString::to_string).collect(),
    })
}

/// Every path on which models answer and budgets hold must stop at `end`.
fn check_end(explanation: &Explanation, end: &str) -> Option<String> {
    let normal: Vec<_> = explanation
        .paths
        .iter()
        .filter(|path| {
            !path
                .reasons
                .iter()
                .any(|r| matches!(r, Reason::ModelFails | Reason::Limited))
        })
        .collect();
    if normal.is_empty() {
        return Some(format!(
            "expected to end at `{end}`, but no path gets there with every model answering"
        ));
    }
    let elsewhere: Vec<String> = normal
        .iter()
        .filter(|path| !matches!(&path.stop, Stop::End { element_id } if element_id == end))
        .map(|path| path.stop.to_string())
        .collect();
    (!elsewhere.is_empty()).then(|| {
        format!(
            "expected to end at `{end}`, but a path {}",
            elsewhere.join(", and one ")
        )
    })
}

/// The conditional must be reached, and every verdict there must be `holds`, with certainty.
fn check_branch(explanation: &Explanation, conditional: &str, holds: bool) -> Option<String> {
    let verdicts: Vec<Verdict> = explanation
        .decisions
        .iter()
        .filter(|d| d.element_id == conditional)
        .filter_map(|d| match &d.kind {
            DecisionKind::Conditional { verdict, .. } => Some(*verdict),
            _ => None,
        })
        .collect();
    let wanted = if holds {
        Verdict::Holds
    } else {
        Verdict::Fails
    };
    let branch = if holds { "true" } else { "false" };
    if verdicts.is_empty() {
        Some(format!(
            "expected conditional `{conditional}` to take `{branch}`, but the request never reaches it"
        ))
    } else if verdicts.iter().all(|v| *v == wanted) {
        None
    } else {
        let got: Vec<&str> = verdicts
            .iter()
            .map(|v| match v {
                Verdict::Holds => "it takes `true`",
                Verdict::Fails => "it takes `false`",
                Verdict::Undetermined => "its conditions cannot be evaluated",
            })
            .collect();
        Some(format!(
            "expected conditional `{conditional}` to take `{branch}`, but {}",
            got.join(" / ")
        ))
    }
}

fn list<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return "none".to_string();
    }
    let quoted: Vec<String> = items.iter().map(|s| format!("`{}`", s.as_ref())).collect();
    format!("[{}]", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn route(tests: Value) -> RouteFile {
        serde_json::from_value(json!({
            "name": "support-bot", "elements": crate::fixtures::graph(), "tests": tests
        }))
        .expect("a route file")
    }

    #[test]
    fn passing_cases_report_nothing() {
        let route = route(json!([
            {"name": "free users hit the budget, then the small model",
             "request": {"metadata": {"plan": "free"}},
             "expect": {"end": "end", "models": ["small"], "branches": {"plan": true}}},
            {"name": "others are split between both models, the large one falling back",
             "request": {"metadata": {"plan": "pro"}},
             "expect": {"end": "end", "models": ["large", "small"], "branches": {"plan": false}}},
        ]));
        assert_eq!(run_tests(&route), []);
    }

    #[test]
    fn a_failing_case_says_what_differs_and_shows_the_paths() {
        let route = route(json!([
            {"name": "pro users get the large model only",
             "request": {"metadata": {"plan": "pro"}},
             "expect": {"models": ["large"], "branches": {"plan": true, "nowhere": true}}},
            {"name": "empty", "expect": {}},
        ]));
        let failures = run_tests(&route);
        assert_eq!(failures.len(), 2);
        let first = &failures[0];
        assert_eq!(first.case, "pro users get the large model only");
        assert_eq!(
            first.problems,
            [
                "expected models [`large`] to be tried, but [`large`, `small`] may be",
                "expected conditional `nowhere` to take `true`, but the request never reaches it",
                "expected conditional `plan` to take `true`, but it takes `false`",
            ]
        );
        assert!(first.paths.iter().any(|p| p.contains("split")), "{first}");
        assert!(failures[1].problems[0].contains("expects nothing"));

        let each = run_each(&route);
        let names: Vec<&str> = each.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["pro users get the large model only", "empty"]);
        assert_eq!(each[0].failure.as_ref(), Some(first), "the same failure");
    }

    #[test]
    fn each_case_has_an_outcome_passing_or_not() {
        let route = route(json!([
            {"name": "passes", "request": {"metadata": {"plan": "free"}},
             "expect": {"end": "end"}},
            {"name": "fails", "request": {"metadata": {"plan": "free"}},
             "expect": {"end": "elsewhere"}},
        ]));
        let each = run_each(&route);
        assert_eq!(each.len(), 2);
        assert_eq!(
            (each[0].name.as_str(), each[0].failure.is_none()),
            ("passes", true)
        );
        assert_eq!(each[1].name, "fails");
        assert_eq!(
            each[1].failure.as_ref().map(|f| f.case.as_str()),
            Some("fails")
        );
    }

    #[test]
    fn an_end_not_reached_is_a_failure() {
        let route = route(json!([
            {"name": "wrong end", "request": {"metadata": {"plan": "free"}},
             "expect": {"end": "elsewhere"}},
        ]));
        let failures = run_tests(&route);
        assert_eq!(
            failures[0].problems,
            ["expected to end at `elsewhere`, but a path ends at `end`"]
        );
    }
}
