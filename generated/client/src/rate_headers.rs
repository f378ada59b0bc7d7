//! Reading Cloudflare's rate-limit headers (live behaviour 17): `Ratelimit`
//! (`"default";r=50;t=30`: remaining requests, seconds until the window resets) and
//! `Ratelimit-Policy` (`"burst";q=100;w=60`: quota, window in seconds), lists of items in the
//! structured-field syntax (RFC 8941) of the IETF draft on rate-limit headers.
//!
//! Strict, as RFC 8941 asks: a field that does not parse is ignored whole, never guessed at; an
//! item without the parameters that matter is skipped. Nothing here panics or allocates without
//! bound on a hostile value.

use std::time::Duration;

use reqwest::header::HeaderMap;

/// The `Ratelimit` header.
pub(crate) const RATELIMIT: &str = "ratelimit";
/// The `Ratelimit-Policy` header.
pub(crate) const RATELIMIT_POLICY: &str = "ratelimit-policy";

/// What a `Ratelimit` item says: the requests left, and when the window resets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Remaining {
    pub(crate) name: String,
    pub(crate) remaining: u64,
    pub(crate) reset: Duration,
}

/// What a `Ratelimit-Policy` item says: the quota per window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Policy {
    pub(crate) name: String,
    pub(crate) quota: u64,
    pub(crate) window: Duration,
}

/// The tightest `Ratelimit` item (fewest requests left; of those, the latest reset), if the
/// header is there and well formed.
pub(crate) fn remaining(headers: &HeaderMap) -> Option<Remaining> {
    field(headers, RATELIMIT)?
        .into_iter()
        .filter_map(|item| {
            Some(Remaining {
                remaining: item.param("r")?,
                reset: Duration::from_secs(item.param("t")?),
                name: item.name,
            })
        })
        .min_by(|a, b| a.remaining.cmp(&b.remaining).then(b.reset.cmp(&a.reset)))
}

/// The `Ratelimit-Policy` item named `name`, else the first well-formed one.
pub(crate) fn policy(headers: &HeaderMap, name: Option<&str>) -> Option<Policy> {
    let policies: Vec<Policy> = field(headers, RATELIMIT_POLICY)?
        .into_iter()
        .filter_map(|item| {
            let window = item.param("w").filter(|w| *w > 0)?;
            Some(Policy {
                quota: item.param("q").filter(|q| *q > 0)?,
                window: Duration::from_secs(window),
                name: item.name,
            })
        })
        .collect();
    let named = name.and_then(|name| policies.iter().position(|p| p.name == name));
    policies.into_iter().nth(named.unwrap_or(0))
}

/// One list member: its name (a string or a token) and its integer parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Item {
    name: String,
    params: Vec<(String, Option<u64>)>,
}

impl Item {
    /// The parameter `key` as a non-negative integer; absent, boolean or negative is `None`.
    fn param(&self, key: &str) -> Option<u64> {
        self.params.iter().find(|(k, _)| k == key)?.1
    }
}

/// Every line of header `name` joined as one list (RFC 9110 § 5.3), parsed; `None` when it is
/// absent or malformed anywhere.
fn field(headers: &HeaderMap, name: &str) -> Option<Vec<Item>> {
    let mut lines = Vec::new();
    for value in headers.get_all(name) {
        lines.push(value.to_str().ok()?);
    }
    if lines.is_empty() {
        return None;
    }
    parse_list(&lines.join(", "))
}

/// An RFC 8941 list of items whose values are strings or tokens and whose parameters are
/// integers or booleans; anything else (inner lists, decimals, byte sequences) fails the field.
fn parse_list(text: &str) -> Option<Vec<Item>> {
    let mut input = Cursor(text.trim_matches(' ').as_bytes());
    let mut items = Vec::new();
    if input.0.is_empty() {
        return None;
    }
    loop {
        items.push(parse_item(&mut input)?);
        input.skip_whitespace();
        if input.0.is_empty() {
            return Some(items);
        }
        input.expect(b',')?;
        input.skip_whitespace();
        if input.0.is_empty() {
            return None;
        }
    }
}

/// A name, then `;key=value` parameters.
fn parse_item(input: &mut Cursor) -> Option<Item> {
    let name = match input.peek()? {
        b'"' => input.string()?,
        c if c.is_ascii_alphabetic() || c == b'*' => input.token(),
        _ => return None,
    };
    let mut params = Vec::new();
    while input.peek() == Some(b';') {
        input.0 = &input.0[1..];
        input.skip_spaces();
        let key = input.key()?;
        let value = if input.peek() == Some(b'=') {
            input.0 = &input.0[1..];
            match input.peek()? {
                b'?' => {
                    input.boolean()?;
                    None
                }
                _ => input.integer()?,
            }
        } else {
            None
        };
        params.push((key, value));
    }
    Some(Item { name, params })
}

/// What is left to parse.
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.0.first().copied()
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.0 = &self.0[1..])
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.0 = &self.0[1..];
        }
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.0 = &self.0[1..];
        }
    }

    /// The bytes while `keep` holds, as text (they are ASCII by construction).
    fn take_while(&mut self, keep: impl Fn(u8) -> bool) -> String {
        let end = self
            .0
            .iter()
            .position(|&c| !keep(c))
            .unwrap_or(self.0.len());
        let (taken, rest) = self.0.split_at(end);
        self.0 = rest;
        String::from_utf8_lossy(taken).into_owned()
    }

    /// `"…"` with `\"` and `\\` escapes, printable ASCII only.
    fn string(&mut self) -> Option<String> {
        self.expect(b'"')?;
        let mut text = String::new();
        loop {
            let c = self.peek()?;
            self.0 = &self.0[1..];
            match c {
                b'"' => return Some(text),
                b'\\' => {
                    let escaped = self.peek().filter(|c| matches!(c, b'"' | b'\\'))?;
                    self.0 = &self.0[1..];
                    text.push(char::from(escaped));
                }
                0x20..=0x7e => text.push(char::from(c)),
                _ => return None,
            }
        }
    }

    fn token(&mut self) -> String {
        self.take_while(|c| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~:/".contains(&c))
    }

    fn key(&mut self) -> Option<String> {
        let first = self.peek()?;
        if !(first.is_ascii_lowercase() || first == b'*') {
            return None;
        }
        Some(
            self.take_while(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || b"_-.*".contains(&c)
            }),
        )
    }

    fn boolean(&mut self) -> Option<()> {
        self.expect(b'?')?;
        matches!(self.peek()?, b'0' | b'1').then(|| self.0 = &self.0[1..])
    }

    /// An integer of at most 15 digits (RFC 8941); a negative one parses but is `None` here.
    fn integer(&mut self) -> Option<Option<u64>> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.0 = &self.0[1..];
        }
        let digits = self.take_while(|c| c.is_ascii_digit());
        if digits.is_empty() || digits.len() > 15 || self.peek() == Some(b'.') {
            return None;
        }
        let value: u64 = digits.parse().ok()?;
        Some((!negative).then_some(value))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    /// A header map holding `pairs`, repeated names as separate lines.
    pub(crate) fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_str(value).expect("a header value"));
        }
        headers
    }

    #[test]
    fn cloudflares_documented_examples_parse() {
        let both = headers(&[
            ("ratelimit", "\"default\";r=50;t=30"),
            ("ratelimit-policy", "\"burst\";q=100;w=60"),
        ]);
        assert_eq!(
            remaining(&both),
            Some(Remaining {
                name: "default".into(),
                remaining: 50,
                reset: Duration::from_secs(30)
            })
        );
        assert_eq!(
            policy(&both, Some("default")),
            Some(Policy {
                name: "burst".into(),
                quota: 100,
                window: Duration::from_secs(60)
            })
        );
    }

    #[test]
    fn of_several_limits_the_tightest_is_kept_and_its_policy_found_by_name() {
        let several = headers(&[
            ("ratelimit", "\"burst\";r=90;t=10, \"default\";r=7;t=200"),
            (
                "ratelimit-policy",
                "burst;q=100;w=60,\t\"default\";q=1200;w=300",
            ),
        ]);
        let tightest = remaining(&several).expect("a limit");
        assert_eq!((tightest.name.as_str(), tightest.remaining), ("default", 7));
        let policy = policy(&several, Some(&tightest.name)).expect("a policy");
        assert_eq!((policy.quota, policy.window.as_secs()), (1200, 300));
        // Lines of one field are one list.
        let split = headers(&[
            ("ratelimit", "\"a\";r=5;t=1"),
            ("ratelimit", "\"b\";r=3;t=9"),
        ]);
        assert_eq!(remaining(&split).map(|r| r.remaining), Some(3));
        // Unknown parameters are ignored; an item missing `r` or `t` is skipped.
        let partial = headers(&[("ratelimit", "\"a\";t=1;x, \"b\";r=4;t=2;extra=?1")]);
        assert_eq!(remaining(&partial).map(|r| r.name), Some("b".into()));
    }

    #[test]
    fn a_malformed_field_is_ignored_whole() {
        for value in [
            "",
            "   ",
            "default;r=5;t=",
            "\"default\";r=5.5;t=3",
            "\"default\";r=1234567890123456;t=3",
            "\"unterminated;r=5;t=3",
            "\"default\";R=5;t=3",
            "\"default\";r=5;t=3,",
            "\"default\";r=5;t=3 garbage",
            "(\"inner\" \"list\");r=5;t=3",
            "5;r=5;t=3",
            "\"default\";r=5;;t=3",
            "\"default\";r=5;t=3, \"x\";r=?2",
        ] {
            let malformed = headers(&[("ratelimit", value), ("ratelimit-policy", value)]);
            assert_eq!(remaining(&malformed), None, "{value:?}");
            assert_eq!(policy(&malformed, None), None, "{value:?}");
        }
        // Well formed, but saying nothing usable: negative numbers, a zero window.
        let useless = headers(&[
            ("ratelimit", "\"default\";r=-1;t=3"),
            ("ratelimit-policy", "\"default\";q=10;w=0"),
        ]);
        assert_eq!(remaining(&useless), None);
        assert_eq!(policy(&useless, None), None);
        // A value that is not text at all.
        let mut binary = HeaderMap::new();
        binary.insert(
            RATELIMIT,
            HeaderValue::from_bytes(b"\"d\";r=\xff;t=1").expect("bytes"),
        );
        assert_eq!(remaining(&binary), None);
        assert_eq!(remaining(&HeaderMap::new()), None);
    }
}
