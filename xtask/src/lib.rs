//! Maintainer commands over the pure generator: `regenerate`, `check` and `vendor`, and
//! `bench-build` (what a user pays to build the client).
//!
//! All of the pipeline's file I/O lives here. [`run`] is what the binary runs; the tests call
//! it in-process with their own arguments and output buffers, so the exit codes and messages
//! they assert are exactly the binary's.

mod bench_build;
mod cli;
mod files;
mod plan;
mod vendor;

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clap::Parser;

pub use plan::{Change, ChangeKind, Plan};

/// Exit code: up to date, or written.
pub const EXIT_OK: u8 = 0;
/// Exit code: generated files differ from what the spec generates.
pub const EXIT_DRIFT: u8 = 1;
/// Exit code: bad input or usage.
pub const EXIT_BAD_INPUT: u8 = 2;

/// The command that brings generated files up to date; named in every drift report.
pub const FIX_COMMAND: &str = "cargo xtask regenerate";

/// The workspace this xtask was built in.
pub fn default_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// Parses `args` (program name first) and runs the command; returns the exit code.
pub fn run(
    args: impl IntoIterator<Item = OsString>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_BAD_INPUT
            } else {
                EXIT_OK
            };
            let target: &mut dyn Write = if e.use_stderr() { err } else { out };
            let _ = write!(target, "{}", e.render());
            return code;
        }
    };
    cli.run(out, err)
}
