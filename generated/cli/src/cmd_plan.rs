//! `routes plan` and `routes diff`, one command shown two ways: the route files read, checked
//! and tested before the first request, then compared with the gateway (`reconcile::plan`).
//! `plan` shows a table of what `apply` would do, `diff` each rename and each changing graph as
//! a unified diff (with `--output markdown` both are a pull-request comment); both end in [`Outcome::Changes`] when applying would change something, so CI
//! can tell (as `terraform plan -detailed-exitcode`). `--out FILE` also saves the plan with what
//! it saw, for `apply --plan FILE`.

use std::path::PathBuf;

use clap::Args;
use cloudflare_dynamic_routing::Client;
use cloudflare_dynamic_routing::reconcile::Plan;
use cloudflare_dynamic_routing::route_file::Checks;

use crate::args::{CacheArgs, GatewayArgs, OutputFormat, RouteFilesArgs, ValidationArgs};
use crate::directories::Save;
use crate::markdown::{COMMENT_LIMIT, Diffs, Part};
use crate::{Outcome, directories, markdown, print, report};

/// What `plan`, `diff` and `apply` share: the gateway, and the route files it is compared with.
#[derive(Args, Debug)]
pub struct ReconcileArgs {
    #[command(flatten)]
    pub gateway: GatewayArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
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
}

/// `plan` and `diff`'s arguments.
#[derive(Args, Debug)]
pub struct PlanArgs {
    #[command(flatten)]
    pub reconcile: ReconcileArgs,
    /// Plan to delete the routes the directory owns (its routes.manifest.json) that no file
    /// describes
    #[arg(long)]
    pub prune: bool,
    /// Also save the plan, with what it saw on the gateway, to FILE, for `apply --plan FILE`
    /// (one directory, one gateway)
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

/// Prints the plan (saving it first with `--out`); [`Outcome::Changes`] if applying it would
/// change anything.
pub async fn run(client: &Client, args: &PlanArgs, view: View) -> Result<Outcome, String> {
    let save = if args.out.is_some() {
        Save::Kept
    } else {
        Save::No
    };
    let planned = directories::plan_all(&args.reconcile, client, args.prune, save).await?;
    if let Some(path) = &args.out {
        let [one] = planned.as_slice() else {
            return Err(format!(
                "--out saves the plan of one gateway, and these route files belong to {} \
                 manifests: plan each directory apart",
                planned.len()
            ));
        };
        if let Some(saved) = &one.saved {
            saved.write_to(path).map_err(|e| e.to_string())?;
            print::note(&format!(
                "plan saved to {0}; `routes apply --plan {0}` applies exactly it",
                path.display()
            ));
        }
    }
    let show = |plan: &Plan| match view {
        View::Table => report::plan(plan),
        View::Diffs => {
            let diffs = report::graph_diffs(plan);
            if diffs.is_empty() {
                "no route differs from its file\n".to_string()
            } else {
                diffs
            }
        }
    };
    match (args.reconcile.gateway.output, planned.as_slice()) {
        (OutputFormat::Markdown, _) => {
            let several = planned.len() > 1;
            let parts: Vec<Part<'_>> = planned
                .iter()
                .map(|directory| Part {
                    heading: several.then(|| directories::heading(directory).trim().to_string()),
                    plan: &directory.plan,
                })
                .collect();
            let diffs = match view {
                View::Table => Diffs::Collapsed,
                View::Diffs => Diffs::Open,
            };
            print::out(&markdown::comment(&parts, diffs, COMMENT_LIMIT));
        }
        (OutputFormat::Json, [one]) => print::json(&report::plan_json(&one.plan), true),
        (OutputFormat::Json, several) => {
            print::json(&directories::json(several, report::plan_json), true)
        }
        (OutputFormat::Text, [one]) => print::out(&show(&one.plan)),
        (OutputFormat::Text, several) => print::out(&directories::text(several, show)),
    }
    Ok(if planned.iter().any(|p| p.plan.has_changes()) {
        Outcome::Changes
    } else {
        Outcome::Done
    })
}
