//! Route graphs as checked values: accessors on the generated `RouteElement`, a typed builder,
//! validation before sending, graph equality, pictures (Mermaid, Graphviz DOT) and an offline
//! explanation of where a request goes.
//!
//! Always built, because the client sends only checked graphs: the elements ([`AnyElement`]),
//! validation ([`validate()`], [`check()`]), equality ([`same_graph`]) and conditions
//! ([`evaluate_conditions`]). The tools, `builder`, `render` and `explain`,
//! need the `graph` feature (on by default).
//!
//! Each idea has one home: links resolve through one by-id index (`index`), percentage labels
//! are read by [`Percent`] alone, and graphs compare through [`same_graph`] alone.

mod any;
mod buffered;
#[cfg(feature = "graph")]
#[cfg_attr(docsrs, doc(cfg(feature = "graph")))]
pub mod builder;
pub(crate) mod compare;
pub mod conditions;
mod element;
#[cfg(feature = "graph")]
#[cfg_attr(docsrs, doc(cfg(feature = "graph")))]
pub mod explain;
mod index;
mod percent;
#[cfg(feature = "graph")]
#[cfg_attr(docsrs, doc(cfg(feature = "graph")))]
pub mod render;
pub mod validate;

pub use any::{AnyElement, UnknownElement, known_elements};
#[cfg(feature = "graph")]
pub use builder::{BuildError, ElementHandle, GraphBuilder, ModelCall, RateLimit, StartedGraph};
pub use compare::{in_id_order, same_graph};
pub use conditions::{DOCUMENTED_OPERATORS, Doubt, Evaluation, Verdict, evaluate_conditions};
pub use element::{ElementKind, Output};
#[cfg(feature = "graph")]
pub use explain::{Decision, DecisionKind, Explanation, Reason, RequestPath, Stop, explain};
pub use percent::Percent;
#[cfg(feature = "graph")]
pub use render::{Highlight, shorten, to_dot, to_mermaid, to_mermaid_highlighted};
pub use validate::{
    GraphCheck, GraphProblems, Problem, Rule, check, undocumented_operators, validate,
};
