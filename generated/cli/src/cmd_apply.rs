//! `routes apply`: the route files planned as `plan` plans them, or a plan `plan --out` saved
//! (`--plan FILE`, applied only if nothing it depends on changed: `reconcile::apply_saved`),
//! then applied (`reconcile::apply_each`); in text each route's line as soon as it is done, so
//! a failure part way leaves on standard output what was done before it. A plan that deletes is
//! confirmed first (`confirm`). A deployment that reads do not show yet is done (exit 0) with a
//! warning on standard error.

use std::path::PathBuf;

use clap::Args;
use cloudflare_dynamic_routing::Client;
use cloudflare_dynamic_routing::reconcile::{
    self, Applied, Outcome as Done, ReconcileError, SavedPlan, SavedPlanError,
};
use serde_json::json;

use crate::cmd_plan::ReconcileArgs;
use crate::{Outcome, confirm, print, report};

/// `apply`'s arguments.
#[derive(Args, Debug)]
#[command(mut_arg("paths", |paths| paths.required(false).required_unless_present("plan")))]
pub struct ApplyArgs {
    #[command(flatten)]
    pub reconcile: ReconcileArgs,
    /// Delete the routes on the gateway that no file describes (without it they are left alone)
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

/// Plans (or reads the saved plan), confirms any deletion, then applies the plan.
pub async fn run(client: &Client, args: &ApplyArgs) -> Result<Outcome, String> {
    let gateway = args.reconcile.gateway.gateway(client);
    let json = args.reconcile.gateway.json();
    let line = |applied: &Applied| {
        if !json {
            print::out(&report::applied(std::slice::from_ref(applied)));
        }
    };
    let (plan, result) = match &args.plan {
        Some(path) => {
            let saved = SavedPlan::read_from(path).map_err(|e| e.to_string())?;
            let plan = saved.plan();
            confirm::deletions(&plan, args.yes)?;
            let read = args.reconcile.gateway.read_options();
            let result = reconcile::apply_saved(&gateway, &saved, &read, &line).await;
            (plan, result)
        }
        None => {
            let plan = args.reconcile.plan(&gateway, args.prune).await?;
            confirm::deletions(&plan, args.yes)?;
            let result = reconcile::apply_each(&gateway, &plan, &line).await;
            (plan, result.map_err(ReconcileError::from))
        }
    };
    match result {
        Ok(done) => {
            for (name, version) in done.iter().filter_map(unseen_deployment) {
                print::note(&report::not_yet_visible(name, version));
            }
            if json {
                print::json(&json!({"applied": done, "summary": plan.summary()}), true);
            } else if done.is_empty() {
                print::out(&report::applied(&done));
            }
            Ok(Outcome::Done)
        }
        Err(ReconcileError::Apply(failed)) => {
            if json {
                print::json(&json!({"applied": failed.done}), true);
            }
            Err(failed.to_string())
        }
        Err(ReconcileError::SavedPlan(SavedPlanError::Stale(changes))) => {
            if json {
                print::json(&json!({"applied": [], "stale": changes}), true);
            }
            Err(SavedPlanError::Stale(changes).to_string())
        }
        Err(error) => Err(error.to_string()),
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
