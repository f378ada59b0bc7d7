//! Checks a route graph before it is sent, reporting every problem at once.
//!
//! The API rejects a bad graph with error code `7001` and one terse message; this module finds
//! the same faults locally, all of them, each tied to the element at fault.
//!
//! | Rule | What it requires | Source |
//! |------|------------------|--------|
//! | [`Rule::OneStart`] | exactly one `start` element | graph shape: requests enter at the start |
//! | [`Rule::UniqueIds`] | ids unique and non-empty | graph shape: `elementId` links must be unambiguous |
//! | [`Rule::DanglingReference`] | every `elementId` names an element | graph shape |
//! | [`Rule::Unreachable`] | every element reachable from `start` | graph shape |
//! | [`Rule::NoEnd`] | an `end` reachable from every reachable element | graph shape: requests must leave |
//! | [`Rule::Cycle`] | no cycles | graph shape: a request must not loop |
//! | [`Rule::ConditionalBranches`] | `conditional` has `true` and `false` targets | API schema |
//! | [`Rule::PercentageOutputs`] | labels like `"60%"`, at most 5, total 100, no `else` | Cloudflare's live behaviour |
//! | [`Rule::RateLimit`] | `limit > 0`, `window > 0`, a `key`; `limitType` count or cost | API schema |
//! | [`Rule::ModelCall`] | `provider`, `model`; whole `retries >= 0`, `timeout >= 0` | API schema (`provider`, `model`, numbers `timeout`, `retries` required); whole and not negative: live behaviour 16 (the dashboard writes `timeout: 0`, `retries: 0`) |
//! | [`Rule::EndOutputs`] | `end` carries `outputs`, possibly `{}` | Cloudflare's live behaviour |
//! | [`Rule::DocumentedOperators`] | conditions use only [`DOCUMENTED_OPERATORS`], or operators the [`GraphCheck`] allows | Cloudflare's documentation; checked by [`check`], not [`validate`] |
//!
//! [`check`] is the one check before sending, the same at every entry point that sends a graph
//! (the client's create-route and create-version, the CLI's generated subcommands, route files
//! and `apply`): every rule above, with the same opt-outs ([`GraphCheck`]). [`validate`] is the
//! rules the API itself enforces, all but [`Rule::DocumentedOperators`] (the API stores an
//! operator it does not know, which then never matches). Both report problems as one
//! [`GraphProblems`].
//!
//! The element rules follow the API's behaviour as recorded in `spec/PROVENANCE.md` and
//! Cloudflare's documented live behaviour: a percentage element's outputs are keyed by labels
//! such as `"60%"`, must total 100%, allow no `else`, and at most 5; an end element must carry
//! outputs (an empty `{}` is accepted). The graph-shape rules are what a route must be for a
//! request to flow from its start to an end.
//!
//! To keep one fault from showing up under several rules, the checks avoid cascades: a missing
//! target counts only as [`Rule::DanglingReference`] (or [`Rule::ConditionalBranches`] when a
//! conditional's target is empty), an element with a dangling output is not also said to reach
//! no end, reachability is skipped when there is no start, an element whose id is duplicate
//! or empty is not also called unreachable, and a percentage with no outputs is reported
//! once, under [`Rule::NoEnd`].

use std::fmt;

use super::conditions::{DOCUMENTED_OPERATORS, operators};
use super::element::ElementKind;
use super::index::ElementIndex;
use super::percent::Percent;
use crate::Number;
use crate::types::RouteElement;

/// Most outputs a `percentage` element may have.
const MAX_PERCENTAGE_OUTPUTS: usize = 5;

/// A rule a route graph must follow; see the [module docs](self) for the full table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Exactly one `start` element (graph shape: every request enters there).
    OneStart,
    /// Element ids are unique and non-empty (graph shape: links go by id).
    UniqueIds,
    /// Every output's `elementId` names an element of the graph (graph shape).
    DanglingReference,
    /// Every element is reachable from `start` by following outputs (graph shape).
    Unreachable,
    /// From every reachable element some `end` is reachable (graph shape: requests must leave).
    NoEnd,
    /// The graph has no cycles (graph shape: a request must not loop forever).
    Cycle,
    /// A `conditional` has non-empty `true` and `false` targets (API schema; the type
    /// already requires both to be present).
    ConditionalBranches,
    /// A `percentage` has at most 5 outputs labelled like `"60%"` (a whole 0-100), totalling
    /// 100, and no `else` (Cloudflare's live behaviour).
    PercentageOutputs,
    /// A `rate` has `limit > 0`, `window > 0` and a non-empty `key` (API schema); its
    /// `limitType` is `count` or `cost`, which the typed [`crate::types::RateLimitType`]
    /// enforces when decoding, so it needs no check here.
    RateLimit,
    /// A `model` has a non-empty `provider` and `model` (API schema), and whole numbers
    /// `retries >= 0` and `timeout >= 0`: the schema says only `number`, and routes made in
    /// Cloudflare's dashboard carry `timeout: 0` and `retries: 0` (live behaviour 16).
    ModelCall,
    /// An `end` carries `outputs`, possibly empty (Cloudflare's live behaviour: `{}` is
    /// accepted). The generated type makes `outputs` a required map, so a decoded `end`
    /// always satisfies it and no runtime check is made.
    EndOutputs,
    /// A `conditional`'s conditions use only the operators Cloudflare documents
    /// ([`DOCUMENTED_OPERATORS`]) or ones the [`GraphCheck`] allows: the API stores any other
    /// (`$equals` for `$eq`) and it never matches. Checked by [`check`] only.
    DocumentedOperators,
}

impl Rule {
    /// The rule's short name, as [`GraphProblems`] lists it (`one-start`, `cycle`…).
    pub fn name(self) -> &'static str {
        match self {
            Self::OneStart => "one-start",
            Self::UniqueIds => "unique-ids",
            Self::DanglingReference => "dangling-reference",
            Self::Unreachable => "unreachable",
            Self::NoEnd => "no-end",
            Self::Cycle => "cycle",
            Self::ConditionalBranches => "conditional-branches",
            Self::PercentageOutputs => "percentage-outputs",
            Self::RateLimit => "rate-limit",
            Self::ModelCall => "model-call",
            Self::EndOutputs => "end-outputs",
            Self::DocumentedOperators => "documented-operators",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One way a graph breaks a [`Rule`].
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The element at fault, or `None` for a problem with the whole graph.
    pub element_id: Option<String>,
    /// The rule broken.
    pub rule: Rule,
    /// What is wrong, for people.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.element_id {
            Some(id) => write!(f, "element `{id}`: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Problem {}

/// Every problem a graph has, in a stable order (whole-graph problems first, then by the
/// position of the element at fault, then in [`Rule`] order); never empty.
///
/// Its `Display` is one line per problem, naming the element (or the graph) and the rule:
/// ``element `large` [cycle]: on a cycle: large → large``.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphProblems(Vec<Problem>);

impl GraphProblems {
    /// `problems` as one value; `None` when there are none.
    pub fn new(problems: Vec<Problem>) -> Option<Self> {
        (!problems.is_empty()).then_some(Self(problems))
    }

    /// The problems, in order.
    pub fn into_vec(self) -> Vec<Problem> {
        self.0
    }
}

impl std::ops::Deref for GraphProblems {
    type Target = [Problem];

    fn deref(&self) -> &[Problem] {
        &self.0
    }
}

impl<'a> IntoIterator for &'a GraphProblems {
    type Item = &'a Problem;
    type IntoIter = std::slice::Iter<'a, Problem>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl IntoIterator for GraphProblems {
    type Item = Problem;
    type IntoIter = std::vec::IntoIter<Problem>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl fmt::Display for GraphProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, problem) in self.0.iter().enumerate() {
            if n > 0 {
                f.write_str("\n")?;
            }
            let Problem {
                element_id,
                rule,
                message,
            } = problem;
            match element_id {
                Some(id) => write!(f, "element `{id}` [{rule}]: {message}")?,
                None => write!(f, "graph [{rule}]: {message}")?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for GraphProblems {}

/// How a graph is checked before it is sent, the same at every entry point: the client
/// ([`ClientBuilder::validate_graphs`](crate::ClientBuilder::validate_graphs),
/// [`ClientBuilder::allow_operators`](crate::ClientBuilder::allow_operators)), the CLI's
/// generated subcommands, route files and `apply` (`--no-validate`, `--allow-operator`).
/// The default checks every rule and accepts only the documented operators.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GraphCheck {
    /// Skip every check and send the graph as it is.
    pub skip_validation: bool,
    /// Conditional operators accepted besides [`DOCUMENTED_OPERATORS`].
    pub allowed_operators: Vec<String>,
}

/// The one check before sending: `elements` against every [`Rule`], documented operators
/// included, as `how` says (nothing when it skips validation).
///
/// ```
/// use cloudflare_dynamic_routing::graph::{GraphCheck, check};
/// # let elements = Vec::new();
/// let allowing = GraphCheck { allowed_operators: vec!["$regex".to_string()], ..GraphCheck::default() };
/// if let Err(problems) = check(&elements, &allowing) {
///     eprintln!("not sent:\n{problems}"); // one line per problem
/// }
/// ```
pub fn check(elements: &[RouteElement], how: &GraphCheck) -> Result<(), GraphProblems> {
    if how.skip_validation {
        return Ok(());
    }
    problems(elements, Some(&how.allowed_operators))
}

/// Checks `elements` against every [`Rule`] the API enforces (all but
/// [`Rule::DocumentedOperators`]), returning all problems found, in the order
/// [`GraphProblems`] describes. To check before sending, use [`check`].
pub fn validate(elements: &[RouteElement]) -> Result<(), GraphProblems> {
    problems(elements, None)
}

/// Every problem of `elements`; with `allowed`, operators outside the documented ones and
/// `allowed` too.
fn problems(elements: &[RouteElement], allowed: Option<&[String]>) -> Result<(), GraphProblems> {
    let mut found = Found::default();
    let graph = Graph::new(elements);

    check_ids(elements, &graph.by_id, &mut found);
    check_starts(elements, &mut found);
    for (index, element) in elements.iter().enumerate() {
        check_references(index, element, &graph, &mut found);
        check_properties(index, element, &mut found);
        if let Some(allowed) = allowed {
            check_operators(index, element, allowed, &mut found);
        }
    }
    check_shape(elements, &graph, &mut found);
    check_cycles(elements, &graph, &mut found);

    found.finish()
}

/// Problems gathered so far, each with the position it sorts by.
#[derive(Default)]
struct Found(Vec<(Option<usize>, Problem)>);

impl Found {
    fn whole(&mut self, rule: Rule, message: String) {
        self.push(None, None, rule, message);
    }

    fn at(&mut self, index: usize, element: &RouteElement, rule: Rule, message: String) {
        self.push(Some(index), Some(element.id().to_owned()), rule, message);
    }

    fn push(&mut self, index: Option<usize>, id: Option<String>, rule: Rule, message: String) {
        let problem = Problem {
            element_id: id,
            rule,
            message,
        };
        self.0.push((index, problem));
    }

    fn finish(mut self) -> Result<(), GraphProblems> {
        // Stable, so problems of one element and rule keep the order they were found in.
        self.0
            .sort_by_key(|(index, problem)| (*index, problem.rule as u8));
        let problems = self.0.into_iter().map(|(_, problem)| problem).collect();
        GraphProblems::new(problems).map_or(Ok(()), Err)
    }
}

/// The elements as indices: each id's first holder, and each element's resolved edges.
struct Graph<'a> {
    /// Targets of each element's outputs that resolve, in output order.
    edges: Vec<Vec<usize>>,
    /// Whether an element has an output that resolves to nothing.
    dangles: Vec<bool>,
    by_id: ElementIndex<'a>,
}

impl<'a> Graph<'a> {
    fn new(elements: &'a [RouteElement]) -> Self {
        let by_id = ElementIndex::new(elements);
        let mut edges = Vec::with_capacity(elements.len());
        let mut dangles = Vec::with_capacity(elements.len());
        for element in elements {
            let outputs = element.outputs();
            let resolved: Vec<usize> = outputs
                .iter()
                .filter_map(|output| by_id.resolve(output.target))
                .collect();
            dangles.push(resolved.len() < outputs.len());
            edges.push(resolved);
        }
        Self {
            edges,
            dangles,
            by_id,
        }
    }
}

fn check_ids(elements: &[RouteElement], by_id: &ElementIndex<'_>, found: &mut Found) {
    for (index, element) in elements.iter().enumerate() {
        let id = element.id();
        if id.trim().is_empty() {
            let message = format!(
                "the `{}` element at position {index} has an empty id",
                element.kind()
            );
            found.at(index, element, Rule::UniqueIds, message);
        } else if let Some(earlier) = by_id.position(id).filter(|&first| first != index) {
            let message = format!("id already used by the element at position {earlier}");
            found.at(index, element, Rule::UniqueIds, message);
        }
    }
}

fn check_starts(elements: &[RouteElement], found: &mut Found) {
    let mut starts = elements
        .iter()
        .enumerate()
        .filter(|(_, element)| element.kind() == ElementKind::Start);
    let Some((_, first)) = starts.next() else {
        found.whole(
            Rule::OneStart,
            "the graph has no `start` element".to_owned(),
        );
        return;
    };
    for (index, element) in starts {
        let message = format!(
            "a second `start` element; `{}` is already the start",
            first.id()
        );
        found.at(index, element, Rule::OneStart, message);
    }
}

fn check_references(index: usize, element: &RouteElement, graph: &Graph<'_>, found: &mut Found) {
    let conditional = element.kind() == ElementKind::Conditional;
    for output in element.outputs() {
        if output.target.trim().is_empty() && conditional {
            let message = format!("the `{}` branch has an empty elementId", output.label);
            found.at(index, element, Rule::ConditionalBranches, message);
        } else if graph.by_id.resolve(output.target).is_none() {
            let message = format!(
                "output `{}` points at `{}`, which is no element's id",
                output.label, output.target
            );
            found.at(index, element, Rule::DanglingReference, message);
        }
    }
}

fn check_properties(index: usize, element: &RouteElement, found: &mut Found) {
    let mut report = |rule, message: String| found.at(index, element, rule, message);
    match element {
        RouteElement::Percentage { outputs, .. } => {
            // An empty split is reported once, under `NoEnd`.
            if outputs.is_empty() {
                return;
            }
            let mut total = 0u32;
            let mut all_valid = true;
            for label in outputs.keys() {
                match Percent::from_label(label) {
                    Some(share) => total += u32::from(share.get()),
                    None if label == "else" => {
                        all_valid = false;
                        report(
                            Rule::PercentageOutputs,
                            "a `percentage` element may not have an `else` output".to_owned(),
                        );
                    }
                    None => {
                        all_valid = false;
                        report(
                            Rule::PercentageOutputs,
                            format!("output label `{label}` is not a whole percentage like `60%`"),
                        );
                    }
                }
            }
            if outputs.len() > MAX_PERCENTAGE_OUTPUTS {
                report(
                    Rule::PercentageOutputs,
                    format!(
                        "{} outputs; at most {MAX_PERCENTAGE_OUTPUTS} are allowed",
                        outputs.len()
                    ),
                );
            }
            // A total over bad labels would only repeat the label problems.
            if all_valid && total != 100 {
                report(
                    Rule::PercentageOutputs,
                    format!("outputs total {total}%, not 100%"),
                );
            }
        }
        RouteElement::Rate { properties, .. } => {
            if !positive(properties.limit) {
                report(
                    Rule::RateLimit,
                    format!("limit is {}; it must be above 0", properties.limit),
                );
            }
            if !positive(properties.window) {
                report(
                    Rule::RateLimit,
                    format!("window is {}; it must be above 0", properties.window),
                );
            }
            if properties.key.trim().is_empty() {
                report(Rule::RateLimit, "key is empty".to_owned());
            }
        }
        RouteElement::Model { properties, .. } => {
            if properties.provider.trim().is_empty() {
                report(Rule::ModelCall, "provider is empty".to_owned());
            }
            if properties.model.trim().is_empty() {
                report(Rule::ModelCall, "model is empty".to_owned());
            }
            if !(whole(properties.retries) && properties.retries.get() >= 0.0) {
                report(
                    Rule::ModelCall,
                    format!(
                        "retries is {}; it must be a whole number, 0 or more",
                        properties.retries
                    ),
                );
            }
            if !(whole(properties.timeout) && properties.timeout.get() >= 0.0) {
                report(
                    Rule::ModelCall,
                    format!(
                        "timeout is {}; it must be a whole number, 0 or more",
                        properties.timeout
                    ),
                );
            }
        }
        // `start` and `conditional` properties are fixed by their types; `end` outputs are a
        // required map (`Rule::EndOutputs`).
        RouteElement::Start { .. }
        | RouteElement::Conditional { .. }
        | RouteElement::End { .. } => {}
    }
}

/// Above zero; false for NaN.
fn positive(number: Number) -> bool {
    number.get() > 0.0
}

fn whole(number: Number) -> bool {
    number.get().is_finite() && number.get().fract() == 0.0
}

/// Reachability from the start(s) and to an end.
fn check_shape(elements: &[RouteElement], graph: &Graph<'_>, found: &mut Found) {
    let starts: Vec<usize> = kinds(elements, ElementKind::Start);
    // With no start, everything would be unreachable; `OneStart` already says why.
    let reachable = if starts.is_empty() {
        vec![true; elements.len()]
    } else {
        let reachable = spread(&starts, &graph.edges);
        for (index, element) in elements.iter().enumerate() {
            // A duplicate or empty id cannot be linked to; `UniqueIds` already says so.
            if !reachable[index] && graph.by_id.is_linkable(index, element) {
                let message = "no path from `start` leads here".to_owned();
                found.at(index, element, Rule::Unreachable, message);
            }
        }
        reachable
    };

    // Walk edges backwards from the ends. An element with a dangling output might reach an end
    // through it once fixed, so it counts as reaching one rather than repeating that problem.
    let mut backwards = vec![Vec::new(); elements.len()];
    for (from, targets) in graph.edges.iter().enumerate() {
        for &to in targets {
            backwards[to].push(from);
        }
    }
    let mut seeds = kinds(elements, ElementKind::End);
    seeds.extend((0..elements.len()).filter(|&index| graph.dangles[index]));
    let reaches_end = spread(&seeds, &backwards);

    for (index, element) in elements.iter().enumerate() {
        if reachable[index] && !reaches_end[index] {
            let message = if element.outputs().is_empty() {
                "has no outputs, so requests through it reach no `end`"
            } else {
                "no `end` can be reached from here"
            };
            found.at(index, element, Rule::NoEnd, message.to_owned());
        }
    }
}

fn kinds(elements: &[RouteElement], kind: ElementKind) -> Vec<usize> {
    (0..elements.len())
        .filter(|&index| elements[index].kind() == kind)
        .collect()
}

/// Which nodes can be reached from `roots` along `edges`.
fn spread(roots: &[usize], edges: &[Vec<usize>]) -> Vec<bool> {
    let mut seen = vec![false; edges.len()];
    let mut queue = roots.to_vec();
    while let Some(node) = queue.pop() {
        if std::mem::replace(&mut seen[node], true) {
            continue;
        }
        queue.extend(edges[node].iter().copied().filter(|&next| !seen[next]));
    }
    seen
}

/// One problem per back edge found by a depth-first search, naming the element the edge
/// returns to. The search keeps its own stack, so deep graphs cannot overflow the call stack.
fn check_cycles(elements: &[RouteElement], graph: &Graph<'_>, found: &mut Found) {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnPath,
        Done,
    }
    let mut state = vec![State::New; elements.len()];
    for root in 0..elements.len() {
        if state[root] != State::New {
            continue;
        }
        // The current path: each node and how many of its edges have been followed.
        let mut path: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = State::OnPath;
        while let Some((node, next_edge)) = path.last_mut() {
            let node = *node;
            let Some(&next) = graph.edges[node].get(*next_edge) else {
                state[node] = State::Done;
                path.pop();
                continue;
            };
            *next_edge += 1;
            match state[next] {
                State::New => {
                    state[next] = State::OnPath;
                    path.push((next, 0));
                }
                State::OnPath => {
                    let from = path.iter().position(|&(n, _)| n == next).unwrap_or(0);
                    let ids: Vec<&str> = path[from..]
                        .iter()
                        .map(|&(n, _)| elements[n].id())
                        .chain([elements[next].id()])
                        .collect();
                    let message = format!("on a cycle: {}", ids.join(" → "));
                    found.at(next, &elements[next], Rule::Cycle, message);
                }
                State::Done => {}
            }
        }
    }
}

/// [`Rule::DocumentedOperators`]: each operator of a conditional outside the documented ones and
/// `allowed`.
fn check_operators(index: usize, element: &RouteElement, allowed: &[String], found: &mut Found) {
    for (_, operator) in undocumented_operators(std::slice::from_ref(element), allowed) {
        let message = format!(
            "operator `{operator}` is not one Cloudflare documents ({}): the API would store it \
             and never match it; allow it explicitly to send it (--allow-operator {operator})",
            DOCUMENTED_OPERATORS.join(", ")
        );
        found.at(index, element, Rule::DocumentedOperators, message);
    }
}

/// Every conditional operator in `elements` outside [`DOCUMENTED_OPERATORS`] and not in
/// `allowed`, as (element id, operator), in element order. The API is not documented to
/// understand them: `$equals` for `$eq` would be stored and then never match.
pub fn undocumented_operators(
    elements: &[RouteElement],
    allowed: &[String],
) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for element in elements {
        if let RouteElement::Conditional { id, properties, .. } = element {
            for operator in operators(&properties.conditions) {
                let documented = DOCUMENTED_OPERATORS.contains(&operator.as_str());
                if !documented && !allowed.contains(&operator) {
                    found.push((id.clone(), operator));
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests;
