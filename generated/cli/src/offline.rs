//! What needs no credentials and sends nothing: checking route files (`validate`), running
//! their cases (`test`), the route-file schema (`schema`), drawing a graph (`graph`) and
//! explaining where a request would go (`explain`). Reading and checking are the client's
//! (`route_file`, `reconcile::check_all`), the same code `plan` and `apply` run first.

use std::path::{Path, PathBuf};

use cloudflare_dynamic_routing::graph;
use cloudflare_dynamic_routing::reconcile::{self, LoadOptions};
use cloudflare_dynamic_routing::route_file::{self, Checks, RouteFile};

/// `routes validate`: each file checked (every graph rule, documented operators); a line per
/// file, and whether all passed.
pub fn validate(paths: &[PathBuf], checks: &Checks) -> Result<(String, bool), String> {
    let options = LoadOptions {
        checks: checks.clone(),
        skip_tests: true,
    };
    report(paths, &options, |file| {
        format!("{} elements", file.elements.len())
    })
}

/// `routes test`: each file's cases run against its graph.
pub fn test(paths: &[PathBuf], checks: &Checks) -> Result<(String, bool), String> {
    let options = LoadOptions {
        checks: checks.clone(),
        skip_tests: false,
    };
    report(paths, &options, |file| match file.tests.len() {
        0 => "no cases".to_string(),
        1 => "1 case passed".to_string(),
        n => format!("{n} cases passed"),
    })
}

/// A line per file: `ok FILE (NAME, what)` or its problems, then two files naming one route;
/// and whether every file passed.
fn report(
    paths: &[PathBuf],
    options: &LoadOptions,
    what: impl Fn(&RouteFile) -> String,
) -> Result<(String, bool), String> {
    let checked = reconcile::check_all(paths, options).map_err(|e| e.to_string())?;
    let mut text = String::new();
    for (file, result) in &checked.files {
        match result {
            Ok(route) => text.push_str(&format!(
                "ok {} ({}, {})\n",
                file.display(),
                route.name,
                what(route)
            )),
            Err(problems) => {
                for problem in problems {
                    text.push_str(&format!("error: {problem}\n"));
                }
            }
        }
    }
    for problem in &checked.duplicates {
        text.push_str(&format!("error: {problem}\n"));
    }
    let passed = checked.duplicates.is_empty() && checked.files.iter().all(|(_, r)| r.is_ok());
    Ok((text, passed))
}

/// `routes schema`: the JSON Schema of route files.
pub fn schema() -> String {
    let schema = schemars::schema_for!(RouteFile);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// A route file read without graph checks, for drawing or explaining a graph being written.
fn read_unchecked(file: &Path) -> Result<RouteFile, String> {
    route_file::read(file).map_err(|e| e.to_string())
}

/// `routes graph`: the file's graph as Mermaid or Graphviz DOT.
pub fn picture(file: &Path, format: &str) -> Result<String, String> {
    let route = read_unchecked(file)?;
    match format {
        "mermaid" => Ok(graph::to_mermaid(&route.elements)),
        "dot" => Ok(graph::to_dot(&route.elements)),
        other => Err(format!("unknown format `{other}`: mermaid or dot")),
    }
}

/// `routes explain`: where `request` (JSON with `metadata`, `headers`, `body`) would go.
pub fn explain(file: &Path, request: &str) -> Result<String, String> {
    let route = read_unchecked(file)?;
    let request: serde_json::Value =
        serde_json::from_str(request).map_err(|e| format!("--request is not JSON: {e}"))?;
    Ok(graph::explain(&route.elements, &request).to_string())
}
