//! `plan`, `diff`, `apply`, `export`, `history` and `rollback`: routes as code, each a thin
//! front on the client's `reconcile` module, so the CLI and Rust users share one
//! implementation. Every route file is read, checked and tested before the first request.

use std::io::IsTerminal;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;

use clap::ArgMatches;
use cloudflare_dynamic_routing::reconcile::{
    self, LoadOptions, Overwrite, PlanOptions, ReadOptions,
};
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
            let options = PlanOptions::default()
                .prune(args::flag(arguments, "prune"))
                .read(read.clone());
            let plan = reconcile::plan(gateway, &desired, &options)
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

/// Writes every route as a route file in the directory (created if missing), with
/// `reconcile::export`: a file that exists with other content is kept unless `--force`, and
/// nothing is written if any route cannot be exported.
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
    let overwrite = if args::flag(arguments, "force") {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    let export = reconcile::export(gateway, read)
        .await
        .map_err(|e| e.to_string())?;
    let paths = export
        .write_to(&dir, overwrite)
        .map_err(|e| e.to_string())?;
    let files = paths.iter().zip(&export.files);
    if json {
        let written: Vec<_> = files
            .map(|(path, file)| {
                serde_json::json!({
                    "file": path, "name": file.route.name, "route_id": file.route.id,
                })
            })
            .collect();
        report::print_json(&serde_json::json!({"exported": written}));
    } else {
        let mut text = String::new();
        for (path, file) in files {
            text.push_str(&format!(
                "wrote {} ({}, {})\n",
                path.display(),
                file.route.name,
                file.route.id.as_deref().unwrap_or_default()
            ));
        }
        let plural = if paths.len() == 1 { "" } else { "s" };
        text.push_str(&format!("{} route{plural} exported\n", paths.len()));
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
