//! Elements as the API sends them: a kind this client knows, or one Cloudflare added after
//! this client was generated, kept whole so that a route holding it still decodes.
//!
//! Decoding is strict for the kinds the spec lists: a `rate` element without a `limit` is still
//! an error naming that field, not an unknown element. Only a `type` the spec does not list
//! becomes [`AnyElement::Unknown`].

use std::borrow::Cow;
use std::fmt;

use serde::de::{Error as _, IntoDeserializer, MapAccess, SeqAccess, Visitor, value};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::ElementKind;
use crate::types::RouteElement;

/// A route element as received: known, or of a kind this client does not know.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyElement {
    /// One of the six kinds in the spec.
    Known(RouteElement),
    /// A kind the spec does not list, with its JSON as sent.
    Unknown(UnknownElement),
}

/// An element of a kind this client does not know, kept whole; it re-encodes as it came.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownElement {
    json: Map<String, Value>,
}

impl UnknownElement {
    /// Its `type` tag, as sent (empty if there was none).
    pub fn kind(&self) -> &str {
        self.json
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Its `id`, if it has a string one.
    pub fn id(&self) -> Option<&str> {
        self.json.get("id").and_then(Value::as_str)
    }

    /// The element's JSON, as sent.
    pub fn json(&self) -> &Map<String, Value> {
        &self.json
    }
}

impl AnyElement {
    /// The element, if it is of a known kind.
    pub fn known(&self) -> Option<&RouteElement> {
        match self {
            Self::Known(element) => Some(element),
            Self::Unknown(_) => None,
        }
    }

    /// Its id (an unknown element without a string id has `""`).
    pub fn id(&self) -> &str {
        match self {
            Self::Known(element) => element.id(),
            Self::Unknown(unknown) => unknown.id().unwrap_or_default(),
        }
    }
}

impl From<RouteElement> for AnyElement {
    fn from(element: RouteElement) -> Self {
        Self::Known(element)
    }
}

impl PartialEq<RouteElement> for AnyElement {
    fn eq(&self, other: &RouteElement) -> bool {
        self.known() == Some(other)
    }
}

/// The known elements of a graph as received, or the unknown ones if there are any: the graph
/// tools ([`super::validate()`], pictures, explain) work on graphs of known kinds.
pub fn known_elements(elements: &[AnyElement]) -> Result<Vec<RouteElement>, Vec<&UnknownElement>> {
    let unknown: Vec<&UnknownElement> = elements
        .iter()
        .filter_map(|e| match e {
            AnyElement::Unknown(unknown) => Some(unknown),
            AnyElement::Known(_) => None,
        })
        .collect();
    if !unknown.is_empty() {
        return Err(unknown);
    }
    Ok(elements
        .iter()
        .filter_map(AnyElement::known)
        .cloned()
        .collect())
}

const KNOWN_KINDS: [ElementKind; 6] = [
    ElementKind::Start,
    ElementKind::Conditional,
    ElementKind::Percentage,
    ElementKind::Rate,
    ElementKind::Model,
    ElementKind::End,
];

/// Decodes an element without building a `serde_json::Value` first: the element is buffered
/// once as a `Raw` tree that borrows its strings from the input where it can, its `type` is
/// read, and a known kind is decoded from that buffer (an unknown one becomes a `Value` map).
/// The outcome is the `Value` path's: duplicate keys keep the last value, known kinds are
/// strict with errors naming the field, and any other kind is kept whole.
impl<'de> Deserialize<'de> for AnyElement {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Raw::Map(mut fields) = Raw::deserialize(deserializer)? else {
            return Err(D::Error::custom("a route element must be a JSON object"));
        };
        dedupe(&mut fields);
        let kind = fields.iter().find_map(|(key, value)| match value {
            Raw::Str(kind) if key == "type" => Some(kind.as_ref()),
            _ => None,
        });
        let known = kind.is_some_and(|k| KNOWN_KINDS.iter().any(|known| known.tag() == k));
        if !known {
            return match Value::deserialize(Raw::Map(fields)).map_err(D::Error::custom)? {
                Value::Object(json) => Ok(Self::Unknown(UnknownElement { json })),
                _ => Err(D::Error::custom("a route element must be a JSON object")),
            };
        }
        RouteElement::deserialize(Raw::Map(fields))
            .map(Self::Known)
            .map_err(D::Error::custom)
    }
}

/// A JSON value buffered as received: strings borrowed from the input when the input allows,
/// objects as lists of entries. Cheaper to build than a `serde_json::Value`, and replayed as a
/// deserializer to decode the element once its kind is known.
enum Raw<'de> {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(Cow<'de, str>),
    Seq(Vec<Raw<'de>>),
    Map(Vec<(Cow<'de, str>, Raw<'de>)>),
}

/// Keeps the last value of a repeated key, in the first one's place, as `serde_json::Map` does.
fn dedupe(fields: &mut Vec<(Cow<'_, str>, Raw<'_>)>) {
    let repeated = if fields.len() <= 16 {
        (1..fields.len()).any(|i| fields[..i].iter().any(|(k, _)| *k == fields[i].0))
    } else {
        let mut seen = std::collections::HashSet::with_capacity(fields.len());
        !fields.iter().all(|(k, _)| seen.insert(k.as_ref()))
    };
    if !repeated {
        return;
    }
    let mut kept: Vec<(Cow<'_, str>, Raw<'_>)> = Vec::with_capacity(fields.len());
    for (key, value) in fields.drain(..) {
        match kept.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => kept.push((key, value)),
        }
    }
    *fields = kept;
}

impl<'de> Deserialize<'de> for Raw<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Raw<'de>, E> {
        Ok(Raw::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Raw<'de>, E> {
        Ok(Raw::I64(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Raw<'de>, E> {
        Ok(Raw::U64(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Raw<'de>, E> {
        Ok(Raw::F64(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Raw<'de>, E> {
        Ok(Raw::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Raw<'de>, E> {
        Ok(Raw::Str(Cow::Borrowed(v)))
    }

    fn visit_string<E>(self, v: String) -> Result<Raw<'de>, E> {
        Ok(Raw::Str(Cow::Owned(v)))
    }

    fn visit_unit<E>(self) -> Result<Raw<'de>, E> {
        Ok(Raw::Null)
    }

    fn visit_none<E>(self) -> Result<Raw<'de>, E> {
        Ok(Raw::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Raw<'de>, D::Error> {
        Raw::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw<'de>, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some(key) = map.next_key::<Key<'de>>()? {
            entries.push((key.0, map.next_value()?));
        }
        Ok(Raw::Map(entries))
    }
}

/// An object key, borrowed from the input when it can be.
struct Key<'de>(Cow<'de, str>);

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

impl<'de> IntoDeserializer<'de, value::Error> for Raw<'de> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

/// Replays a buffered value to whatever decodes it.
impl<'de> Deserializer<'de> for Raw<'de> {
    type Error = value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, value::Error> {
        match self {
            Raw::Null => visitor.visit_unit(),
            Raw::Bool(v) => visitor.visit_bool(v),
            Raw::U64(v) => visitor.visit_u64(v),
            Raw::I64(v) => visitor.visit_i64(v),
            Raw::F64(v) => visitor.visit_f64(v),
            Raw::Str(Cow::Borrowed(v)) => visitor.visit_borrowed_str(v),
            Raw::Str(Cow::Owned(v)) => visitor.visit_string(v),
            Raw::Seq(items) => {
                let mut seq = value::SeqDeserializer::new(items.into_iter());
                let decoded = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(decoded)
            }
            Raw::Map(entries) => {
                let entries = entries.into_iter().map(|(k, v)| (Raw::Str(k), v));
                let mut map = value::MapDeserializer::new(entries);
                let decoded = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(decoded)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, value::Error> {
        match self {
            Raw::Null => visitor.visit_none(),
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
            Raw::Str(variant) => visitor.visit_enum(variant.into_deserializer()),
            Raw::Map(entries) => {
                let entries = entries.into_iter().map(|(k, v)| (Raw::Str(k), v));
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

impl Serialize for AnyElement {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Known(element) => element.serialize(serializer),
            Self::Unknown(unknown) => unknown.json.serialize(serializer),
        }
    }
}

/// Any JSON object: the schema of an element as received, known kind or not.
#[cfg(feature = "schemars")]
impl schemars::JsonSchema for AnyElement {
    fn schema_name() -> String {
        "AnyElement".to_string()
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        <Map<String, Value>>::json_schema(generator)
    }
}
