//! Route files: one route as JSON (`id`, `name`, `elements`, `tests`), so a gateway's routes
//! can live in a repository. Reading is strict and says where a file is wrong: a missing field
//! or an unknown key (a typo such as `elementID`) is an error naming the element (index and
//! id) and the JSON pointer, never a value silently dropped.
//!
//! ```
//! use cloudflare_dynamic_routing::route_file;
//!
//! let file = route_file::from_json(r#"{
//!   "name": "support",
//!   "elements": [
//!     {"id": "start", "type": "start", "outputs": {"next": {"elementId": "end"}}},
//!     {"id": "end", "type": "end", "outputs": {}}
//!   ]
//! }"#).expect("a route file");
//! assert_eq!(file.name, "support");
//! assert!(file.id.is_none()); // identified by its name
//! ```

mod cases;
mod locate;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use unicode_normalization::char::is_combining_mark;

use crate::graph::GraphProblems;
use crate::types::RouteElement;

/// The routes manifest's file name (`reconcile::Manifest`); discovery never reads it as a
/// route file.
pub const MANIFEST_FILE: &str = "routes.manifest.json";

/// Whether `path` names a manifest (by its exact file name: `Routes.Manifest.JSON` is read, and
/// refused, as a route file rather than ignored).
pub fn is_manifest_file(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == MANIFEST_FILE)
}

pub use cases::{
    CaseFailure, CaseOutcome, Expectation, RouteTest, TestRequest, run_each, run_tests,
};

/// A route as kept in a file: `$schema` (optional), `id` (optional), `name`, `elements`, `tests`
/// (optional).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RouteFile {
    /// The JSON Schema an editor checks the file against, such as
    /// `../generated/client/route-file.schema.json`; ignored otherwise.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The route's id on the gateway. When present it is the route's identity, so a changed
    /// `name` renames the route in place; without it the name is the identity. `routes export`
    /// writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The route's name, unique on its gateway.
    pub name: String,
    /// The route's graph: one `start`, then `conditional`, `percentage`, `rate`, `model` and
    /// `end` elements linked by their outputs.
    pub elements: Vec<RouteElement>,
    /// Cases the graph must pass before it is deployed (`routes test`, and first in `plan`
    /// and `apply`). More may sit beside the file in `<name>.tests.json`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tests: Vec<RouteTest>,
}

impl RouteFile {
    /// A route file for a route with this name and graph, with no pinned id and no tests.
    pub fn new(name: impl Into<String>, elements: Vec<RouteElement>) -> Self {
        Self {
            schema: None,
            id: None,
            name: name.into(),
            elements,
            tests: Vec::new(),
        }
    }
}

/// A route file that cannot be read, parsed or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteFileError {
    /// The file, when the error came from one.
    pub path: Option<PathBuf>,
    /// The element the error is in, as its index in `elements` and its id when it has one.
    pub element: Option<(usize, Option<String>)>,
    /// Where in the file: a JSON pointer such as `/elements/3/properties/retries`,
    /// `line L, column C`, or empty for the whole file.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for RouteFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{}: ", path.display())?;
        }
        match &self.element {
            Some((index, Some(id))) => write!(f, "element {index} (`{id}`) ")?,
            Some((index, None)) => write!(f, "element {index} ")?,
            None => {}
        }
        if !self.location.is_empty() {
            write!(f, "at {}: ", self.location)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for RouteFileError {}

impl RouteFileError {
    fn new(location: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: None,
            element: None,
            location: location.into(),
            message: message.into(),
        }
    }

    /// This error, in the file at `path`.
    pub fn in_file(mut self, path: &Path) -> Self {
        self.path = Some(path.to_path_buf());
        self
    }
}

/// Parses a route file's text.
pub fn from_json(text: &str) -> Result<RouteFile, RouteFileError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        RouteFileError::new(
            format!("line {}, column {}", e.line(), e.column()),
            format!("not valid JSON: {e}"),
        )
    })?;
    let route: RouteFile = locate::decode(&value)?;
    let understood = serde_json::to_value(&route)
        .map_err(|e| RouteFileError::new("", format!("cannot re-encode the route: {e}")))?;
    if let Some(pointer) = locate::first_unknown_key(&value, &understood, String::new()) {
        let mut error = RouteFileError::new(
            pointer.clone(),
            format!("unknown key{}", locate::did_you_mean(&pointer)),
        );
        error.element = locate::element_at(&value, &pointer);
        return Err(error);
    }
    Ok(route)
}

/// The route as a file's text: pretty JSON with a final newline, keys in a stable order
/// (`$schema`, `id`, `name`, `elements`, `tests`; inside elements as the types declare them), whole
/// numbers as integers. Writing the same route twice gives the same bytes.
pub fn to_json(route: &RouteFile) -> String {
    // Encoding these types into a `String` cannot fail: every key is a string.
    let mut text = serde_json::to_string_pretty(route).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads a route file, and the cases in `<stem>.tests.json` beside it if there is one.
pub fn read(path: &Path) -> Result<RouteFile, RouteFileError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| RouteFileError::new("", format!("cannot read: {e}")).in_file(path))?;
    let mut route = from_json(&text).map_err(|e| e.in_file(path))?;
    let beside = tests_beside(path);
    if beside.is_file() {
        let text = std::fs::read_to_string(&beside)
            .map_err(|e| RouteFileError::new("", format!("cannot read: {e}")).in_file(&beside))?;
        route
            .tests
            .extend(cases::from_json(&text).map_err(|e| e.in_file(&beside))?);
    }
    Ok(route)
}

/// Where the cases for the route file at `path` may be kept: `support.json` →
/// `support.tests.json`.
pub fn tests_beside(path: &Path) -> PathBuf {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!("{stem}.tests.json"))
}

/// Whether `path` names a file of cases rather than a route (`*.tests.json`).
pub fn is_tests_file(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name.to_string_lossy().ends_with(".tests.json"))
}

/// Writes a route file through a temporary file (created exclusively beside it) and a rename,
/// so a reader never sees half and a failure leaves the previous file as it was.
pub fn write(path: &Path, route: &RouteFile) -> Result<(), RouteFileError> {
    let fail =
        |e: std::io::Error| RouteFileError::new("", format!("cannot write: {e}")).in_file(path);
    crate::staged_file::write(path, to_json(route).as_bytes()).map_err(fail)
}

/// A file name for a route: its name with anything but letters, digits, combining marks
/// (the accent of a decomposed `é`), `-`, `_` and `.` replaced by `-` (and a final `.tests`
/// made `-tests`, which would name a cases file), and `.json`.
pub fn file_name(route_name: &str) -> String {
    let mut stem: String = route_name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || is_combining_mark(c) || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if stem.trim_matches('.').is_empty() {
        stem = "route".to_string();
    }
    // `routes.manifest.json` is a directory's manifest, never read as a route.
    if format!("{stem}.json") == MANIFEST_FILE {
        stem = format!("{stem}-route");
    }
    // `x.tests.json` would be read as the cases of `x.json`.
    if let Some(base) = stem.strip_suffix(".tests") {
        stem = format!("{base}-tests");
    }
    format!("{stem}.json")
}

/// The route files `paths` name: files as given, directories searched (recursively, in name
/// order) for `*.json` in any case (`.JSON` too) that are not `*.tests.json` nor a manifest
/// (`routes.manifest.json`, also skipped when named). Each file is
/// listed once, however many paths or symbolic links reach it, and each directory is searched
/// once, so a link back up the tree (such as one to `.`) cannot make the search loop.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, RouteFileError> {
    let mut search = Discovery::default();
    for path in paths {
        if path.is_dir() {
            search.directory(path)?;
        } else if !is_manifest_file(path) {
            search.file(path.clone());
        }
    }
    Ok(search.files)
}

/// One walk of [`discover`]: the files found, and the canonical paths of every file and
/// directory met, so none is taken twice.
#[derive(Default)]
struct Discovery {
    files: Vec<PathBuf>,
    seen: std::collections::HashSet<PathBuf>,
}

impl Discovery {
    /// Whether `path` is met for the first time (by its canonical path, when it has one; a
    /// broken link is kept as named, so reading it reports the problem).
    fn first_visit(&mut self, path: &Path) -> bool {
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.seen.insert(canonical)
    }

    fn file(&mut self, path: PathBuf) {
        if self.first_visit(&path) {
            self.files.push(path);
        }
    }

    fn directory(&mut self, dir: &Path) -> Result<(), RouteFileError> {
        if !self.first_visit(dir) {
            return Ok(());
        }
        let cannot_list =
            |e: std::io::Error| RouteFileError::new("", format!("cannot list: {e}")).in_file(dir);
        let mut found: Vec<PathBuf> = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(cannot_list)? {
            found.push(entry.map_err(cannot_list)?.path());
        }
        found.sort();
        for path in found {
            if path.is_dir() {
                self.directory(&path)?;
            } else if is_json(&path) && !is_tests_file(&path) && !is_manifest_file(&path) {
                self.file(path);
            }
        }
        Ok(())
    }
}

/// Whether `path` ends in `.json`, in any case: `.JSON` is read too rather than skipped.
fn is_json(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// How strictly a route's graph is checked before it is used: the one check before sending,
/// [`GraphCheck`](crate::graph::GraphCheck) (`--no-validate`, `--allow-operator`).
pub type Checks = crate::graph::GraphCheck;

/// `route`'s graph under `checks` ([`graph::check`](crate::graph::check())): every graph rule
/// and every conditional operator outside the documented set and not allowed.
pub fn check_graph(route: &RouteFile, checks: &Checks) -> Result<(), GraphProblems> {
    crate::graph::check(&route.elements, checks)
}

#[cfg(test)]
mod tests;
