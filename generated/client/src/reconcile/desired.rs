//! The desired state: every route file under the given paths read, checked and tested before
//! anything is sent, so one bad file means no request at all.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::error::ReconcileError;
use crate::route_file::{self, Checks, RouteFile};

/// A route as a file describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredRoute {
    /// The file it was read from.
    pub source: PathBuf,
    /// What the file says.
    pub file: RouteFile,
}

/// Why the desired routes cannot be used: every problem in every file, one line each, each
/// naming its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredError {
    /// The problems, in file order.
    pub problems: Vec<String>,
}

impl fmt::Display for DesiredError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problems.join("\n"))
    }
}

impl std::error::Error for DesiredError {}

/// What [`load`] does besides reading.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// How graphs are checked.
    pub checks: Checks,
    /// Whether to skip the route files' cases (by default every case must pass).
    pub skip_tests: bool,
}

/// Every route file under `paths`, each read, checked and tested: what [`load`] refuses on, and
/// what `routes validate` and `routes test` report file by file.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// Each file, in order, with its route or its problems.
    pub files: Vec<(PathBuf, Result<RouteFile, Vec<String>>)>,
    /// Two files naming one route (by name, or by pinned id), one line each.
    pub duplicates: Vec<String>,
}

/// Checks every route file under `paths` (files, or directories searched for `*.json`): each
/// graph, each file's cases, and two files naming the same route. An error only when there are
/// no files to check ([`ReconcileError::InvalidFiles`]).
pub fn check_all(paths: &[PathBuf], options: &LoadOptions) -> Result<Checked, ReconcileError> {
    let fail = |problem: String| {
        Err(ReconcileError::InvalidFiles(DesiredError {
            problems: vec![problem],
        }))
    };
    let files = match route_file::discover(paths) {
        Ok(files) => files,
        Err(e) => return fail(e.to_string()),
    };
    if files.is_empty() {
        return fail("no route files found (a directory is searched for *.json)".to_string());
    }
    let files: Vec<_> = files
        .into_iter()
        .map(|source| {
            let result = check(&source, options);
            (source, result)
        })
        .collect();
    let passed: Vec<(&Path, &RouteFile)> = files
        .iter()
        .filter_map(|(source, result)| Some((source.as_path(), result.as_ref().ok()?)))
        .collect();
    let duplicates = duplicates(&passed);
    Ok(Checked { files, duplicates })
}

/// Reads every route file under `paths` (files, or directories searched for `*.json`), checks
/// each graph, runs each file's cases, and refuses two files naming the same route (by name,
/// or by pinned id). Every problem is reported, not only the first
/// ([`ReconcileError::InvalidFiles`]).
pub fn load(paths: &[PathBuf], options: &LoadOptions) -> Result<Vec<DesiredRoute>, ReconcileError> {
    let checked = check_all(paths, options)?;
    let mut problems = Vec::new();
    let mut routes = Vec::new();
    for (source, result) in checked.files {
        match result {
            Ok(file) => routes.push(DesiredRoute { source, file }),
            Err(mut found) => problems.append(&mut found),
        }
    }
    problems.extend(checked.duplicates);
    if problems.is_empty() {
        Ok(routes)
    } else {
        Err(DesiredError { problems }.into())
    }
}

/// One file read, checked and tested; its problems otherwise.
fn check(source: &Path, options: &LoadOptions) -> Result<RouteFile, Vec<String>> {
    let file = route_file::read(source).map_err(|e| vec![e.to_string()])?;
    // One line per graph problem, each naming the file, as every other problem does.
    if let Err(problems) = route_file::check_graph(&file, &options.checks) {
        return Err(problems
            .to_string()
            .lines()
            .map(|problem| format!("{}: the graph is not valid: {problem}", source.display()))
            .collect());
    }
    if options.skip_tests {
        return Ok(file);
    }
    let failures = route_file::run_tests(&file);
    if failures.is_empty() {
        Ok(file)
    } else {
        Err(failures
            .iter()
            .map(|failure| format!("{}: {failure}", source.display()))
            .collect())
    }
}

/// Two files for one route (the same name, or the same pinned id), one line each.
fn duplicates(routes: &[(&Path, &RouteFile)]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut names: HashMap<&str, &Path> = HashMap::new();
    let mut ids: HashMap<&str, &Path> = HashMap::new();
    for (source, route) in routes {
        if let Some(first) = names.insert(&route.name, source) {
            problems.push(format!(
                "{}: route `{}` is also described by {}; a route must have one file",
                source.display(),
                route.name,
                first.display()
            ));
        }
        if let Some(id) = &route.id
            && let Some(first) = ids.insert(id, source)
        {
            problems.push(format!(
                "{}: route id `{id}` is also pinned by {}; a route must have one file",
                source.display(),
                first.display()
            ));
        }
    }
    problems
}
