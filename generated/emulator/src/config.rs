//! How an emulator is set up: which style it answers in, how long reads lag a deployment,
//! which credentials it accepts, how many routes a list page may hold, and the rate limit it
//! enforces.

/// How the emulator shapes its answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    /// Exactly the shapes the vendored OpenAPI document describes; reads see every change at
    /// once.
    Documented,
    /// The live API's publicly reported behaviour (`spec/PROVENANCE.md`, live behaviours): graphs left
    /// out of lists, the graph only in `version.data`, `active` as a boolean, a read lag after a
    /// deployment, HTTP 500 on a duplicate name, unknown element properties dropped.
    Live,
}

impl Style {
    /// `documented` or `live`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Documented => "documented",
            Self::Live => "live",
        }
    }
}

/// What a live-style read of one route or version puts in `elements`, where the live API
/// carries the graph only in `version.data` (live behaviour 2: absent, `null` or `[]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MissingElements {
    /// No `elements` key at all.
    #[default]
    Absent,
    /// `"elements": null`.
    Null,
    /// `"elements": []`.
    Empty,
}

/// An emulator's settings. `Default` is the live style with a read lag of 2 and any token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmulatorConfig {
    /// The answer style.
    pub style: Style,
    /// Live style only: after a deployment, how many reads of that route (get route, or a list
    /// page holding it) still show the previous version. Counted in reads, not time, so tests
    /// are deterministic; 0 turns the lag off.
    pub read_lag: u32,
    /// The one credential accepted, as a bearer token or as `X-Auth-Key`; `None` accepts any
    /// non-empty bearer token, or any non-empty `X-Auth-Email` and `X-Auth-Key`.
    pub token: Option<String>,
    /// Live style only: what reads of one route or version put in `elements`.
    pub missing_elements: MissingElements,
    /// Added before answering every request, as a network round trip to Cloudflare would be;
    /// zero by default. Benchmarks use it to measure what concurrency buys.
    pub latency: std::time::Duration,
    /// The most routes a list page holds, whatever `per_page` asks; the answer's `per_page`
    /// says the capped size, as an API with a page cap does. It caps the version and
    /// deployment lists too, which then hold only the newest that many (those lists have no
    /// page parameters, so older items cannot be asked for). `None` (the default) serves the
    /// size asked, and every version and deployment.
    pub max_per_page: Option<std::num::NonZeroU64>,
    /// A rate limit to enforce (429 with `Retry-After` while blocked); `None` (the default)
    /// enforces none, though the live style still reports Cloudflare's published limit in its
    /// `Ratelimit` headers.
    pub rate_limit: Option<crate::RateLimit>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self::live()
    }
}

impl EmulatorConfig {
    /// The default read lag after a deployment, in reads.
    pub const DEFAULT_READ_LAG: u32 = 2;

    /// The documented style, any token.
    pub fn documented() -> Self {
        Self {
            style: Style::Documented,
            ..Self::live()
        }
    }

    /// The live style with the default read lag, any token, `elements` absent from reads.
    pub fn live() -> Self {
        Self {
            style: Style::Live,
            read_lag: Self::DEFAULT_READ_LAG,
            token: None,
            missing_elements: MissingElements::Absent,
            latency: std::time::Duration::ZERO,
            max_per_page: None,
            rate_limit: None,
        }
    }

    /// Enforcing this rate limit ([`RateLimit::cloudflare`](crate::RateLimit::cloudflare) is
    /// the published one), with its `Ratelimit` headers in either style.
    pub fn with_rate_limit(mut self, limit: crate::RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// With this read lag (live style only).
    pub fn with_read_lag(mut self, reads: u32) -> Self {
        self.read_lag = reads;
        self
    }

    /// Accepting only this credential.
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Answering every request `latency` late.
    pub fn with_latency(mut self, latency: std::time::Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Serving at most `routes` per list page (`0` is taken as `1`), reporting that size in the
    /// answer's `per_page`; the version and deployment lists hold only the newest that many.
    pub fn with_max_per_page(mut self, routes: u64) -> Self {
        self.max_per_page =
            Some(std::num::NonZeroU64::new(routes).unwrap_or(std::num::NonZeroU64::MIN));
        self
    }

    /// The page size served for a request asking `asked` per page: `asked`, or the cap.
    pub(crate) fn served_per_page(&self, asked: u64) -> u64 {
        self.max_per_page.map_or(asked, |cap| asked.min(cap.get()))
    }

    /// With `elements` shown this way in live-style reads.
    pub fn with_missing_elements(mut self, missing: MissingElements) -> Self {
        self.missing_elements = missing;
        self
    }

    /// The reads a deployment lags by: the configured number in live style, none when
    /// documented (documented reads are consistent at once).
    pub(crate) fn effective_read_lag(&self) -> u32 {
        match self.style {
            Style::Documented => 0,
            Style::Live => self.read_lag,
        }
    }
}
