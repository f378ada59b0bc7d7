//! `routes apply`: the route files planned as `plan` plans them (every directory against its own
//! gateway), or a plan `plan --out` saved (`--plan FILE`, applied only if nothing it depends on
//! changed: `reconcile::apply_saved`), then applied (`reconcile::apply_each`, at most
//! `--concurrency` routes at once); in text each route's line as soon as it is done, so a
//! failure part way leaves on standard output what was done, and standard error says what
//! failed and what was not started. A plan that deletes is confirmed first (`confirm`). A deployment that reads
//! do not show yet is done (exit 0) with a warning on standard error.

use std::path::{Path, PathBuf};

use clap::Args;
use cloudflare_dynamic_routing::reconcile::{
    self, Applied, ApplyError, Outcome as Done, Plan, ReconcileError, SavedPlan, SavedPlanError,
};
use cloudflare_dynamic_routing::{Client, Gateway};
use serde_json::{Value, json};

use crate::cmd_plan::ReconcileArgs;
use crate::directories::Save;
use crate::{Outcome, confirm, directories, print, report};

/// `apply`'s arguments.
#[derive(Args, Debug)]
#[command(mut_arg("paths", |paths| paths.required(false).required_unless_present("plan")))]
pub struct ApplyArgs {
    #[command(flatten)]
    pub reconcile: ReconcileArgs,
    /// Delete the routes the directory owns (its routes.manifest.json) that no file describes
    /// (without it they are left alone; without a manifest it is refused)
    #[arg(long, conflicts_with = "plan")]
    pub prune: bool,
    /// Apply the plan `plan --out FILE` saved, instead of route files: exactly it, or nothing
    /// if the gateway changed in a way it depends on
    #[arg(long, value_name = "FILE", conflicts_with = "paths")]
    pub plan: Option<PathBuf>,
    /// Delete without asking (off a terminal, a plan that deletes is refused without it)
    #[arg(long)]
    pub yes: bool,
}

/// Applies the saved plan, or plans every directory (confirming any deletion) and applies each
/// plan in turn; a failure stops there, and the JSON document then holds what was done.
pub async fn run(client: &Client, args: &ApplyArgs) -> Result<Outcome, String> {
    if let Some(path) = &args.plan {
        return apply_saved(client, args, path).await;
    }
    let planned = directories::plan_all(&args.reconcile, client, args.prune, Save::No).await?;
    for directory in &planned {
        confirm::deletions(&directory.plan, args.yes)?;
    }
    let json = args.reconcile.gateway.json();
    let several = planned.len() > 1;
    let mut documents = Vec::new();
    let mut failure = None;
    for directory in &planned {
        if several && !json {
            print::out(&directories::heading(directory));
        }
        let options = args.reconcile.gateway.apply_options();
        let result =
            reconcile::apply_each(&directory.gateway, &directory.plan, &options, line(json)).await;
        let (document, failed) = report_one(&directory.plan, result.map_err(Box::new), json);
        documents.push(document);
        if failed.is_some() {
            failure = failed;
            break;
        }
    }
    if json {
        match documents.as_slice() {
            [one] => print::json(one, true),
            several => print::json(
                &json!({"directories": several, "summary": directories::total(&planned)}),
                true,
            ),
        }
    }
    failure.map_or(Ok(Outcome::Done), Err)
}

/// `apply --plan FILE`: the saved plan's gateway (flags naming another are refused by
/// `apply_saved`), its deletions confirmed, then exactly it or nothing.
async fn apply_saved(client: &Client, args: &ApplyArgs, path: &Path) -> Result<Outcome, String> {
    let saved = SavedPlan::read_from(path).map_err(|e| e.to_string())?;
    let ids = &args.reconcile.gateway;
    let gateway: Gateway<'_> = client.gateway(
        ids.account_id
            .clone()
            .unwrap_or_else(|| saved.account_id.clone()),
        ids.gateway_id
            .clone()
            .unwrap_or_else(|| saved.gateway_id.clone()),
    );
    let plan = saved.plan();
    confirm::deletions(&plan, args.yes)?;
    let json = ids.json();
    let result = reconcile::apply_saved(
        &gateway,
        &saved,
        &ids.read_options(),
        &ids.apply_options(),
        line(json),
    )
    .await;
    let result = match result {
        Ok(done) => Ok(done),
        Err(ReconcileError::Apply(failed)) => Err(failed),
        Err(ReconcileError::SavedPlan(SavedPlanError::Stale(changes))) => {
            if json {
                print::json(&json!({"applied": [], "stale": changes}), true);
            }
            return Err(SavedPlanError::Stale(changes).to_string());
        }
        Err(error) => return Err(error.to_string()),
    };
    let (document, failed) = report_one(&plan, result, json);
    if json {
        print::json(&document, true);
    }
    failed.map_or(Ok(Outcome::Done), Err)
}

/// Prints each route's line as soon as it is done (text).
fn line(json: bool) -> impl Fn(&Applied) {
    move |applied: &Applied| {
        if !json {
            print::out(&report::applied(std::slice::from_ref(applied)));
        }
    }
}

/// One plan's result: warnings for deployments reads do not show yet, its JSON document (with
/// `summary` when it completed; with `failed` and `not_started` when it stopped), and the
/// failure that stopped it (in text, each change not started is a line on standard error).
fn report_one(
    plan: &Plan,
    result: Result<Vec<Applied>, Box<ApplyError>>,
    json: bool,
) -> (Value, Option<String>) {
    match result {
        Ok(done) => {
            for (name, version) in done.iter().filter_map(unseen_deployment) {
                print::note(&report::not_yet_visible(name, version));
            }
            if !json && done.is_empty() {
                print::out(&report::applied(&done));
            }
            (json!({"applied": done, "summary": plan.summary()}), None)
        }
        Err(failed) => {
            if !json {
                for route in &failed.not_started {
                    print::note(&report::not_started(route));
                }
            }
            let failures: Vec<Value> = failed
                .failures()
                .map(|(route, error)| json!({"route": route, "error": error.to_string()}))
                .collect();
            let document = json!({
                "applied": failed.done,
                "failed": failures,
                "not_started": failed.not_started,
            });
            (document, Some(failed.to_string()))
        }
    }
}

/// The route's name and the version deployed, when reads did not show that deployment yet.
fn unseen_deployment(applied: &Applied) -> Option<(&str, &str)> {
    match &applied.outcome {
        Done::Updated {
            deployed_version: Some(version),
            not_yet_visible: true,
            ..
        } => Some((&applied.name, version)),
        _ => None,
    }
}
