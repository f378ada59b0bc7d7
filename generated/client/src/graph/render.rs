//! Pictures of a route graph: Mermaid flowcharts and Graphviz DOT, one node per element and
//! one labelled edge per output.
//!
//! Element ids are untrusted text, so every id and label is escaped for the target syntax and
//! edges to ids no element has still draw, to a node marked missing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::ElementKind;
use super::index::ElementIndex;
use crate::types::RouteElement;

/// Longest conditions text shown in a label, in characters, ellipsis included.
const MAX_CONDITIONS: usize = 60;

/// Mermaid flowchart text (`flowchart TD`) for a route's elements.
///
/// Nodes are named `n0`, `n1`… by position, since element ids can hold anything; edges to
/// ids no element has go to `m0`, `m1`… nodes labelled `missing: <id>`.
///
/// ```
/// use cloudflare_dynamic_routing::graph::to_mermaid;
/// use cloudflare_dynamic_routing::types::RouteElement;
///
/// let elements: Vec<RouteElement> = serde_json::from_value(serde_json::json!([
///     {"id": "start", "type": "start", "outputs": {"next": {"elementId": "end"}}},
///     {"id": "end", "type": "end", "outputs": {}},
/// ]))
/// .unwrap();
/// let text = to_mermaid(&elements);
/// assert!(text.starts_with("flowchart TD\n"));
/// assert!(text.contains(r#"n0 -->|"next"| n1"#));
/// ```
pub fn to_mermaid(elements: &[RouteElement]) -> String {
    to_mermaid_highlighted(elements, &Highlight::default())
}

/// Elements to mark in a Mermaid flowchart, by id: what a change adds and what it changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlight {
    /// Ids of elements that are new.
    pub added: BTreeSet<String>,
    /// Ids of elements that differ.
    pub changed: BTreeSet<String>,
}

/// [`to_mermaid`] with the `highlight`ed elements drawn in the classes `added` (green) and
/// `changed` (amber), and, when any is, a legend subgraph naming the two.
///
/// ```
/// use cloudflare_dynamic_routing::graph::{Highlight, to_mermaid_highlighted};
/// use cloudflare_dynamic_routing::types::RouteElement;
///
/// let elements: Vec<RouteElement> = serde_json::from_value(serde_json::json!([
///     {"id": "start", "type": "start", "outputs": {"next": {"elementId": "end"}}},
///     {"id": "end", "type": "end", "outputs": {}},
/// ]))
/// .unwrap();
/// let highlight = Highlight { added: ["end".to_string()].into(), ..Highlight::default() };
/// let text = to_mermaid_highlighted(&elements, &highlight);
/// assert!(text.contains(r#"n1(["end<br/>end"]):::added"#));
/// assert!(text.contains("classDef added "));
/// ```
pub fn to_mermaid_highlighted(elements: &[RouteElement], highlight: &Highlight) -> String {
    let positions = ElementIndex::new(elements);
    let mut missing: BTreeMap<&str, usize> = BTreeMap::new();
    let mut nodes = String::new();
    let mut edges = String::new();

    for (i, element) in elements.iter().enumerate() {
        let label = label_lines(element)
            .iter()
            .map(|line| mermaid_escape(line))
            .collect::<Vec<_>>()
            .join("<br/>");
        let (open, close) = match element.kind() {
            ElementKind::Start | ElementKind::End => ("([", "])"),
            ElementKind::Conditional => ("{", "}"),
            _ => ("[", "]"),
        };
        let class = if highlight.added.contains(element.id()) {
            ":::added"
        } else if highlight.changed.contains(element.id()) {
            ":::changed"
        } else {
            ""
        };
        let _ = writeln!(nodes, "    n{i}{open}\"{label}\"{close}{class}");

        for output in element.outputs() {
            let target = match positions.position(output.target) {
                Some(j) => format!("n{j}"),
                None => {
                    let next = missing.len();
                    let m = *missing.entry(output.target).or_insert(next);
                    // Declared here, at first use, so the missing nodes keep a stable order.
                    if m == next {
                        let text = mermaid_escape(&format!("missing: {}", output.target));
                        let _ = writeln!(nodes, "    m{m}[\"{text}\"]:::missing");
                    }
                    format!("m{m}")
                }
            };
            let text = mermaid_escape(output.label);
            let _ = writeln!(edges, "    n{i} -->|\"{text}\"| {target}");
        }
    }

    let mut out = String::from("flowchart TD\n");
    out.push_str(&nodes);
    out.push_str(&edges);
    if !missing.is_empty() {
        out.push_str("    classDef missing stroke-dasharray: 5 5\n");
    }
    if !highlight.added.is_empty() || !highlight.changed.is_empty() {
        // Legend node ids cannot clash: element nodes are `n0`…, missing ones `m0`….
        out.push_str(concat!(
            "    subgraph legend [\"Legend\"]\n",
            "        legendAdded[\"added\"]:::added\n",
            "        legendChanged[\"changed\"]:::changed\n",
            "    end\n",
            "    classDef added fill:#dafbe1,stroke:#1a7f37,color:#1f2328\n",
            "    classDef changed fill:#fff8c5,stroke:#9a6700,color:#1f2328\n",
        ));
    }
    out
}

/// Graphviz DOT text (`digraph route`) for a route's elements.
///
/// Nodes are the element ids as quoted strings; edges to ids no element has go to a dashed
/// node labelled `missing: <id>`.
///
/// ```
/// use cloudflare_dynamic_routing::graph::to_dot;
/// use cloudflare_dynamic_routing::types::RouteElement;
///
/// let elements: Vec<RouteElement> = serde_json::from_value(serde_json::json!([
///     {"id": "start", "type": "start", "outputs": {"next": {"elementId": "end"}}},
///     {"id": "end", "type": "end", "outputs": {}},
/// ]))
/// .unwrap();
/// let text = to_dot(&elements);
/// assert!(text.starts_with("digraph route {\n"));
/// assert!(text.contains(r#""start" -> "end" [label="next"];"#));
/// ```
pub fn to_dot(elements: &[RouteElement]) -> String {
    let positions = ElementIndex::new(elements);
    let mut out = String::from("digraph route {\n    rankdir=TB;\n");
    let mut edges = String::new();
    let mut missing: Vec<&str> = Vec::new();

    for element in elements {
        let id = dot_escape(element.id());
        let label = label_lines(element)
            .iter()
            .map(|line| dot_escape(line))
            .collect::<Vec<_>>()
            .join("\\n");
        let shape = match element.kind() {
            ElementKind::Start | ElementKind::End => "oval",
            ElementKind::Conditional => "diamond",
            _ => "box",
        };
        let _ = writeln!(out, "    \"{id}\" [label=\"{label}\", shape={shape}];");

        for output in element.outputs() {
            if positions.position(output.target).is_none() && !missing.contains(&output.target) {
                missing.push(output.target);
            }
            let target = dot_escape(output.target);
            let text = dot_escape(output.label);
            let _ = writeln!(edges, "    \"{id}\" -> \"{target}\" [label=\"{text}\"];");
        }
    }

    for target in missing {
        let id = dot_escape(target);
        let _ = writeln!(
            out,
            "    \"{id}\" [label=\"missing: {id}\", shape=box, style=dashed];"
        );
    }
    out.push_str(&edges);
    out.push_str("}\n");
    out
}

/// A node's label, unescaped: the id, then the kind with its key properties.
fn label_lines(element: &RouteElement) -> Vec<String> {
    let id = element.id().to_owned();
    match element {
        RouteElement::Conditional { properties, .. } => {
            let json = serde_json::Value::Object(properties.conditions.clone()).to_string();
            vec![id, "conditional".to_owned(), shorten(&json, MAX_CONDITIONS)]
        }
        RouteElement::Rate { properties: p, .. } => vec![
            id,
            format!(
                "rate: {} {} / {} s per {}",
                p.limit, p.limit_type, p.window, p.key
            ),
        ],
        RouteElement::Model { properties: p, .. } => vec![
            id,
            format!("model: {}/{}", p.provider, p.model),
            format!("retries {}, timeout {} ms", p.retries, p.timeout),
        ],
        _ => vec![id, element.kind().to_string()],
    }
}

/// At most `max` characters (Unicode scalar values, so a UTF-8 character is never split),
/// the last one `…` when anything was cut; `max` below 1 counts as 1.
///
/// ```
/// use cloudflare_dynamic_routing::graph::shorten;
/// assert_eq!(shorten("gpt-4o-mini", 60), "gpt-4o-mini");
/// assert_eq!(shorten("ünïcødé", 4), "ünï…");
/// ```
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Text safe inside a Mermaid `"..."` label: entity codes for quotes, HTML, line breaks and
/// Mermaid's own specials (`#`, so a literal `#quot;` stays literal; `` ` `` starts markdown).
fn mermaid_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' | '&' | '|' | '`' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            c if c.is_control() => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Text safe inside a DOT `"..."` string: backslashes and quotes escaped, line breaks as
/// `\n`/`\r`, other control characters dropped so every statement stays on one line.
fn dot_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
