//! A JSON number as the API writes it: whole numbers go on the wire as integers (`30000`, never
//! `30000.0`), so a route decoded and encoded again is byte for byte what was sent.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Largest magnitude up to which every whole `f64` is exactly an integer (2^53).
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

/// A number of the API (a rate limit, a window, a model's retries and timeout, a page number).
///
/// It holds an `f64`, as JSON numbers are, but encodes a whole value as an integer: `100`, not
/// the `100.0` that `f64` would write. Build one from any Rust number with `from`, read it with
/// [`Number::get`] or [`Number::as_integer`].
///
/// Named by generated code: `codegen::contract::NUMBER` (typify uses it for every plain
/// `number` of the spec). Renaming or moving it needs a change there and
/// `cargo xtask regenerate`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Number(f64);

impl Number {
    /// The number `value`.
    pub const fn new(value: f64) -> Self {
        Self(value)
    }

    /// The value.
    pub const fn get(self) -> f64 {
        self.0
    }

    /// Every number in `value` as the API stores it: the API is JavaScript, so a number is an
    /// `f64` and a whole one is written as an integer (`2.0`, `2e0` and `2` are all `2`).
    /// Two JSON values are the same to the API when they are equal after this.
    pub fn normalize_all(value: &mut serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::Number(number) => {
                if let Some(float) = number.as_f64() {
                    let stored = Self(float);
                    *value = match stored.as_integer() {
                        Some(integer) => Value::from(integer),
                        None => Value::from(stored.0),
                    };
                }
            }
            Value::Array(items) => items.iter_mut().for_each(Self::normalize_all),
            Value::Object(map) => map.values_mut().for_each(Self::normalize_all),
            Value::Null | Value::Bool(_) | Value::String(_) => {}
        }
    }

    /// The value as an integer, when it is a whole number that `f64` holds exactly.
    pub fn as_integer(self) -> Option<i64> {
        let whole = self.0.is_finite() && self.0.fract() == 0.0 && self.0.abs() <= EXACT_INTEGERS;
        // Exact: whole and within ±2^53, so the cast neither rounds nor saturates.
        whole.then_some(self.0 as i64)
    }
}

impl From<f64> for Number {
    fn from(value: f64) -> Self {
        Self(value)
    }
}

impl From<Number> for f64 {
    fn from(number: Number) -> Self {
        number.0
    }
}

macro_rules! from_exact {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(value: $t) -> Self {
                Self(f64::from(value))
            }
        }
    )*};
}
from_exact!(u8, u16, u32, i8, i16, i32, f32);

impl PartialEq<f64> for Number {
    fn eq(&self, other: &f64) -> bool {
        self.0 == *other
    }
}

impl fmt::Display for Number {
    /// As JSON writes it: `100`, `0.5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_integer() {
            Some(integer) => write!(f, "{integer}"),
            None => write!(f, "{}", self.0),
        }
    }
}

impl FromStr for Number {
    type Err = std::num::ParseFloatError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.trim().parse().map(Self)
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.as_integer() {
            Some(integer) => serializer.serialize_i64(integer),
            None => serializer.serialize_f64(self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        f64::deserialize(deserializer).map(Self)
    }
}

#[cfg(feature = "schemars")]
#[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
impl schemars::JsonSchema for Number {
    fn schema_name() -> String {
        "Number".to_owned()
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        f64::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::Number;

    fn json(number: f64) -> String {
        serde_json::to_string(&Number::new(number)).expect("encodes")
    }

    #[test]
    fn whole_numbers_encode_as_integers_and_others_as_floats() {
        assert_eq!(json(100.0), "100");
        assert_eq!(json(30000.0), "30000");
        assert_eq!(json(0.0), "0");
        assert_eq!(json(-0.0), "0");
        assert_eq!(json(-7.0), "-7");
        assert_eq!(json(0.5), "0.5");
        // Beyond 2^53 a whole `f64` is not exactly an integer: written as serde_json writes floats.
        assert_eq!(json(1e20), serde_json::to_string(&1e20).expect("encodes"));
        assert_eq!(json(9_007_199_254_740_992.0), "9007199254740992");
    }

    #[test]
    fn any_json_number_decodes_and_encodes_back_as_written() {
        for text in ["100", "0", "-3", "0.25", "30000", "1.5e-7"] {
            let number: Number = serde_json::from_str(text).expect("decodes");
            let again: f64 = text.parse().expect("a number");
            assert_eq!(number, again);
            let back: Number =
                serde_json::from_str(&serde_json::to_string(&number).expect("encodes"))
                    .expect("decodes again");
            assert_eq!(back, number, "{text}");
        }
        let written_as_float: Number = serde_json::from_str("100.0").expect("decodes");
        assert_eq!(
            serde_json::to_string(&written_as_float).expect("encodes"),
            "100"
        );
        assert!(serde_json::from_str::<Number>("\"100\"").is_err());
    }

    #[test]
    fn normalize_all_writes_every_number_as_javascript_does() {
        let mut value: serde_json::Value = serde_json::from_str(
            r#"{"a": 2.0, "b": [2e0, 2, -0.0, 0.5, 1e2], "c": {"d": 9007199254740993}, "e": "2.0"}"#,
        )
        .expect("json");
        Number::normalize_all(&mut value);
        assert_eq!(
            value.to_string(),
            r#"{"a":2,"b":[2,2,0,0.5,100],"c":{"d":9007199254740992},"e":"2.0"}"#
        );
    }

    #[test]
    fn display_and_parse_read_as_json_writes() {
        assert_eq!(Number::from(3600).to_string(), "3600");
        assert_eq!(Number::from(0.5).to_string(), "0.5");
        assert_eq!("42".parse::<Number>().map(Number::get), Ok(42.0));
        assert!("forty".parse::<Number>().is_err());
        assert_eq!(Number::from(2.5).as_integer(), None);
        assert_eq!(Number::from(f64::NAN).as_integer(), None);
        assert_eq!(Number::from(1e300).as_integer(), None);
    }
}
