//! A JSON value buffered as received (strings borrowed from the input where it allows) and
//! replayed as a deserializer: for element fields that arrive before the element's `type`.

use std::borrow::Cow;
use std::fmt;

use serde::de::{IntoDeserializer, MapAccess, SeqAccess, Visitor, value};
use serde::{Deserialize, Deserializer};

/// A JSON value buffered as received: strings borrowed from the input when the input allows,
/// objects as lists of entries. Cheaper to build than a `serde_json::Value`, and replayed as a
/// deserializer to decode the element once its kind is known.
pub(super) enum Buffered<'de> {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(Cow<'de, str>),
    Seq(Vec<Buffered<'de>>),
    Map(Vec<(Cow<'de, str>, Buffered<'de>)>),
}

/// Keeps the last value of a repeated key, in the first one's place, as `serde_json::Map` does.
pub(super) fn dedupe(fields: &mut Vec<(Cow<'_, str>, Buffered<'_>)>) {
    let repeated = if fields.len() <= 16 {
        (1..fields.len()).any(|i| fields[..i].iter().any(|(k, _)| *k == fields[i].0))
    } else {
        let mut seen = std::collections::HashSet::with_capacity(fields.len());
        !fields.iter().all(|(k, _)| seen.insert(k.as_ref()))
    };
    if !repeated {
        return;
    }
    let mut kept: Vec<(Cow<'_, str>, Buffered<'_>)> = Vec::with_capacity(fields.len());
    for (key, value) in fields.drain(..) {
        match kept.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => kept.push((key, value)),
        }
    }
    *fields = kept;
}

impl<'de> Deserialize<'de> for Buffered<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BufferedVisitor)
    }
}

struct BufferedVisitor;

impl<'de> Visitor<'de> for BufferedVisitor {
    type Value = Buffered<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Buffered<'de>, E> {
        Ok(Buffered::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Buffered<'de>, E> {
        Ok(Buffered::I64(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Buffered<'de>, E> {
        Ok(Buffered::U64(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Buffered<'de>, E> {
        Ok(Buffered::F64(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Buffered<'de>, E> {
        Ok(Buffered::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Buffered<'de>, E> {
        Ok(Buffered::Str(Cow::Borrowed(v)))
    }

    fn visit_string<E>(self, v: String) -> Result<Buffered<'de>, E> {
        Ok(Buffered::Str(Cow::Owned(v)))
    }

    fn visit_unit<E>(self) -> Result<Buffered<'de>, E> {
        Ok(Buffered::Null)
    }

    fn visit_none<E>(self) -> Result<Buffered<'de>, E> {
        Ok(Buffered::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Buffered<'de>, D::Error> {
        Buffered::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Buffered<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Buffered::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Buffered<'de>, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some(key) = map.next_key::<Key<'de>>()? {
            entries.push((key.0, map.next_value()?));
        }
        Ok(Buffered::Map(entries))
    }
}

/// An object key, borrowed from the input when it can be.
pub(super) struct Key<'de>(pub(super) Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl<'de> IntoDeserializer<'de, value::Error> for Buffered<'de> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

/// Replays a buffered value to whatever decodes it.
impl<'de> Deserializer<'de> for Buffered<'de> {
    type Error = value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, value::Error> {
        match self {
            Buffered::Null => visitor.visit_unit(),
            Buffered::Bool(v) => visitor.visit_bool(v),
            Buffered::U64(v) => visitor.visit_u64(v),
            Buffered::I64(v) => visitor.visit_i64(v),
            Buffered::F64(v) => visitor.visit_f64(v),
            Buffered::Str(Cow::Borrowed(v)) => visitor.visit_borrowed_str(v),
            Buffered::Str(Cow::Owned(v)) => visitor.visit_string(v),
            Buffered::Seq(items) => {
                let mut seq = value::SeqDeserializer::new(items.into_iter());
                let decoded = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(decoded)
            }
            Buffered::Map(entries) => {
                let entries = entries.into_iter().map(|(k, v)| (Buffered::Str(k), v));
                let mut map = value::MapDeserializer::new(entries);
                let decoded = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(decoded)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, value::Error> {
        match self {
            Buffered::Null => visitor.visit_none(),
            other => visitor.visit_some(other),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, value::Error> {
        match self {
            Buffered::Str(variant) => visitor.visit_enum(variant.into_deserializer()),
            Buffered::Map(entries) => {
                let entries = entries.into_iter().map(|(k, v)| (Buffered::Str(k), v));
                visitor.visit_enum(value::MapAccessDeserializer::new(
                    value::MapDeserializer::new(entries),
                ))
            }
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, value::Error> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}
