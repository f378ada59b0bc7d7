//! `routes completions SHELL`: the shell completion script for the whole command tree (the
//! generated subcommands and the hand-written commands alike), from clap_complete, on
//! standard output.

use clap::Args;
use clap_complete::Shell;

use crate::{Outcome, print, tree};

/// Which shell.
#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete in: bash, zsh, fish, powershell or elvish
    #[arg(value_name = "SHELL", value_enum)]
    pub shell: Shell,
}

/// Prints the script.
pub fn run(args: &CompletionsArgs) -> Result<Outcome, String> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut tree::command(), tree::BINARY, &mut script);
    print::out(&String::from_utf8_lossy(&script));
    Ok(Outcome::Done)
}
