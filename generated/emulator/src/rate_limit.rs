//! Cloudflare's API rate limit (live behaviour 17): a quota of requests per window, counted at
//! arrival; the request over it starts a block during which every request is answered 429
//! with `Retry-After` (Cloudflare's code 971), however long the client waited. Every answer
//! carries `Ratelimit` and `Ratelimit-Policy` in the live style, and in the documented style
//! when the limit is enforced.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue, StatusCode};

use crate::config::Style;
use crate::error::{ApiError, RATE_LIMITED};

/// A rate limit the emulator enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window (at least 1).
    pub requests: u64,
    /// The window, in whole seconds (at least one).
    pub window: Duration,
    /// How long every request is refused once the quota is exceeded.
    pub block: Duration,
}

impl RateLimit {
    /// Cloudflare's published limit: 1,200 requests per five minutes, then every call blocked
    /// for five minutes.
    pub fn cloudflare() -> Self {
        Self::new(1200, Duration::from_secs(300), Duration::from_secs(300))
    }

    /// `requests` per `window`, then blocked for `block` (windows and blocks are rounded up
    /// to whole seconds, as the headers say them; a zero quota is taken as one).
    pub fn new(requests: u64, window: Duration, block: Duration) -> Self {
        Self {
            requests: requests.max(1),
            window: whole_seconds(window).max(Duration::from_secs(1)),
            block: whole_seconds(block),
        }
    }
}

fn whole_seconds(duration: Duration) -> Duration {
    Duration::from_secs(ceil_seconds(duration))
}

fn ceil_seconds(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

/// What the limiter decided for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Served; the headers say what is left.
    Allowed(HeaderMap),
    /// Refused with this answer's status, body and headers.
    Refused(ApiError, HeaderMap),
}

/// The counting state of one emulator.
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    enforced: bool,
    state: Mutex<Counted>,
}

#[derive(Debug, Default)]
struct Counted {
    window_started: Option<Instant>,
    count: u64,
    blocked_until: Option<Instant>,
}

impl Limiter {
    /// Counts against `limit`, refusing only when `enforced` (otherwise the headers are only
    /// reported, as the live API reports them).
    pub(crate) fn new(limit: RateLimit, enforced: bool) -> Self {
        Self {
            limit,
            enforced,
            state: Mutex::default(),
        }
    }

    /// Counts one request arriving at `now`.
    pub(crate) fn arrive(&self, now: Instant) -> Verdict {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if self.enforced
            && let Some(until) = state.blocked_until.filter(|until| *until > now)
        {
            return self.refused(until - now, &state, now);
        }
        // A block that has ended starts a new window.
        let block_ended = state.blocked_until.take_if(|until| *until <= now).is_some();
        if block_ended
            || state
                .window_started
                .is_none_or(|started| now >= started + self.limit.window)
        {
            state.count = 0;
            state.window_started = Some(now);
        }
        state.count += 1;
        if self.enforced && state.count > self.limit.requests {
            state.blocked_until = Some(now + self.limit.block);
            return self.refused(self.limit.block, &state, now);
        }
        Verdict::Allowed(self.headers(&state, now))
    }

    fn refused(&self, wait: Duration, state: &Counted, now: Instant) -> Verdict {
        let mut headers = self.headers(state, now);
        headers.insert(
            axum::http::header::RETRY_AFTER,
            HeaderValue::from(ceil_seconds(wait)),
        );
        // As Cloudflare words it (the message that follows 1,200 per 300 s being exceeded).
        let error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            RATE_LIMITED,
            "Please wait and consider throttling your request speed",
        );
        Verdict::Refused(error, headers)
    }

    /// `Ratelimit: "default";r=…;t=…` and `Ratelimit-Policy: "default";q=…;w=…`, the reset
    /// rounded up so a client that waits for it never arrives early.
    fn headers(&self, state: &Counted, now: Instant) -> HeaderMap {
        let remaining = self.limit.requests.saturating_sub(state.count);
        let window_ends = state
            .window_started
            .map_or(now, |started| started + self.limit.window);
        let reset = ceil_seconds(window_ends.saturating_duration_since(now));
        let blocked = state
            .blocked_until
            .filter(|until| self.enforced && *until > now)
            .map_or(0, |until| ceil_seconds(until - now));
        let (remaining, reset) = if blocked > 0 {
            (0, blocked.max(reset))
        } else {
            (remaining, reset)
        };
        let mut headers = HeaderMap::new();
        let text = |text: String| HeaderValue::from_str(&text).expect("ASCII digits");
        headers.insert(
            "ratelimit",
            text(format!("\"default\";r={remaining};t={reset}")),
        );
        headers.insert(
            "ratelimit-policy",
            text(format!(
                "\"default\";q={};w={}",
                self.limit.requests,
                self.limit.window.as_secs()
            )),
        );
        headers
    }
}

/// The limiter an emulator of this style and limit runs: the enforced limit; else, in the live
/// style, Cloudflare's published limit reported but not enforced; else none.
pub(crate) fn limiter(style: Style, limit: Option<RateLimit>) -> Option<Limiter> {
    match (limit, style) {
        (Some(limit), _) => Some(Limiter::new(limit, true)),
        (None, Style::Live) => Some(Limiter::new(RateLimit::cloudflare(), false)),
        (None, Style::Documented) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(headers: &HeaderMap, name: &str) -> String {
        headers[name].to_str().expect("text").to_string()
    }

    #[test]
    fn the_request_over_the_quota_blocks_every_request_for_the_block() {
        let limiter = Limiter::new(
            RateLimit::new(3, Duration::from_secs(2), Duration::from_secs(10)),
            true,
        );
        let start = Instant::now();
        for left in [2, 1, 0] {
            let Verdict::Allowed(headers) = limiter.arrive(start) else {
                panic!("within the quota");
            };
            assert_eq!(
                header(&headers, "ratelimit"),
                format!("\"default\";r={left};t=2")
            );
            assert_eq!(header(&headers, "ratelimit-policy"), "\"default\";q=3;w=2");
        }
        let Verdict::Refused(error, headers) = limiter.arrive(start) else {
            panic!("over the quota");
        };
        assert_eq!((error.status.as_u16(), error.code), (429, 971));
        assert_eq!(header(&headers, "retry-after"), "10");
        // The window resets after 2 s, but the block lasts 10 s.
        let later = start + Duration::from_secs(3);
        let Verdict::Refused(_, headers) = limiter.arrive(later) else {
            panic!("still blocked");
        };
        assert_eq!(header(&headers, "retry-after"), "7");
        assert_eq!(header(&headers, "ratelimit"), "\"default\";r=0;t=7");
        assert!(matches!(
            limiter.arrive(start + Duration::from_secs(10)),
            Verdict::Allowed(_)
        ));
    }

    #[test]
    fn not_enforced_it_only_reports() {
        let reporting = limiter(Style::Live, None).expect("live reports the published limit");
        let now = Instant::now();
        for _ in 0..1300 {
            assert!(matches!(reporting.arrive(now), Verdict::Allowed(_)));
        }
        let Verdict::Allowed(headers) = reporting.arrive(now) else {
            panic!("never refused");
        };
        assert_eq!(header(&headers, "ratelimit"), "\"default\";r=0;t=300");
        assert!(limiter(Style::Documented, None).is_none());
    }
}
