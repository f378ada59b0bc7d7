//! Conditions of a `conditional` element evaluated against a request, in three values: holds,
//! fails, or undetermined when an operator is unknown or malformed. `explain` (feature `graph`)
//! uses it; it is public so callers can check a condition alone.

use std::cmp::Ordering;
use std::fmt;

use serde_json::{Map, Number, Value};

/// The operators Cloudflare documents for a `conditional` element's conditions (Dynamic Routing
/// JSON configuration). [`evaluate_conditions`] knows more (MongoDB's `$nin`, `$gt`…), but the
/// gateway is only documented to understand these.
pub const DOCUMENTED_OPERATORS: &[&str] = &["$eq", "$ne", "$in", "$and", "$or"];

/// Every operator (`$…` key) a set of conditions uses, at any depth, each once, in the order
/// first met.
pub fn operators(conditions: &Map<String, Value>) -> Vec<String> {
    fn collect(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    if key.starts_with('$') && !found.contains(key) {
                        found.push(key.clone());
                    }
                    collect(inner, found);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| collect(item, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for (key, value) in conditions {
        if key.starts_with('$') && !found.contains(key) {
            found.push(key.clone());
        }
        collect(value, &mut found);
    }
    found
}

/// Deepest nesting of `$and` / `$or` evaluated; deeper is reported as malformed rather
/// than risk the call stack.
const MAX_NESTING: usize = 64;

/// Whether conditions hold for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The request matches.
    Holds,
    /// The request does not match.
    Fails,
    /// Some operator is unknown or malformed, so the result is not guessed.
    Undetermined,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Holds => "holds",
            Self::Fails => "does not hold",
            Self::Undetermined => "is undetermined",
        })
    }
}

/// Why conditions could not be decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Doubt {
    /// An operator this evaluator does not know, such as `$regex`.
    UnknownOperator(String),
    /// An operator used wrongly, such as `$in` with no array.
    Malformed(String),
}

/// The result of [`evaluate_conditions`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// Whether the conditions hold; [`Verdict::Undetermined`] exactly when there are doubts.
    pub verdict: Verdict,
    /// Every unknown or malformed operator, in the order met.
    pub doubts: Vec<Doubt>,
}

/// Evaluates `conditions`, a MongoDB-style filter, against `request`.
///
/// Keys are dotted paths into the request JSON (`metadata.plan`, `headers.x-tier`,
/// `body.model`; a number picks an array item), and header names match in any case.
/// A value is an implicit `$eq` unless it is an object of operators: `$eq`, `$ne`, `$in`,
/// `$nin`, `$gt`, `$gte`, `$lt`, `$lte`, `$exists`. `$and` and `$or` take arrays of
/// filters, and several keys in one object must all hold.
///
/// As in MongoDB, a missing field equals `null`, so `$ne` and `$nin` hold for it and
/// comparisons fail; comparisons only order numbers with numbers and strings with
/// strings; an array field matches when it or any item does.
///
/// Any unknown or malformed operator makes the verdict undetermined, even where the rest
/// would decide it: how the gateway treats such a condition is not known, so it is not
/// guessed.
pub fn evaluate_conditions(conditions: &Map<String, Value>, request: &Value) -> Evaluation {
    let mut doubts = Vec::new();
    let holds = filter(conditions, request, 0, &mut doubts);
    let verdict = match (doubts.is_empty(), holds) {
        (false, _) => Verdict::Undetermined,
        (true, true) => Verdict::Holds,
        (true, false) => Verdict::Fails,
    };
    Evaluation { verdict, doubts }
}

/// Every clause is evaluated, without short-circuit, so every doubt is found.
fn filter(
    conditions: &Map<String, Value>,
    request: &Value,
    depth: usize,
    doubts: &mut Vec<Doubt>,
) -> bool {
    let mut all = true;
    for (key, expected) in conditions {
        let holds = match key.as_str() {
            "$and" => logical(key, expected, request, depth, doubts, true),
            "$or" => logical(key, expected, request, depth, doubts, false),
            operator if operator.starts_with('$') => {
                doubts.push(Doubt::UnknownOperator(operator.to_owned()));
                false
            }
            path => field(resolve(request, path), expected, doubts),
        };
        all &= holds;
    }
    all
}

fn logical(
    operator: &str,
    clauses: &Value,
    request: &Value,
    depth: usize,
    doubts: &mut Vec<Doubt>,
    need_all: bool,
) -> bool {
    if depth >= MAX_NESTING {
        let message = format!("`{operator}` nested more than {MAX_NESTING} deep");
        doubts.push(Doubt::Malformed(message));
        return false;
    }
    let Some(clauses) = clauses.as_array().filter(|clauses| !clauses.is_empty()) else {
        let message = format!("`{operator}` needs a non-empty array of conditions");
        doubts.push(Doubt::Malformed(message));
        return false;
    };
    let mut results = Vec::with_capacity(clauses.len());
    for clause in clauses {
        let holds = match clause {
            Value::Object(clause) => filter(clause, request, depth + 1, doubts),
            _ => {
                let message = format!("`{operator}` holds {clause}, not a condition object");
                doubts.push(Doubt::Malformed(message));
                false
            }
        };
        results.push(holds);
    }
    if need_all {
        results.iter().all(|&holds| holds)
    } else {
        results.iter().any(|&holds| holds)
    }
}

/// Whether a field's value (`None` when missing) satisfies what the filter gives for it.
fn field(actual: Option<&Value>, expected: &Value, doubts: &mut Vec<Doubt>) -> bool {
    match expected {
        Value::Object(operators) if operators.keys().any(|key| key.starts_with('$')) => {
            let mut all = true;
            for (operator, operand) in operators {
                all &= apply(operator, operand, actual, doubts);
            }
            all
        }
        _ => equals(actual, expected),
    }
}

fn apply(operator: &str, operand: &Value, actual: Option<&Value>, doubts: &mut Vec<Doubt>) -> bool {
    match operator {
        "$eq" => equals(actual, operand),
        "$ne" => !equals(actual, operand),
        "$in" | "$nin" => {
            let Some(options) = operand.as_array() else {
                let message = format!("`{operator}` needs an array, not {operand}");
                doubts.push(Doubt::Malformed(message));
                return false;
            };
            let found = options.iter().any(|option| equals(actual, option));
            found == (operator == "$in")
        }
        "$gt" => compare(actual, operand, Ordering::is_gt),
        "$gte" => compare(actual, operand, Ordering::is_ge),
        "$lt" => compare(actual, operand, Ordering::is_lt),
        "$lte" => compare(actual, operand, Ordering::is_le),
        "$exists" => match operand {
            Value::Bool(wanted) => actual.is_some() == *wanted,
            _ => {
                let message = format!("`$exists` needs true or false, not {operand}");
                doubts.push(Doubt::Malformed(message));
                false
            }
        },
        // Also a plain key mixed in among operators, which MongoDB rejects too.
        unknown => {
            doubts.push(Doubt::UnknownOperator(unknown.to_owned()));
            false
        }
    }
}

/// The value at a dotted `path` in the request, if there is one.
fn resolve<'a>(request: &'a Value, path: &str) -> Option<&'a Value> {
    let mut current = request;
    let mut in_headers = false;
    for (position, segment) in path.split('.').enumerate() {
        current = match current {
            Value::Object(map) => map.get(segment).or_else(|| {
                // HTTP header names are case-insensitive.
                in_headers
                    .then(|| {
                        map.iter()
                            .find(|(name, _)| name.eq_ignore_ascii_case(segment))
                            .map(|(_, value)| value)
                    })
                    .flatten()
            })?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
        in_headers = position == 0 && segment == "headers";
    }
    Some(current)
}

/// MongoDB equality: a missing field equals `null`; an array field equals a value it
/// holds as well as an equal array.
fn equals(actual: Option<&Value>, expected: &Value) -> bool {
    let Some(actual) = actual else {
        return expected.is_null();
    };
    same(actual, expected)
        || matches!(actual, Value::Array(items) if items.iter().any(|item| same(item, expected)))
}

/// Structural equality in which `1` and `1.0` are the same number.
fn same(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(left), Value::Number(right)) => {
            number_order(left, right) == Some(Ordering::Equal)
        }
        (Value::Array(left), Value::Array(right)) => {
            left.len() == right.len() && left.iter().zip(right).all(|(l, r)| same(l, r))
        }
        (Value::Object(left), Value::Object(right)) => {
            left.len() == right.len()
                && left
                    .iter()
                    .all(|(key, l)| right.get(key).is_some_and(|r| same(l, r)))
        }
        _ => left == right,
    }
}

fn compare(actual: Option<&Value>, bound: &Value, wanted: fn(Ordering) -> bool) -> bool {
    let Some(actual) = actual else {
        return false;
    };
    let satisfies = |value: &Value| order(value, bound).is_some_and(wanted);
    satisfies(actual) || matches!(actual, Value::Array(items) if items.iter().any(satisfies))
}

/// How two values order, when they are of a kind that orders with each other.
fn order(left: &Value, right: &Value) -> Option<Ordering> {
    match (left, right) {
        (Value::Number(left), Value::Number(right)) => number_order(left, right),
        (Value::String(left), Value::String(right)) => Some(left.cmp(right)),
        (Value::Bool(left), Value::Bool(right)) => Some(left.cmp(right)),
        _ => None,
    }
}

/// Compares whole numbers exactly and others as floats.
fn number_order(left: &Number, right: &Number) -> Option<Ordering> {
    if let (Some(left), Some(right)) = (left.as_i64(), right.as_i64()) {
        return Some(left.cmp(&right));
    }
    if let (Some(left), Some(right)) = (left.as_u64(), right.as_u64()) {
        return Some(left.cmp(&right));
    }
    left.as_f64()?.partial_cmp(&right.as_f64()?)
}
