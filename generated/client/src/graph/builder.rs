//! A typed route-graph builder: elements are linked by handles rather than id strings, so a
//! link to an element that does not exist cannot be written.
//!
//! Every method that adds an element takes the handles of the elements it leads to, so
//! targets are always made before the elements pointing at them. That also makes a cycle
//! impossible to write. [`StartedGraph::build`] then checks what types cannot: handles from
//! another builder, repeated ids, and the rules of [`validate`](super::validate()).
//!
//! ```
//! use cloudflare_dynamic_routing::graph::builder::{GraphBuilder, ModelCall, RateLimit};
//! use serde_json::json;
//!
//! let mut g = GraphBuilder::new();
//! let end = g.end("end");
//! let small = g.model(
//!     "small",
//!     ModelCall::new("workers-ai", "@cf/meta/llama-3.1-8b-instruct").retries(1).timeout_ms(10_000),
//!     end,
//!     end,
//! );
//! let large = g.model("large", ModelCall::new("openai", "gpt-4o").retries(2), end, small);
//! let split = g.percentage("split", [(70, large), (30, small)]);
//! let budget = g.rate(
//!     "budget",
//!     RateLimit::count(100).per_seconds(3600).keyed_by("metadata.user"),
//!     small,
//!     end,
//! );
//! let plan = g.conditional("plan", json!({"metadata.plan": {"$eq": "free"}}), budget, split);
//! let elements = g.start(plan).build().unwrap();
//! assert_eq!(elements[0].id(), "start");
//! assert_eq!(elements.len(), 7);
//! ```

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;

use super::percent::Percent;
use super::validate::{GraphProblems, validate};
use crate::types::{
    ConditionalOutputs, ConditionalProperties, ElementRef, FallbackOutputs, ModelProperties,
    NewRoute, RateLimitProperties, RateLimitType, RouteElement, StartOutputs,
};

/// Gives every builder its own number, so its handles can be told from another builder's.
static NEXT_BUILDER: AtomicU64 = AtomicU64::new(1);

/// The id [`GraphBuilder::start`] gives the start element.
pub const START_ID: &str = "start";

/// Default model timeout, in milliseconds; the builder's choice, not the API's.
const DEFAULT_TIMEOUT_MS: u32 = 30_000;

/// Default rate-limit window, in seconds; the builder's choice, not the API's.
const DEFAULT_WINDOW_SECONDS: u32 = 60;

/// A reference to an element added to a [`GraphBuilder`]; only that builder hands them out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ElementHandle {
    builder: u64,
    index: usize,
}

/// A model call's settings for [`GraphBuilder::model`]: provider, model, retries and timeout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelCall {
    provider: String,
    model: String,
    retries: u32,
    timeout_ms: u32,
}

impl ModelCall {
    /// Calls `model` at `provider` (such as `openai` or `workers-ai`), with no retries and a
    /// 30 s timeout until set otherwise.
    pub fn new(provider: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            provider: provider.into(),
            model: model.into(),
            retries: 0,
            timeout_ms: DEFAULT_TIMEOUT_MS,
        }
    }

    /// How many times to retry a failed call before falling back.
    #[must_use]
    pub fn retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// How long to wait for the model, in milliseconds; a whole number, 0 or more.
    #[must_use]
    pub fn timeout_ms(mut self, timeout_ms: u32) -> Self {
        self.timeout_ms = timeout_ms;
        self
    }

    fn properties(&self) -> ModelProperties {
        ModelProperties {
            model: self.model.clone(),
            provider: self.provider.clone(),
            retries: self.retries.into(),
            timeout: self.timeout_ms.into(),
        }
    }
}

/// A rate limit's settings for [`GraphBuilder::rate`]: a request-count or cost budget per
/// window, counted per key.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimit {
    limit: f64,
    limit_type: RateLimitType,
    window_seconds: u32,
    key: String,
}

impl RateLimit {
    /// Allows `requests` requests per window (60 s until [`per_seconds`](Self::per_seconds)).
    /// Set the key with [`keyed_by`](Self::keyed_by): an empty key fails the build.
    pub fn count(requests: u32) -> Self {
        Self::new(f64::from(requests), RateLimitType::Count)
    }

    /// Allows `cost` worth of requests per window (60 s until
    /// [`per_seconds`](Self::per_seconds)). Set the key with [`keyed_by`](Self::keyed_by).
    pub fn cost(cost: f64) -> Self {
        Self::new(cost, RateLimitType::Cost)
    }

    fn new(limit: f64, limit_type: RateLimitType) -> Self {
        Self {
            limit,
            limit_type,
            window_seconds: DEFAULT_WINDOW_SECONDS,
            key: String::new(),
        }
    }

    /// The window the limit applies to, in seconds; must be above 0.
    #[must_use]
    pub fn per_seconds(mut self, seconds: u32) -> Self {
        self.window_seconds = seconds;
        self
    }

    /// What the limit is counted per: a request field such as `metadata.user`.
    #[must_use]
    pub fn keyed_by(mut self, key: impl Into<String>) -> Self {
        self.key = key.into();
        self
    }

    fn properties(&self) -> RateLimitProperties {
        RateLimitProperties {
            key: self.key.clone(),
            limit: self.limit.into(),
            limit_type: self.limit_type,
            window: self.window_seconds.into(),
        }
    }
}

/// Why a graph could not be built.
#[derive(Debug, Clone, PartialEq)]
pub enum BuildError {
    /// An element links to a handle made by a different [`GraphBuilder`].
    ForeignHandle {
        /// The element holding the foreign handle.
        element_id: String,
    },
    /// Two elements were given the same id.
    DuplicateId {
        /// The repeated id.
        id: String,
    },
    /// A conditional's conditions are not a JSON object.
    ConditionsNotObject {
        /// The conditional element.
        element_id: String,
    },
    /// A percentage element has two branches with the same weight: the API keys branches by
    /// their label (`"50%"`), so one would silently replace the other.
    DuplicateWeight {
        /// The percentage element.
        element_id: String,
        /// The repeated label.
        label: String,
    },
    /// The graph breaks rules of [`validate`](super::validate()), such as weights not
    /// totalling 100%, an element nothing leads to, or an empty rate-limit key.
    Invalid(GraphProblems),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ForeignHandle { element_id } => write!(
                f,
                "element `{element_id}` links to a handle from another graph builder"
            ),
            Self::DuplicateId { id } => write!(f, "id `{id}` is used by more than one element"),
            Self::ConditionsNotObject { element_id } => write!(
                f,
                "element `{element_id}`: conditions must be a JSON object"
            ),
            Self::DuplicateWeight { element_id, label } => write!(
                f,
                "element `{element_id}`: two branches are labelled `{label}`; \
                 percentage labels must differ"
            ),
            Self::Invalid(problems) => write!(f, "the graph is not valid:\n{problems}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// An element as added, with links still as handles.
#[derive(Debug)]
enum Draft {
    Conditional {
        conditions: Value,
        if_true: ElementHandle,
        if_false: ElementHandle,
    },
    Percentage {
        branches: Vec<(u8, ElementHandle)>,
    },
    Rate {
        limit: RateLimit,
        within_limit: ElementHandle,
        limited: ElementHandle,
    },
    Model {
        call: ModelCall,
        success: ElementHandle,
        fallback: ElementHandle,
    },
    End,
}

/// Builds a route graph from typed handles; see the [module docs](self) for an example.
#[derive(Debug)]
pub struct GraphBuilder {
    builder: u64,
    drafts: Vec<(String, Draft)>,
}

impl Default for GraphBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl GraphBuilder {
    /// An empty graph.
    pub fn new() -> Self {
        Self {
            builder: NEXT_BUILDER.fetch_add(1, Ordering::Relaxed),
            drafts: Vec::new(),
        }
    }

    fn add(&mut self, id: impl Into<String>, draft: Draft) -> ElementHandle {
        self.drafts.push((id.into(), draft));
        ElementHandle {
            builder: self.builder,
            index: self.drafts.len() - 1,
        }
    }

    /// The id of an element this builder made, or `None` for another builder's handle.
    pub fn id_of(&self, handle: ElementHandle) -> Option<&str> {
        self.resolve(handle)
    }

    fn resolve(&self, handle: ElementHandle) -> Option<&str> {
        if handle.builder != self.builder {
            return None;
        }
        self.drafts.get(handle.index).map(|(id, _)| id.as_str())
    }

    /// An `end` element: where requests leave the graph.
    pub fn end(&mut self, id: impl Into<String>) -> ElementHandle {
        self.add(id, Draft::End)
    }

    /// A `model` element calling `call`; on success requests go to `success`, after failed
    /// retries to `fallback`.
    pub fn model(
        &mut self,
        id: impl Into<String>,
        call: ModelCall,
        success: ElementHandle,
        fallback: ElementHandle,
    ) -> ElementHandle {
        let draft = Draft::Model {
            call,
            success,
            fallback,
        };
        self.add(id, draft)
    }

    /// A `rate` element: requests within `limit` go to `within_limit`, the rest to `limited`.
    pub fn rate(
        &mut self,
        id: impl Into<String>,
        limit: RateLimit,
        within_limit: ElementHandle,
        limited: ElementHandle,
    ) -> ElementHandle {
        let draft = Draft::Rate {
            limit,
            within_limit,
            limited,
        };
        self.add(id, draft)
    }

    /// A `percentage` element splitting requests by weight: `(70, large)` sends 70% of them
    /// to `large` under the label `"70%"`. Weights must differ and total 100.
    pub fn percentage(
        &mut self,
        id: impl Into<String>,
        branches: impl IntoIterator<Item = (u8, ElementHandle)>,
    ) -> ElementHandle {
        let draft = Draft::Percentage {
            branches: branches.into_iter().collect(),
        };
        self.add(id, draft)
    }

    /// A `conditional` element: requests matching `conditions`, a MongoDB-style filter such
    /// as `{"metadata.plan": {"$eq": "free"}}`, go to `if_true`, the rest to `if_false`.
    pub fn conditional(
        &mut self,
        id: impl Into<String>,
        conditions: Value,
        if_true: ElementHandle,
        if_false: ElementHandle,
    ) -> ElementHandle {
        let draft = Draft::Conditional {
            conditions,
            if_true,
            if_false,
        };
        self.add(id, draft)
    }

    /// Adds the `start` element, with id [`START_ID`], leading to `next`.
    pub fn start(self, next: ElementHandle) -> StartedGraph {
        self.start_as(START_ID, next)
    }

    /// Adds the `start` element with the given id, leading to `next`.
    pub fn start_as(self, id: impl Into<String>, next: ElementHandle) -> StartedGraph {
        StartedGraph {
            builder: self,
            start_id: id.into(),
            next,
        }
    }
}

/// A graph whose start is set: all that is left is to build it.
#[derive(Debug)]
pub struct StartedGraph {
    builder: GraphBuilder,
    start_id: String,
    next: ElementHandle,
}

impl StartedGraph {
    /// The elements, start first, then in the order they were added; checked against
    /// [`validate`](super::validate()).
    pub fn build(self) -> Result<Vec<RouteElement>, BuildError> {
        let builder = &self.builder;
        let mut seen = HashSet::new();
        let ids = std::iter::once(self.start_id.as_str())
            .chain(builder.drafts.iter().map(|(id, _)| id.as_str()));
        for id in ids {
            if !seen.insert(id) {
                return Err(BuildError::DuplicateId { id: id.to_owned() });
            }
        }

        let mut elements = Vec::with_capacity(builder.drafts.len() + 1);
        let link = |from: &str, handle: ElementHandle| -> Result<ElementRef, BuildError> {
            match builder.resolve(handle) {
                Some(id) => Ok(ElementRef {
                    element_id: id.to_owned(),
                }),
                None => Err(BuildError::ForeignHandle {
                    element_id: from.to_owned(),
                }),
            }
        };
        elements.push(RouteElement::Start {
            id: self.start_id.clone(),
            outputs: StartOutputs {
                next: link(&self.start_id, self.next)?,
            },
        });
        for (id, draft) in &builder.drafts {
            elements.push(element(id, draft, &link)?);
        }

        validate(&elements).map_err(BuildError::Invalid)?;
        Ok(elements)
    }

    /// A route named `name` holding the built graph, ready to create.
    pub fn into_route(self, name: impl Into<String>) -> Result<NewRoute, BuildError> {
        Ok(NewRoute {
            name: name.into(),
            elements: self.build()?,
        })
    }
}

/// One draft as the API's element, its handles resolved by `link`.
fn element(
    id: &str,
    draft: &Draft,
    link: &impl Fn(&str, ElementHandle) -> Result<ElementRef, BuildError>,
) -> Result<RouteElement, BuildError> {
    let id_owned = id.to_owned();
    Ok(match draft {
        Draft::End => RouteElement::End {
            id: id_owned,
            outputs: BTreeMap::new(),
        },
        Draft::Model {
            call,
            success,
            fallback,
        } => RouteElement::Model {
            id: id_owned,
            outputs: FallbackOutputs {
                success: link(id, *success)?,
                fallback: link(id, *fallback)?,
            },
            properties: call.properties(),
        },
        Draft::Rate {
            limit,
            within_limit,
            limited,
        } => RouteElement::Rate {
            id: id_owned,
            outputs: FallbackOutputs {
                success: link(id, *within_limit)?,
                fallback: link(id, *limited)?,
            },
            properties: limit.properties(),
        },
        Draft::Percentage { branches } => {
            let mut outputs = BTreeMap::new();
            for (weight, target) in branches {
                let label = Percent::label(*weight);
                if outputs.contains_key(&label) {
                    return Err(BuildError::DuplicateWeight {
                        element_id: id_owned,
                        label,
                    });
                }
                outputs.insert(label, link(id, *target)?);
            }
            RouteElement::Percentage {
                id: id_owned,
                outputs,
            }
        }
        Draft::Conditional {
            conditions,
            if_true,
            if_false,
        } => {
            let Value::Object(conditions) = conditions else {
                return Err(BuildError::ConditionsNotObject {
                    element_id: id_owned,
                });
            };
            RouteElement::Conditional {
                id: id_owned,
                outputs: ConditionalOutputs {
                    true_: link(id, *if_true)?,
                    false_: link(id, *if_false)?,
                },
                properties: ConditionalProperties {
                    conditions: conditions.clone(),
                },
            }
        }
    })
}

#[cfg(test)]
mod tests;
