//! The desired state: every route file under the given paths read, checked and tested before
//! anything is sent, so one bad file means no request at all.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

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

/// Reads every route file under `paths` (files, or directories searched for `*.json`), checks
/// each graph, runs each file's cases, and refuses two files naming the same route (by name,
/// or by pinned id). Every problem is reported, not only the first.
pub fn load(paths: &[PathBuf], options: &LoadOptions) -> Result<Vec<DesiredRoute>, DesiredError> {
    let fail = |problems: Vec<String>| Err(DesiredError { problems });
    let files = match route_file::discover(paths) {
        Ok(files) => files,
        Err(e) => return fail(vec![e.to_string()]),
    };
    if files.is_empty() {
        return fail(vec![
            "no route files found (a directory is searched for *.json)".to_string(),
        ]);
    }
    let mut problems = Vec::new();
    let mut routes = Vec::new();
    for source in files {
        match check(&source, options) {
            Ok(file) => routes.push(DesiredRoute { source, file }),
            Err(mut found) => problems.append(&mut found),
        }
    }
    problems.extend(duplicates(&routes));
    if problems.is_empty() {
        Ok(routes)
    } else {
        fail(problems)
    }
}

/// One file read, checked and tested; its problems otherwise.
pub fn check(source: &Path, options: &LoadOptions) -> Result<RouteFile, Vec<String>> {
    let file = route_file::read(source).map_err(|e| vec![e.to_string()])?;
    let graph_problems = route_file::problems(&file, &options.checks);
    if !graph_problems.is_empty() {
        return Err(vec![format!(
            "{}: the graph is not valid: {}",
            source.display(),
            graph_problems.join("; ")
        )]);
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
pub fn duplicates(routes: &[DesiredRoute]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut names: HashMap<&str, &Path> = HashMap::new();
    let mut ids: HashMap<&str, &Path> = HashMap::new();
    for route in routes {
        if let Some(first) = names.insert(&route.file.name, &route.source) {
            problems.push(format!(
                "{}: route `{}` is also described by {}; a route must have one file",
                route.source.display(),
                route.file.name,
                first.display()
            ));
        }
        if let Some(id) = &route.file.id
            && let Some(first) = ids.insert(id, &route.source)
        {
            problems.push(format!(
                "{}: route id `{id}` is also pinned by {}; a route must have one file",
                route.source.display(),
                first.display()
            ));
        }
    }
    problems
}
