//! The one error type of the generator: what is wrong, and where in the spec.

use std::fmt;

/// A problem with the input spec (or, rarely, with the generator), located in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The input at fault, relative to the workspace root: the spec or the overlay.
    pub file: &'static str,
    /// Where: a JSON pointer such as `#/paths/~1routes/get`, or `line L, column C` for
    /// text that is not JSON.
    pub location: String,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl Error {
    /// An error in the spec, at a JSON pointer or other location.
    pub fn at(location: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            file: crate::SPEC_PATH,
            location: location.into(),
            message: message.into(),
        }
    }

    /// The same error, blamed on the overlay.
    pub fn in_overlay(mut self) -> Self {
        self.file = crate::OVERLAY_PATH;
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.location, self.message)
    }
}

impl std::error::Error for Error {}
