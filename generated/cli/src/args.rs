//! Parsed arguments read one way everywhere: a switch, the route-file paths, and the checks
//! route files get (`--no-validate`, `--allow-operator`). An argument a command does not have
//! reads as absent.

use std::path::PathBuf;

use clap::ArgMatches;
use cloudflare_dynamic_routing::route_file::Checks;

use crate::body::NO_VALIDATE;
use crate::tree::ALLOW_OPERATOR;

/// Whether the switch `id` was given.
pub fn flag(arguments: &ArgMatches, id: &str) -> bool {
    matches!(arguments.try_get_one::<bool>(id), Ok(Some(true)))
}

/// The route files and directories given as `PATH…`.
pub fn paths(arguments: &ArgMatches) -> Vec<PathBuf> {
    arguments
        .try_get_many::<PathBuf>("paths")
        .ok()
        .flatten()
        .map(|paths| paths.cloned().collect())
        .unwrap_or_default()
}

/// The checks a route file gets, from `--no-validate` and `--allow-operator`.
pub fn checks(arguments: &ArgMatches) -> Checks {
    Checks {
        skip_validation: flag(arguments, NO_VALIDATE),
        allowed_operators: arguments
            .try_get_many::<String>(ALLOW_OPERATOR)
            .ok()
            .flatten()
            .map(|values| values.cloned().collect())
            .unwrap_or_default(),
    }
}
