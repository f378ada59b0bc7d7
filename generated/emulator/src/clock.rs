//! Deterministic time: each change to the emulator's state moves its clock one second on from
//! 2026-11-01T10:00:00Z, so answers are the same on every run and later things sort later.

use chrono::{DateTime, Utc};

/// The first moment the clock gives: 2026-11-01T10:00:00Z.
const START: i64 = 1_793_527_200;

/// A counter of seconds since [`START`].
#[derive(Debug, Default)]
pub(crate) struct Clock {
    ticks: i64,
}

impl Clock {
    /// The next moment, one second after the last.
    pub(crate) fn tick(&mut self) -> Stamp {
        let stamp = Stamp(START + self.ticks);
        self.ticks += 1;
        stamp
    }
}

/// One moment, in whole seconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Stamp(i64);

impl Stamp {
    fn time(self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.0, 0).unwrap_or_default()
    }

    /// RFC 3339, as routes carry their `created_at`/`modified_at` (`2026-11-01T10:00:00Z`).
    pub(crate) fn rfc3339(self) -> String {
        self.time().format("%Y-%m-%dT%H:%M:%SZ").to_string()
    }

    /// The database style versions and deployments carry (`2026-11-01 10:00:00`).
    pub(crate) fn sql(self) -> String {
        self.time().format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_on_the_first_of_november_and_moves_a_second_a_tick() {
        let mut clock = Clock::default();
        assert_eq!(clock.tick().rfc3339(), "2026-11-01T10:00:00Z");
        assert_eq!(clock.tick().sql(), "2026-11-01 10:00:01");
    }
}
