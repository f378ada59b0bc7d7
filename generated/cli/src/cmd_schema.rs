//! `routes schema`: the JSON Schema of route files, or with `--manifest` of a directory's
//! `routes.manifest.json`, for editors (the checked-in copies are
//! `generated/client/route-file.schema.json` and `generated/client/routes-manifest.schema.json`).

use clap::Args;
use cloudflare_dynamic_routing::reconcile::Manifest;
use cloudflare_dynamic_routing::route_file::RouteFile;

use crate::{Outcome, print};

/// Which schema.
#[derive(Args, Debug)]
pub struct SchemaArgs {
    /// Print the schema of routes.manifest.json instead of route files
    #[arg(long)]
    pub manifest: bool,
}

/// Prints the schema.
pub fn run(args: &SchemaArgs) -> Result<Outcome, String> {
    if args.manifest {
        print::json(&schemars::schema_for!(Manifest), true);
    } else {
        print::json(&schemars::schema_for!(RouteFile), true);
    }
    Ok(Outcome::Done)
}
