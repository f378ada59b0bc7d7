//! `routes apply`: the route files planned as `plan` plans them, then applied
//! (`reconcile::apply_each`); in text each route's line as soon as it is done, so a failure part
//! way leaves on standard output what was done before it. A deployment that reads do not show
//! yet is done (exit 0) with a warning on standard error.

use clap::Args;
use cloudflare_dynamic_routing::Client;
use cloudflare_dynamic_routing::reconcile::{self, Applied, Outcome as Done};
use serde_json::json;

use crate::cmd_plan::ReconcileArgs;
use crate::{Outcome, print, report};

/// `apply`'s arguments.
#[derive(Args, Debug)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub reconcile: ReconcileArgs,
    /// Delete the routes on the gateway that no file describes (without it they are left alone)
    #[arg(long)]
    pub prune: bool,
}

/// Plans, then applies the plan.
pub async fn run(client: &Client, args: &ApplyArgs) -> Result<Outcome, String> {
    let gateway = args.reconcile.gateway.gateway(client);
    let plan = args.reconcile.plan(&gateway, args.prune).await?;
    let json = args.reconcile.gateway.json();
    let line = |applied: &Applied| {
        if !json {
            print::out(&report::applied(std::slice::from_ref(applied)));
        }
    };
    match reconcile::apply_each(&gateway, &plan, line).await {
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
        Err(failed) => {
            if json {
                print::json(&json!({"applied": failed.done}), true);
            }
            Err(failed.to_string())
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
