//! Step 1: bytes to a JSON document, rejecting what is not an OpenAPI 3.0 document.

use serde_json::Value;

use crate::Error;

/// Parses the spec's bytes, checks the OpenAPI version, and checks that the document has the
/// shape of an OpenAPI 3.0 description (via `openapiv3`), naming the location of any problem.
pub fn parse(bytes: &[u8]) -> Result<Value, Error> {
    let document = parse_json(bytes)?;
    typed(&document)?;
    Ok(document)
}

/// Parses the bytes as JSON and checks the OpenAPI version, without reading the whole document
/// as OpenAPI (vendoring type-checks only the part it keeps).
pub(crate) fn parse_json(bytes: &[u8]) -> Result<Value, Error> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::at("#", "the spec is empty"));
    }
    let document: Value = serde_json::from_slice(bytes).map_err(|e| json_error(&e))?;
    let Some(object) = document.as_object() else {
        return Err(Error::at("#", "the spec must be a JSON object"));
    };
    if let Some(swagger) = object.get("swagger") {
        return Err(Error::at(
            "#/swagger",
            format!("this is a Swagger {swagger} document; only OpenAPI 3.0.x is supported"),
        ));
    }
    match object.get("openapi") {
        None => {
            return Err(Error::at(
                "#/openapi",
                "missing the `openapi` version field; expected 3.0.x",
            ));
        }
        Some(Value::String(version)) if version.starts_with("3.0.") => {}
        Some(other) => {
            return Err(Error::at(
                "#/openapi",
                format!(
                    "OpenAPI version {other} is not supported; expected 3.0.x (progenitor reads OpenAPI 3.0)"
                ),
            ));
        }
    }
    Ok(document)
}

/// A JSON syntax error, located by line and column.
pub(crate) fn json_error(e: &serde_json::Error) -> Error {
    let detail = e.to_string();
    let detail = detail
        .rsplit_once(" at line ")
        .map_or(detail.as_str(), |(head, _)| head);
    Error::at(
        format!("line {}, column {}", e.line(), e.column()),
        format!("not valid JSON: {detail}"),
    )
}

/// Reads the document as `openapiv3` does, reporting the JSON location of the first mismatch.
pub(crate) fn typed(document: &Value) -> Result<openapiv3::OpenAPI, Error> {
    serde_path_to_error::deserialize(document).map_err(|e| {
        use serde_path_to_error::Segment;
        let mut location = String::from("#");
        for segment in e.path().iter() {
            location = match segment {
                Segment::Seq { index } => crate::pointer::push(&location, &index.to_string()),
                Segment::Map { key } => crate::pointer::push(&location, key),
                Segment::Enum { .. } | Segment::Unknown => location,
            };
        }
        Error::at(
            location,
            format!("not a valid OpenAPI 3.0 document: {}", e.inner()),
        )
    })
}
