//! What tests see of the traffic: every request received, in order.

use serde_json::Value;

use crate::operation::Operation;

/// One request as the emulator received it, recorded before any fault or credential check.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// The method, upper case (`GET`, `POST`…).
    pub method: String,
    /// The path, as sent (percent-encoding kept).
    pub path: String,
    /// The query string without `?`, if there was one.
    pub query: Option<String>,
    /// The operation the method and path name, or `None` for anything else.
    pub operation: Option<Operation>,
    /// The body, when it was JSON.
    pub body: Option<Value>,
    /// Answered 429 because it was over the enforced rate limit (or arrived while blocked).
    pub rate_limited: bool,
}

impl RecordedRequest {
    /// Whether it was a write (anything but `GET`).
    pub fn is_write(&self) -> bool {
        self.method != "GET"
    }
}
