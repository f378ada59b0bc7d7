//! What needs no credentials and sends nothing: checking route files (`validate`), running
//! their cases (`test`), the route-file schema (`schema`), drawing a graph (`graph`) and
//! explaining where a request would go (`explain`). Reading and checking are the client's
//! (`route_file`, `reconcile::check`), the same code `plan` and `apply` run first.

use std::path::{Path, PathBuf};

use cloudflare_dynamic_routing::graph;
use cloudflare_dynamic_routing::reconcile::{self, DesiredRoute, LoadOptions};
use cloudflare_dynamic_routing::route_file::{self, Checks, RouteFile};

/// The route files under `paths`, or why there are none.
fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let files = route_file::discover(paths).map_err(|e| e.to_string())?;
    if files.is_empty() {
        return Err("no route files found (a directory is searched for *.json)".to_string());
    }
    Ok(files)
}

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
    let mut text = String::new();
    let mut passed = Vec::new();
    let mut all_passed = true;
    for file in files(paths)? {
        match reconcile::check(&file, options) {
            Ok(route) => {
                text.push_str(&format!(
                    "ok {} ({}, {})\n",
                    file.display(),
                    route.name,
                    what(&route)
                ));
                passed.push(DesiredRoute {
                    source: file,
                    file: route,
                });
            }
            Err(problems) => {
                all_passed = false;
                for problem in problems {
                    text.push_str(&format!("error: {problem}\n"));
                }
            }
        }
    }
    // As `plan` would refuse them: two files for one route.
    for problem in reconcile::duplicates(&passed) {
        all_passed = false;
        text.push_str(&format!("error: {problem}\n"));
    }
    Ok((text, all_passed))
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
