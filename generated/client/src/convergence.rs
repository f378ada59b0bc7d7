//! Waiting out the API's read-after-deploy lag: after a deployment, reads of the route may show
//! the previous graph for a while (alchemy's live tests poll every 3 s, up to 40 times), so
//! `replace_graph` re-reads the route with backoff until it shows the graph it deployed.

use std::time::Duration;

/// How long, and how often, to re-read a route after deploying until it shows the new graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeployWait {
    /// The longest total wait (default 120 s: alchemy's live tests allow 40 reads 3 s apart).
    pub timeout: Duration,
    /// The pause before the second read, doubled after each read (default 0.5 s).
    pub first_interval: Duration,
    /// The longest pause between reads (default 5 s).
    pub max_interval: Duration,
}

impl Default for DeployWait {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(120),
            first_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(5),
        }
    }
}

impl DeployWait {
    /// Do not read back after deploying: `replace_graph` returns once the deployment is made.
    pub fn none() -> Self {
        Self {
            timeout: Duration::ZERO,
            ..Self::default()
        }
    }

    /// Whether to read back at all.
    pub(crate) fn enabled(&self) -> bool {
        !self.timeout.is_zero()
    }

    /// The pause after read number `read` (1 for the first), capped by what is left of
    /// `timeout` after `waited`; `None` once the time is up.
    pub(crate) fn pause(&self, read: u32, waited: Duration) -> Option<Duration> {
        let left = self.timeout.checked_sub(waited).filter(|d| !d.is_zero())?;
        let doubling = 2u32.saturating_pow(read.saturating_sub(1));
        let pause = self
            .first_interval
            .saturating_mul(doubling)
            .min(self.max_interval);
        Some(pause.min(left))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_the_maximum_and_stop_when_the_time_is_up() {
        let wait = DeployWait {
            timeout: Duration::from_secs(10),
            first_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(3),
        };
        let at = |read, waited_s| wait.pause(read, Duration::from_secs(waited_s));
        assert_eq!(at(1, 0), Some(Duration::from_secs(1)));
        assert_eq!(at(2, 1), Some(Duration::from_secs(2)));
        assert_eq!(at(3, 3), Some(Duration::from_secs(3)));
        assert_eq!(at(40, 3), Some(Duration::from_secs(3)));
        assert_eq!(at(4, 9), Some(Duration::from_secs(1)));
        assert_eq!(at(5, 10), None);
        assert_eq!(at(5, 11), None);
        assert!(DeployWait::default().enabled());
        assert!(!DeployWait::none().enabled());
    }
}
