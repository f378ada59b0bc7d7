//! `routes rollback`: the version deployed before the live one, or `--to VERSION`, deployed
//! again; no version is created, and a second rollback right after the first sends nothing
//! (`reconcile::rollback`).

use clap::Args;
use cloudflare_dynamic_routing::Client;
use cloudflare_dynamic_routing::reconcile::{self, RollbackOptions};

use crate::args::{GatewayArgs, RouteArgs};
use crate::{Outcome, print, report};

/// `rollback`'s arguments.
#[derive(Args, Debug)]
pub struct RollbackArgs {
    #[command(flatten)]
    pub gateway: GatewayArgs,
    #[command(flatten)]
    pub route: RouteArgs,
    /// The version to put live (see history)
    #[arg(long, value_name = "VERSION")]
    pub to: Option<String>,
    /// Refuse, sending nothing, unless this version is live (the newest deployment's)
    #[arg(long, value_name = "VERSION")]
    pub expect_live: Option<String>,
}

/// Rolls back, and says what it did.
pub async fn run(client: &Client, args: &RollbackArgs) -> Result<Outcome, String> {
    let gateway = args.gateway.gateway(client)?;
    let mut options = RollbackOptions::default().read(args.gateway.read_options());
    options.to = args.to.clone();
    options.expect_live = args.expect_live.clone();
    let rollback = reconcile::rollback(&gateway, &args.route.route, &options)
        .await
        .map_err(|e| e.to_string())?;
    print::result(args.gateway.json(), &rollback, report::rollback);
    if rollback.not_yet_visible {
        print::note(&report::not_yet_visible(
            &rollback.name,
            &rollback.to_version,
        ));
    }
    Ok(Outcome::Done)
}
