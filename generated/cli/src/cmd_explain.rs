//! `routes explain`: where a request would go through a route file's graph, offline.

use clap::Args;
use cloudflare_dynamic_routing::graph;

use crate::args::RouteFileArgs;
use crate::{Outcome, print};

/// The file, and the request.
#[derive(Args, Debug)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub file: RouteFileArgs,
    /// The request as JSON: {"metadata": {...}, "headers": {...}, "body": {...}}
    #[arg(long, value_name = "JSON")]
    pub request: String,
}

/// Prints the paths the request takes.
pub fn run(args: &ExplainArgs) -> Result<Outcome, String> {
    let route = args.file.read()?;
    let request: serde_json::Value =
        serde_json::from_str(&args.request).map_err(|e| format!("--request is not JSON: {e}"))?;
    print::out(&graph::explain(&route.elements, &request).to_string());
    Ok(Outcome::Done)
}
