//! Arguments several commands share, typed: the gateway a command talks to (its ids,
//! `--output`, `--concurrency`), route files and the checks they get, one route file, one route.
//! Also the one reading of a switch on a generated subcommand, whose arguments progenitor
//! declares by name.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{ArgMatches, Args, ValueEnum};
use cloudflare_dynamic_routing::reconcile::{
    ApplyOptions, GraphCache, MANIFEST_FILE, ManifestAt, Progress, ReadOptions,
};
use cloudflare_dynamic_routing::route_file::{self, Checks, RouteFile};
use cloudflare_dynamic_routing::{Client, Gateway};

/// Default for every `--account-id`.
pub const ACCOUNT_ENV: &str = "CLOUDFLARE_ACCOUNT_ID";
/// Default for every `--gateway-id`.
pub const GATEWAY_ENV: &str = "CLOUDFLARE_GATEWAY_ID";
/// Default for `--cache-dir`.
pub const CACHE_DIR_ENV: &str = "ROUTES_CACHE_DIR";
/// Help for `--account-id`, here and on the generated subcommands.
pub const ACCOUNT_HELP: &str = "The Cloudflare account's id (32 hexadecimal digits)";
/// Help for `--gateway-id`, here and on the generated subcommands.
pub const GATEWAY_HELP: &str = "The AI Gateway's id (its name in the dashboard)";

/// The flag that accepts a conditional operator besides the documented ones.
pub const ALLOW_OPERATOR: &str = "allow-operator";

/// Whether the switch `id` was given to a generated subcommand (absent reads as not given).
pub fn flag(arguments: &ArgMatches, id: &str) -> bool {
    matches!(arguments.try_get_one::<bool>(id), Ok(Some(true)))
}

/// The graph checks a generated subcommand's `--no-validate` and `--allow-operator` ask for
/// (absent flags read as the defaults).
pub fn checks(arguments: &ArgMatches) -> Checks {
    Checks {
        skip_validation: flag(arguments, crate::body::NO_VALIDATE),
        allowed_operators: arguments
            .try_get_many::<String>(ALLOW_OPERATOR)
            .ok()
            .flatten()
            .map(|values| values.cloned().collect())
            .unwrap_or_default(),
    }
}

/// `--no-validate`: on `plan`, `diff`, `apply` and the generated subcommands that send a graph.
#[derive(Args, Debug, Clone)]
pub struct ValidationArgs {
    /// Send the graph without validating it first (by default an invalid graph is refused and
    /// nothing is sent)
    #[arg(long, id = crate::body::NO_VALIDATE)]
    pub no_validate: bool,
}

/// How the routes-as-code commands show what they found.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    // A table, coloured on a terminal.
    Text,
    // A stable document (see the README).
    Json,
    // A pull-request comment body (`plan` and `diff` only).
    Markdown,
}

/// The gateway a routes-as-code command talks to, and how it shows what it found.
#[derive(Args, Debug, Clone)]
pub struct GatewayArgs {
    /// text (a table, coloured on a terminal), json (a stable document; see the README), or
    /// markdown (a pull-request comment; `plan` and `diff` only)
    #[arg(long, value_name = "output", value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
    /// At most this many routes read at once, and, in apply, changed at once (1: one by one, in
    /// plan order)
    #[arg(long, value_name = "N", default_value_t = ReadOptions::DEFAULT_CONCURRENCY)]
    pub concurrency: NonZeroUsize,
    #[arg(long, value_name = "account-id", env = ACCOUNT_ENV, help = ACCOUNT_HELP)]
    pub account_id: Option<String>,
    #[arg(long, value_name = "gateway-id", env = GATEWAY_ENV, help = GATEWAY_HELP)]
    pub gateway_id: Option<String>,
}

impl GatewayArgs {
    /// The gateway these ids name; both are needed.
    pub fn gateway<'a>(&self, client: &'a Client) -> Result<Gateway<'a>, String> {
        let missing =
            |flag: &str, env: &str| format!("the gateway is not named: give --{flag} (or {env})");
        let account = self
            .account_id
            .clone()
            .ok_or_else(|| missing("account-id", ACCOUNT_ENV))?;
        let gateway = self
            .gateway_id
            .clone()
            .ok_or_else(|| missing("gateway-id", GATEWAY_ENV))?;
        Ok(client.gateway(account, gateway))
    }

    /// The gateway `manifest` names, or these ids without one; an id given here that
    /// contradicts the manifest is an error, never a silent switch.
    pub fn gateway_of<'a>(
        &self,
        client: &'a Client,
        manifest: Option<&ManifestAt>,
    ) -> Result<Gateway<'a>, String> {
        match manifest {
            None => self
                .gateway(client)
                .map_err(|e| format!("{e}, or a {MANIFEST_FILE} beside the route files")),
            Some(at) => {
                let (account, gateway) = at
                    .ids(self.account_id.as_deref(), self.gateway_id.as_deref())
                    .map_err(|e| e.to_string())?;
                Ok(client.gateway(account, gateway))
            }
        }
    }

    /// Whether `--output json` was asked for.
    pub fn json(&self) -> bool {
        self.output == OutputFormat::Json
    }

    /// `--concurrency` for an apply: at most that many routes changed at once.
    pub fn apply_options(&self) -> ApplyOptions {
        ApplyOptions::default().concurrency(self.concurrency)
    }

    /// Refuses `--output markdown` on a command that has no Markdown form.
    pub fn no_markdown(&self, command: &str) -> Result<(), String> {
        match self.output {
            OutputFormat::Markdown => Err(format!(
                "`routes {command}` has no --output markdown: it is for `plan` and `diff`; \
                 use text or json"
            )),
            OutputFormat::Text | OutputFormat::Json => Ok(()),
        }
    }

    /// `--concurrency`, and progress on standard error once many routes are read.
    pub fn read_options(&self) -> ReadOptions {
        let progress: Progress = Arc::new(crate::print::progress);
        ReadOptions {
            concurrency: self.concurrency,
            progress: Some(progress),
            ..ReadOptions::default()
        }
    }
}

/// `--cache-dir` and `--no-cache`: on every command that reads the whole gateway (`plan`,
/// `diff`, `apply`, `export`).
#[derive(Args, Debug, Clone)]
pub struct CacheArgs {
    /// Keep the graphs of route versions already read in DIR, so later runs read only the
    /// routes whose deployed version changed (default: the user's cache directory, e.g.
    /// ~/.cache/cloudflare-dynamic-routing/graphs)
    #[arg(long, value_name = "DIR", env = CACHE_DIR_ENV)]
    pub cache_dir: Option<PathBuf>,
    /// Keep no graphs: read every route whose graph the list does not carry (wins over
    /// --cache-dir)
    #[arg(long)]
    pub no_cache: bool,
}

impl CacheArgs {
    /// The cache asked for: none with `--no-cache`, `--cache-dir`, else the user's cache
    /// directory, else none (nothing breaks, every route is read). Its first problem is told
    /// on standard error (the run goes on; the rest would only repeat it).
    pub fn cache(&self) -> Option<GraphCache> {
        if self.no_cache {
            return None;
        }
        let cache = match &self.cache_dir {
            Some(dir) => GraphCache::in_directory(dir),
            None => GraphCache::in_user_cache_dir()?,
        };
        let told = AtomicBool::new(false);
        Some(cache.reporting(Arc::new(move |problem| {
            if !told.swap(true, Ordering::Relaxed) {
                crate::print::note(&format!(
                    "warning: {problem} (the route is read instead; further cache problems \
                     are not shown)"
                ));
            }
        })))
    }
}

/// `--allow-operator`: on every command that checks a graph (route files, and the generated
/// subcommands that send one).
#[derive(Args, Debug, Clone)]
pub struct OperatorArgs {
    /// Accept this conditional operator besides the documented $eq, $ne, $in, $and and $or
    /// (repeatable)
    #[arg(long, id = ALLOW_OPERATOR, value_name = "OPERATOR")]
    pub allow_operator: Vec<String>,
}

/// Route files and directories, and which conditional operators they may use besides the
/// documented ones.
#[derive(Args, Debug, Clone)]
pub struct RouteFilesArgs {
    #[command(flatten)]
    pub operators: OperatorArgs,
    /// Route files, or directories searched for *.json (not *.tests.json)
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
}

impl RouteFilesArgs {
    /// The checks each file gets; `skip_validation` from `--no-validate`, where there is one.
    pub fn checks(&self, skip_validation: bool) -> Checks {
        Checks {
            skip_validation,
            allowed_operators: self.operators.allow_operator.clone(),
        }
    }
}

/// One route file, read without graph checks (`graph` and `explain` serve a graph being
/// written).
#[derive(Args, Debug, Clone)]
pub struct RouteFileArgs {
    /// A route file: JSON with `name` and `elements`
    #[arg(value_name = "ROUTE-FILE")]
    pub file: PathBuf,
}

impl RouteFileArgs {
    /// The file, read without graph checks.
    pub fn read(&self) -> Result<RouteFile, String> {
        route_file::read(&self.file).map_err(|e| e.to_string())
    }
}

/// One route on the gateway.
#[derive(Args, Debug, Clone)]
pub struct RouteArgs {
    /// The route, by id or by name
    #[arg(value_name = "ROUTE")]
    pub route: String,
}
