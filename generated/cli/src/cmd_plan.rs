//! `routes plan` and `routes diff`, one command shown two ways: the route files read, checked
//! and tested before the first request, then compared with the gateway (`reconcile::plan`).
//! `plan` shows a table of what `apply` would do, `diff` each rename and each changing graph as
//! a unified diff; both end in [`Outcome::Changes`] when applying would change something, so CI
//! can tell (as `terraform plan -detailed-exitcode`). With `--out FILE` the plan is also saved,
//! with what it saw, for `apply --plan FILE` (`reconcile::plan_to_save`).

use clap::Args;

use std::path::PathBuf;

use cloudflare_dynamic_routing::reconcile::{
    self, DesiredRoute, LoadOptions, Plan, PlanOptions, SavedPlan,
};
use cloudflare_dynamic_routing::route_file::Checks;
use cloudflare_dynamic_routing::{Client, Gateway};

use crate::args::{GatewayArgs, RouteFilesArgs, ValidationArgs};
use crate::{Outcome, print, report};

/// What `plan`, `diff` and `apply` share: the gateway, and the route files it is compared with.
#[derive(Args, Debug)]
pub struct ReconcileArgs {
    #[command(flatten)]
    pub gateway: GatewayArgs,
    #[command(flatten)]
    pub validation: ValidationArgs,
    #[command(flatten)]
    pub files: RouteFilesArgs,
}

impl ReconcileArgs {
    /// The graph checks every route file gets, and the client before sending.
    pub fn checks(&self) -> Checks {
        self.files.checks(self.validation.no_validate)
    }

    /// Reads, checks and tests every route file (nothing is sent if one fails), then compares
    /// them with `gateway`; with `prune`, the routes no file describes are to be deleted.
    pub async fn plan(&self, gateway: &Gateway<'_>, prune: bool) -> Result<Plan, String> {
        let (desired, options) = self.desired(prune)?;
        reconcile::plan(gateway, &desired, &options)
            .await
            .map_err(|e| e.to_string())
    }

    /// [`ReconcileArgs::plan`], kept with what it saw on the gateway, to be saved.
    pub async fn saved_plan(
        &self,
        gateway: &Gateway<'_>,
        prune: bool,
    ) -> Result<SavedPlan, String> {
        let (desired, options) = self.desired(prune)?;
        reconcile::plan_to_save(gateway, &desired, &options)
            .await
            .map_err(|e| e.to_string())
    }

    /// The route files, read, checked and tested, and how to plan for them.
    fn desired(&self, prune: bool) -> Result<(Vec<DesiredRoute>, PlanOptions), String> {
        let options = LoadOptions {
            checks: self.checks(),
            skip_tests: false,
        };
        let desired = reconcile::load(&self.files.paths, &options)
            .map_err(|e| format!("nothing was sent:\n{e}"))?;
        let options = PlanOptions::default()
            .prune(prune)
            .read(self.gateway.read_options());
        Ok((desired, options))
    }
}

/// `plan` and `diff`'s arguments.
#[derive(Args, Debug)]
pub struct PlanArgs {
    #[command(flatten)]
    pub reconcile: ReconcileArgs,
    /// Plan to delete the routes on the gateway that no file describes
    #[arg(long)]
    pub prune: bool,
    /// Also save the plan, with what it saw on the gateway, to FILE, for `apply --plan FILE`
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// How the plan is shown.
#[derive(Debug, Clone, Copy)]
pub enum View {
    /// `plan`: a table of the routes that change, each one's element changes, a summary.
    Table,
    /// `diff`: each rename, and each changing graph as a unified diff.
    Diffs,
}

/// Prints the plan; [`Outcome::Changes`] if applying it would change anything.
pub async fn run(client: &Client, args: &PlanArgs, view: View) -> Result<Outcome, String> {
    let gateway = args.reconcile.gateway.gateway(client);
    let plan = match &args.out {
        None => args.reconcile.plan(&gateway, args.prune).await?,
        Some(path) => {
            let saved = args.reconcile.saved_plan(&gateway, args.prune).await?;
            saved.write_to(path).map_err(|e| e.to_string())?;
            print::note(&format!(
                "plan saved to {0}; `routes apply --plan {0}` applies exactly it",
                path.display()
            ));
            saved.plan()
        }
    };
    if args.reconcile.gateway.json() {
        print::json(&report::plan_json(&plan), true);
    } else {
        match view {
            View::Table => print::out(&report::plan(&plan)),
            View::Diffs => {
                let diffs = report::graph_diffs(&plan);
                print::out(&diffs);
                if diffs.is_empty() {
                    print::out("no route differs from its file\n");
                }
            }
        }
    }
    Ok(if plan.has_changes() {
        Outcome::Changes
    } else {
        Outcome::Done
    })
}
