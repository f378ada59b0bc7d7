//! Failures as Cloudflare reports them: an HTTP status and its error envelope
//! `{"success": false, "errors": [{"code", "message"}], "messages": [], "result": …}`.

use std::fmt;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::config::Style;

/// Cloudflare's code for an invalid request body or route graph.
pub(crate) const INVALID: i64 = 7001;
/// Cloudflare's code for "route not found or already exists".
pub(crate) const ROUTE_NOT_FOUND_OR_EXISTS: i64 = 7005;
/// Cloudflare's code for a path the API does not serve ("No route for that URI").
pub(crate) const NO_SUCH_PATH: i64 = 7000;
/// Cloudflare's code for a request over the API's rate limit (live behaviour 17).
pub(crate) const RATE_LIMITED: i64 = 971;
/// Cloudflare's code for missing or wrong credentials.
pub(crate) const AUTHENTICATION: i64 = 10000;

/// One failure: the status and the one entry of `errors`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: i64,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: i64, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// `400` with code 7001: a body, query or graph the API would reject.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, INVALID, message)
    }

    /// The error envelope, with `result` as the style has it: `{}` where documented (the
    /// spec's error schema types `result` as an object, not nullable), `null` where live.
    pub(crate) fn body(&self, style: Style) -> Value {
        envelope(style, self.code, &self.message)
    }

    /// The full answer: status and envelope.
    pub(crate) fn render(&self, style: Style) -> Response {
        (self.status, Json(self.body(style))).into_response()
    }
}

/// Cloudflare's error envelope with one error, `result` as the style has it.
pub(crate) fn envelope(style: Style, code: i64, message: &str) -> Value {
    let result = match style {
        Style::Documented => json!({}),
        Style::Live => Value::Null,
    };
    json!({"success": false, "errors": [{"code": code, "message": message}],
           "messages": [], "result": result})
}

/// Why [`Emulator::seed_route`](crate::Emulator::seed_route) could not add a route: the code
/// and message the API would have answered a create with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    /// Cloudflare's code: 7001 for an invalid graph, 7005 for a name already taken.
    pub code: i64,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot seed the route ({}): {}", self.code, self.message)
    }
}

impl std::error::Error for SeedError {}

impl From<ApiError> for SeedError {
    fn from(error: ApiError) -> Self {
        Self {
            code: error.code,
            message: error.message,
        }
    }
}
