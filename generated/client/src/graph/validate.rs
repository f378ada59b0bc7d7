//! Validation of a route graph (placeholder while in progress).
use crate::types::RouteElement;
/// A validation rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {}
/// One problem.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {}
/// Validates.
pub fn validate(_elements: &[RouteElement]) -> Result<(), Vec<Problem>> {
    Ok(())
}
