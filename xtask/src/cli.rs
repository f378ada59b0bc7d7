//! The command line: arguments, and which command each runs.

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::{EXIT_BAD_INPUT, EXIT_DRIFT, EXIT_OK, bench_build, files, plan, vendor};

/// Maintainer commands for the generated Cloudflare Dynamic Routing client.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
pub struct Cli {
    /// The workspace root (default: the workspace this xtask was built in).
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the generated crates from the vendored spec, writing only what changed.
    Regenerate,
    /// Check that the generated crates match the vendored spec; write nothing. Exits 1 on drift.
    Check,
    /// Cut the Dynamic Routing fragment out of Cloudflare's full OpenAPI document into spec/.
    Vendor {
        /// Cloudflare's full `openapi.json`.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
    },
    /// Time cold `cargo build --release`s of tiny consumers calling `get_route`: by hand on
    /// the runtime crates (the floor), the client without default features, the client with
    /// them; interleaved in rounds (takes several minutes a round).
    BenchBuild {
        /// Rounds of builds; each builds every consumer once, and medians are reported.
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..))]
        rounds: u16,
        /// Also build a consumer expanding `progenitor::generate_api!` over the same spec.
        #[arg(long)]
        with_macro: bool,
        /// Keep the scratch folder with the consumers and their target folders.
        #[arg(long)]
        keep: bool,
    },
}

impl Cli {
    /// Runs the command; returns the exit code.
    pub fn run(self, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
        let root = self.root.unwrap_or_else(crate::default_root);
        let result = match self.command {
            Command::Regenerate => regenerate(&root, out),
            Command::Check => check(&root, out),
            Command::Vendor { from } => vendor::vendor(&root, &from, out),
            Command::BenchBuild {
                rounds,
                with_macro,
                keep,
            } => {
                let options = bench_build::BenchOptions {
                    rounds: usize::from(rounds),
                    with_macro,
                    keep,
                };
                bench_build::bench_build(&root, options, out)
            }
        };
        match result {
            Ok(code) => code,
            Err(message) => {
                let _ = writeln!(err, "error: {message}");
                EXIT_BAD_INPUT
            }
        }
    }
}

/// Writes what changed; says what it did.
fn regenerate(root: &std::path::Path, out: &mut dyn Write) -> Result<u8, String> {
    let plan = plan::plan(root)?;
    let mut changed = 0;
    for change in &plan.changes {
        let verb = match change.kind {
            plan::ChangeKind::Unchanged => continue,
            plan::ChangeKind::Create => "created",
            plan::ChangeKind::Update => "updated",
            plan::ChangeKind::Remove => "removed",
        };
        files::apply(root, change)?;
        changed += 1;
        let _ = writeln!(out, "{verb} {}", change.path);
    }
    let unchanged = plan.changes.len() - changed;
    let _ = writeln!(
        out,
        "regenerated from {}: {changed} file(s) changed, {unchanged} unchanged",
        codegen::SPEC_PATH
    );
    Ok(EXIT_OK)
}

/// Compares without writing; on drift lists each file with a unified diff and the fix.
fn check(root: &std::path::Path, out: &mut dyn Write) -> Result<u8, String> {
    let plan = plan::plan(root)?;
    let drifted: Vec<&plan::Change> = plan.drifted().collect();
    if drifted.is_empty() {
        let _ = writeln!(
            out,
            "up to date: {} generated file(s) match {}",
            plan.changes.len(),
            codegen::SPEC_PATH
        );
        return Ok(EXIT_OK);
    }
    let _ = write!(out, "{}", plan.report());
    Ok(EXIT_DRIFT)
}
