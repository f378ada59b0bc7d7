//! Elements as the API sends them: a kind this client knows, or one Cloudflare added after
//! this client was generated, kept whole so that a route holding it still decodes.
//!
//! Decoding is strict for the kinds the spec lists: a `rate` element without a `limit` is still
//! an error naming that field, not an unknown element. Only a `type` the spec does not list
//! becomes [`AnyElement::Unknown`].

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Error as _, IgnoredAny, MapAccess, Visitor, value};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::ElementKind;
use super::buffered::{Buffered, Key, dedupe};
use crate::types::RouteElement;

/// A route element as received: known, or of a kind this client does not know.
///
/// Named by generated code: `codegen::contract::ANY_ELEMENT` (typify uses it wherever the spec
/// allows any element). Renaming or moving it needs a change there and `cargo xtask regenerate`.
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

/// The kind a `type` tag names, if it is one of the six.
fn known_kind(tag: &str) -> Option<ElementKind> {
    KNOWN_KINDS.into_iter().find(|kind| kind.tag() == tag)
}

/// Decodes an element in one pass: once `type` is read, the kind's `outputs` and `properties`
/// are decoded straight into its types, with no tree in between. Fields that arrive before
/// `type` (all of them in the order Cloudflare's reference shows, where `type` is last) are
/// buffered once as a `Buffered` tree and decoded from it once the kind is known. The outcome is
/// that of decoding a `serde_json::Value` first: a repeated key keeps its last value, known
/// kinds are strict with errors naming the field, and any other kind is kept whole.
impl<'de> Deserialize<'de> for AnyElement {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ElementVisitor)
    }
}

struct ElementVisitor;

impl<'de> Visitor<'de> for ElementVisitor {
    type Value = AnyElement;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a route element (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnyElement, A::Error> {
        let mut before: Fields<'de> = Vec::new();
        while let Some(Key(key)) = map.next_key()? {
            let value: Buffered<'de> = map.next_value()?;
            if key == "type" {
                if let Buffered::Str(tag) = &value
                    && let Some(kind) = known_kind(tag)
                {
                    return decode_known(kind, before, map).map(AnyElement::Known);
                }
                before.push((key, value));
                while let Some(Key(key)) = map.next_key()? {
                    before.push((key, map.next_value()?));
                }
                break;
            }
            before.push((key, value));
        }
        from_buffer(before).map_err(A::Error::custom)
    }
}

/// Object entries buffered in the order received.
type Fields<'de> = Vec<(Cow<'de, str>, Buffered<'de>)>;

/// A whole buffered element, when its first `type` is missing or names no known kind.
fn from_buffer(mut fields: Fields<'_>) -> Result<AnyElement, value::Error> {
    dedupe(&mut fields);
    let kind = fields.iter().find_map(|(key, value)| match value {
        Buffered::Str(kind) if key == "type" => Some(kind.as_ref()),
        _ => None,
    });
    if kind.and_then(known_kind).is_some() {
        return RouteElement::deserialize(Buffered::Map(fields)).map(AnyElement::Known);
    }
    match Value::deserialize(Buffered::Map(fields))? {
        Value::Object(json) => Ok(AnyElement::Unknown(UnknownElement { json })),
        _ => Err(value::Error::custom(
            "a route element must be a JSON object",
        )),
    }
}

/// The rest of an element of a known kind, read from the input after its `type`.
fn decode_known<'de, A: MapAccess<'de>>(
    kind: ElementKind,
    before: Fields<'de>,
    map: A,
) -> Result<RouteElement, A::Error> {
    Ok(match kind {
        ElementKind::Start => {
            let (id, outputs, _) = Parts::<_, IgnoredAny>::read(kind, before, map)?.required()?;
            RouteElement::Start { id, outputs }
        }
        ElementKind::Conditional => {
            let (id, outputs, properties) = Parts::read(kind, before, map)?.with_properties()?;
            RouteElement::Conditional {
                id,
                outputs,
                properties,
            }
        }
        ElementKind::Percentage => {
            let (id, outputs, _) = Parts::<_, IgnoredAny>::read(kind, before, map)?.required()?;
            RouteElement::Percentage { id, outputs }
        }
        ElementKind::Rate => {
            let (id, outputs, properties) = Parts::read(kind, before, map)?.with_properties()?;
            RouteElement::Rate {
                id,
                outputs,
                properties,
            }
        }
        ElementKind::Model => {
            let (id, outputs, properties) = Parts::read(kind, before, map)?.with_properties()?;
            RouteElement::Model {
                id,
                outputs,
                properties,
            }
        }
        ElementKind::End => {
            let (id, outputs, _) = Parts::<_, IgnoredAny>::read(kind, before, map)?.required()?;
            RouteElement::End { id, outputs }
        }
    })
}

/// The fields of one kind of element as read so far: `O` its outputs, `P` its properties
/// (`IgnoredAny` for kinds without properties, which, like any unknown field, are skipped).
struct Parts<O, P> {
    id: Option<String>,
    outputs: Option<O>,
    properties: Option<P>,
}

impl<'de, O: Deserialize<'de>, P: Deserialize<'de>> Parts<O, P> {
    fn read<A: MapAccess<'de>>(
        kind: ElementKind,
        before: Fields<'de>,
        mut map: A,
    ) -> Result<Self, A::Error> {
        let mut parts = Self {
            id: None,
            outputs: None,
            properties: None,
        };
        for (key, buffered) in before {
            match key.as_ref() {
                "id" => parts.id = Some(String::deserialize(buffered).map_err(A::Error::custom)?),
                "outputs" => {
                    parts.outputs = Some(O::deserialize(buffered).map_err(A::Error::custom)?)
                }
                "properties" => {
                    parts.properties = Some(P::deserialize(buffered).map_err(A::Error::custom)?);
                }
                _ => {}
            }
        }
        while let Some(Key(key)) = map.next_key()? {
            match key.as_ref() {
                "id" => parts.id = Some(map.next_value()?),
                "outputs" => parts.outputs = Some(map.next_value()?),
                "properties" => parts.properties = Some(map.next_value()?),
                "type" => {
                    // The kind's fields were decoded for the first `type`; another would
                    // need them decoded again.
                    let again: Buffered<'de> = map.next_value()?;
                    if !matches!(&again, Buffered::Str(tag) if tag == kind.tag()) {
                        return Err(A::Error::custom(format_args!(
                            "a `{kind}` element has a second, different `type`"
                        )));
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(parts)
    }

    /// Its id and outputs, or serde's own error naming the first one missing.
    fn required<E: de::Error>(self) -> Result<(String, O, Option<P>), E> {
        let id = self.id.ok_or_else(|| E::missing_field("id"))?;
        let outputs = self.outputs.ok_or_else(|| E::missing_field("outputs"))?;
        Ok((id, outputs, self.properties))
    }

    /// As `required`, for the kinds whose `properties` are required too.
    fn with_properties<E: de::Error>(self) -> Result<(String, O, P), E> {
        let (id, outputs, properties) = self.required()?;
        let properties = properties.ok_or_else(|| E::missing_field("properties"))?;
        Ok((id, outputs, properties))
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
#[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
impl schemars::JsonSchema for AnyElement {
    fn schema_name() -> String {
        "AnyElement".to_string()
    }

    fn json_schema(generator: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        <Map<String, Value>>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests;
