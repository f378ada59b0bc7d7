//! The desired state: every route file under the given paths read, checked and tested before
//! anything is sent, so one bad file means no request at all.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::directories::{RouteDirectory, directories};
use super::error::ReconcileError;
use super::manifest::ManifestAt;
use crate::route_file::{self, CaseOutcome, Checks, RouteFile};

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
    /// Two files of one directory naming one route (by name, or by pinned id), one line each.
    pub duplicates: Vec<String>,
    /// The manifests that govern the files, each read and checked.
    pub manifests: Vec<ManifestAt>,
    /// Route files their manifest does not own, one line each.
    pub not_owned: Vec<String>,
    /// Each file whose cases ran (it was read and its graph is valid), in file order, with
    /// every case's outcome: what a report listing each case (JUnit's) needs.
    pub tested: Vec<TestedFile>,
}

/// A route file whose cases ran.
#[derive(Debug, Clone, PartialEq)]
pub struct TestedFile {
    /// The file.
    pub source: PathBuf,
    /// Its route's name.
    pub route: String,
    /// Each case, in the file's order.
    pub cases: Vec<CaseOutcome>,
}

impl Checked {
    /// Whether every file passed and nothing conflicts.
    pub fn passed(&self) -> bool {
        self.duplicates.is_empty()
            && self.not_owned.is_empty()
            && self.files.iter().all(|(_, result)| result.is_ok())
    }
}

/// The routes one manifest governs (or the files without one), read, checked and tested.
#[derive(Debug, Clone, PartialEq)]
pub struct DesiredDirectory {
    /// The manifest: the gateway the routes belong on, and what the directory owns.
    pub manifest: Option<ManifestAt>,
    /// The routes, in file order.
    pub routes: Vec<DesiredRoute>,
}

/// Checks every route file under `paths` (files, or directories searched for `*.json`): each
/// manifest, each graph, each file's cases, two files of one directory naming the same route,
/// and files their manifest does not own. An error only when there are no files to check
/// ([`ReconcileError::InvalidFiles`]) or the files cannot be grouped by manifest.
pub fn check_all(paths: &[PathBuf], options: &LoadOptions) -> Result<Checked, ReconcileError> {
    let mut checked = Checked {
        files: Vec::new(),
        duplicates: Vec::new(),
        manifests: Vec::new(),
        not_owned: Vec::new(),
        tested: Vec::new(),
    };
    for group in directories(paths)? {
        let one = check_group(group, options);
        checked.files.extend(one.files);
        checked.duplicates.extend(one.duplicates);
        checked.manifests.extend(one.manifests);
        checked.not_owned.extend(one.not_owned);
        checked.tested.extend(one.tested);
    }
    if checked.files.is_empty() && checked.manifests.is_empty() {
        return Err(no_route_files());
    }
    Ok(checked)
}

/// The files of one manifest checked: each file, duplicates among them, files not owned.
fn check_group(group: RouteDirectory, options: &LoadOptions) -> Checked {
    let mut tested = Vec::new();
    let files: Vec<_> = group
        .files
        .into_iter()
        .map(|source| {
            let (result, cases) = check(&source, options);
            if let Some((route, cases)) = cases {
                tested.push(TestedFile {
                    source: source.clone(),
                    route,
                    cases,
                });
            }
            (source, result)
        })
        .collect();
    let passed: Vec<(&Path, &RouteFile)> = files
        .iter()
        .filter_map(|(source, result)| Some((source.as_path(), result.as_ref().ok()?)))
        .collect();
    let duplicates = duplicates(&passed);
    let not_owned = match &group.manifest {
        Some(at) => not_owned(at, &passed),
        None => Vec::new(),
    };
    Checked {
        files,
        duplicates,
        manifests: group.manifest.into_iter().collect(),
        not_owned,
        tested,
    }
}

/// Reads every route file under `paths` (files, or directories searched for `*.json`), checks
/// each graph, runs each file's cases, and refuses two files naming the same route (by name,
/// or by pinned id). Every problem is reported, not only the first
/// ([`ReconcileError::InvalidFiles`]). Files governed by several manifests are refused
/// ([`ReconcileError::SeveralManifests`]): [`load_directories`] keeps them apart.
pub fn load(paths: &[PathBuf], options: &LoadOptions) -> Result<Vec<DesiredRoute>, ReconcileError> {
    let mut directories = load_directories(paths, options)?;
    if directories.len() > 1 {
        return Err(ReconcileError::SeveralManifests {
            manifests: directories
                .iter()
                .filter_map(|d| Some(d.manifest.as_ref()?.path.clone()))
                .collect(),
        });
    }
    Ok(directories.pop().map(|d| d.routes).unwrap_or_default())
}

/// As [`load`], keeping the routes of each manifest apart (a directory of files without one
/// is a group too); every problem in every directory is reported before any is used, and a
/// route file its manifest does not own is one.
pub fn load_directories(
    paths: &[PathBuf],
    options: &LoadOptions,
) -> Result<Vec<DesiredDirectory>, ReconcileError> {
    let groups = directories(paths)?;
    if groups.is_empty() {
        return Err(no_route_files());
    }
    let mut problems = Vec::new();
    let mut loaded = Vec::new();
    for group in groups {
        // A manifest named alone, with no file, would make `prune` empty its gateway.
        if let (Some(at), true) = (&group.manifest, group.files.is_empty()) {
            problems.push(format!(
                "{}: no route files are governed by this manifest; name its directory",
                at.path.display()
            ));
            continue;
        }
        let mut checked = check_group(group, options);
        let mut routes = Vec::new();
        for (source, result) in checked.files {
            match result {
                Ok(file) => routes.push(DesiredRoute { source, file }),
                Err(mut found) => problems.append(&mut found),
            }
        }
        problems.extend(checked.duplicates);
        problems.extend(checked.not_owned);
        loaded.push(DesiredDirectory {
            manifest: checked.manifests.pop(),
            routes,
        });
    }
    if problems.is_empty() {
        Ok(loaded)
    } else {
        Err(DesiredError { problems }.into())
    }
}

/// The refusal when the paths hold no route file.
fn no_route_files() -> ReconcileError {
    ReconcileError::InvalidFiles(DesiredError {
        problems: vec!["no route files found (a directory is searched for *.json)".to_string()],
    })
}

/// Route files whose route the manifest does not own, one line each.
fn not_owned(at: &ManifestAt, routes: &[(&Path, &RouteFile)]) -> Vec<String> {
    routes
        .iter()
        .filter(|(_, route)| !at.manifest.owns.includes(&route.name))
        .map(|(source, route)| {
            format!(
                "{}: route `{}` is not owned by this directory ({} owns {}); rename the route \
                 or add a pattern to its `owns`",
                source.display(),
                route.name,
                at.path.display(),
                at.manifest.owns
            )
        })
        .collect()
}

/// The route's name and each of its cases' outcomes, when they ran.
type CasesRun = Option<(String, Vec<CaseOutcome>)>;

/// One file read, checked and tested, or its problems; and its cases' outcomes when they ran.
fn check(source: &Path, options: &LoadOptions) -> (Result<RouteFile, Vec<String>>, CasesRun) {
    let file = match route_file::read(source) {
        Ok(file) => file,
        Err(e) => return (Err(vec![e.to_string()]), None),
    };
    // One line per graph problem, each naming the file, as every other problem does.
    if let Err(problems) = route_file::check_graph(&file, &options.checks) {
        let problems = problems
            .to_string()
            .lines()
            .map(|problem| format!("{}: the graph is not valid: {problem}", source.display()))
            .collect();
        return (Err(problems), None);
    }
    if options.skip_tests {
        return (Ok(file), None);
    }
    let outcomes = route_file::run_each(&file);
    let failures: Vec<String> = outcomes
        .iter()
        .filter_map(|outcome| outcome.failure.as_ref())
        .map(|failure| format!("{}: {failure}", source.display()))
        .collect();
    let cases = Some((file.name.clone(), outcomes));
    if failures.is_empty() {
        (Ok(file), cases)
    } else {
        (Err(failures), cases)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_case_of_a_file_that_loads_is_kept_and_a_file_that_does_not_has_none() {
        let dir = tempfile::tempdir().expect("a directory");
        let route = json!({
            "name": "support-bot",
            "elements": crate::fixtures::graph(),
            "tests": [
                {"name": "free ends at end", "request": {"metadata": {"plan": "free"}},
                 "expect": {"end": "end"}},
                {"name": "free ends elsewhere", "request": {"metadata": {"plan": "free"}},
                 "expect": {"end": "elsewhere"}},
            ]
        });
        let good = dir.path().join("a.json");
        std::fs::write(&good, route.to_string()).expect("written");
        std::fs::write(dir.path().join("b.json"), "{").expect("written");

        let checked = check_all(&[dir.path().to_path_buf()], &LoadOptions::default())
            .expect("files to check");
        assert_eq!(checked.files.len(), 2);
        assert!(checked.files.iter().all(|(_, result)| result.is_err()));
        assert_eq!(
            checked.tested.len(),
            1,
            "only the file that loads ran its cases"
        );
        let tested = &checked.tested[0];
        assert_eq!(
            (tested.source.file_name(), tested.route.as_str()),
            (good.file_name(), "support-bot")
        );
        let outcomes: Vec<(&str, bool)> = tested
            .cases
            .iter()
            .map(|case| (case.name.as_str(), case.failure.is_none()))
            .collect();
        assert_eq!(
            outcomes,
            [("free ends at end", true), ("free ends elsewhere", false)]
        );

        let skipped = LoadOptions {
            skip_tests: true,
            ..LoadOptions::default()
        };
        let checked = check_all(&[good], &skipped).expect("a file to check");
        assert!(checked.passed());
        assert_eq!(checked.tested, [], "no case ran");
    }
}
