//! How the hand-written commands' results read: a line per checked route file (`validate`,
//! `test`); for `plan`, `diff`, `apply`, `export`, `history` and `rollback` an aligned table and
//! coloured changes (`print` strips the colour when standard output is not a terminal, or
//! `NO_COLOR` is set), or with `--output json` a stable JSON document (documented in the
//! README). Everything here renders text; `print` writes it.

use std::fmt::Write as _;
use std::path::PathBuf;

use anstyle::{AnsiColor, Style};
use cloudflare_dynamic_routing::graph::{in_id_order, known_elements};
use cloudflare_dynamic_routing::reconcile::{
    Action, Applied, Change, Checked, Deploy, ElementChange, Export, History, NotStarted,
    NothingSent, Outcome, Phase, Plan, Rollback, RoutePlan,
};
use cloudflare_dynamic_routing::route_file::RouteFile;
use serde::Serialize;
use similar::{ChangeTag, TextDiff};

const ADD: Style = AnsiColor::Green.on_default();
const REMOVE: Style = AnsiColor::Red.on_default();
const CHANGE: Style = AnsiColor::Yellow.on_default();
const QUIET: Style = Style::new().dimmed();

/// Text in a style; the reset is added only when there is a style.
fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// A line per checked file, `ok FILE (NAME, what)` or each of its problems, then each pair of
/// files naming one route.
pub fn checked(checked: &Checked, what: impl Fn(&RouteFile) -> String) -> String {
    let mut text = String::new();
    for at in &checked.manifests {
        let manifest = &at.manifest;
        let _ = writeln!(
            text,
            "ok {} (account {}, gateway {}, owns {})",
            at.path.display(),
            manifest.account_id,
            manifest.gateway_id,
            manifest.owns
        );
    }
    for (file, result) in &checked.files {
        match result {
            Ok(route) => {
                let _ = writeln!(
                    text,
                    "ok {} ({}, {})",
                    file.display(),
                    route.name,
                    what(route)
                );
            }
            Err(problems) => {
                for problem in problems {
                    let _ = writeln!(text, "error: {problem}");
                }
            }
        }
    }
    for problem in checked.duplicates.iter().chain(&checked.not_owned) {
        let _ = writeln!(text, "error: {problem}");
    }
    text
}

/// Rows as columns padded to their widest cell (cells may hold colour codes, which take no
/// room).
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let visible = |cell: &str| {
        anstream::adapter::strip_str(cell)
            .to_string()
            .chars()
            .count()
    };
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(visible(cell));
        }
    }
    let mut text = String::new();
    let mut line = |cells: Vec<String>| {
        let mut out = String::new();
        for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(cell);
                out.push_str(&" ".repeat(width - visible(cell) + 2));
            }
        }
        text.push_str(out.trim_end());
        text.push('\n');
    };
    line(
        header
            .iter()
            .map(|h| paint(Style::new().bold(), h))
            .collect(),
    );
    for row in rows {
        line(row.clone());
    }
    text
}

/// An element change, `+ id`, `- id` or `~ id`, then each field's old and new value under
/// it (`model: gpt-4o → gpt-4o-mini`), indented by `indent`.
pub fn change_lines(change: &ElementChange, indent: &str) -> String {
    let (sign, style) = match change.change {
        Change::Added => ("+", ADD),
        Change::Removed => ("-", REMOVE),
        Change::Changed { .. } => ("~", CHANGE),
    };
    let mut text = format!(
        "{indent}{}\n",
        paint(style, &format!("{sign} {}", change.element_id))
    );
    for value in &change.values {
        let _ = writeln!(text, "{indent}    {value}");
    }
    text
}

fn change_line(change: &ElementChange) -> String {
    change_lines(change, "      ")
}

/// A plan as a table of the routes that change or have no file, each changing route's element
/// changes under it, and a summary.
pub fn plan(plan: &Plan) -> String {
    let mut rows = Vec::new();
    let mut details = String::new();
    // Unchanged routes are counted in the summary, not listed: a gateway of hundreds of
    // routes would bury the few that change.
    for route in &plan.routes {
        let (label, style) = match &route.action {
            Action::Create { .. } => ("create", ADD),
            Action::Update { .. } => ("update", CHANGE),
            Action::Unchanged => continue,
            Action::Extra => ("not in files", QUIET),
            Action::Delete => ("delete", REMOVE),
            Action::NotManaged => ("not managed here", QUIET),
        };
        let source = match &route.source {
            Some(path) => path.display().to_string(),
            None => "-".to_string(),
        };
        rows.push(vec![
            paint(style, label),
            route.name.clone(),
            route
                .route_id
                .clone()
                .unwrap_or_else(|| "(new)".to_string()),
            source,
        ]);
        match &route.action {
            Action::Create { changes, .. } => {
                let _ = writeln!(details, "  {} {}:", paint(ADD, "+"), route.name);
                details.extend(changes.iter().map(change_line));
            }
            Action::Update { rename, graph } => {
                let _ = writeln!(details, "  {} {}:", paint(CHANGE, "~"), route.name);
                if let Some(rename) = rename {
                    let _ = writeln!(details, "      rename `{}` → `{}`", rename.from, rename.to);
                }
                if let Some(graph) = graph {
                    let how = match &graph.deploy {
                        Deploy::NewVersion => "as a new version".to_string(),
                        Deploy::ExistingVersion { version_id } => {
                            format!("by deploying existing version `{version_id}` again")
                        }
                    };
                    let _ = writeln!(details, "      graph changes, {how}:");
                    details.extend(graph.changes.iter().map(change_line));
                }
            }
            Action::Delete => {
                let _ = writeln!(details, "  {} {}: deleted", paint(REMOVE, "-"), route.name);
            }
            Action::Unchanged | Action::Extra | Action::NotManaged => {}
        }
    }
    let mut text = if rows.is_empty() {
        "every route matches its file\n".to_string()
    } else {
        table(&["ACTION", "ROUTE", "ID", "FILE"], &rows)
    };
    if !details.is_empty() {
        text.push('\n');
        text.push_str(&details);
    }
    let summary = plan.summary();
    let _ = writeln!(text, "\n{summary}");
    if summary.extra > 0 {
        text.push_str(
            "routes not in any file are left alone; `apply --prune` deletes those the \
             directory's routes.manifest.json owns\n",
        );
    }
    if summary.not_managed > 0 {
        text.push_str("routes not managed here are outside the manifest's `owns`; never deleted\n");
    }
    text
}

/// The plan as JSON: `changes` (whether applying would change anything), `summary`, `routes`.
pub fn plan_json(plan: &Plan) -> serde_json::Value {
    serde_json::json!({
        "changes": plan.has_changes(),
        "summary": plan.summary(),
        "routes": plan.routes,
    })
}

/// Each rename, and each changing graph as a unified diff of its JSON (elements in id order),
/// coloured.
pub fn graph_diffs(plan: &Plan) -> String {
    plan.routes.iter().map(route_diff).collect()
}

/// One route's rename and graph diff (see [`graph_diffs`]); empty when neither changes.
pub fn route_diff(route: &RoutePlan) -> String {
    let mut text = String::new();
    if let Action::Update {
        rename: Some(rename),
        ..
    } = &route.action
    {
        let line = format!("route `{}` is renamed to `{}`", rename.from, rename.to);
        let _ = writeln!(text, "{}", paint(CHANGE, &line));
    }
    let (live, wanted) = match &route.action {
        Action::Create { elements, .. } => (String::new(), pretty(&in_id_order(elements))),
        Action::Update {
            graph: Some(graph), ..
        } => {
            let live = match known_elements(&graph.live) {
                Ok(known) => pretty(&in_id_order(&known)),
                Err(_) => pretty(&graph.live),
            };
            (live, pretty(&in_id_order(&graph.elements)))
        }
        _ => return text,
    };
    let source = route
        .source
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let live_name = match &route.route_id {
        Some(id) => format!("live {} ({id})", route.name),
        None => format!("live {} (does not exist)", route.name),
    };
    let _ = writeln!(text, "{}", paint(REMOVE, &format!("--- {live_name}")));
    let _ = writeln!(text, "{}", paint(ADD, &format!("+++ {source}")));
    let diff = TextDiff::from_lines(&live, &wanted);
    for hunk in diff.unified_diff().iter_hunks() {
        let _ = writeln!(
            text,
            "{}",
            paint(Style::new().bold(), &hunk.header().to_string())
        );
        for change in hunk.iter_changes() {
            let (sign, style) = match change.tag() {
                ChangeTag::Delete => ("-", REMOVE),
                ChangeTag::Insert => ("+", ADD),
                ChangeTag::Equal => (" ", Style::new()),
            };
            let line = format!("{sign}{}", change.value().trim_end_matches('\n'));
            let _ = writeln!(text, "{}", paint(style, &line));
        }
    }
    text
}

/// Pretty JSON with a final newline, for diffs.
fn pretty<T: Serialize + ?Sized>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// What `apply` did, one line per route changed.
pub fn applied(done: &[Applied]) -> String {
    if done.is_empty() {
        return "nothing to change\n".to_string();
    }
    let mut text = String::new();
    for applied in done {
        let what = match &applied.outcome {
            Outcome::Created => paint(ADD, "created"),
            Outcome::Deleted => paint(REMOVE, "deleted"),
            Outcome::Updated {
                renamed_from,
                deployed_version,
                new_version,
                not_yet_visible,
            } => {
                let mut parts = Vec::new();
                if let Some(from) = renamed_from {
                    parts.push(format!("renamed from `{from}`"));
                }
                if let Some(version) = deployed_version {
                    parts.push(match new_version {
                        Some(false) => format!("deployed existing version `{version}`"),
                        _ => format!("deployed new version `{version}`"),
                    });
                    if *not_yet_visible {
                        parts.push("reads do not show it yet".to_string());
                    }
                }
                paint(CHANGE, &parts.join(", "))
            }
        };
        let _ = writeln!(text, "{} ({}): {what}", applied.name, applied.route_id);
    }
    text
}

/// What `export` wrote: a line per file (`paths` in the export's order), then how many.
pub fn exported(export: &Export, paths: &[PathBuf]) -> String {
    let mut text = String::new();
    for (path, file) in paths.iter().zip(&export.files) {
        let _ = writeln!(
            text,
            "wrote {} ({}, {})",
            path.display(),
            file.route.name,
            file.route.id.as_deref().unwrap_or_default()
        );
    }
    let plural = if paths.len() == 1 { "" } else { "s" };
    let _ = writeln!(text, "{} route{plural} exported", paths.len());
    text
}

/// What `export` wrote, as JSON: `exported`, each file with its route's name and id.
pub fn exported_json(export: &Export, paths: &[PathBuf]) -> serde_json::Value {
    let files: Vec<serde_json::Value> = paths
        .iter()
        .zip(&export.files)
        .map(|(path, file)| {
            serde_json::json!({"file": path, "name": file.route.name, "route_id": file.route.id})
        })
        .collect();
    serde_json::json!({ "exported": files })
}

/// A route's versions as a table, with each version's changes under it.
pub fn history(history: &History) -> String {
    let mut text = format!(
        "route {} ({}); live version: {}\n\n",
        history.name, history.route_id, history.live_version
    );
    let mut rows = Vec::new();
    for version in &history.versions {
        let id = if version.live {
            paint(ADD, &format!("{} (live)", version.version_id))
        } else {
            version.version_id.clone()
        };
        let changes = match &version.changes {
            None => "-".to_string(),
            Some(changes) if changes.is_empty() => "no graph change".to_string(),
            Some(changes) => changes
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        };
        rows.push(vec![
            id,
            version.created_at.clone(),
            version.deployed_at.join(", "),
            version.elements.map_or("?".to_string(), |n| n.to_string()),
            changes,
        ]);
    }
    text.push_str(&table(
        &[
            "VERSION",
            "CREATED",
            "DEPLOYED",
            "ELEMENTS",
            "CHANGES FROM THE VERSION BEFORE",
        ],
        &rows,
    ));
    if let Some(full) = &history.maybe_incomplete {
        for (size, what) in [
            (full.versions, "versions"),
            (full.deployments, "deployments"),
        ] {
            if let Some(size) = size {
                text.push_str(&format!(
                    "the API answered a full page of {size} {what}; older {what} may exist \
                     that it does not list\n"
                ));
            }
        }
    }
    text
}

/// What `rollback` did.
pub fn rollback(rollback: &Rollback) -> String {
    let route = format!("route {} ({})", rollback.name, rollback.route_id);
    match &rollback.nothing_sent {
        None if rollback.not_yet_visible => format!(
            "{route}: rolled back from version `{}` to version `{}`; deployed, reads do not \
             show it yet\n",
            rollback.from_version, rollback.to_version
        ),
        None => format!(
            "{route}: rolled back from version `{}` to version `{}`; reads show it live\n",
            rollback.from_version, rollback.to_version
        ),
        Some(NothingSent::AlreadyLive) => format!(
            "{route}: version `{}` is already live; nothing was sent\n",
            rollback.to_version
        ),
        Some(NothingSent::LiveIsAStepBack { stepped_back_from }) => format!(
            "{route}: live version `{}` was itself deployed going back from version \
             `{stepped_back_from}`; nothing was sent (`--to VERSION` deploys any version)\n",
            rollback.to_version
        ),
    }
}

/// The line for a change an apply did not start, because another failed first.
pub fn not_started(route: &NotStarted) -> String {
    let what = match route.phase {
        Phase::Update => "rename or graph change",
        Phase::Create => "creation",
        Phase::Delete => "deletion",
    };
    match &route.route_id {
        Some(id) => format!("not started: {} ({id}): {what}", route.name),
        None => format!("not started: {}: {what}", route.name),
    }
}

/// The warning for a deployment made that reads do not show yet.
pub fn not_yet_visible(route: &str, version: &str) -> String {
    format!(
        "warning: route {route}: deployed version `{version}`; reads do not show it yet \
         (the API's reads lag a deployment; the same command again deploys no new version)"
    )
}
