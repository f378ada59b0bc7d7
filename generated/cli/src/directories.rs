//! `plan`, `diff` and `apply` over several directories: the route files grouped by their
//! manifest (`reconcile::load_directories`), each group planned against its own gateway (the
//! manifest's, checked against `--account-id`/`--gateway-id`) and owning what its manifest
//! says, all read concurrently; shown one directory after another with one summary.

use std::fmt::Write as _;

use cloudflare_dynamic_routing::reconcile::{
    self, DesiredRoute, LoadOptions, ManifestAt, Plan, PlanOptions, SavedPlan, Summary,
};
use cloudflare_dynamic_routing::{Client, Gateway};
use futures_util::future::try_join_all;

use crate::cmd_plan::ReconcileArgs;

/// One directory's plan and the gateway it was made against.
pub struct Planned<'a> {
    /// The manifest naming the gateway; `None` for files without one (the gateway from the
    /// flags or the environment, nothing owned).
    pub manifest: Option<ManifestAt>,
    /// The gateway.
    pub gateway: Gateway<'a>,
    /// What to do there.
    pub plan: Plan,
    /// The plan with what it saw on the gateway, when [`Save::Kept`] was asked for.
    pub saved: Option<SavedPlan>,
}

/// Whether each plan is also kept with what it saw, to be saved (`plan --out`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Save {
    /// Only the plan.
    No,
    /// The plan and what it saw.
    Kept,
}

/// Reads, checks and tests every route file (nothing is sent if one fails, or if an id given
/// contradicts a manifest), then plans each directory against its gateway, concurrently; with
/// `prune`, the owned routes no file describes are to be deleted.
pub async fn plan_all<'a>(
    args: &ReconcileArgs,
    client: &'a Client,
    prune: bool,
    save: Save,
) -> Result<Vec<Planned<'a>>, String> {
    let options = LoadOptions {
        checks: args.checks(),
        skip_tests: false,
    };
    let directories = reconcile::load_directories(&args.files.paths, &options)
        .map_err(|e| format!("nothing was sent:\n{e}"))?;
    let mut targets: Vec<(Planned<'a>, Vec<DesiredRoute>, PlanOptions)> = Vec::new();
    let cache = args.cache.cache();
    for directory in directories {
        let gateway = args
            .gateway
            .gateway_of(client, directory.manifest.as_ref())?;
        let mut options = PlanOptions::default()
            .prune(prune)
            .read(args.gateway.read_options().cache(cache.clone()));
        if let Some(at) = &directory.manifest {
            if let Some(other) = targets
                .iter()
                .filter_map(|(earlier, _, _)| earlier.manifest.as_ref())
                .find(|other| same_gateway(other, at))
            {
                return Err(format!(
                    "{} and {} both name gateway `{}` of account `{}`: one directory per \
                     gateway; nothing was sent",
                    other.path.display(),
                    at.path.display(),
                    at.manifest.gateway_id,
                    at.manifest.account_id
                ));
            }
            options = options.owns(at.manifest.owns.clone());
        }
        let planned = Planned {
            manifest: directory.manifest,
            gateway,
            plan: Plan { routes: Vec::new() },
            saved: None,
        };
        targets.push((planned, directory.routes, options));
    }
    // Every gateway read at once; the first failure ends them all, before any write.
    let plans = targets.iter().map(|(planned, routes, options)| async move {
        let gateway = &planned.gateway;
        match save {
            Save::No => reconcile::plan(gateway, routes, options)
                .await
                .map(|plan| (plan, None)),
            Save::Kept => reconcile::plan_to_save(gateway, routes, options)
                .await
                .map(|saved| (saved.plan(), Some(saved))),
        }
        .map_err(|e| e.to_string())
    });
    let plans = try_join_all(plans).await?;
    Ok(targets
        .into_iter()
        .zip(plans)
        .map(|((planned, _, _), (plan, saved))| Planned {
            plan,
            saved,
            ..planned
        })
        .collect())
}

/// Whether two manifests name one gateway.
fn same_gateway(a: &ManifestAt, b: &ManifestAt) -> bool {
    a.manifest.account_id == b.manifest.account_id && a.manifest.gateway_id == b.manifest.gateway_id
}

/// The heading of one directory's part of the output: its manifest and gateway.
pub fn heading(planned: &Planned<'_>) -> String {
    match &planned.manifest {
        Some(at) => format!(
            "== {} (account {}, gateway {})\n",
            at.path.display(),
            at.manifest.account_id,
            at.manifest.gateway_id
        ),
        None => "== route files without a manifest\n".to_string(),
    }
}

/// Every directory's summary added up.
pub fn total(planned: &[Planned<'_>]) -> Summary {
    let mut total = Summary::default();
    for one in planned {
        total += one.plan.summary();
    }
    total
}

/// Several directories' plans as text: each under its heading, then the total.
pub fn text(planned: &[Planned<'_>], one: impl Fn(&Plan) -> String) -> String {
    let mut text = String::new();
    for directory in planned {
        text.push_str(&heading(directory));
        text.push_str(&one(&directory.plan));
        text.push('\n');
    }
    let _ = writeln!(text, "in all: {}", total(planned));
    text
}

/// Several directories' plans as JSON: `changes`, the total `summary`, and `directories`, each
/// with its manifest, account, gateway and plan (as `--output json` shows one).
pub fn json(
    planned: &[Planned<'_>],
    one: impl Fn(&Plan) -> serde_json::Value,
) -> serde_json::Value {
    let directories: Vec<serde_json::Value> = planned
        .iter()
        .map(|directory| {
            let mut value = one(&directory.plan);
            if let (Some(at), Some(object)) = (&directory.manifest, value.as_object_mut()) {
                object.insert("manifest".into(), serde_json::json!(at.path));
                object.insert(
                    "account_id".into(),
                    serde_json::json!(at.manifest.account_id),
                );
                object.insert(
                    "gateway_id".into(),
                    serde_json::json!(at.manifest.gateway_id),
                );
            }
            value
        })
        .collect();
    serde_json::json!({
        "changes": planned.iter().any(|p| p.plan.has_changes()),
        "summary": total(planned),
        "directories": directories,
    })
}
