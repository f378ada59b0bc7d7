//! Offline explanation of a route graph: which way a given request would go, and which models
//! it would try, without calling Cloudflare.
//!
//! The walk starts at `start` and follows outputs depth-first, in the order
//! [`RouteElement::outputs`] gives them:
//!
//! - `conditional`: the conditions are evaluated against the request (see
//!   [`evaluate_conditions`]); only the matching branch is followed, or both, marked
//!   undetermined, when an operator is unknown or malformed;
//! - `percentage`: every branch is followed, carrying its share of requests;
//! - `rate`: both outcomes are followed (within the limit, limited), since the budget's state
//!   is not known offline;
//! - `model`: the model is tried; its success and, "if it fails", its fallback are followed;
//! - `end`: the request leaves.
//!
//! Cycles, dangling references and graphs with too many paths stop the walk with a report
//! instead of looping or failing.
//!
//! ```
//! use cloudflare_dynamic_routing::graph::explain::explain;
//! use cloudflare_dynamic_routing::types::RouteElement;
//! use serde_json::json;
//!
//! let elements: Vec<RouteElement> = serde_json::from_value(json!([
//!     {"id": "start", "type": "start", "outputs": {"next": {"elementId": "gpt"}}},
//!     {"id": "gpt", "type": "model",
//!      "properties": {"provider": "openai", "model": "gpt-4o", "retries": 0, "timeout": 1000},
//!      "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}},
//!     {"id": "end", "type": "end", "outputs": {}},
//! ]))
//! .unwrap();
//! let explanation = explain(&elements, &json!({"metadata": {}}));
//! assert_eq!(explanation.models(), ["gpt"]);
//! assert_eq!(explanation.paths.len(), 2); // the model answers, or fails
//! println!("{explanation}");
//! ```

use std::fmt;

use serde_json::{Map, Value};

use super::element::ElementKind;
use super::index::ElementIndex;
use super::percent::Percent;
use crate::types::{ModelProperties, RateLimitProperties, RateLimitType, RouteElement};

pub use super::conditions::{Doubt, Evaluation, Verdict, evaluate_conditions};

/// Most decisions one explanation records, the final [`DecisionKind::Truncated`] included;
/// past it the walk stops, so a graph whose paths multiply (chains of fallbacks) cannot take
/// unbounded time or memory.
pub const MAX_DECISIONS: usize = 10_000;

/// What a request would go through: every decision in walk order, and every path.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// Decisions in depth-first walk order; [`Decision::depth`] gives their nesting.
    pub decisions: Vec<Decision>,
    /// Every way through the graph, in walk order.
    pub paths: Vec<RequestPath>,
    /// Whether the walk stopped at [`MAX_DECISIONS`] before exploring every path.
    pub truncated: bool,
}

impl Explanation {
    /// The ids of the model elements that could be tried, each once, in walk order.
    pub fn models(&self) -> Vec<&str> {
        let mut models: Vec<&str> = Vec::new();
        for decision in &self.decisions {
            if matches!(decision.kind, DecisionKind::Model { .. })
                && !models.contains(&decision.element_id.as_str())
            {
                models.push(&decision.element_id);
            }
        }
        models
    }

    /// The unknown operators met, with the element holding each, in walk order.
    pub fn unknown_operators(&self) -> Vec<(&str, &str)> {
        self.decisions
            .iter()
            .filter_map(|decision| match &decision.kind {
                DecisionKind::UnknownOperator { operator } => {
                    Some((decision.element_id.as_str(), operator.as_str()))
                }
                _ => None,
            })
            .collect()
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for decision in &self.decisions {
            writeln!(f, "{:indent$}{decision}", "", indent = decision.depth * 2)?;
        }
        writeln!(f, "paths:")?;
        for (number, path) in self.paths.iter().enumerate() {
            writeln!(f, "  {}. {path}", number + 1)?;
        }
        Ok(())
    }
}

/// One step of the walk: what was found or decided at an element.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// How deeply nested under branches this decision is, for display; 0 at the top.
    pub depth: usize,
    /// The element it was made at; empty for [`DecisionKind::NoStart`] and
    /// [`DecisionKind::Truncated`].
    pub element_id: String,
    /// What was decided.
    pub kind: DecisionKind,
}

/// What a [`Decision`] is about.
#[derive(Debug, Clone, PartialEq)]
pub enum DecisionKind {
    /// The request enters at this `start` element.
    Start,
    /// A `conditional`'s conditions were evaluated.
    Conditional {
        /// The conditions as written.
        conditions: Map<String, Value>,
        /// Whether they hold for the request.
        verdict: Verdict,
    },
    /// A condition uses an operator this explainer does not know, so it was not guessed at;
    /// the conditional is [`Verdict::Undetermined`].
    UnknownOperator {
        /// The operator, such as `$regex`.
        operator: String,
    },
    /// A condition cannot be evaluated as written (such as `$in` without an array); the
    /// conditional is [`Verdict::Undetermined`].
    MalformedCondition {
        /// What is wrong with it.
        message: String,
    },
    /// A `percentage` element: each branch follows with its share.
    Percentage,
    /// A `rate` element: both outcomes follow.
    Rate {
        /// Its limit, window and key.
        properties: RateLimitProperties,
    },
    /// A `model` element: the model is tried.
    Model {
        /// Its provider, model, retries and timeout.
        properties: ModelProperties,
    },
    /// An `end` element: the request leaves.
    End,
    /// An output followed from this element.
    Branch {
        /// The output's label: `next`, `true`, `70%`, `success`, `fallback`…
        label: String,
        /// Why the request goes this way.
        reason: Reason,
        /// The id it leads to.
        target: String,
    },
    /// An output leads to an id no element has; the path stops.
    Dangling {
        /// The output's label.
        label: String,
        /// The missing id.
        target: String,
    },
    /// An output leads back to an element already on this path; the path stops.
    Cycle {
        /// The element it returns to.
        target: String,
    },
    /// A non-`end` element has no outputs, so the path stops there.
    NoOutputs,
    /// The graph has no `start` element, so there is nothing to walk.
    NoStart,
    /// The walk stopped at [`MAX_DECISIONS`].
    Truncated,
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = &self.element_id;
        match &self.kind {
            DecisionKind::Start => write!(f, "start `{id}`"),
            DecisionKind::Conditional {
                conditions,
                verdict,
            } => {
                let conditions = Value::Object(conditions.clone());
                write!(f, "conditional `{id}`: {conditions} {verdict}")
            }
            DecisionKind::UnknownOperator { operator } => write!(
                f,
                "conditional `{id}`: unknown operator `{operator}`, not evaluated"
            ),
            DecisionKind::MalformedCondition { message } => {
                write!(f, "conditional `{id}`: cannot evaluate: {message}")
            }
            DecisionKind::Percentage => write!(f, "percentage `{id}`: split by weight"),
            DecisionKind::Rate { properties } => {
                let budget = match properties.limit_type {
                    RateLimitType::Count => format!("{} requests", properties.limit),
                    RateLimitType::Cost => format!("cost {}", properties.limit),
                };
                write!(
                    f,
                    "rate `{id}`: {budget} per {} s, keyed by `{}`",
                    properties.window, properties.key
                )
            }
            DecisionKind::Model { properties } => write!(
                f,
                "model `{id}`: try {} `{}` (retries {}, timeout {} ms)",
                properties.provider, properties.model, properties.retries, properties.timeout
            ),
            DecisionKind::End => write!(f, "end `{id}`: the request leaves"),
            DecisionKind::Branch {
                label,
                reason,
                target,
            } => write!(f, "{label} → `{target}` ({reason})"),
            DecisionKind::Dangling { label, target } => write!(
                f,
                "`{id}` output `{label}` points at `{target}`, which is no element: stopped"
            ),
            DecisionKind::Cycle { target } => {
                write!(f, "`{target}` is already on this path: a cycle, stopped")
            }
            DecisionKind::NoOutputs => write!(f, "`{id}` has no outputs: stopped"),
            DecisionKind::NoStart => f.write_str("the graph has no start element"),
            DecisionKind::Truncated => write!(
                f,
                "stopped after {MAX_DECISIONS} decisions: too many paths to list"
            ),
        }
    }
}

/// Why a request follows a branch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reason {
    /// A `start` element's only output.
    Next,
    /// A conditional's branch.
    Conditions {
        /// `true` for the `true` branch.
        holds: bool,
        /// `false` when the verdict was undetermined and both branches are followed.
        certain: bool,
    },
    /// A percentage branch.
    Weighted {
        /// Its share of requests in percent, or `None` when its label is not like `"60%"`.
        percent: Option<f64>,
    },
    /// A `rate` element lets the request through.
    WithinLimit,
    /// A `rate` element's budget is spent.
    Limited,
    /// A `model` element's call succeeds.
    ModelAnswers,
    /// A `model` element's call fails after its retries.
    ModelFails,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Next => f.write_str("every request"),
            Self::Conditions {
                holds: true,
                certain: true,
            } => f.write_str("conditions hold"),
            Self::Conditions {
                holds: false,
                certain: true,
            } => f.write_str("conditions do not hold"),
            Self::Conditions {
                holds: true,
                certain: false,
            } => f.write_str("if the conditions hold; undetermined"),
            Self::Conditions {
                holds: false,
                certain: false,
            } => f.write_str("if the conditions do not hold; undetermined"),
            Self::Weighted {
                percent: Some(percent),
            } => write!(f, "{percent}% of requests"),
            Self::Weighted { percent: None } => f.write_str("an unknown share of requests"),
            Self::WithinLimit => f.write_str("within the limit"),
            Self::Limited => f.write_str("if limited"),
            Self::ModelAnswers => f.write_str("if it answers"),
            Self::ModelFails => f.write_str("if it fails"),
        }
    }
}

/// One way through the graph, from `start` to where it stops.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestPath {
    /// The element ids visited, in order.
    pub elements: Vec<String>,
    /// Why each link was followed, one per link, in order.
    pub reasons: Vec<Reason>,
    /// The share of requests taking this path from percentage splits, from 0 to 1 (1 with no
    /// split); `None` when a split's label gives no share.
    pub share: Option<f64>,
    /// The model elements tried, in order.
    pub models: Vec<String>,
    /// The model whose answer the request leaves with, if any.
    pub answered_by: Option<String>,
    /// Where and why the path stops.
    pub stop: Stop,
}

impl RequestPath {
    /// Whether this path is only taken if an undetermined condition goes its way.
    pub fn is_undetermined(&self) -> bool {
        self.reasons
            .iter()
            .any(|reason| matches!(reason, Reason::Conditions { certain: false, .. }))
    }
}

impl fmt::Display for RequestPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.share {
            // Rounded to hundredths of a percent, so 0.7 × 0.3 prints as 21%.
            Some(share) => write!(f, "[{}%] ", (share * 10_000.0).round() / 100.0)?,
            None => f.write_str("[?%] ")?,
        }
        for (position, element) in self.elements.iter().enumerate() {
            if position > 0 {
                f.write_str(" → ")?;
            }
            f.write_str(element)?;
            // Outcomes that are assumed rather than known are marked on the element.
            let outcome = match self.reasons.get(position) {
                Some(Reason::WithinLimit) => "within limit",
                Some(Reason::Limited) => "limited",
                Some(Reason::ModelAnswers) => "answers",
                Some(Reason::ModelFails) => "fails",
                Some(Reason::Conditions {
                    holds: true,
                    certain: false,
                }) => "true?",
                Some(Reason::Conditions {
                    holds: false,
                    certain: false,
                }) => "false?",
                _ => continue,
            };
            write!(f, " [{outcome}]")?;
        }
        match &self.answered_by {
            Some(model) => write!(f, ": answered by `{model}`")?,
            None => f.write_str(": no model answers")?,
        }
        match &self.stop {
            Stop::End { .. } => {}
            stop => write!(f, "; {stop}")?,
        }
        if self.is_undetermined() {
            f.write_str(" (undetermined)")?;
        }
        Ok(())
    }
}

/// Where a [`RequestPath`] stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// At an `end` element, as it should.
    End {
        /// The `end` element.
        element_id: String,
    },
    /// At an output leading to an id no element has.
    Dangling {
        /// The element with the output.
        from: String,
        /// The missing id.
        target: String,
    },
    /// At an output leading back to an element already on the path.
    Cycle {
        /// The element with the output.
        from: String,
        /// The element it leads back to.
        target: String,
    },
    /// At a non-`end` element with no outputs.
    NoOutputs {
        /// The element.
        element_id: String,
    },
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::End { element_id } => write!(f, "ends at `{element_id}`"),
            Self::Dangling { from, target } => {
                write!(f, "stops: `{from}` points at missing `{target}`")
            }
            Self::Cycle { from, target } => {
                write!(f, "stops: `{from}` leads back to `{target}`, a cycle")
            }
            Self::NoOutputs { element_id } => write!(f, "stops: `{element_id}` has no outputs"),
        }
    }
}

/// Explains how `request` (JSON with `metadata`, `headers` and `body`) would go through the
/// route graph `elements`. Never fails: faults in the graph appear as decisions.
///
/// With several `start` elements the first is used, and with repeated ids the first element
/// holding an id is the one linked to, as in [`validate`](super::validate()).
pub fn explain(elements: &[RouteElement], request: &Value) -> Explanation {
    let mut walk = Walk {
        elements,
        request,
        by_id: ElementIndex::new(elements),
        decisions: Vec::new(),
        paths: Vec::new(),
        truncated: false,
    };

    let start = elements
        .iter()
        .position(|element| element.kind() == ElementKind::Start);
    match start {
        Some(start) => walk.run(start),
        None => walk.decide(0, "", DecisionKind::NoStart),
    }
    if walk.truncated {
        // Pushed directly: `decide` keeps this last slot free for it.
        walk.decisions.push(Decision {
            depth: 0,
            element_id: String::new(),
            kind: DecisionKind::Truncated,
        });
    }
    Explanation {
        decisions: walk.decisions,
        paths: walk.paths,
        truncated: walk.truncated,
    }
}

/// A path as far as it has gone.
#[derive(Clone)]
struct Trail {
    path: RequestPath,
    /// Indices of the elements on the path, to spot cycles.
    on_path: Vec<usize>,
}

/// An output still to follow.
struct Follow {
    from: usize,
    label: String,
    reason: Reason,
    target: String,
    /// Depth of the branch decision; the element it leads to sits at `child_depth`.
    depth: usize,
    child_depth: usize,
    trail: Trail,
}

struct Walk<'a> {
    elements: &'a [RouteElement],
    request: &'a Value,
    by_id: ElementIndex<'a>,
    decisions: Vec<Decision>,
    paths: Vec<RequestPath>,
    /// Set once [`MAX_DECISIONS`] is reached; nothing more is recorded after.
    truncated: bool,
}

impl Walk<'_> {
    fn decide(&mut self, depth: usize, element_id: &str, kind: DecisionKind) {
        if self.truncated || self.decisions.len() + 1 >= MAX_DECISIONS {
            self.truncated = true;
            return;
        }
        self.decisions.push(Decision {
            depth,
            element_id: element_id.to_owned(),
            kind,
        });
    }

    /// Walks from `start` with an explicit stack, so deep graphs cannot overflow the call
    /// stack, until done or [`MAX_DECISIONS`] is reached.
    fn run(&mut self, start: usize) {
        let trail = Trail {
            path: RequestPath {
                elements: Vec::new(),
                reasons: Vec::new(),
                share: Some(1.0),
                models: Vec::new(),
                answered_by: None,
                // Replaced when the path stops.
                stop: Stop::NoOutputs {
                    element_id: String::new(),
                },
            },
            on_path: Vec::new(),
        };
        let mut stack = self.visit(start, 0, trail);
        while let Some(follow) = stack.pop() {
            if self.truncated {
                return;
            }
            let from_id = self.elements[follow.from].id();
            self.decide(
                follow.depth,
                from_id,
                DecisionKind::Branch {
                    label: follow.label.clone(),
                    reason: follow.reason,
                    target: follow.target.clone(),
                },
            );
            let mut trail = follow.trail;
            trail.path.reasons.push(follow.reason);
            if let Reason::Weighted { percent } = follow.reason {
                trail.path.share = trail
                    .path
                    .share
                    .zip(percent)
                    .map(|(share, percent)| share * percent / 100.0);
            }
            if follow.reason == Reason::ModelAnswers {
                trail.path.answered_by = Some(from_id.to_owned());
            }

            let Some(index) = self.by_id.position(&follow.target) else {
                let kind = DecisionKind::Dangling {
                    label: follow.label,
                    target: follow.target.clone(),
                };
                self.decide(follow.child_depth, from_id, kind);
                let stop = Stop::Dangling {
                    from: from_id.to_owned(),
                    target: follow.target,
                };
                self.finish(trail, stop);
                continue;
            };
            if trail.on_path.contains(&index) {
                let kind = DecisionKind::Cycle {
                    target: follow.target.clone(),
                };
                self.decide(follow.child_depth, from_id, kind);
                let stop = Stop::Cycle {
                    from: from_id.to_owned(),
                    target: follow.target,
                };
                self.finish(trail, stop);
                continue;
            }
            let mut next = self.visit(index, follow.child_depth, trail);
            // Reversed, so the first output is explored first.
            next.reverse();
            stack.append(&mut next);
        }
    }

    fn finish(&mut self, mut trail: Trail, stop: Stop) {
        // A path cut short by the limit did not really stop here.
        if self.truncated {
            return;
        }
        trail.path.stop = stop;
        self.paths.push(trail.path);
    }

    /// Records the decisions at element `index` and returns the outputs to follow from it.
    fn visit(&mut self, index: usize, depth: usize, mut trail: Trail) -> Vec<Follow> {
        let element = &self.elements[index];
        let id = element.id();
        trail.path.elements.push(id.to_owned());
        trail.on_path.push(index);

        let mut branches: Vec<(&str, Reason, &str)> = Vec::new();
        match element {
            RouteElement::Start { outputs, .. } => {
                self.decide(depth, id, DecisionKind::Start);
                branches.push(("next", Reason::Next, &outputs.next.element_id));
            }
            RouteElement::Conditional {
                outputs,
                properties,
                ..
            } => {
                let evaluation = evaluate_conditions(&properties.conditions, self.request);
                for doubt in evaluation.doubts {
                    let kind = match doubt {
                        Doubt::UnknownOperator(operator) => {
                            DecisionKind::UnknownOperator { operator }
                        }
                        Doubt::Malformed(message) => DecisionKind::MalformedCondition { message },
                    };
                    self.decide(depth, id, kind);
                }
                let kind = DecisionKind::Conditional {
                    conditions: properties.conditions.clone(),
                    verdict: evaluation.verdict,
                };
                self.decide(depth, id, kind);
                let certain = evaluation.verdict != Verdict::Undetermined;
                let on_true = Reason::Conditions {
                    holds: true,
                    certain,
                };
                let on_false = Reason::Conditions {
                    holds: false,
                    certain,
                };
                if evaluation.verdict != Verdict::Fails {
                    branches.push(("true", on_true, &outputs.true_.element_id));
                }
                if evaluation.verdict != Verdict::Holds {
                    branches.push(("false", on_false, &outputs.false_.element_id));
                }
            }
            RouteElement::Percentage { outputs, .. } => {
                self.decide(depth, id, DecisionKind::Percentage);
                for (label, target) in outputs {
                    let percent = Percent::from_label(label).map(|share| f64::from(share.get()));
                    branches.push((label, Reason::Weighted { percent }, &target.element_id));
                }
                // Heaviest first, labels without a share last; stable, so ties keep label order.
                branches.sort_by(|(_, left, _), (_, right, _)| {
                    let weight = |reason: &Reason| match reason {
                        Reason::Weighted { percent } => percent.unwrap_or(-1.0),
                        _ => -1.0,
                    };
                    weight(right).total_cmp(&weight(left))
                });
            }
            RouteElement::Rate {
                outputs,
                properties,
                ..
            } => {
                let properties = properties.clone();
                self.decide(depth, id, DecisionKind::Rate { properties });
                branches.push(("success", Reason::WithinLimit, &outputs.success.element_id));
                branches.push(("fallback", Reason::Limited, &outputs.fallback.element_id));
            }
            RouteElement::Model {
                outputs,
                properties,
                ..
            } => {
                let properties = properties.clone();
                self.decide(depth, id, DecisionKind::Model { properties });
                trail.path.models.push(id.to_owned());
                let success = &outputs.success.element_id;
                branches.push(("success", Reason::ModelAnswers, success));
                let fallback = &outputs.fallback.element_id;
                branches.push(("fallback", Reason::ModelFails, fallback));
            }
            RouteElement::End { .. } => {
                self.decide(depth, id, DecisionKind::End);
                let stop = Stop::End {
                    element_id: id.to_owned(),
                };
                self.finish(trail, stop);
                return Vec::new();
            }
        }

        if branches.is_empty() {
            self.decide(depth, id, DecisionKind::NoOutputs);
            let stop = Stop::NoOutputs {
                element_id: id.to_owned(),
            };
            self.finish(trail, stop);
            return Vec::new();
        }
        // A single way on stays at this depth; alternatives nest under their branch line.
        let (branch_depth, child_depth) = if branches.len() == 1 {
            (depth, depth)
        } else {
            (depth + 1, depth + 2)
        };
        branches
            .into_iter()
            .map(|(label, reason, target)| Follow {
                from: index,
                label: label.to_owned(),
                reason,
                target: target.to_owned(),
                depth: branch_depth,
                child_depth,
                trail: trail.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
