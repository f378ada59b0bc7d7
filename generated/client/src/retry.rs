//! When to retry a request and how long to wait first: bounded exponential backoff with
//! jitter, `Retry-After`/`retry-after-ms` honoured, and no silent repeat of a create.
//!
//! **Which failures are retried.** Connection failures, timeouts, `408`, `409`, `429` and
//! `5xx`, as Cloudflare's SDKs do, with one exception that they do not make: a `POST` (create
//! route, version or deployment) is only repeated when the server cannot have applied it: the
//! connection failed before the request was sent, or the answer was `408` or `429`, which
//! Cloudflare sends before doing the work. After a timeout or a `5xx` the create may have
//! happened, so the error is returned at once, marked
//! [`may_have_been_applied`](crate::Error::may_have_been_applied); the caller can list what
//! exists before trying again. `GET`, `PATCH` (a rename) and `DELETE` are safe to repeat.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// The longest wait a server's `Retry-After` can ask for; a longer one is cut to this.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// How many times to retry, and how long to wait between attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 2; 0 turns retrying off).
    pub max_retries: u32,
    /// The wait before the first retry, doubled for each one after (default 0.5 s).
    pub initial_backoff: Duration,
    /// The longest computed wait (default 8 s).
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The wait before retry number `retry` (1 for the first): exponential, capped, with up to
    /// a quarter taken off at random so that many clients do not retry in step.
    pub fn backoff(&self, retry: u32) -> Duration {
        let doubling = 2u32.saturating_pow(retry.saturating_sub(1));
        let full = self
            .initial_backoff
            .saturating_mul(doubling)
            .min(self.max_backoff);
        full.mul_f64(1.0 - 0.25 * fastrand::f64())
    }

    /// The wait before the next attempt: the server's `retry-after-ms` or `Retry-After`
    /// (seconds or an HTTP date) if it sent one, capped at [`MAX_RETRY_AFTER`]; else backoff.
    pub fn delay(&self, retry: u32, headers: Option<&HeaderMap>) -> Duration {
        headers
            .and_then(|h| retry_after(h, SystemTime::now()))
            .unwrap_or_else(|| self.backoff(retry))
    }
}

/// What the server asked for: `retry-after-ms` (milliseconds), else `Retry-After` as seconds
/// or an HTTP date, capped at [`MAX_RETRY_AFTER`].
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let wait = if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        Duration::try_from_secs_f64(ms / 1000.0).ok()?
    } else {
        let value = text("retry-after")?;
        match value.parse::<u64>() {
            Ok(seconds) => Duration::from_secs(seconds),
            Err(_) => httpdate::parse_http_date(value)
                .ok()?
                .duration_since(now)
                .unwrap_or(Duration::ZERO),
        }
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// Statuses worth another attempt.
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

/// Whether a request with this method may be repeated after this outcome.
/// `sent` is false only when the connection failed before the request went out.
pub(crate) fn may_repeat(method: &reqwest::Method, status: Option<StatusCode>, sent: bool) -> bool {
    if *method != reqwest::Method::POST {
        return true;
    }
    match status {
        Some(status) => matches!(status.as_u16(), 408 | 429),
        None => !sent,
    }
}
