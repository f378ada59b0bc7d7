//! Running one of progenitor's generated subcommands: its example body when
//! `--json-body-template` is given (answered before parsing, so nothing else is needed and
//! nothing is sent), otherwise the request through the generated `Cli`, a failure rendered
//! through the client's own `Error` as `apply`'s are. With `--dry-run` the client records the
//! request after every check instead of sending it, and it is printed.

use clap::ArgMatches;
use cloudflare_dynamic_routing::Error;
use cloudflare_dynamic_routing::raw::Error as RawError;
use cloudflare_dynamic_routing::types::ErrorBody;
use serde_json::Value;

use crate::args::{checks, flag};
use crate::generated::commands::{Cli, CliCommand};
use crate::output::Output;
use crate::rate::RateArgs;
use crate::tree::DRY_RUN;
use crate::{Outcome, body, client_builder, print};

/// The example body, when `arguments` (without the program's name) are `<subcommand> …
/// --json-body-template` for a subcommand that takes a body.
pub fn template(arguments: &[String]) -> Option<Value> {
    if !arguments
        .iter()
        .any(|a| a == &format!("--{}", body::TEMPLATE))
    {
        return None;
    }
    body::template(&arguments.first()?.replace('-', "_"))
}

/// Sends the request `operation` and `arguments` describe, and prints the answer; with
/// `--dry-run`, prints the request instead of sending it, after the same checks.
pub async fn run(
    operation: CliCommand,
    arguments: &ArgMatches,
    rate: &RateArgs,
) -> Result<Outcome, String> {
    // `--no-validate` and `--allow-operator` reach the client too, which checks graphs before
    // sending.
    let dry_run = flag(arguments, DRY_RUN);
    let client = client_builder(&checks(arguments), rate)?
        .dry_run(dry_run)
        .build()
        .map_err(|error| error.to_string())?;
    let output = Output::new();
    let cli = Cli::new(client.raw().clone(), &output);
    let Err(error) = cli.execute(operation, arguments).await else {
        return Ok(Outcome::Done);
    };
    // Status, Cloudflare's codes and messages, `cf-ray`, the cause of a failed connection.
    let error = match error.downcast::<RawError<ErrorBody>>() {
        Ok(raw) => client.raw_error(operation.operation_id(), raw),
        Err(other) => return Err(format!("{other:#}")),
    };
    match error {
        Error::DryRun { request, .. } => {
            print::json(&request, true);
            print::note("dry run: nothing was sent");
            Ok(Outcome::Done)
        }
        error => Err(error.to_string()),
    }
}
