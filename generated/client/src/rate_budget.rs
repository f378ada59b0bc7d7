//! The rate budget every request of a [`Client`](crate::Client) (and its clones) shares, so
//! that its own traffic never trips Cloudflare's lock-out (live behaviour 17: 1,200 requests
//! per five minutes per user; over it, every API call is refused for five minutes).
//!
//! Before each attempt a request takes a permit; a permit is given while more requests are
//! left in the window than the reserve kept for other automation on the same token, otherwise
//! the request waits for the window to reset (announced once per wait, to the hook and as a
//! `tracing` event). Every answer's `Ratelimit`/`Ratelimit-Policy` (`rate_headers`) and a 429's
//! `Retry-After` correct what is known; without them the client counts its own requests
//! against the configured policy. A wait is never longer than the configured window, whatever
//! a header says.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::rate_headers;
use crate::retry::requested_wait;

/// How much of the quota the client leaves unused, for other automation on the same token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reserve {
    /// This many requests of every window.
    Requests(u64),
    /// This percentage of the quota (rounded up; more than 100 is taken as 100).
    Percent(u8),
}

impl Reserve {
    /// The requests kept back of a window of `quota`.
    fn of(self, quota: u64) -> u64 {
        match self {
            Self::Requests(requests) => requests,
            Self::Percent(percent) => (quota * u64::from(percent.min(100))).div_ceil(100),
        }
    }
}

/// A rate budget: the policy assumed until the API says otherwise, and the reserve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateBudget {
    quota: u64,
    window: Duration,
    reserve: Reserve,
}

impl Default for RateBudget {
    fn default() -> Self {
        Self::cloudflare()
    }
}

impl RateBudget {
    /// Cloudflare's published limit: 1,200 requests per user.
    pub const CLOUDFLARE_QUOTA: u64 = 1200;
    /// … per five minutes.
    pub const CLOUDFLARE_WINDOW: Duration = Duration::from_secs(300);
    /// The reserve unless configured: 10 % of the quota.
    pub const DEFAULT_RESERVE: Reserve = Reserve::Percent(10);

    /// Cloudflare's published policy (1,200 requests per 300 s) with the default reserve
    /// (10 %): the default of every client.
    pub fn cloudflare() -> Self {
        Self::new(Self::CLOUDFLARE_QUOTA, Self::CLOUDFLARE_WINDOW)
    }

    /// `quota` requests per `window` (a zero quota is taken as one request, a zero window as
    /// one second), with the default reserve.
    pub fn new(quota: u64, window: Duration) -> Self {
        Self {
            quota: quota.max(1),
            window: window.max(Duration::from_secs(1)),
            reserve: Self::DEFAULT_RESERVE,
        }
    }

    /// With this reserve.
    pub fn with_reserve(mut self, reserve: Reserve) -> Self {
        self.reserve = reserve;
        self
    }

    /// The quota assumed while the API sends no `Ratelimit-Policy`.
    pub fn quota(&self) -> u64 {
        self.quota
    }

    /// The window assumed while the API sends no `Ratelimit-Policy`; also the longest wait.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// The reserve.
    pub fn reserve(&self) -> Reserve {
        self.reserve
    }
}

impl std::str::FromStr for RateBudget {
    type Err = String;

    /// `REQUESTS/SECONDS` (`1200/300`, or `1200/300s`), both positive, with the default
    /// reserve.
    fn from_str(text: &str) -> Result<Self, String> {
        text.split_once('/')
            .and_then(|(requests, seconds)| {
                let requests: u64 = requests.trim().parse().ok().filter(|r| *r > 0)?;
                let seconds: u64 = seconds
                    .trim()
                    .trim_end_matches('s')
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)?;
                Some(Self::new(requests, Duration::from_secs(seconds)))
            })
            .ok_or_else(|| format!("`{text}` is not REQUESTS/SECONDS, such as 1200/300"))
    }
}

/// A wait for quota, as announced to the hook given to
/// [`ClientBuilder::on_quota_wait`](crate::ClientBuilder::on_quota_wait).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaWait {
    /// How long the client waits before sending again.
    pub wait: Duration,
    /// The quota of the window, as last known.
    pub quota: u64,
    /// The window, as last known.
    pub window: Duration,
    /// The requests left in this window, as last known.
    pub remaining: u64,
    /// The requests of each window the client leaves unused.
    pub reserved: u64,
}

impl fmt::Display for QuotaWait {
    /// `waiting 41 s for API quota (1,200 per 300 s; 0 left)`, naming the reserve if any.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "waiting {} s for API quota ({} per {} s; {} left",
            self.wait.as_secs_f64().ceil() as u64,
            thousands(self.quota),
            self.window.as_secs(),
            thousands(self.remaining)
        )?;
        if self.reserved > 0 {
            write!(f, ", {} kept in reserve", thousands(self.reserved))?;
        }
        f.write_str(")")
    }
}

/// `1200` as `1,200`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut text = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            text.push(',');
        }
        text.push(c);
    }
    text
}

/// What is called when the client starts waiting for quota.
pub(crate) type WaitHook = Arc<dyn Fn(&QuotaWait) + Send + Sync>;

/// What the client knows of the current window.
#[derive(Debug)]
struct Window {
    quota: u64,
    window: Duration,
    remaining: u64,
    /// When the window resets; `None` before the first request.
    resets_at: Option<Instant>,
    /// Permits given whose answers have not been read: the server may not have counted them.
    in_flight: u64,
    /// The end of the wait last announced: until then, no other wait is announced.
    announced: Option<Instant>,
    /// Counts the client's windows, so an answer to a request sent in an earlier one (its
    /// count belongs to a window that has passed) is not taken for this one's.
    generation: u64,
    /// Whether an answer of this window has said when it resets.
    reset_heard: bool,
    /// Until a 429's `Retry-After` has passed nothing is sent, whatever the window says: the
    /// server's own word, kept apart from the window so a header's later reset cannot stretch
    /// it, nor its end give the window's quota back early.
    blocked_until: Option<Instant>,
}

impl Window {
    /// The wait until `until` (with `remaining` requests left, as the notice says), announced
    /// unless a wait ending no earlier already was.
    fn wait_until(
        &mut self,
        until: Instant,
        now: Instant,
        remaining: u64,
        reserved: u64,
    ) -> (Duration, Option<QuotaWait>) {
        let wait = until.saturating_duration_since(now);
        // Answers still arriving move the reset a little; one wait is announced once.
        let announce = self.announced.is_none_or(|previous| previous <= now);
        let announce = announce.then(|| {
            self.announced = Some(until);
            QuotaWait {
                wait,
                quota: self.quota,
                window: self.window,
                remaining,
                reserved,
            }
        });
        (wait, announce)
    }
}

/// The pacing state shared by a client and its clones.
pub(crate) struct Pacer {
    budget: RateBudget,
    window: Mutex<Window>,
    on_wait: Option<WaitHook>,
}

impl fmt::Debug for Pacer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pacer")
            .field("budget", &self.budget)
            .field("window", &self.window)
            .field("on_wait", &self.on_wait.is_some())
            .finish()
    }
}

/// Leave to send one request; dropped unanswered (a failed connection, a cancelled call), it
/// is no longer counted as in flight.
pub(crate) struct Permit<'a> {
    pacer: &'a Pacer,
    answered: bool,
    /// The window it was given in.
    generation: u64,
}

impl Permit<'_> {
    /// Learns from an answer: its rate-limit headers, and a 429's `Retry-After`.
    pub(crate) fn answered(mut self, status: StatusCode, headers: &HeaderMap) {
        self.answered = true;
        self.pacer
            .learn(status, headers, self.generation, Instant::now());
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if !self.answered {
            let mut window = self.pacer.lock();
            window.in_flight = window.in_flight.saturating_sub(1);
        }
    }
}

impl Pacer {
    pub(crate) fn new(budget: RateBudget, on_wait: Option<WaitHook>) -> Self {
        Self {
            window: Mutex::new(Window {
                quota: budget.quota,
                window: budget.window,
                remaining: budget.quota,
                resets_at: None,
                in_flight: 0,
                announced: None,
                generation: 0,
                reset_heard: false,
                blocked_until: None,
            }),
            budget,
            on_wait,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Window> {
        self.window.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits, if it must, until a request may be sent.
    pub(crate) async fn acquire(&self) -> Permit<'_> {
        loop {
            match self.try_acquire(Instant::now()) {
                Ok(permit) => return permit,
                Err((wait, announce)) => {
                    if let Some(notice) = announce {
                        tracing::info!(
                            wait_s = notice.wait.as_secs_f64(),
                            quota = notice.quota,
                            window_s = notice.window.as_secs(),
                            remaining = notice.remaining,
                            "{notice}"
                        );
                        if let Some(hook) = &self.on_wait {
                            hook(&notice);
                        }
                    }
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// A permit now, or how long to wait (and the notice, if this wait is not yet announced).
    fn try_acquire(&self, now: Instant) -> Result<Permit<'_>, (Duration, Option<QuotaWait>)> {
        let mut window = self.lock();
        if let Some(until) = window.blocked_until.filter(|until| *until > now) {
            // Refused by the server: nothing is left until then, however the window reads.
            return Err(window.wait_until(until, now, 0, 0));
        }
        match window.resets_at {
            Some(reset) if reset > now => {}
            // A new window, as far as the client can tell: the whole quota is back.
            _ => {
                window.remaining = window.quota;
                window.resets_at = Some(now + window.window);
                window.generation += 1;
                window.reset_heard = false;
            }
        }
        // However large the reserve, one request a window goes, so nothing waits forever.
        let reserved = self
            .budget
            .reserve
            .of(window.quota)
            .min(window.quota.saturating_sub(1));
        if window.remaining > reserved {
            window.remaining -= 1;
            window.in_flight += 1;
            return Ok(Permit {
                pacer: self,
                answered: false,
                generation: window.generation,
            });
        }
        let reset = window.resets_at.unwrap_or(now);
        let remaining = window.remaining;
        Err(window.wait_until(reset, now, remaining, reserved))
    }

    /// Corrects the window from an answer received at `now` to a request sent in window
    /// `generation`.
    fn learn(&self, status: StatusCode, headers: &HeaderMap, generation: u64, now: Instant) {
        let cap = self.budget.window;
        let mut window = self.lock();
        window.in_flight = window.in_flight.saturating_sub(1);
        let limit = rate_headers::remaining(headers);
        if let Some(policy) = rate_headers::policy(headers, limit.as_ref().map(|l| &*l.name)) {
            window.quota = policy.quota;
            window.window = policy.window.min(cap);
        }
        if let Some(limit) = limit.filter(|_| generation == window.generation) {
            // Requests still in flight may not be in the server's count yet; answers come in
            // any order, so within a window what is left only ever goes down.
            let left = limit.remaining.saturating_sub(window.in_flight);
            window.remaining = window.remaining.min(left);
            // `t` is whole seconds; a second more keeps a rounded-down reset from sending early.
            let reset = now + (limit.reset + Duration::from_secs(1)).min(cap);
            window.resets_at = match window.resets_at {
                Some(known) if window.reset_heard => Some(known.max(reset)),
                _ => Some(reset),
            };
            window.reset_heard = true;
        }
        // Refused with a `Retry-After`: nothing is left until then, however the headers read.
        // Without one, the retry policy's backoff decides.
        if status == StatusCode::TOO_MANY_REQUESTS
            && let Some(asked) = requested_wait(headers, SystemTime::now())
        {
            let until = now + asked.min(cap);
            window.blocked_until =
                Some(window.blocked_until.map_or(until, |known| known.max(until)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rate_headers::tests::headers;

    /// How many permits are given at once, without waiting.
    fn permits_now(pacer: &Pacer) -> Vec<Permit<'_>> {
        std::iter::from_fn(|| pacer.try_acquire(Instant::now()).ok())
            .take(10_000)
            .collect()
    }

    #[test]
    fn without_headers_the_configured_quota_less_the_reserve_is_given_then_it_waits() {
        let pacer = Pacer::new(RateBudget::new(30, Duration::from_secs(2)), None);
        // 30 less 10 %, rounded up: 27.
        assert_eq!(permits_now(&pacer).len(), 27);
        let exact = Pacer::new(
            RateBudget::new(10, Duration::from_secs(60)).with_reserve(Reserve::Requests(0)),
            None,
        );
        let spent: Vec<_> = (0..10)
            .map(|_| exact.try_acquire(Instant::now()).expect("a permit"))
            .collect();
        assert_eq!(spent.len(), 10);
        let Err((wait, Some(notice))) = exact.try_acquire(Instant::now()) else {
            panic!("the quota is spent");
        };
        assert!(wait <= Duration::from_secs(60), "{wait:?}");
        assert_eq!(
            (notice.quota, notice.remaining, notice.reserved),
            (10, 0, 0)
        );
        // A second waiter is not announced again.
        assert!(matches!(exact.try_acquire(Instant::now()), Err((_, None))));
    }

    #[test]
    fn concurrent_permits_never_exceed_the_budget_and_answers_release_them() {
        let pacer = Pacer::new(
            RateBudget::new(100, Duration::from_secs(60)).with_reserve(Reserve::Requests(20)),
            None,
        );
        // Permits taken from many threads at once.
        let given: Vec<bool> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..8)
                .map(|_| {
                    scope.spawn(|| {
                        (0..25)
                            .map(|_| match pacer.try_acquire(Instant::now()) {
                                Ok(permit) => {
                                    permit.answered(StatusCode::OK, &HeaderMap::new());
                                    true
                                }
                                Err(_) => false,
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            threads
                .into_iter()
                .flat_map(|t| t.join().expect("no panic"))
                .collect()
        });
        assert_eq!(given.iter().filter(|g| **g).count(), 80);
        assert_eq!(pacer.lock().in_flight, 0);
        // Unanswered permits (a failed connection) are released when dropped.
        drop(permits_now(&Pacer::new(RateBudget::cloudflare(), None)));
    }

    #[test]
    fn the_headers_correct_the_count_and_requests_in_flight_are_subtracted() {
        let pacer = Pacer::new(RateBudget::cloudflare(), None);
        let first = pacer.try_acquire(Instant::now()).expect("a permit");
        let second = pacer.try_acquire(Instant::now()).expect("a permit");
        // Someone else on the token spent most of a 100-request policy.
        first.answered(
            StatusCode::OK,
            &headers(&[
                ("ratelimit", "\"default\";r=14;t=30"),
                ("ratelimit-policy", "\"default\";q=100;w=60"),
            ]),
        );
        {
            let window = pacer.lock();
            assert_eq!((window.quota, window.window.as_secs()), (100, 60));
            // 14 left, one of them maybe taken by the request still in flight.
            assert_eq!(window.remaining, 13);
        }
        // An answer counted earlier, arriving later, does not give back what is spent.
        second.answered(
            StatusCode::OK,
            &headers(&[("ratelimit", "\"default\";r=40;t=31")]),
        );
        // 13 left, 10 % of 100 kept: 3 more.
        assert_eq!(permits_now(&pacer).len(), 3);
    }

    #[test]
    fn an_answer_from_a_window_that_has_passed_is_not_taken_for_the_next() {
        let pacer = Pacer::new(
            RateBudget::new(10, Duration::from_secs(1)).with_reserve(Reserve::Requests(0)),
            None,
        );
        let late = pacer.try_acquire(Instant::now()).expect("a permit");
        // The client's window resets; the late answer speaks of the one before.
        let next = Instant::now() + Duration::from_secs(2);
        let fresh = pacer.try_acquire(next).expect("a permit in the new window");
        late.answered(
            StatusCode::OK,
            &headers(&[("ratelimit", "\"default\";r=0;t=1")]),
        );
        assert_eq!(pacer.lock().remaining, 9);
        fresh.answered(
            StatusCode::OK,
            &headers(&[("ratelimit", "\"default\";r=5;t=1")]),
        );
        assert_eq!(pacer.lock().remaining, 5);
    }

    #[test]
    fn a_short_retry_after_is_not_stretched_by_a_later_window_reset() {
        let pacer = Pacer::new(RateBudget::new(1200, Duration::from_secs(300)), None);
        let refused = pacer.try_acquire(Instant::now()).expect("a permit");
        let other = pacer.try_acquire(Instant::now()).expect("a permit");
        refused.answered(
            StatusCode::TOO_MANY_REQUESTS,
            &headers(&[("retry-after", "1")]),
        );
        // An answer to a request of the same window: plenty left, the window resets in 290 s.
        other.answered(
            StatusCode::OK,
            &headers(&[("ratelimit", "\"default\";r=1000;t=290")]),
        );
        let Err((wait, _)) = pacer.try_acquire(Instant::now()) else {
            panic!("blocked for the Retry-After");
        };
        assert!(wait <= Duration::from_secs(1), "{wait:?}");
        let after = Instant::now() + Duration::from_secs(2);
        assert!(
            pacer.try_acquire(after).is_ok(),
            "the window's quota is left"
        );
    }

    #[test]
    fn a_429_spends_the_window_until_retry_after_capped_at_the_window() {
        let pacer = Pacer::new(RateBudget::new(1200, Duration::from_secs(300)), None);
        let permit = pacer.try_acquire(Instant::now()).expect("a permit");
        permit.answered(
            StatusCode::TOO_MANY_REQUESTS,
            &headers(&[("retry-after", "86400")]),
        );
        let Err((wait, Some(notice))) = pacer.try_acquire(Instant::now()) else {
            panic!("refused until the block ends");
        };
        assert!(wait <= Duration::from_secs(300) && wait > Duration::from_secs(290));
        assert_eq!(notice.remaining, 0);
        // A reset far away in a header is capped at the window too; a malformed one ignored.
        let pacer = Pacer::new(RateBudget::new(10, Duration::from_secs(5)), None);
        let permit = pacer.try_acquire(Instant::now()).expect("a permit");
        permit.answered(
            StatusCode::OK,
            &headers(&[("ratelimit", "\"default\";r=0;t=999999999")]),
        );
        let Err((wait, _)) = pacer.try_acquire(Instant::now()) else {
            panic!("nothing left");
        };
        assert!(wait <= Duration::from_secs(5), "{wait:?}");
        let pacer = Pacer::new(RateBudget::new(10, Duration::from_secs(5)), None);
        let permit = pacer.try_acquire(Instant::now()).expect("a permit");
        permit.answered(StatusCode::OK, &headers(&[("ratelimit", "r=0;t=oops")]));
        assert_eq!(permits_now(&pacer).len(), 8);
    }

    #[test]
    fn the_wait_reads_as_the_cli_prints_it() {
        let notice = QuotaWait {
            wait: Duration::from_millis(40_200),
            quota: 1200,
            window: Duration::from_secs(300),
            remaining: 0,
            reserved: 0,
        };
        assert_eq!(
            notice.to_string(),
            "waiting 41 s for API quota (1,200 per 300 s; 0 left)"
        );
        let reserved = QuotaWait {
            remaining: 120,
            reserved: 120,
            ..notice
        };
        assert!(
            reserved
                .to_string()
                .ends_with("; 120 left, 120 kept in reserve)")
        );
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(Reserve::Percent(10).of(30), 3);
        assert_eq!(Reserve::Percent(250).of(30), 30);
        assert_eq!("1200/300s".parse(), Ok(RateBudget::cloudflare()));
        for wrong in ["", "1200", "0/300", "1200/0", "-1/3", "a/b", "1200/300m"] {
            assert!(wrong.parse::<RateBudget>().is_err(), "{wrong:?}");
        }
    }
}
