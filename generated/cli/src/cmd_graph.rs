//! `routes graph`: a route file's graph drawn as Mermaid or Graphviz DOT, offline.

use clap::{Args, ValueEnum};
use cloudflare_dynamic_routing::graph;

use crate::args::RouteFileArgs;
use crate::{Outcome, print};

/// The file, and how to draw it.
#[derive(Args, Debug)]
pub struct GraphArgs {
    #[command(flatten)]
    pub file: RouteFileArgs,
    /// mermaid (a flowchart for Markdown) or dot (for Graphviz)
    #[arg(long, value_name = "format", value_enum, default_value_t = Format::Mermaid)]
    pub format: Format,
}

/// A drawing's language.
#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum Format {
    // A flowchart for Markdown.
    Mermaid,
    // For Graphviz.
    Dot,
}

/// Prints the drawing.
pub fn run(args: &GraphArgs) -> Result<Outcome, String> {
    let route = args.file.read()?;
    print::out(&match args.format {
        Format::Mermaid => graph::to_mermaid(&route.elements),
        Format::Dot => graph::to_dot(&route.elements),
    });
    Ok(Outcome::Done)
}
