//! `routes rollback`: the version live before the current one, or `--to VERSION`, deployed
//! again; no version is created (`reconcile::rollback`).

use clap::Args;
use cloudflare_dynamic_routing::Client;
use cloudflare_dynamic_routing::reconcile;

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
}

/// Rolls back, and says what it did.
pub async fn run(client: &Client, args: &RollbackArgs) -> Result<Outcome, String> {
    let gateway = args.gateway.gateway(client)?;
    let rollback = reconcile::rollback(
        &gateway,
        &args.route.route,
        args.to.as_deref(),
        &args.gateway.read_options(),
    )
    .await
    .map_err(|e| e.to_string())?;
    print::result(args.gateway.json(), &rollback, report::rollback);
    Ok(Outcome::Done)
}
