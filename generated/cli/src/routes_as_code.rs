//! `plan`, `diff`, `apply`, `export`, `history` and `rollback`: routes as code, each a thin
//! front on the client's `reconcile` module, so the CLI and Rust users share one
//! implementation. Every route file is read, checked and tested before the first request.

use std::io::IsTerminal;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;

use clap::ArgMatches;
use cloudflare_dynamic_routing::graph::known_elements;
use cloudflare_dynamic_routing::reconcile::{self, LoadOptions, ReadOptions};
use cloudflare_dynamic_routing::route_file::{self, RouteFile};
use cloudflare_dynamic_routing::{Client, Gateway};

use crate::args;
use crate::report;

/// Exit code of `plan` and `diff` when applying would change something (as
/// `terraform plan -detailed-exitcode`).
pub const CHANGES: u8 = 2;

/// The commands whose exit code says whether there are changes.
pub const GATES: [&str; 2] = ["plan", "diff"];

/// The commands this module runs.
pub const COMMANDS: [&str; 6] = ["plan", "diff", "apply", "export", "history", "rollback"];

/// Runs one of [`COMMANDS`]: its exit code, or the failure in words.
pub async fn run(client: &Client, name: &str, arguments: &ArgMatches) -> Result<u8, String> {
    let text = |id: &str| arguments.get_one::<String>(id).cloned().unwrap_or_default();
    let gateway = client.gateway(text("account-id"), text("gateway-id"));
    let json = text("output") == "json";
    let read = read_options(arguments);
    let result = command(&gateway, name, arguments, &read, json).await;
    if std::io::stderr().is_terminal() {
        // End the progress line, if one was drawn.
        eprint!("\r\x1b[K");
    }
    result
}

async fn command(
    gateway: &Gateway<'_>,
    name: &str,
    arguments: &ArgMatches,
    read: &ReadOptions,
    json: bool,
) -> Result<u8, String> {
    let text = |id: &str| arguments.get_one::<String>(id).cloned().unwrap_or_default();
    match name {
        "plan" | "diff" | "apply" => {
            let desired = reconcile::load(&args::paths(arguments), &load_options(arguments))
                .map_err(|e| format!("nothing was sent:\n{e}"))?;
            let prune = args::flag(arguments, "prune");
            let plan = reconcile::plan(gateway, &desired, prune, read)
                .await
                .map_err(|e| e.to_string())?;
            if name == "apply" {
                return apply(gateway, &plan, json).await;
            }
            if json {
                report::print_json(&report::plan_json(&plan));
            } else if name == "diff" {
                let diffs = report::graph_diffs(&plan);
                report::print(&diffs);
                if diffs.is_empty() {
                    report::print("no route differs from its file\n");
                }
            } else {
                report::print(&report::plan(&plan));
            }
            Ok(if plan.has_changes() { CHANGES } else { 0 })
        }
        "export" => export(gateway, arguments, read, json).await,
        "history" => {
            let history = reconcile::history(gateway, &text("route"), read)
                .await
                .map_err(|e| e.to_string())?;
            show(json, &history, report::history);
            Ok(0)
        }
        "rollback" => {
            let to = arguments.get_one::<String>("to").map(String::as_str);
            let rollback = reconcile::rollback(gateway, &text("route"), to, read)
                .await
                .map_err(|e| e.to_string())?;
            show(json, &rollback, report::rollback);
            Ok(0)
        }
        other => Err(format!("unknown command `{other}`")),
    }
}

/// Applies `plan`; in text, each route's line as soon as it is done.
async fn apply(gateway: &Gateway<'_>, plan: &reconcile::Plan, json: bool) -> Result<u8, String> {
    let line = |applied: &reconcile::Applied| {
        if !json {
            report::print(&report::applied(std::slice::from_ref(applied)));
        }
    };
    match reconcile::apply_each(gateway, plan, line).await {
        Ok(done) => {
            if json {
                report::print_json(
                    &serde_json::json!({"applied": done, "summary": plan.summary()}),
                );
            } else if done.is_empty() {
                report::print(&report::applied(&done));
            }
            Ok(0)
        }
        Err(failed) => {
            if json {
                report::print_json(&serde_json::json!({"applied": failed.done}));
            }
            Err(failed.to_string())
        }
    }
}

/// Writes every route as a route file in the directory (created if missing). A file that
/// exists with other content is kept unless `--force`; nothing is written if any route cannot
/// be exported.
async fn export(
    gateway: &Gateway<'_>,
    arguments: &ArgMatches,
    read: &ReadOptions,
    json: bool,
) -> Result<u8, String> {
    let dir = arguments
        .get_one::<PathBuf>("dir")
        .cloned()
        .unwrap_or_default();
    let force = args::flag(arguments, "force");
    let routes = reconcile::read_routes(gateway, read)
        .await
        .map_err(|e| e.to_string())?;
    let mut files: Vec<(PathBuf, RouteFile)> = Vec::new();
    for route in routes {
        let graph = route.graph().ok_or_else(|| {
            format!(
                "route `{}` ({}): the API gave no graph; nothing was written",
                route.name, route.id
            )
        })?;
        let elements = known_elements(&graph).map_err(|unknown| {
            let kinds: Vec<&str> = unknown.iter().map(|e| e.kind()).collect();
            format!(
                "route `{}` ({}): element kinds this client does not know ({}); nothing was written",
                route.name,
                route.id,
                kinds.join(", ")
            )
        })?;
        let mut name = route_file::file_name(&route.name);
        if files.iter().any(|(path, _)| path.ends_with(&name)) {
            name = route_file::file_name(&format!("{}-{}", route.name, route.id));
        }
        let mut file = RouteFile::new(route.name, elements);
        file.id = Some(route.id);
        files.push((dir.join(name), file));
    }
    // Check every file before writing any, so a refusal leaves the directory as it was.
    let mut refused = Vec::new();
    for (path, file) in &files {
        if let Ok(existing) = std::fs::read_to_string(path)
            && existing != route_file::to_json(file)
            && !force
        {
            refused.push(path.display().to_string());
        }
    }
    if !refused.is_empty() {
        return Err(format!(
            "these files exist with other content: {}; nothing was written (--force replaces them)",
            refused.join(", ")
        ));
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    let mut written = Vec::new();
    for (path, file) in &files {
        route_file::write(path, file).map_err(|e| e.to_string())?;
        written.push(serde_json::json!({
            "file": path, "name": file.name, "route_id": file.id,
        }));
    }
    if json {
        report::print_json(&serde_json::json!({"exported": written}));
    } else {
        let mut text = String::new();
        for (path, file) in &files {
            text.push_str(&format!(
                "wrote {} ({}, {})\n",
                path.display(),
                file.name,
                file.id.as_deref().unwrap_or_default()
            ));
        }
        let plural = if files.len() == 1 { "" } else { "s" };
        text.push_str(&format!("{} route{plural} exported\n", files.len()));
        report::print(&text);
    }
    Ok(0)
}

/// Prints `value` as JSON, or as `text` renders it.
fn show<T: serde::Serialize>(json: bool, value: &T, text: fn(&T) -> String) {
    if json {
        report::print_json(value);
    } else {
        report::print(&text(value));
    }
}

fn load_options(arguments: &ArgMatches) -> LoadOptions {
    LoadOptions {
        checks: args::checks(arguments),
        skip_tests: false,
    }
}

/// `--concurrency`, and progress on standard error once many routes are read.
fn read_options(arguments: &ArgMatches) -> ReadOptions {
    let concurrency = arguments
        .try_get_one::<NonZeroUsize>("concurrency")
        .ok()
        .flatten()
        .copied()
        .unwrap_or(ReadOptions::DEFAULT_CONCURRENCY);
    // On a terminal one line counts up in place; otherwise a line per fifty routes.
    let terminal = std::io::stderr().is_terminal();
    let progress: reconcile::Progress = Arc::new(move |read| {
        if terminal && read >= 20 {
            eprint!("\rread {read} routes\x1b[K");
        } else if !terminal && read % 50 == 0 {
            eprintln!("read {read} routes");
        }
    });
    ReadOptions {
        concurrency,
        progress: Some(progress),
        ..ReadOptions::default()
    }
}
