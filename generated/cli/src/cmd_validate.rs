//! `routes validate` and `routes test`, one command: route files checked offline with every
//! graph rule and the documented operators, the same checks `plan` and `apply` run first
//! (`reconcile::check_all`); `test` also runs each file's cases. No credentials; nothing is sent.

use clap::Args;
use cloudflare_dynamic_routing::reconcile::{self, LoadOptions};
use cloudflare_dynamic_routing::route_file::RouteFile;

use crate::Outcome;
use crate::args::RouteFilesArgs;
use crate::{print, report};

/// The route files to check.
#[derive(Args, Debug)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub files: RouteFilesArgs,
}

/// Whether each file's cases are run too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cases {
    /// `validate`: the graphs only.
    Skip,
    /// `test`: the graphs, then the cases.
    Run,
}

/// A line per file (`ok FILE (NAME, what)` or its problems), then two files naming one route;
/// refused if any file failed.
pub fn run(args: &ValidateArgs, cases: Cases) -> Result<Outcome, String> {
    let options = LoadOptions {
        checks: args.files.checks(false),
        skip_tests: cases == Cases::Skip,
    };
    let checked = reconcile::check_all(&args.files.paths, &options).map_err(|e| e.to_string())?;
    let what = |route: &RouteFile| match cases {
        Cases::Skip => format!("{} elements", route.elements.len()),
        Cases::Run => match route.tests.len() {
            0 => "no cases".to_string(),
            1 => "1 case passed".to_string(),
            n => format!("{n} cases passed"),
        },
    };
    print::out(&report::checked(&checked, what));
    Ok(if checked.passed() {
        Outcome::Done
    } else {
        Outcome::Refused
    })
}
