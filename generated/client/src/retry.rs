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
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    requested_wait(headers, now).map(|wait| wait.min(MAX_RETRY_AFTER))
}

/// What the server asked for, as [`retry_after`] reads it, uncapped: the rate budget caps it
/// at its own window instead.
pub(crate) fn requested_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
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
    Some(wait)
}

/// Statuses worth another attempt.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
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

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn retry_after_reads_seconds_http_dates_and_milliseconds_capped_at_a_minute() {
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let headers = |pairs: &[(&'static str, &str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, HeaderValue::from_str(value).expect("header"));
            }
            map
        };
        let date = |at: SystemTime| httpdate::fmt_http_date(at);

        assert_eq!(retry_after(&headers(&[]), now), None);
        assert_eq!(
            retry_after(&headers(&[("retry-after", "7")]), now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", " 0 ")]), now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            retry_after(
                &headers(&[("retry-after", &date(now + Duration::from_secs(30)))]),
                now
            ),
            Some(Duration::from_secs(30))
        );
        // A date in the past means "now".
        assert_eq!(
            retry_after(
                &headers(&[("retry-after", &date(now - Duration::from_secs(30)))]),
                now
            ),
            Some(Duration::ZERO)
        );
        // A hand-written IMF-fixdate parses too.
        assert_eq!(
            retry_after(
                &headers(&[("retry-after", "Thu, 01 Jan 1970 00:00:10 GMT")]),
                UNIX_EPOCH
            ),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "1500")]), now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after-ms", "2.5")]), now),
            Some(Duration::from_micros(2500))
        );
        // `retry-after-ms` wins over `Retry-After`.
        assert_eq!(
            retry_after(
                &headers(&[("retry-after-ms", "250"), ("retry-after", "9")]),
                now
            ),
            Some(Duration::from_millis(250))
        );
        // Capped at a minute, however asked.
        assert_eq!(MAX_RETRY_AFTER, Duration::from_secs(60));
        for pairs in [
            [("retry-after", "3600")],
            [("retry-after-ms", "600000")],
            [("retry-after", &*date(now + Duration::from_secs(86_400)))],
        ] {
            assert_eq!(
                retry_after(&headers(&pairs), now),
                Some(MAX_RETRY_AFTER),
                "{pairs:?}"
            );
        }
        // Nonsense is ignored rather than obeyed.
        for pairs in [
            [("retry-after", "soon")],
            [("retry-after", "-5")],
            [("retry-after-ms", "-5")],
            [("retry-after", "")],
        ] {
            assert_eq!(retry_after(&headers(&pairs), now), None, "{pairs:?}");
        }
    }

    #[test]
    fn backoff_doubles_with_jitter_and_stays_within_the_maximum() {
        let policy = RetryPolicy {
            max_retries: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
        };
        for _ in 0..200 {
            for (retry, full) in [(1, 100), (2, 200), (3, 400), (4, 800)] {
                let wait = policy.backoff(retry);
                let full = Duration::from_millis(full);
                assert!(
                    wait <= full && wait >= full.mul_f64(0.75),
                    "retry {retry}: {wait:?} not within [0.75, 1] x {full:?}"
                );
            }
            for retry in [5, 10, 31, 32, 1000, u32::MAX] {
                let wait = policy.backoff(retry);
                assert!(
                    wait <= policy.max_backoff && wait >= policy.max_backoff.mul_f64(0.75),
                    "retry {retry}: {wait:?}"
                );
            }
            // With no Retry-After, `delay` is the backoff; with one, the server's wish.
            assert!(policy.delay(1, None) <= Duration::from_millis(100));
            let mut asked = HeaderMap::new();
            asked.insert("retry-after", HeaderValue::from_static("3"));
            assert_eq!(policy.delay(1, Some(&asked)), Duration::from_secs(3));
        }
        assert_eq!(RetryPolicy::none().max_retries, 0);
        assert_eq!(RetryPolicy::default().max_retries, 2);

        for status in [408, 409, 429, 500, 502, 503, 504] {
            assert!(is_retryable_status(StatusCode::from_u16(status).unwrap()));
        }
        for status in [200, 400, 401, 403, 404, 422] {
            assert!(!is_retryable_status(StatusCode::from_u16(status).unwrap()));
        }
    }
}
