//! Route files: a route's name and graph as JSON, so routes can live in a repository next to
//! the code that uses them. Reading is strict: a key the types do not know (a typo such as
//! `elementID`) is an error naming where it is, not a value silently dropped.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::types::NewRoute;

/// A route file that cannot be read, parsed or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteFileError {
    /// The file, when the error came from one.
    pub path: Option<PathBuf>,
    /// Where in it: a JSON pointer, `line L, column C`, or empty for the whole file.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for RouteFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{}: ", path.display())?;
        }
        if !self.location.is_empty() {
            write!(f, "at {}: ", self.location)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for RouteFileError {}

fn error(location: impl Into<String>, message: impl Into<String>) -> RouteFileError {
    RouteFileError {
        path: None,
        location: location.into(),
        message: message.into(),
    }
}

/// Parses a route file's text: `{"name": …, "elements": […]}`.
pub fn from_json(text: &str) -> Result<NewRoute, RouteFileError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        error(
            format!("line {}, column {}", e.line(), e.column()),
            format!("not valid JSON: {e}"),
        )
    })?;
    let route: NewRoute = serde_json::from_value(value.clone())
        .map_err(|e| error("", format!("not a route (name and elements): {e}")))?;
    let understood = serde_json::to_value(&route)
        .map_err(|e| error("", format!("cannot re-encode the route: {e}")))?;
    if let Some(unknown) = first_unknown_key(&value, &understood, String::new()) {
        return Err(error(
            unknown,
            "unknown key: the route types have no such field (a typo?)",
        ));
    }
    Ok(route)
}

/// The route as a file's text: pretty JSON with a final newline, stable across runs.
pub fn to_json(route: &NewRoute) -> String {
    // Encoding generated types into a `String` cannot fail: every key is a string.
    let mut text = serde_json::to_string_pretty(route).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads a route file.
pub fn read(path: &Path) -> Result<NewRoute, RouteFileError> {
    let with_path = |mut e: RouteFileError| {
        e.path = Some(path.to_path_buf());
        e
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| with_path(error("", format!("cannot read: {e}"))))?;
    from_json(&text).map_err(with_path)
}

/// Writes a route file (through a temporary file and a rename, so a reader never sees half).
pub fn write(path: &Path, route: &NewRoute) -> Result<(), RouteFileError> {
    let fail = |e: std::io::Error| RouteFileError {
        path: Some(path.to_path_buf()),
        location: String::new(),
        message: format!("cannot write: {e}"),
    };
    let temporary = path.with_extension("json.tmp");
    std::fs::write(&temporary, to_json(route)).map_err(fail)?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        fail(e)
    })
}

/// The JSON pointer of the first key in `input` that decoding dropped. An empty object, array
/// or null that the types leave out when encoding is not counted: nothing was lost.
fn first_unknown_key(input: &Value, understood: &Value, at: String) -> Option<String> {
    match (input, understood) {
        (Value::Object(given), Value::Object(kept)) => given.iter().find_map(|(key, value)| {
            let child = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
            match kept.get(key) {
                Some(kept_value) => first_unknown_key(value, kept_value, child),
                None if is_empty(value) => None,
                None => Some(format!("#{child}")),
            }
        }),
        (Value::Array(given), Value::Array(kept)) => given
            .iter()
            .zip(kept)
            .enumerate()
            .find_map(|(i, (g, k))| first_unknown_key(g, k, format!("{at}/{i}"))),
        _ => None,
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
