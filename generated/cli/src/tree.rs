//! The `routes` command tree, and the one place the hand-written commands meet progenitor's
//! generated ones: the generated subcommands with their help made whole (each description once,
//! every option explained, the body flags described), then every [`HandCommand`] grafted on with
//! clap derive's `augment_subcommands` and read back with `from_arg_matches`.

use std::ffi::OsString;

use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches, Subcommand};

use crate::args::{
    ACCOUNT_ENV, ACCOUNT_HELP, GATEWAY_ENV, GATEWAY_HELP, OperatorArgs, ValidationArgs,
};
use crate::body;
use crate::cmd_apply::ApplyArgs;
use crate::cmd_completions::CompletionsArgs;
use crate::cmd_explain::ExplainArgs;
use crate::cmd_export::ExportArgs;
use crate::cmd_graph::GraphArgs;
use crate::cmd_history::HistoryArgs;
use crate::cmd_man::ManArgs;
use crate::cmd_plan::PlanArgs;
use crate::cmd_rollback::RollbackArgs;
use crate::cmd_schema::SchemaArgs;
use crate::cmd_validate::{TestArgs, ValidateArgs};
use crate::generated::commands::{Cli, CliCommand};
use crate::output::Output;
use crate::rate::RateArgs;

/// The hand-written commands, each with its typed arguments; the description of each is its
/// one line in `routes --help`.
#[derive(Subcommand, Debug)]
pub enum HandCommand {
    /// Check route files offline (every graph rule, documented operators); exit 1 if any fails
    Validate(ValidateArgs),
    /// Run the route files' cases offline; exit 1 if any fails, showing the paths the request
    /// took; --junit FILE also writes a JUnit report
    Test(TestArgs),
    /// Print the JSON Schema of route files, or with --manifest of routes.manifest.json, for
    /// editors (the checked-in copies are generated/client/*.schema.json)
    Schema(SchemaArgs),
    /// Draw a route file's graph as Mermaid or Graphviz DOT, offline
    Graph(GraphArgs),
    /// Show where a request would go through a route file's graph, offline
    Explain(ExplainArgs),
    /// Show what apply would do to make the gateway match the route files; exit 0 if nothing, 2
    /// if something, 1 on any error
    Plan(PlanArgs),
    /// Show each rename, and each graph that differs from its file as a unified diff; exit codes
    /// as plan
    Diff(PlanArgs),
    /// Make the gateway match the route files, or apply a saved plan (--plan FILE): create,
    /// rename in place, deploy changed graphs (an existing version when one holds the graph)
    Apply(ApplyArgs),
    /// Write every route on the gateway as a route file (id pinned) into a directory
    Export(ExportArgs),
    /// List a route's versions (with each one's graph change) and deployments
    History(HistoryArgs),
    /// Deploy the version live before the current one, or --to VERSION; no version is created
    Rollback(RollbackArgs),
    /// Print the shell completion script for bash, zsh, fish, powershell or elvish
    Completions(CompletionsArgs),
    /// Write a man page for every command (routes.1, routes-plan.1, ...) into a directory
    Man(ManArgs),
}

/// What the command line asks for, and the rate budget (flags global to every command).
pub enum Invocation {
    /// One of progenitor's generated operations, with its arguments as progenitor reads them.
    Operation(CliCommand, ArgMatches, RateArgs),
    /// A hand-written command.
    Command(HandCommand, RateArgs),
}

/// Parses `arguments` (the program's name first) against the whole tree.
pub fn parse(arguments: impl IntoIterator<Item = OsString>) -> Result<Invocation, clap::Error> {
    let mut root = command();
    let matches = root.try_get_matches_from_mut(arguments)?;
    // Global flags given after the subcommand are read back at the root too.
    let rate = RateArgs::from_arg_matches(&matches).map_err(|error| error.format(&mut root))?;
    if let Some((name, arguments)) = matches.subcommand()
        && let Some(operation) = operation(name)
    {
        return Ok(Invocation::Operation(operation, arguments.clone(), rate));
    }
    HandCommand::from_arg_matches(&matches)
        .map(|command| Invocation::Command(command, rate))
        .map_err(|error| error.format(&mut root))
}

/// Whether the command `name` exits 2 for "changes" (`plan`, `diff`: those taking
/// [`PlanArgs`]), so its bad usage must exit otherwise.
pub fn reports_changes(name: &str) -> bool {
    let Some(plan) = PlanArgs::group_id() else {
        return false;
    };
    command()
        .find_subcommand(name)
        .is_some_and(|command| command.get_groups().any(|group| group.get_id() == &plan))
}

/// The generated operation whose subcommand is `name`.
pub fn operation(name: &str) -> Option<CliCommand> {
    CliCommand::iter().find(|operation| subcommand_name(operation) == name)
}

/// The subcommand name of a generated operation: `list_routes` → `list-routes`.
fn subcommand_name(command: &CliCommand) -> String {
    command.operation_id().replace('_', "-")
}

/// Help for the path parameters, which the spec leaves without a description.
const PARAMETER_HELP: &[(&str, &str)] = &[
    ("account-id", ACCOUNT_HELP),
    ("gateway-id", GATEWAY_HELP),
    ("id", "The route's id (see list-routes)"),
    ("version-id", "The version's id (see list-versions)"),
];

/// Every option explained: the path parameters get their help where they have none.
fn explain_parameters(mut command: Command) -> Command {
    for (id, help) in PARAMETER_HELP {
        let undocumented = command.get_arguments().any(|a| {
            a.get_id() == *id && a.get_help().is_none_or(|h| h.to_string().trim().is_empty())
        });
        if undocumented {
            command = command.mut_arg(*id, |a| a.help(*help));
        }
    }
    command
}

/// `--account-id` and `--gateway-id` default to the environment.
fn with_environment_defaults(mut command: Command) -> Command {
    for (id, variable) in [("account-id", ACCOUNT_ENV), ("gateway-id", GATEWAY_ENV)] {
        if command.get_arguments().any(|a| a.get_id() == id) {
            command = command.mut_arg(id, |a| a.env(variable));
        }
    }
    command
}

/// progenitor's `about` is the summary and the description joined; the list of commands shows
/// the first line, `--help` the whole, each paragraph once (the spec's summary and description
/// are often the same sentence).
fn short_about(command: Command) -> Command {
    let Some(about) = command.get_about().map(ToString::to_string) else {
        return command;
    };
    let mut paragraphs: Vec<&str> = Vec::new();
    for paragraph in about.split("\n\n").map(str::trim) {
        if !paragraph.is_empty() && !paragraphs.contains(&paragraph) {
            paragraphs.push(paragraph);
        }
    }
    let first = paragraphs.first().copied().unwrap_or_default().to_string();
    command.about(first).long_about(paragraphs.join("\n\n"))
}

/// The generated body flags explained (`main` answers `--json-body-template` before parsing, so
/// it needs no other argument).
fn body_flags(command: Command) -> Command {
    if !command
        .get_arguments()
        .any(|a| a.get_id() == body::TEMPLATE)
    {
        return command;
    }
    let command = command.mut_arg(body::TEMPLATE, |a| {
        a.help("Print an example JSON body for --json-body, valid as it stands, and exit; nothing is sent")
    });
    command.mut_arg("json-body", |a| {
        a.help("A file holding the whole JSON body (see --json-body-template); a flag that also sets a body field must not contradict it")
    })
}

/// Whether `operation` changes something on the gateway (any method but `GET`), so its
/// subcommand takes `--dry-run`.
pub fn writes(operation: CliCommand) -> bool {
    cloudflare_dynamic_routing::operations::find(operation.operation_id())
        .is_some_and(|o| o.method != "GET")
}

/// `--dry-run`, on the subcommands that write.
fn dry_run_flag(command: Command, operation: CliCommand) -> Command {
    if !writes(operation) {
        return command;
    }
    command.arg(
        Arg::new(DRY_RUN)
            .long(DRY_RUN)
            .action(ArgAction::SetTrue)
            .help(
                "Check the request as usual, then print its method, URL, headers (credentials \
                 redacted) and JSON body instead of sending it; nothing is sent",
            ),
    )
}

/// The flag that prints a write's request instead of sending it.
pub const DRY_RUN: &str = "dry-run";

/// One generated operation's subcommand, its help made whole.
fn generated(operation: CliCommand) -> Command {
    let mut command = Cli::<&Output>::get_command(operation).name(subcommand_name(&operation));
    if matches!(
        operation,
        CliCommand::CreateRoute | CliCommand::CreateVersion
    ) {
        // The arguments only, listed last: `augment_args` would also replace the description.
        let checks = OperatorArgs::augment_args(ValidationArgs::augment_args(Command::new("")));
        command = command.args(
            checks
                .get_arguments()
                .map(|argument| argument.clone().display_order(None)),
        );
    }
    let command = dry_run_flag(command, operation);
    explain_parameters(body_flags(with_environment_defaults(short_about(command))))
}

/// The program's name, as installed.
pub const BINARY: &str = "routes";

/// The whole command tree: the generated operations, then the hand-written commands.
pub fn command() -> Command {
    let tree = Command::new(BINARY).subcommands(CliCommand::iter().map(generated));
    // Described after grafting, which would otherwise describe the tree as `HandCommand`.
    RateArgs::augment_args(HandCommand::augment_subcommands(tree))
        .about("Cloudflare AI Gateway Dynamic Routing from the command line")
        .long_about(
            "Cloudflare AI Gateway Dynamic Routing from the command line.\n\n\
             Credentials: CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY; \
             CLOUDFLARE_BASE_URL overrides the API's address. CLOUDFLARE_ACCOUNT_ID and \
             CLOUDFLARE_GATEWAY_ID are the defaults for --account-id and --gateway-id. \
             The operations print JSON; the routes-as-code commands print a table, or JSON \
             with --output json.",
        )
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg_required_else_help(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn only_plan_and_diff_report_changes() {
        let reporting: Vec<String> = command()
            .get_subcommands()
            .map(|command| command.get_name().to_string())
            .filter(|name| reports_changes(name))
            .collect();
        assert_eq!(reporting, ["plan", "diff"]);
    }

    #[test]
    fn no_validate_is_the_flag_the_body_checks_read() {
        let matches = generated(CliCommand::CreateVersion)
            .try_get_matches_from([
                "create-version",
                "--account-id=a",
                "--gateway-id=g",
                "--id=r",
                "--json-body=b.json",
                "--no-validate",
            ])
            .expect("parses");
        assert!(crate::args::flag(&matches, body::NO_VALIDATE));
    }
}
