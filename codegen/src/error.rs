//! The one error type of the generator: what is wrong, and where in the spec.

use std::fmt;

/// A problem with the input spec (or, rarely, with the generator), located in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Where: a JSON pointer such as `#/paths/~1routes/get`, or `line L, column C` for
    /// text that is not JSON.
    pub location: String,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl Error {
    /// An error at a JSON pointer or other location.
    pub fn at(location: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.location, self.message)
    }
}

impl std::error::Error for Error {}
