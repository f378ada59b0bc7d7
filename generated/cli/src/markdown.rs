//! `plan` and `diff` as a pull-request comment body (`--output markdown`): a one-line summary,
//! then a section per route that changes or has no file, with its element changes and values,
//! its graph diff in a collapsed block and a Mermaid picture of its new graph (added and
//! changed elements highlighted). Unchanged routes are counted, not listed. The comment is cut
//! at a section boundary to fit [`COMMENT_LIMIT`], with a note saying what was left out.

use std::fmt::Write as _;

use cloudflare_dynamic_routing::graph::{Highlight, to_mermaid_highlighted};
use cloudflare_dynamic_routing::reconcile::{Action, Change, Deploy, Plan, RoutePlan, Summary};

use crate::report;

/// The most a GitHub comment holds (65,536 characters). Measured here in UTF-8 bytes, never
/// fewer than characters (or UTF-16 units), so a comment within it is within GitHub's limit.
pub const COMMENT_LIMIT: usize = 65_536;

/// Whether the graph diff of each route is shown open (`diff`) or collapsed (`plan`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Diffs {
    /// In a closed `<details>` block.
    Collapsed,
    /// In an open one.
    Open,
}

/// One directory's plan, under its heading when there are several.
pub struct Part<'a> {
    /// A heading for the directory (its manifest and gateway); `None` for a single plan.
    pub heading: Option<String>,
    /// Its plan.
    pub plan: &'a Plan,
}

/// The comment for `parts`, at most `limit` bytes (see [`COMMENT_LIMIT`]).
pub fn comment(parts: &[Part<'_>], diffs: Diffs, limit: usize) -> String {
    let mut summary = Summary::default();
    let mut pieces: Vec<(String, usize)> = Vec::new();
    for part in parts {
        summary += part.plan.summary();
        if let Some(heading) = &part.heading {
            pieces.push((format!("## {}\n\n", plain(heading)), 0));
        }
        for route in &part.plan.routes {
            if let Some(section) = section(route, diffs) {
                pieces.push((section, 1));
            }
        }
    }
    let sections: usize = pieces.iter().map(|(_, routes)| routes).sum();
    let mut text = format!("### `routes` plan: {summary}\n\n");
    if sections == 0 {
        text.push_str("Every route matches its file.\n");
    }
    // Room for the longest note there could be, so whatever is cut, the note fits.
    let reserve = left_out_note(sections, sections).len();
    let mut shown = 0;
    for (piece, routes) in &pieces {
        if text.len() + piece.len() + reserve > limit {
            break;
        }
        text.push_str(piece);
        shown += routes;
    }
    if shown < sections {
        text.push_str(&left_out_note(sections - shown, sections));
    }
    text
}

/// The note closing a comment that was cut.
fn left_out_note(left_out: usize, of: usize) -> String {
    format!(
        "> [!NOTE]\n> {left_out} of {of} routes are left out: a comment holds at most \
         {COMMENT_LIMIT} characters. Run `routes plan` to see every route.\n"
    )
}

/// A route's section, `None` for an unchanged route.
fn section(route: &RoutePlan, diffs: Diffs) -> Option<String> {
    let name = code(&route.name);
    let title = match &route.action {
        Action::Unchanged => return None,
        Action::Create { .. } => format!("Create {name}"),
        Action::Update { rename, graph } => {
            let mut what = Vec::new();
            if let Some(rename) = rename {
                what.push(format!("Rename {} to {name}", code(&rename.from)));
            }
            if let Some(graph) = graph {
                what.push(match &graph.deploy {
                    Deploy::NewVersion => format!("Change the graph of {name} (a new version)"),
                    Deploy::ExistingVersion { version_id } => format!(
                        "Change the graph of {name} (version {} deployed again)",
                        code(version_id)
                    ),
                });
            }
            what.join("; ")
        }
        Action::Delete => format!("Delete {name}"),
        Action::Extra => format!("{name} is in no file (left alone)"),
        Action::NotManaged => format!("{name} is not managed here (never deleted)"),
    };
    let mut text = format!("#### {title}\n\n");
    let where_ = match (&route.source, &route.route_id) {
        (Some(path), Some(id)) => format!("File {}, route id {}.", path_code(path), code(id)),
        (Some(path), None) => format!("File {}, a new route.", path_code(path)),
        (None, Some(id)) => format!("Route id {}, in no route file.", code(id)),
        (None, None) => "In no route file.".to_string(),
    };
    let _ = writeln!(text, "{where_}\n");
    let (changes, elements) = match &route.action {
        Action::Create { changes, elements } => (changes, elements),
        Action::Update {
            graph: Some(graph), ..
        } => (&graph.changes, &graph.elements),
        _ => return Some(text),
    };
    let lines: String = changes
        .iter()
        .map(|change| report::change_lines(change, ""))
        .collect();
    text.push_str(&fenced("diff", &plain(&lines)));
    let open = match diffs {
        Diffs::Collapsed => "",
        Diffs::Open => " open",
    };
    let _ = write!(
        text,
        "\n<details{open}><summary>Graph diff</summary>\n\n{}\n</details>\n\n",
        fenced("diff", &plain(&report::route_diff(route)))
    );
    let mut highlight = Highlight::default();
    for change in changes {
        let id = change.element_id.clone();
        match change.change {
            Change::Added => highlight.added.insert(id),
            Change::Changed { .. } => highlight.changed.insert(id),
            Change::Removed => false,
        };
    }
    text.push_str(&fenced(
        "mermaid",
        &to_mermaid_highlighted(elements, &highlight),
    ));
    text.push('\n');
    Some(text)
}

/// A path as a code span.
fn path_code(path: &std::path::Path) -> String {
    code(&path.display().to_string())
}

/// Text without terminal colour codes.
fn plain(text: &str) -> String {
    anstream::adapter::strip_str(text).to_string()
}

/// `text` as a Markdown code span, whatever backticks or line breaks it holds.
fn code(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let ticks = "`".repeat(longest_run(&text, '`') + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

/// `body` in a fenced code block of `language`, its fence longer than any backtick run inside.
fn fenced(language: &str, body: &str) -> String {
    let fence = "`".repeat((longest_run(body, '`') + 1).max(3));
    let newline = if body.ends_with('\n') { "" } else { "\n" };
    format!("{fence}{language}\n{body}{newline}{fence}\n")
}

/// The longest run of `c` in `text`.
fn longest_run(text: &str, c: char) -> usize {
    text.split(|other| other != c)
        .map(str::len)
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
