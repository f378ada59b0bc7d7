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

/// Plans every directory, then applies each plan in turn; a failure stops there, and the JSON
/// document then holds what every directory had done.
pub async fn run(client: &Client, args: &ApplyArgs) -> Result<Outcome, String> {
    let planned = directories::plan_all(&args.reconcile, client, args.prune).await?;
    let json = args.reconcile.gateway.json();
    let several = planned.len() > 1;
    let mut documents = Vec::new();
    let mut failure = None;
    for directory in &planned {
        if several && !json {
            print::out(&directories::heading(directory));
        }
        let (document, failed) = apply_one(&directory.gateway, &directory.plan, json).await;
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

/// Applies one plan, printing each route's line as it is done (text); its JSON document (with
/// `summary` when it completed), and the failure that stopped it.
async fn apply_one(
    gateway: &Gateway<'_>,
    plan: &Plan,
    json: bool,
) -> (serde_json::Value, Option<String>) {
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
            (json!({"applied": done, "summary": plan.summary()}), None)
        }
        Err(failed) => (json!({"applied": failed.done}), Some(failed.to_string())),
    }
}
