//! `routes schema`: the JSON Schema of route files, for editors (the checked-in copy is
//! `generated/client/route-file.schema.json`).

use cloudflare_dynamic_routing::route_file::RouteFile;

use crate::{Outcome, print};

/// Prints the schema.
pub fn run() -> Result<Outcome, String> {
    print::json(&schemars::schema_for!(RouteFile), true);
    Ok(Outcome::Done)
}
