//! The one error type of the client: what went wrong on the API, on the wire, in decoding or
//! in the arguments, with helpers for the questions callers ask. Never holds a credential.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::graph::GraphProblems;
use crate::json_path;
use crate::prepared::PreparedRequest;
use crate::transport::{FailedResponse, Outcome};

/// How much of a body an error shows.
const SNIPPET: usize = 240;

/// Anything a call can fail with.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status.
    Api(ApiError),
    /// The connection failed, or the response body could not be read.
    Transport {
        /// The operation, such as `create_route`.
        operation: &'static str,
        /// How many attempts were made.
        attempts: u32,
        /// Whether the request may have reached the API (and a create been applied).
        sent: bool,
        /// The underlying error.
        source: reqwest::Error,
    },
    /// An attempt took longer than the configured timeout, and no retry succeeded.
    Timeout {
        /// The operation.
        operation: &'static str,
        /// How many attempts were made.
        attempts: u32,
        /// The per-attempt timeout.
        after: Duration,
    },
    /// A success response whose body does not have the documented shape.
    Decode(DecodeError),
    /// An argument that cannot make a request, such as an empty id; nothing was sent.
    InvalidArgument {
        /// The operation.
        operation: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The graph failed the check before sending; nothing was sent. See
    /// [`crate::graph::check()`].
    InvalidGraph {
        /// The operation.
        operation: &'static str,
        /// Every problem found.
        problems: GraphProblems,
    },
    /// A version was deployed, but reads of the route still showed another graph when the
    /// [`DeployWait`](crate::DeployWait) ran out: the API may be lagging, or another writer
    /// deployed in between. Check the route before deploying again.
    DeployNotVisible {
        /// The operation.
        operation: &'static str,
        /// The route.
        route_id: String,
        /// The version that was deployed.
        version_id: String,
        /// How long reads were retried.
        waited: Duration,
    },
    /// A success response's body was longer than
    /// [`MAX_RESPONSE_BODY`](crate::MAX_RESPONSE_BODY); it was not read past that.
    ResponseTooLarge {
        /// The operation.
        operation: &'static str,
        /// The limit, in bytes.
        limit: usize,
    },
    /// A list went on past [`PageRequest::MAX_PAGES`](crate::PageRequest::MAX_PAGES) pages,
    /// each full and each with new items; it was stopped there rather than cut short in
    /// silence, and what was listed is not the whole list.
    TooManyPages {
        /// The operation.
        operation: &'static str,
        /// How many pages were read.
        limit: u64,
    },
    /// A dry run ([`ClientBuilder::dry_run`](crate::ClientBuilder::dry_run)): the request
    /// passed every check and was not sent; here is what would have been.
    DryRun {
        /// The operation.
        operation: &'static str,
        /// The request, its credentials redacted.
        request: Box<PreparedRequest>,
    },
}

/// What the API says when a route's name is taken: the live API answers `500` with this
/// database message (the distilled Cloudflare SDK's `RouteAlreadyExists` matcher).
const DUPLICATE_NAME_MESSAGE: &str = "UNIQUE constraint failed: routes.name";

/// An error status from the API, with everything it said.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The operation.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// Cloudflare's `errors`, read leniently (empty if the body had none, or was not JSON).
    pub errors: Vec<ApiMessage>,
    /// Cloudflare's request id (`cf-ray`), for support tickets.
    pub ray_id: Option<String>,
    /// The raw body, as text (lossy for non-UTF-8), at most 1 MiB.
    pub body: String,
    /// Where a redirect (`3xx`) pointed, from its `Location` header. Redirects are never
    /// followed, so credentials go only to the configured base URL.
    pub location: Option<String>,
    /// How many attempts were made.
    pub attempts: u32,
    method_is_post: bool,
}

/// One entry of Cloudflare's `errors` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiMessage {
    /// Cloudflare's numeric code, such as `7001` for an invalid route graph, when given.
    pub code: Option<i64>,
    /// The message (empty if there was none).
    pub message: String,
}

/// A success body that does not decode into the operation's type.
#[derive(Debug, Clone)]
pub struct DecodeError {
    /// The operation.
    pub operation: &'static str,
    /// Where in the body: a path such as `result.elements[2].outputs`.
    pub path: String,
    /// What is wrong there.
    pub message: String,
    /// The start of the body, at most 240 characters.
    pub snippet: String,
}

impl Error {
    /// The HTTP status, when the API answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(e) => Some(e.status),
            _ => None,
        }
    }

    /// `404`: the route, version or gateway does not exist.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// `429`: rate limited (retries, if on, were used up).
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// The credentials are missing, wrong or lack a permission: `401` or `403`, or one of the
    /// `400` answers Cloudflare gives for credentials (see [`ApiError::is_auth`]).
    pub fn is_auth(&self) -> bool {
        matches!(self, Self::Api(e) if e.is_auth())
    }

    /// Whether Cloudflare reported this numeric error code.
    pub fn has_code(&self, code: i64) -> bool {
        matches!(self, Self::Api(e) if e.errors.iter().any(|m| m.code == Some(code)))
    }

    /// Whether the route's name is already taken on the gateway: the live API's `500` with
    /// `UNIQUE constraint failed: routes.name`, or a `409` to a create or rename. Such a create
    /// was not applied, and is never repeated automatically.
    pub fn is_duplicate_name(&self) -> bool {
        let Self::Api(e) = self else {
            return false;
        };
        let names_a_route = matches!(e.operation, "create_route" | "update_route");
        e.errors
            .iter()
            .any(|m| m.message.contains(DUPLICATE_NAME_MESSAGE))
            || e.body.contains(DUPLICATE_NAME_MESSAGE)
            || (names_a_route && e.status == StatusCode::CONFLICT)
    }

    /// Whether a create (POST) may have taken effect although this error was returned: its
    /// request was sent, and the answer was a timeout, a lost connection or a `5xx`. Such a
    /// request is not retried automatically; check what exists before sending it again.
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            _ if self.is_duplicate_name() => false,
            Self::Api(e) => e.method_is_post && e.status.is_server_error(),
            Self::Transport {
                operation, sent, ..
            } => *sent && is_create(operation),
            Self::Timeout { operation, .. } => is_create(operation),
            _ => false,
        }
    }

    /// Builds the error for a failed call from progenitor's error and what the transport saw.
    pub(crate) fn from_call<E>(
        operation: &'static str,
        timeout: Duration,
        error: progenitor_client::Error<E>,
        outcome: Outcome,
    ) -> Self {
        use progenitor_client::Error as Raw;
        if let Some(request) = outcome.prepared {
            return Self::DryRun { operation, request };
        }
        if let Some(failed) = outcome.failed {
            return Self::Api(ApiError::new(operation, failed, outcome.attempts));
        }
        if let Some(limit) = outcome.too_large {
            return Self::ResponseTooLarge { operation, limit };
        }
        let attempts = outcome.attempts.max(1);
        match error {
            Raw::CommunicationError(source) | Raw::ResponseBodyError(source)
                if source.is_timeout() =>
            {
                Self::Timeout {
                    operation,
                    attempts,
                    after: timeout,
                }
            }
            Raw::CommunicationError(source)
            | Raw::ResponseBodyError(source)
            | Raw::InvalidUpgrade(source) => Self::Transport {
                operation,
                attempts,
                sent: outcome.sent,
                source,
            },
            Raw::InvalidResponsePayload(bytes, original) => {
                Self::Decode(decode_error(operation, &bytes, &original))
            }
            Raw::InvalidRequest(message) | Raw::Custom(message) => {
                Self::InvalidArgument { operation, message }
            }
            // A non-success answer is always captured above; these remain for a 2xx status
            // the spec does not list.
            Raw::ErrorResponse(response) => {
                Self::Api(ApiError::bare(operation, response.status(), attempts))
            }
            Raw::UnexpectedResponse(response) => {
                Self::Api(ApiError::bare(operation, response.status(), attempts))
            }
        }
    }
}

/// Whether `operation` creates something (a `POST` in the operation table), so that a failure
/// after sending may have left it created.
fn is_create(operation: &str) -> bool {
    crate::operations::find(operation).is_some_and(|o| o.method == "POST")
}

/// Cloudflare's codes for missing or malformed credentials answered with `400` (live behaviour
/// 15 of `spec/PROVENANCE.md`): 9106 "Missing X-Auth-Key, X-Auth-Email or Authorization headers", 10000
/// "Authentication error".
const AUTH_CODES_WITH_400: [i64; 2] = [9106, 10000];
/// 6003 "Invalid request headers" is about credentials when its `error_chain` holds 6103
/// "Invalid format for X-Auth-Key header".
const INVALID_HEADERS: i64 = 6003;
const INVALID_AUTH_KEY_FORMAT: i64 = 6103;

impl ApiError {
    fn new(operation: &'static str, failed: FailedResponse, attempts: u32) -> Self {
        let header = |name: &str| {
            failed
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Self {
            operation,
            status: failed.status,
            errors: parse_errors(&failed.body),
            ray_id: header("cf-ray"),
            body: String::from_utf8_lossy(&failed.body).into_owned(),
            location: header("location").filter(|_| failed.status.is_redirection()),
            attempts,
            method_is_post: is_create(operation),
        }
    }

    /// Whether the credentials were refused: `401`, `403`, or a `400` with code 9106, 10000, or
    /// 6003 whose `error_chain` holds 6103, as Cloudflare answers some credential failures.
    pub fn is_auth(&self) -> bool {
        match self.status.as_u16() {
            401 | 403 => true,
            400 => {
                let has = |code: i64| self.errors.iter().any(|m| m.code == Some(code));
                AUTH_CODES_WITH_400.into_iter().any(has)
                    || (has(INVALID_HEADERS)
                        && chained_codes(self.body.as_bytes()).contains(&INVALID_AUTH_KEY_FORMAT))
            }
            _ => false,
        }
    }

    fn bare(operation: &'static str, status: StatusCode, attempts: u32) -> Self {
        Self {
            operation,
            status,
            errors: Vec::new(),
            ray_id: None,
            body: String::new(),
            location: None,
            attempts,
            method_is_post: is_create(operation),
        }
    }
}

/// Cloudflare's `errors` from any body: `code` may be missing or a string, `message` missing,
/// `result` null or anything; a body that is not JSON (a proxy's HTML page) gives none.
pub(crate) fn parse_errors(body: &[u8]) -> Vec<ApiMessage> {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Vec::new();
    };
    let Some(errors) = value.get("errors").and_then(Value::as_array) else {
        return Vec::new();
    };
    errors
        .iter()
        .map(|entry| ApiMessage {
            code: code_of(entry),
            message: entry
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| entry.as_str().unwrap_or_default().to_string()),
        })
        .collect()
}

/// An error entry's `code`, a number or a numeric string.
fn code_of(entry: &Value) -> Option<i64> {
    let code = entry.get("code")?;
    code.as_i64()
        .or_else(|| code.as_str().and_then(|s| s.trim().parse().ok()))
}

/// The codes in the `error_chain` of every entry of `errors`, at any depth.
fn chained_codes(body: &[u8]) -> Vec<i64> {
    fn walk(entries: &[Value], codes: &mut Vec<i64>) {
        for entry in entries {
            if let Some(chain) = entry.get("error_chain").and_then(Value::as_array) {
                codes.extend(chain.iter().filter_map(code_of));
                walk(chain, codes);
            }
        }
    }
    let mut codes = Vec::new();
    if let Ok(value) = serde_json::from_slice::<Value>(body)
        && let Some(errors) = value.get("errors").and_then(Value::as_array)
    {
        walk(errors, &mut codes);
    }
    codes
}

/// Where decoding `body` failed: the path of the value at serde_json's line and column, what
/// it said, and a snippet.
pub(crate) fn decode_error(
    operation: &'static str,
    body: &[u8],
    error: &serde_json::Error,
) -> DecodeError {
    let offset = json_path::offset_of(body, error.line(), error.column());
    let text = String::from_utf8_lossy(body);
    let snippet: String = text.chars().take(SNIPPET).collect();
    DecodeError {
        operation,
        path: json_path::path_at(body, offset),
        message: error.to_string(),
        snippet,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(e) => e.fmt(f),
            Self::Transport {
                operation,
                attempts,
                source,
                ..
            } => {
                write!(
                    f,
                    "{operation}: the request failed after {attempts} attempt(s): {source}"
                )?;
                // reqwest's message hides the cause (a refused connection, a TLS failure, a
                // DNS error): add each cause it does not already say.
                let mut shown = source.to_string();
                let mut cause = std::error::Error::source(source);
                while let Some(inner) = cause {
                    let text = inner.to_string();
                    if !shown.contains(&text) {
                        write!(f, ": {text}")?;
                        shown.push_str(&text);
                    }
                    cause = inner.source();
                }
                Ok(())
            }
            Self::Timeout {
                operation,
                attempts,
                after,
            } => write!(
                f,
                "{operation}: timed out after {after:?} on each of {attempts} attempt(s)"
            ),
            Self::Decode(e) => e.fmt(f),
            Self::InvalidArgument { operation, message } => write!(f, "{operation}: {message}"),
            Self::InvalidGraph {
                operation,
                problems,
            } => {
                write!(
                    f,
                    "{operation}: the graph is not valid, nothing was sent:\n{problems}"
                )
            }
            Self::DeployNotVisible {
                operation,
                route_id,
                version_id,
                waited,
            } => write!(
                f,
                "{operation}: version `{version_id}` of route `{route_id}` was deployed, but reads \
                 still showed another graph after {waited:?}; check the route before deploying again"
            ),
            Self::ResponseTooLarge { operation, limit } => write!(
                f,
                "{operation}: the response body is larger than {} MiB ({limit} bytes), the most \
                 this client reads; it was not read",
                limit >> 20
            ),
            Self::TooManyPages { operation, limit } => write!(
                f,
                "{operation}: the list still had full pages of new items after {limit} pages, \
                 the most this client reads; it was stopped there, so the list is incomplete"
            ),
            Self::DryRun { operation, request } => write!(
                f,
                "{operation}: dry run: {} {} was prepared and not sent",
                request.method, request.url
            ),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.operation, self.status)?;
        for message in &self.errors {
            match message.code {
                Some(code) => write!(f, "; [{code}] {}", message.message)?,
                None => write!(f, "; {}", message.message)?,
            }
        }
        if let Some(location) = &self.location {
            write!(
                f,
                "; redirected to `{location}`, not followed: credentials go only to the \
                 configured base URL (check it)"
            )?;
        } else if self.errors.is_empty() && !self.body.is_empty() {
            let snippet: String = self.body.chars().take(SNIPPET).collect();
            write!(f, "; body: {snippet}")?;
        }
        if self.is_auth() {
            write!(
                f,
                "; the credentials were refused: check them (an API token, or an email with \
                 its Global API key) and their permissions"
            )?;
        }
        if let Some(ray) = &self.ray_id {
            write!(f, " (cf-ray {ray})")?;
        }
        Ok(())
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.path.is_empty() || self.path == "." {
            "the body".to_string()
        } else {
            format!("`{}`", self.path)
        };
        write!(
            f,
            "{}: cannot decode the response at {at}: {}; body starts: {}",
            self.operation, self.message, self.snippet
        )
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl std::error::Error for ApiError {}
impl std::error::Error for DecodeError {}
