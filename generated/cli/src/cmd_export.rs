//! `routes export`: every route on the gateway written as a route file (id pinned) into a
//! directory, with the directory's manifest (the gateway, owning all of it), by
//! `reconcile::export`; this command only prints what was written. A directory that already has
//! a manifest is exported from its gateway (a flag naming another is an error).

use std::path::PathBuf;

use clap::Args;
use cloudflare_dynamic_routing::Client;
use cloudflare_dynamic_routing::reconcile::{self, MANIFEST_FILE, Manifest, ManifestAt, Overwrite};

use crate::args::{CacheArgs, GatewayArgs};
use crate::{Outcome, print, report};

/// `export`'s arguments.
#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub gateway: GatewayArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
    /// The directory to write into (created if missing)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Replace files that exist with other content (by default nothing is written then)
    #[arg(long)]
    pub force: bool,
}

/// Exports, and lists the files written.
pub async fn run(client: &Client, args: &ExportArgs) -> Result<Outcome, String> {
    let existing = args.dir.join(MANIFEST_FILE);
    let manifest = if existing.is_file() {
        let manifest = Manifest::read(&existing).map_err(|e| e.to_string())?;
        Some(ManifestAt {
            path: existing,
            manifest,
        })
    } else {
        None
    };
    let gateway = args.gateway.gateway_of(client, manifest.as_ref())?;
    let overwrite = if args.force {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    let export = reconcile::export(
        &gateway,
        &args.gateway.read_options().cache(args.cache.cache()),
    )
    .await
    .map_err(|e| e.to_string())?;
    let paths = export
        .write_to(&args.dir, overwrite)
        .map_err(|e| e.to_string())?;
    if args.gateway.json() {
        print::json(&report::exported_json(&export, &paths), true);
    } else {
        print::out(&report::exported(&export, &paths));
        let manifest = args.dir.join(MANIFEST_FILE);
        print::out(&format!(
            "wrote {} (this directory owns the whole gateway; see `routes plan --prune`)\n",
            manifest.display()
        ));
    }
    Ok(Outcome::Done)
}
