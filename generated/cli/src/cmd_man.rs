//! `routes man DIR`: a man page per command of the whole tree (`routes.1`, `routes-plan.1`,
//! `routes-create-route.1`, …), from clap_mangen. Every page is rendered and staged beside its
//! target before the first is put in place, each written whole (`StagedFile`), so a failure
//! leaves no half-written page.

use std::path::PathBuf;

use clap::{Args, Command};
use cloudflare_dynamic_routing::staged_file::StagedFile;

use crate::{Outcome, print, tree};

/// Where the pages go.
#[derive(Args, Debug)]
pub struct ManArgs {
    /// The directory to write the pages into (created if missing; existing pages replaced)
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Writes every page into the directory and lists them.
pub fn run(args: &ManArgs) -> Result<Outcome, String> {
    let pages = pages(tree::command())?;
    let dir = &args.dir;
    if dir.exists() && !dir.is_dir() {
        return Err(format!(
            "{}: not a directory; give a directory for the man pages",
            dir.display()
        ));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("{}: cannot create the directory: {e}", dir.display()))?;
    let staged = pages
        .iter()
        .map(|(name, page)| {
            let target = dir.join(name);
            StagedFile::stage(&target, page)
                .map(|staged| (target.clone(), staged))
                .map_err(|e| format!("{}: cannot write: {e}", target.display()))
        })
        .collect::<Result<Vec<_>, String>>()?;
    for (target, staged) in staged {
        staged
            .commit()
            .map_err(|e| format!("{}: cannot write: {e}", target.display()))?;
        print::out(&format!("{}\n", target.display()));
    }
    Ok(Outcome::Done)
}

/// Every command's page, by file name: the root's, then each subcommand's, depth first (clap's
/// own `help` has none).
fn pages(root: Command) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut root = root.disable_help_subcommand(true);
    // Built, so each subcommand's display name is its whole path: `routes-plan`.
    root.build();
    let mut pages = Vec::new();
    add_pages(&root, &mut pages)?;
    Ok(pages)
}

fn add_pages(command: &Command, pages: &mut Vec<(String, Vec<u8>)>) -> Result<(), String> {
    let man = clap_mangen::Man::new(command.clone()).source(format!(
        "{} {}",
        tree::BINARY,
        env!("CARGO_PKG_VERSION")
    ));
    let mut page = Vec::new();
    man.render(&mut page)
        .map_err(|e| format!("the man page of {}: {e}", command.get_name()))?;
    pages.push((man.get_filename(), page));
    for subcommand in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        add_pages(subcommand, pages)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_a_page_named_for_its_path() {
        let names: Vec<String> = pages(tree::command())
            .expect("pages")
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(names[0], "routes.1");
        for command in tree::command().get_subcommands() {
            let expected = format!("routes-{}.1", command.get_name());
            assert!(names.contains(&expected), "{expected} in {names:?}");
        }
    }
}
