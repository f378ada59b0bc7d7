//! `routes history`: a route's versions, each with its graph change, and its deployments
//! (`reconcile::history`).

use clap::Args;
use cloudflare_dynamic_routing::Client;
use cloudflare_dynamic_routing::reconcile;

use crate::args::{GatewayArgs, RouteArgs};
use crate::{Outcome, print, report};

/// `history`'s arguments.
#[derive(Args, Debug)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub gateway: GatewayArgs,
    #[command(flatten)]
    pub route: RouteArgs,
}

/// Prints the history.
pub async fn run(client: &Client, args: &HistoryArgs) -> Result<Outcome, String> {
    let gateway = args.gateway.gateway(client)?;
    let history = reconcile::history(&gateway, &args.route.route, &args.gateway.read_options())
        .await
        .map_err(|e| e.to_string())?;
    print::result(args.gateway.json(), &history, report::history);
    Ok(Outcome::Done)
}
