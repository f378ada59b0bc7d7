//! Running one of progenitor's generated subcommands: its example body when
//! `--json-body-template` is given (answered before parsing, so nothing else is needed and
//! nothing is sent), otherwise the request through the generated `Cli`, a failure rendered
//! through the client's own `Error` as `apply`'s are.

use clap::ArgMatches;
use cloudflare_dynamic_routing::raw::Error as RawError;
use cloudflare_dynamic_routing::types::ErrorBody;
use serde_json::Value;

use crate::args::checks;
use crate::generated::commands::{Cli, CliCommand};
use crate::output::Output;
use crate::rate::RateArgs;
use crate::{Outcome, body, client};

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

/// Sends the request `operation` and `arguments` describe, and prints the answer.
pub async fn run(
    operation: CliCommand,
    arguments: &ArgMatches,
    rate: &RateArgs,
) -> Result<Outcome, String> {
    // `--no-validate` and `--allow-operator` reach the client too, which checks graphs before
    // sending.
    let client = client(&checks(arguments), rate)?;
    let output = Output::new();
    let cli = Cli::new(client.raw().clone(), &output);
    // Status, Cloudflare's codes and messages, `cf-ray`, the cause of a failed connection.
    cli.execute(operation, arguments).await.map_err(|error| {
        match error.downcast::<RawError<ErrorBody>>() {
            Ok(raw) => client.raw_error(operation.operation_id(), raw).to_string(),
            Err(other) => format!("{other:#}"),
        }
    })?;
    Ok(Outcome::Done)
}
