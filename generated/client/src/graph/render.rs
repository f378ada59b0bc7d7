//! Pictures of a route graph (placeholder while in progress).
use crate::types::RouteElement;
/// Mermaid flowchart text.
pub fn to_mermaid(_elements: &[RouteElement]) -> String {
    String::new()
}
/// Graphviz DOT text.
pub fn to_dot(_elements: &[RouteElement]) -> String {
    String::new()
}
