//! Route graphs as checked values: accessors on the generated `RouteElement`, validation
//! before sending, and pictures (Mermaid, Graphviz DOT).

mod any;
pub mod builder;
mod element;
pub mod explain;
pub mod file;
mod raw;
pub mod render;
pub mod validate;

pub use any::{AnyElement, UnknownElement, known_elements};
pub use builder::{BuildError, ElementHandle, GraphBuilder, ModelCall, RateLimit, StartedGraph};
pub use element::{ElementKind, Output};
pub use explain::{Decision, DecisionKind, Explanation, Path, Reason, Stop, Verdict, explain};
pub use file::RouteFileError;
pub use render::{to_dot, to_mermaid};
pub use validate::{Problem, Rule, validate};
