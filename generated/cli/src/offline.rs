//! What needs no credentials and sends nothing: reading and checking route files (`validate`,
//! and the first step of `apply` and `diff`), drawing a route's graph (`graph`) and explaining
//! where a request would go (`explain`).

use std::path::{Path, PathBuf};

use cloudflare_dynamic_routing::graph;
use cloudflare_dynamic_routing::types::NewRoute;

/// How strictly a route file is checked.
#[derive(Debug, Clone, Default)]
pub struct Checks {
    /// Skip graph validation (`--no-validate`).
    pub skip_validation: bool,
    /// Operators allowed beyond the documented set (`--allow-operator`).
    pub allowed_operators: Vec<String>,
}

/// Reads a route file and checks it: every graph rule, and every conditional operator in the
/// documented set or allowed. The problems are one line, naming the file.
pub fn read(path: &Path, checks: &Checks) -> Result<NewRoute, String> {
    let route = graph::file::read(path).map_err(|e| e.to_string())?;
    if checks.skip_validation {
        return Ok(route);
    }
    let mut problems: Vec<String> = match graph::validate(&route.elements) {
        Ok(()) => Vec::new(),
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
    };
    for (element, operator) in
        graph::undocumented_operators(&route.elements, &checks.allowed_operators)
    {
        problems.push(format!(
            "`{element}`: operator `{operator}` is not one Cloudflare documents ({}); \
             --allow-operator {operator} accepts it",
            graph::DOCUMENTED_OPERATORS.join(", ")
        ));
    }
    if problems.is_empty() {
        Ok(route)
    } else {
        Err(format!(
            "{}: the graph is not valid: {}",
            path.display(),
            problems.join("; ")
        ))
    }
}

/// The route files `paths` name: files as given, directories searched for `*.json`, sorted.
pub fn route_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            collect(path, &mut files)?;
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("{}: cannot list: {e}", dir.display()))?;
    let mut found: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: cannot list: {e}", dir.display()))?;
        found.push(entry.path());
    }
    found.sort();
    for path in found {
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    Ok(())
}

/// `routes validate`: each file checked; a line per file, and whether all passed.
pub fn validate(paths: &[PathBuf], checks: &Checks) -> Result<(String, bool), String> {
    let files = route_files(paths)?;
    if files.is_empty() {
        return Err("no route files found (a directory is searched for *.json)".to_string());
    }
    let mut report = String::new();
    let mut all_valid = true;
    for file in files {
        match read(&file, checks) {
            Ok(route) => report.push_str(&format!(
                "ok {} ({}, {} elements)\n",
                file.display(),
                route.name,
                route.elements.len()
            )),
            Err(problem) => {
                all_valid = false;
                report.push_str(&format!("error: {problem}\n"));
            }
        }
    }
    Ok((report, all_valid))
}

/// `routes graph`: the file's graph as Mermaid or Graphviz DOT.
pub fn picture(file: &Path, format: &str) -> Result<String, String> {
    let route = read(
        file,
        &Checks {
            skip_validation: true,
            ..Checks::default()
        },
    )?;
    match format {
        "mermaid" => Ok(graph::to_mermaid(&route.elements)),
        "dot" => Ok(graph::to_dot(&route.elements)),
        other => Err(format!("unknown format `{other}`: mermaid or dot")),
    }
}

/// `routes explain`: where `request` (JSON with `metadata`, `headers`, `body`) would go.
pub fn explain(file: &Path, request: &str) -> Result<String, String> {
    let route = read(
        file,
        &Checks {
            skip_validation: true,
            ..Checks::default()
        },
    )?;
    let request: serde_json::Value =
        serde_json::from_str(request).map_err(|e| format!("--request is not JSON: {e}"))?;
    Ok(graph::explain(&route.elements, &request).to_string())
}
