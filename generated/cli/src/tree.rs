//! The `routes` command tree: progenitor's generated subcommands with their help made whole
//! (each description once, every option explained, the body flags described), the routes-as-code
//! commands, and the offline commands.

use std::path::PathBuf;

use clap::{Arg, Command};
use cloudflare_dynamic_routing::reconcile::ReadOptions;

use crate::body;
use crate::generated::commands::{Cli, CliCommand};
use crate::output::Output;

/// Accepts a conditional operator outside the documented set.
pub(crate) const ALLOW_OPERATOR: &str = "allow-operator";

/// Default for every `--account-id`.
const ACCOUNT_ENV: &str = "CLOUDFLARE_ACCOUNT_ID";
/// Default for every `--gateway-id`.
const GATEWAY_ENV: &str = "CLOUDFLARE_GATEWAY_ID";

/// The subcommand name of a generated operation: `list_routes` → `list-routes`.
pub(crate) fn subcommand_name(command: &CliCommand) -> String {
    command.operation_id().replace('_', "-")
}

/// Help for the path parameters, which the spec leaves without a description.
const PARAMETER_HELP: &[(&str, &str)] = &[
    (
        "account-id",
        "The Cloudflare account's id (32 hexadecimal digits)",
    ),
    (
        "gateway-id",
        "The AI Gateway's id (its name in the dashboard)",
    ),
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

/// `--no-validate` on the commands that send a graph.
fn no_validate(command: Command) -> Command {
    command.arg(
        Arg::new(body::NO_VALIDATE)
            .long(body::NO_VALIDATE)
            .action(clap::ArgAction::SetTrue)
            .help("Send the graph without validating it first (by default an invalid graph is refused and nothing is sent)"),
    )
}

fn scope_args(command: Command) -> Command {
    command
        .arg(Arg::new("account-id").long("account-id").required(true))
        .arg(Arg::new("gateway-id").long("gateway-id").required(true))
}

/// `--allow-operator`, on the commands that check a graph before sending it or check route files.
fn allow_operator(command: Command) -> Command {
    command.arg(
        Arg::new(ALLOW_OPERATOR)
            .long(ALLOW_OPERATOR)
            .value_name("OPERATOR")
            .action(clap::ArgAction::Append)
            .help("Accept this conditional operator besides the documented $eq, $ne, $in, $and and $or (repeatable)"),
    )
}

/// The commands that need no credentials and send nothing.
fn offline_commands() -> [Command; 5] {
    let file = || {
        Arg::new("file")
            .required(true)
            .value_name("ROUTE-FILE")
            .value_parser(clap::value_parser!(PathBuf))
            .help("A route file: JSON with `name` and `elements`")
    };
    [
        allow_operator(Command::new("validate").about(
            "Check route files offline (every graph rule, documented operators); exit 1 if any fails",
        ))
        .arg(paths_arg()),
        allow_operator(Command::new("test").about(
            "Run the route files' cases offline; exit 1 if any fails, showing the paths the request took",
        ))
        .arg(paths_arg()),
        Command::new("schema")
            .about("Print the JSON Schema of route files, for editors (the checked-in copy is generated/client/route-file.schema.json)"),
        Command::new("graph")
            .about("Draw a route file's graph as Mermaid or Graphviz DOT, offline")
            .arg(file())
            .arg(
                Arg::new("format")
                    .long("format")
                    .value_parser(["mermaid", "dot"])
                    .default_value("mermaid")
                    .help("mermaid (a flowchart for Markdown) or dot (for Graphviz)"),
            ),
        Command::new("explain")
            .about("Show where a request would go through a route file's graph, offline")
            .arg(file())
            .arg(
                Arg::new("request")
                    .long("request")
                    .required(true)
                    .value_name("JSON")
                    .help(r#"The request as JSON: {"metadata": {...}, "headers": {...}, "body": {...}}"#),
            ),
    ]
}

/// Route files or directories, as `plan`, `diff`, `apply`, `validate` and `test` take them.
fn paths_arg() -> Arg {
    Arg::new("paths")
        .required(true)
        .num_args(1..)
        .value_name("PATH")
        .value_parser(clap::value_parser!(PathBuf))
        .help("Route files, or directories searched for *.json (not *.tests.json)")
}

fn output_arg() -> Arg {
    Arg::new("output")
        .long("output")
        .value_parser(["text", "json"])
        .default_value("text")
        .help("text (a table, coloured on a terminal) or json (a stable document; see the README)")
}

/// A command that talks to the gateway: scope, `--output`, `--concurrency`.
fn gateway_command(name: &'static str, about: &'static str) -> Command {
    let command = Command::new(name).about(about).arg(output_arg()).arg(
        Arg::new("concurrency")
            .long("concurrency")
            .value_name("N")
            .value_parser(clap::value_parser!(std::num::NonZeroUsize))
            .default_value(ReadOptions::DEFAULT_CONCURRENCY.to_string())
            .help("At most this many reads in flight at once"),
    );
    explain_parameters(with_environment_defaults(scope_args(command)))
}

/// `plan`, `diff` and `apply`: files checked and tested, then compared with the gateway.
fn files_command(name: &'static str, about: &'static str) -> Command {
    allow_operator(no_validate(gateway_command(name, about)))
        .arg(paths_arg())
        .arg(
            Arg::new("prune")
                .long("prune")
                .action(clap::ArgAction::SetTrue)
                .help(if name == "apply" {
                    "Delete the routes on the gateway that no file describes (without it they are left alone)"
                } else {
                    "Plan to delete the routes on the gateway that no file describes"
                }),
        )
}

fn route_arg() -> Arg {
    Arg::new("route")
        .required(true)
        .value_name("ROUTE")
        .help("The route, by id or by name")
}

/// Routes as code: the commands on a whole gateway.
fn routes_as_code_commands() -> [Command; 6] {
    [
        files_command(
            "plan",
            "Show what apply would do to make the gateway match the route files; exit 0 if nothing, 2 if something, 1 on any error",
        ),
        files_command(
            "diff",
            "Show each rename, and each graph that differs from its file as a unified diff; exit codes as plan",
        ),
        files_command(
            "apply",
            "Make the gateway match the route files: create, rename in place, deploy changed graphs (an existing version when one holds the graph)",
        ),
        gateway_command(
            "export",
            "Write every route on the gateway as a route file (id pinned) into a directory",
        )
        .arg(
            Arg::new("dir")
                .required(true)
                .value_name("DIR")
                .value_parser(clap::value_parser!(PathBuf))
                .help("The directory to write into (created if missing)"),
        )
        .arg(
            Arg::new("force")
                .long("force")
                .action(clap::ArgAction::SetTrue)
                .help("Replace files that exist with other content (by default nothing is written then)"),
        ),
        gateway_command(
            "history",
            "List a route's versions (with each one's graph change) and deployments",
        )
        .arg(route_arg()),
        gateway_command(
            "rollback",
            "Deploy the version live before the current one, or --to VERSION; no version is created",
        )
        .arg(route_arg())
        .arg(
            Arg::new("to")
                .long("to")
                .value_name("VERSION")
                .help("The version to put live (see history)"),
        ),
    ]
}

/// The whole command tree.
pub(crate) fn command() -> Command {
    let mut root = Command::new("routes")
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
        .arg_required_else_help(true);
    for operation in CliCommand::iter() {
        let name = subcommand_name(&operation);
        let mut generated = Cli::<&Output>::get_command(operation).name(name.clone());
        if name == "create-route" || name == "create-version" {
            generated = allow_operator(no_validate(generated));
        }
        let generated = with_environment_defaults(short_about(generated));
        root = root.subcommand(explain_parameters(body_flags(generated)));
    }
    root.subcommands(offline_commands())
        .subcommands(routes_as_code_commands())
}
