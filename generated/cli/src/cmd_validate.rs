//! `routes validate` and `routes test`, one command: route files checked offline with every
//! graph rule and the documented operators, the same checks `plan` and `apply` run first
//! (`reconcile::check_all`); `test` also runs each file's cases, and with `--junit FILE` writes
//! them as a JUnit report (`junit`). No credentials; nothing is sent.

use std::path::{Path, PathBuf};

use clap::Args;
use cloudflare_dynamic_routing::reconcile::{self, Checked, LoadOptions};
use cloudflare_dynamic_routing::route_file::RouteFile;
use cloudflare_dynamic_routing::staged_file;

use crate::Outcome;
use crate::args::RouteFilesArgs;
use crate::{junit, print, report};

/// The route files to check.
#[derive(Args, Debug)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub files: RouteFilesArgs,
}

/// The route files whose cases to run, and where to write a JUnit report.
#[derive(Args, Debug)]
pub struct TestArgs {
    #[command(flatten)]
    pub check: ValidateArgs,
    /// Also write the results as JUnit XML (a test case per case; CI systems render it) to FILE,
    /// whole or not at all; `-` writes it to standard output and the usual lines to standard
    /// error
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
}

/// Whether each file's cases are run too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cases {
    /// `validate`: the graphs only.
    Skip,
    /// `test`: the graphs, then the cases.
    Run,
}

/// `validate`: a line per file (`ok FILE (NAME, N elements)` or its problems), then two files
/// naming one route; refused if any file failed.
pub fn validate(args: &ValidateArgs) -> Result<Outcome, String> {
    let checked = check(args, Cases::Skip)?;
    Ok(lines(&checked, Cases::Skip, print::out))
}

/// `test`: as `validate`, each file's cases run too; with `--junit` the report is written first
/// (also when no file could be checked), and a report that cannot be written is a failure.
pub fn test(args: &TestArgs) -> Result<Outcome, String> {
    let checked = check(&args.check, Cases::Run);
    let Some(target) = &args.junit else {
        return Ok(lines(&checked?, Cases::Run, print::out));
    };
    // The schema's timestamp: UTC without a zone.
    let timestamp = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string();
    let xml = junit::report(checked.as_ref().map_err(String::as_str), &timestamp)
        .map_err(|e| format!("cannot render the JUnit report: {e}"))?;
    let to_stdout = target.as_os_str() == "-";
    if to_stdout {
        print::out(&String::from_utf8_lossy(&xml));
    } else {
        write_report(target, &xml)?;
    }
    let show = if to_stdout { print::err } else { print::out };
    Ok(lines(&checked?, Cases::Run, show))
}

fn write_report(target: &Path, xml: &[u8]) -> Result<(), String> {
    staged_file::write(target, xml)
        .map_err(|e| format!("cannot write the JUnit report {}: {e}", target.display()))
}

/// Every file under the paths checked, and with `Cases::Run` tested.
fn check(args: &ValidateArgs, cases: Cases) -> Result<Checked, String> {
    let options = LoadOptions {
        checks: args.files.checks(false),
        skip_tests: cases == Cases::Skip,
    };
    reconcile::check_all(&args.files.paths, &options).map_err(|e| e.to_string())
}

/// The line per file, through `show`; refused if any file failed.
fn lines(checked: &Checked, cases: Cases, show: fn(&str)) -> Outcome {
    let what = |route: &RouteFile| match cases {
        Cases::Skip => format!("{} elements", route.elements.len()),
        Cases::Run => match route.tests.len() {
            0 => "no cases".to_string(),
            1 => "1 case passed".to_string(),
            n => format!("{n} cases passed"),
        },
    };
    show(&report::checked(checked, what));
    if checked.passed() {
        Outcome::Done
    } else {
        Outcome::Refused
    }
}
