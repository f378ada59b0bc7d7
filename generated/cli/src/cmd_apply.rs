//! `routes apply`: the route files planned as `plan` plans them, then applied
//! (`reconcile::apply_each`); in text each route's line as soon as it is done, so a failure part
//! way leaves on standard output what was done before it.

use clap::Args;
use cloudflare_dynamic_routing::reconcile::{self, Applied, Plan};
use cloudflare_dynamic_routing::{Client, Gateway};
use serde_json::json;

use crate::cmd_plan::ReconcileArgs;
use crate::{Outcome, directories, print, report};

/// `apply`'s arguments.
#[derive(Args, Debug)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub reconcile: ReconcileArgs,
    /// Delete the routes the directory owns (its routes.manifest.json) that no file describes
    /// (without it they are left alone; without a manifest it is refused)
    #[arg(long)]
    pub prune: bool,
}

/// Plans every directory, then applies each plan in turn; a failure stops there.
pub async fn run(client: &Client, args: &ApplyArgs) -> Result<Outcome, String> {
    let planned = directories::plan_all(&args.reconcile, client, args.prune).await?;
    let json = args.reconcile.gateway.json();
    let several = planned.len() > 1;
    let mut documents = Vec::new();
    for directory in &planned {
        if several && !json {
            print::out(&directories::heading(directory));
        }
        let document = apply_one(&directory.gateway, &directory.plan, json).await?;
        documents.push(document);
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
    Ok(Outcome::Done)
}

/// Applies one plan, printing each route's line as it is done (text); its JSON document.
async fn apply_one(
    gateway: &Gateway<'_>,
    plan: &Plan,
    json: bool,
) -> Result<serde_json::Value, String> {
    let line = |applied: &Applied| {
        if !json {
            print::out(&report::applied(std::slice::from_ref(applied)));
        }
    };
    match reconcile::apply_each(gateway, plan, line).await {
        Ok(done) => {
            if !json && done.is_empty() {
                print::out(&report::applied(&done));
            }
            Ok(json!({"applied": done, "summary": plan.summary()}))
        }
        Err(failed) => {
            if json {
                print::json(&json!({"applied": failed.done}), true);
            }
            Err(failed.to_string())
        }
    }
}
