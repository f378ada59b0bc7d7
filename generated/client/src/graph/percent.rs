//! The one reading of a `percentage` element's output labels: `"60%"` sends 60% of requests
//! that way.

use std::fmt;

/// A `percentage` output label read as a share: a whole number of percent from 0 to 100,
/// written as digits then `%` (`"60%"`), as the API keys a split's outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent(u8);

impl Percent {
    /// The share a label stands for; `None` for anything but digits and `%` from 0 to 100
    /// (`"else"`, `"60"`, `" 60%"`, `"33.3%"`, `"101%"`).
    pub fn from_label(label: &str) -> Option<Self> {
        let digits = label.strip_suffix('%')?;
        // The length cap keeps `parse` from overflowing on absurd labels.
        if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().filter(|share| *share <= 100).map(Self)
    }

    /// The label for a weight, as the builder writes it: `70` → `"70%"`. Weights above 100
    /// give labels that [`Percent::from_label`] (and so validation) refuses.
    pub fn label(weight: u8) -> String {
        format!("{weight}%")
    }

    /// The whole number of percent, from 0 to 100.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Percent;

    #[test]
    fn whole_percentages_from_0_to_100_are_shares() {
        for (label, share) in [
            ("0%", 0),
            ("7%", 7),
            ("60%", 60),
            ("100%", 100),
            ("007%", 7),
        ] {
            assert_eq!(
                Percent::from_label(label).map(Percent::get),
                Some(share),
                "{label}"
            );
        }
    }

    #[test]
    fn anything_else_is_not_a_share() {
        for label in [
            "",
            "%",
            "60",
            "else",
            " 60%",
            "60 %",
            "+60%",
            "-1%",
            "33.3%",
            "101%",
            "1000%",
            "99999999999999999999%",
        ] {
            assert_eq!(Percent::from_label(label), None, "{label:?}");
        }
    }

    #[test]
    fn a_label_reads_back_as_its_weight_and_displays_as_written() {
        for weight in 0..=100u8 {
            let label = Percent::label(weight);
            let share = Percent::from_label(&label).expect("a share");
            assert_eq!(share.get(), weight);
            assert_eq!(share.to_string(), label);
        }
        assert_eq!(Percent::from_label(&Percent::label(150)), None);
    }
}
