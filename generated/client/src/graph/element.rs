//! What every element kind has in common: its id, its kind and its labelled outputs.

use std::fmt;

use crate::types::{ElementRef, RouteElement};

/// The six kinds of route element, as the API's `type` tag names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ElementKind {
    /// `start`: where every request enters.
    Start,
    /// `conditional`: a branch on the request.
    Conditional,
    /// `percentage`: a weighted split.
    Percentage,
    /// `rate`: a request-count or cost budget.
    Rate,
    /// `model`: a model call.
    Model,
    /// `end`: where a request leaves.
    End,
}

impl ElementKind {
    /// The API's `type` tag.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Conditional => "conditional",
            Self::Percentage => "percentage",
            Self::Rate => "rate",
            Self::Model => "model",
            Self::End => "end",
        }
    }
}

impl fmt::Display for ElementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// One outgoing edge: the output's label (`next`, `true`, `60%`, `success`…) and the id of
/// the element it leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Output<'a> {
    /// The output's name as the API spells it.
    pub label: &'a str,
    /// The `elementId` it points at.
    pub target: &'a str,
}

fn edge<'a>(label: &'a str, target: &'a ElementRef) -> Output<'a> {
    Output {
        label,
        target: &target.element_id,
    }
}

impl RouteElement {
    /// This element's id.
    pub fn id(&self) -> &str {
        match self {
            Self::Start { id, .. }
            | Self::Conditional { id, .. }
            | Self::Percentage { id, .. }
            | Self::Rate { id, .. }
            | Self::Model { id, .. }
            | Self::End { id, .. } => id,
        }
    }

    /// This element's kind.
    pub fn kind(&self) -> ElementKind {
        match self {
            Self::Start { .. } => ElementKind::Start,
            Self::Conditional { .. } => ElementKind::Conditional,
            Self::Percentage { .. } => ElementKind::Percentage,
            Self::Rate { .. } => ElementKind::Rate,
            Self::Model { .. } => ElementKind::Model,
            Self::End { .. } => ElementKind::End,
        }
    }

    /// Its outgoing edges, in a stable order: `next`; `true` then `false`; `success` then
    /// `fallback`; map outputs (percentage, end) by label.
    pub fn outputs(&self) -> Vec<Output<'_>> {
        match self {
            Self::Start { outputs, .. } => vec![edge("next", &outputs.next)],
            Self::Conditional { outputs, .. } => {
                vec![edge("true", &outputs.true_), edge("false", &outputs.false_)]
            }
            Self::Rate { outputs, .. } | Self::Model { outputs, .. } => vec![
                edge("success", &outputs.success),
                edge("fallback", &outputs.fallback),
            ],
            Self::Percentage { outputs, .. } | Self::End { outputs, .. } => outputs
                .iter()
                .map(|(label, target)| edge(label, target))
                .collect(),
        }
    }
}
