//! `--rate-limit` and `--rate-reserve`, on every command: the client's rate budget from the
//! command line, and the line on standard error while the client waits for API quota.

use clap::Args;
use cloudflare_dynamic_routing::{ClientBuilder, RateBudget, Reserve};

use crate::print;

/// The rate budget every request of a command shares.
#[derive(Args, Debug, Clone, PartialEq, Eq)]
pub struct RateArgs {
    /// The API rate limit to stay under until the API's Ratelimit headers say otherwise:
    /// REQUESTS/SECONDS (Cloudflare's published 1200/300 by default), or `off` to send without
    /// pacing
    #[arg(
        long,
        global = true,
        value_name = "REQUESTS/SECONDS|off",
        default_value = "1200/300",
        value_parser = limit
    )]
    pub rate_limit: Limit,
    /// Requests of each window left unused for other automation on the same token: N, or N%
    /// of the quota
    #[arg(
        long,
        global = true,
        value_name = "N|N%",
        default_value = "10%",
        value_parser = reserve
    )]
    pub rate_reserve: Reserve,
}

/// What `--rate-limit` asks for: no pacing, or this budget (reserve aside).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// No pacing.
    Off,
    /// Paced by this budget.
    Per(RateBudget),
}

impl RateArgs {
    /// The builder with this budget, announcing each wait on standard error.
    pub fn apply(&self, builder: ClientBuilder) -> ClientBuilder {
        match self.rate_limit {
            Limit::Off => builder.no_rate_budget(),
            Limit::Per(budget) => builder
                .rate_budget(budget.with_reserve(self.rate_reserve))
                .on_quota_wait(|wait| print::note(&wait.to_string())),
        }
    }
}

/// `off`, or `REQUESTS/SECONDS` (`1200/300`, `1200/300s`), both positive.
fn limit(text: &str) -> Result<Limit, String> {
    if text.trim() == "off" {
        return Ok(Limit::Off);
    }
    text.parse()
        .map(Limit::Per)
        .map_err(|e| format!("{e}, or `off`"))
}

/// `N` requests or `N%` of the quota (at most 100 %).
fn reserve(text: &str) -> Result<Reserve, String> {
    let text = text.trim();
    let parsed = match text.strip_suffix('%') {
        Some(percent) => percent
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|p| *p <= 100)
            .map(Reserve::Percent),
        None => text.parse::<u64>().ok().map(Reserve::Requests),
    };
    parsed
        .ok_or_else(|| format!("`{text}` is not a number of requests (120) or a percentage (10%)"))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn limits_and_reserves_read_as_documented() {
        let per =
            |requests, seconds| Limit::Per(RateBudget::new(requests, Duration::from_secs(seconds)));
        assert_eq!(limit("1200/300"), Ok(per(1200, 300)));
        assert_eq!(limit("30/2s"), Ok(per(30, 2)));
        assert_eq!(limit("off"), Ok(Limit::Off));
        assert!(limit("1200").is_err());
        assert_eq!(reserve("10%"), Ok(Reserve::Percent(10)));
        assert_eq!(reserve("120"), Ok(Reserve::Requests(120)));
        assert_eq!(reserve("0"), Ok(Reserve::Requests(0)));
        for wrong in ["", "101%", "-3", "ten", "5.5%"] {
            assert!(reserve(wrong).is_err(), "{wrong:?}");
        }
    }
}
