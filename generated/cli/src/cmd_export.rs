//! `routes export`: every route on the gateway written as a route file (id pinned) into a
//! directory. A file that exists with other content is kept unless `--force`; nothing is
//! written if any route cannot be exported.

use std::path::PathBuf;

use clap::Args;
use cloudflare_dynamic_routing::Client;
use cloudflare_dynamic_routing::graph::known_elements;
use cloudflare_dynamic_routing::reconcile;
use cloudflare_dynamic_routing::route_file::{self, RouteFile};

use crate::args::GatewayArgs;
use crate::{Outcome, print};

/// `export`'s arguments.
#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub gateway: GatewayArgs,
    /// The directory to write into (created if missing)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Replace files that exist with other content (by default nothing is written then)
    #[arg(long)]
    pub force: bool,
}

/// Reads every route, checks every file before writing any, writes them, and lists them.
pub async fn run(client: &Client, args: &ExportArgs) -> Result<Outcome, String> {
    let gateway = args.gateway.gateway(client);
    let dir = &args.dir;
    let routes = reconcile::read_routes(&gateway, &args.gateway.read_options())
        .await
        .map_err(|e| e.to_string())?;
    let mut files: Vec<(PathBuf, RouteFile)> = Vec::new();
    for route in routes {
        let graph = route.graph().ok_or_else(|| {
            format!(
                "route `{}` ({}): the API gave no graph; nothing was written",
                route.name, route.id
            )
        })?;
        let elements = known_elements(&graph).map_err(|unknown| {
            let kinds: Vec<&str> = unknown.iter().map(|e| e.kind()).collect();
            format!(
                "route `{}` ({}): element kinds this client does not know ({}); nothing was written",
                route.name,
                route.id,
                kinds.join(", ")
            )
        })?;
        let mut name = route_file::file_name(&route.name);
        if files.iter().any(|(path, _)| path.ends_with(&name)) {
            name = route_file::file_name(&format!("{}-{}", route.name, route.id));
        }
        let mut file = RouteFile::new(route.name, elements);
        file.id = Some(route.id);
        files.push((dir.join(name), file));
    }
    // Check every file before writing any, so a refusal leaves the directory as it was.
    let mut refused = Vec::new();
    for (path, file) in &files {
        if let Ok(existing) = std::fs::read_to_string(path)
            && existing != route_file::to_json(file)
            && !args.force
        {
            refused.push(path.display().to_string());
        }
    }
    if !refused.is_empty() {
        return Err(format!(
            "these files exist with other content: {}; nothing was written (--force replaces them)",
            refused.join(", ")
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    let mut written = Vec::new();
    for (path, file) in &files {
        route_file::write(path, file).map_err(|e| e.to_string())?;
        written.push(serde_json::json!({
            "file": path, "name": file.name, "route_id": file.id,
        }));
    }
    if args.gateway.json() {
        print::json(&serde_json::json!({"exported": written}), true);
    } else {
        let mut text = String::new();
        for (path, file) in &files {
            text.push_str(&format!(
                "wrote {} ({}, {})\n",
                path.display(),
                file.name,
                file.id.as_deref().unwrap_or_default()
            ));
        }
        let plural = if files.len() == 1 { "" } else { "s" };
        text.push_str(&format!("{} route{plural} exported\n", files.len()));
        print::out(&text);
    }
    Ok(Outcome::Done)
}
