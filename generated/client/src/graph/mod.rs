//! Route graphs as checked values: accessors on the generated `RouteElement`, validation
//! before sending, and pictures (Mermaid, Graphviz DOT).

mod element;
pub mod file;
pub mod render;
pub mod validate;

pub use element::{ElementKind, Output};
pub use file::RouteFileError;
pub use render::{to_dot, to_mermaid};
pub use validate::{Problem, Rule, validate};
