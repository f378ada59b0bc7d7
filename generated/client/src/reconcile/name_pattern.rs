//! Route-name patterns for a manifest's `owns`: `*` matches any run of characters (none
//! included), `?` exactly one, anything else itself; the whole name must match.

use std::fmt;

/// A checked name pattern, such as `team-a-*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePattern(String);

impl NamePattern {
    /// The pattern; an empty one is refused (it would own nothing, silently).
    pub fn new(pattern: impl Into<String>) -> Result<Self, String> {
        let pattern = pattern.into();
        if pattern.is_empty() {
            return Err("a name pattern in `owns` is empty".to_string());
        }
        Ok(Self(pattern))
    }

    /// Whether the whole of `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        let pattern: Vec<char> = self.0.chars().collect();
        let name: Vec<char> = name.chars().collect();
        // Greedy with one backtrack point, the last `*`: linear enough for route names.
        let (mut p, mut n) = (0, 0);
        let mut star: Option<(usize, usize)> = None;
        while n < name.len() {
            match pattern.get(p) {
                Some('*') => {
                    star = Some((p, n));
                    p += 1;
                }
                Some(&c) if c == '?' || c == name[n] => {
                    p += 1;
                    n += 1;
                }
                _ => match star {
                    Some((star_p, star_n)) => {
                        p = star_p + 1;
                        n = star_n + 1;
                        star = Some((star_p, star_n + 1));
                    }
                    None => return false,
                },
            }
        }
        pattern[p..].iter().all(|&c| c == '*')
    }
}

impl fmt::Display for NamePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, name: &str) -> bool {
        NamePattern::new(pattern).expect("a pattern").matches(name)
    }

    #[test]
    fn stars_and_marks_match_as_globs_do() {
        assert!(matches("team-a-*", "team-a-support"));
        assert!(matches("team-a-*", "team-a-"));
        assert!(!matches("team-a-*", "team-b-support"));
        assert!(!matches("team-a-*", "xteam-a-support"));
        assert!(matches("*-support", "team-a-support"));
        assert!(matches("a*b*c", "aXXbYYbc"));
        assert!(!matches("a*b*c", "aXXbYYbcd"));
        assert!(matches("v?", "v2"));
        assert!(!matches("v?", "v"));
        assert!(matches("ü?", "üß"));
        assert!(matches("support", "support"));
        assert!(!matches("support", "support-2"));
        assert!(matches("*", ""));
        assert!(NamePattern::new("").is_err());
    }
}
