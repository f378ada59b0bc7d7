//! Elements as the API sends them: a kind this client knows, or one Cloudflare added after
//! this client was generated, kept whole so that a route holding it still decodes.
//!
//! Decoding is strict for the kinds the spec lists: a `rate` element without a `limit` is still
//! an error naming that field, not an unknown element. Only a `type` the spec does not list
//! becomes [`AnyElement::Unknown`].

use serde::de::Error as _;
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

impl<'de> Deserialize<'de> for AnyElement {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let Value::Object(json) = value else {
            return Err(D::Error::custom("a route element must be a JSON object"));
        };
        let kind = json.get("type").and_then(Value::as_str);
        let known = kind.is_some_and(|k| KNOWN_KINDS.iter().any(|known| known.tag() == k));
        if !known {
            return Ok(Self::Unknown(UnknownElement { json }));
        }
        RouteElement::deserialize(Value::Object(json))
            .map(Self::Known)
            .map_err(D::Error::custom)
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
