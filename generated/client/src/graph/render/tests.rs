//! Route-graph pictures: Mermaid and DOT text checked by parsing it back (nodes, labels,
//! edges), for a sample route, hostile ids and dangling references; Graphviz when installed.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::{Command, Stdio};

use crate::graph::{Highlight, to_dot, to_mermaid, to_mermaid_highlighted};
use crate::types::RouteElement;
use serde_json::{Value, json};

#[path = "../../../tests/support/mermaid.rs"]
mod mermaid;

/// The workspace's sample graph.
fn sample() -> Vec<RouteElement> {
    elements(crate::fixtures::graph())
}

/// The edges the sample must draw: (from id, label, to id).
const SAMPLE_EDGES: &[(&str, &str, &str)] = &[
    ("start", "next", "plan"),
    ("plan", "true", "budget"),
    ("plan", "false", "split"),
    ("budget", "success", "small"),
    ("budget", "fallback", "end"),
    ("split", "70%", "large"),
    ("split", "30%", "small"),
    ("large", "success", "end"),
    ("large", "fallback", "small"),
    ("small", "success", "end"),
    ("small", "fallback", "end"),
];

/// Ids no renderer should trip on, and a start pointing at an id nobody has.
fn hostile() -> Vec<RouteElement> {
    elements(json!([
        {"id": "say \"hi\"", "type": "start", "outputs": {"next": {"elementId": "back\\slash\\"}}},
        {"id": "back\\slash\\", "type": "conditional",
         "properties": {"conditions": {"headers.x\"y": {"$in": ["a]b", "c}d", "<script>", "#quot;"]},
                                       "body.long": {"$eq": "x".repeat(200)}}},
         "outputs": {"true": {"elementId": "line\nbreak\r"}, "false": {"elementId": "nowhere \" ]"}}},
        {"id": "line\nbreak\r", "type": "percentage",
         "outputs": {"50% \"half\"": {"elementId": "ünï 🦀 -->|x| end"}, "|50%|": {"elementId": ""}}},
        {"id": "ünï 🦀 -->|x| end", "type": "rate",
         "properties": {"key": "a;b} [c]", "limit": 0.5, "limitType": "cost", "window": 1e20},
         "outputs": {"success": {"elementId": ""}, "fallback": {"elementId": "nowhere \" ]"}}},
        {"id": "", "type": "model",
         "properties": {"model": "m\"{x}", "provider": "p\\q", "retries": -1.0, "timeout": 1e-3},
         "outputs": {"success": {"elementId": "%% end"}, "fallback": {"elementId": "\u{0}nul"}}},
        {"id": "%% end", "type": "end", "outputs": {"weird \"label\"": {"elementId": "\u{0}nul"}}}
    ]))
}

fn elements(value: Value) -> Vec<RouteElement> {
    serde_json::from_value(value).expect("sample elements decode")
}

// ---------------------------------------------------------------------------------------------
// Mermaid parsing

#[derive(Debug)]
struct MermaidNode {
    name: String,
    shape: &'static str,
    lines: Vec<String>,
}

#[derive(Debug)]
struct Graph<N> {
    nodes: Vec<N>,
    /// (from, label, to), node names as written.
    edges: Vec<(String, String, String)>,
}

fn mermaid_unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let end = tail.find(';').expect("entity ends with ;");
        let code = &tail[..end];
        match code {
            "quot" => out.push('"'),
            "lt" => out.push('<'),
            "gt" => out.push('>'),
            digits => out
                .push(char::from_u32(digits.parse().expect("numeric entity")).expect("valid char")),
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The text between the first pair of double quotes, and what follows the closing one.
fn quoted(text: &str) -> (&str, &str) {
    let open = text.find('"').expect("opening quote");
    let len = text[open + 1..].find('"').expect("closing quote");
    (&text[open + 1..open + 1 + len], &text[open + 1 + len + 1..])
}

fn parse_mermaid(text: &str) -> Graph<MermaidNode> {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("flowchart TD"));
    let mut graph = Graph {
        nodes: Vec::new(),
        edges: Vec::new(),
    };
    for line in lines {
        let line = line.trim();
        if line.starts_with("classDef ") {
            continue;
        }
        let name: String = line
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        assert!(!name.is_empty(), "line starts with a node name: {line:?}");
        let rest = &line[name.len()..];
        if let Some(edge) = rest.strip_prefix(" -->|") {
            let (label, after) = quoted(edge);
            let to = after
                .strip_prefix("| ")
                .expect("edge target follows the label");
            assert!(to.chars().all(|c| c.is_ascii_alphanumeric()), "{line:?}");
            graph
                .edges
                .push((name, mermaid_unescape(label), to.to_owned()));
        } else {
            let (label, after) = quoted(rest);
            let open = &rest[..rest.find('"').expect("quote")];
            let shape = match (open, after) {
                ("([", "])") => "stadium",
                ("{", "}") => "rhombus",
                ("[", "]") => "rectangle",
                ("[", "]:::missing") => "missing",
                other => panic!("unexpected shape {other:?} in {line:?}"),
            };
            let lines = label.split("<br/>").map(mermaid_unescape).collect();
            graph.nodes.push(MermaidNode { name, shape, lines });
        }
    }
    graph
}

/// Quotes pair up on every line and, outside them, brackets balance.
fn assert_mermaid_well_formed(text: &str) {
    assert!(text.ends_with('\n'));
    for line in text.lines() {
        assert_eq!(line.matches('"').count() % 2, 0, "odd quotes: {line:?}");
        let outside: String = line.split('"').step_by(2).collect::<Vec<_>>().concat();
        assert_balanced(&outside, line);
    }
}

fn assert_balanced(outside: &str, line: &str) {
    let mut stack = Vec::new();
    for c in outside.chars() {
        match c {
            '(' | '[' | '{' => stack.push(c),
            ')' | ']' | '}' => {
                let open = stack.pop();
                let want = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                assert_eq!(open, Some(want), "unbalanced: {line:?}");
            }
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed: {line:?}");
}

// ---------------------------------------------------------------------------------------------
// DOT parsing

#[derive(Debug)]
struct DotNode {
    id: String,
    label: Vec<String>,
    attrs: String,
}

/// A DOT quoted string at the start of `text` (after spaces): its value and the rest.
fn dot_string(text: &str) -> (String, &str) {
    let text = text.trim_start();
    let mut chars = text.char_indices();
    assert_eq!(
        chars.next().map(|(_, c)| c),
        Some('"'),
        "string at {text:?}"
    );
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (out, &text[i + 1..]),
            '\\' => match chars.next().expect("escape has a character").1 {
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                other => out.push(other),
            },
            '\n' => panic!("raw newline in a DOT string"),
            c => out.push(c),
        }
    }
    panic!("unterminated DOT string: {text:?}")
}

fn parse_dot(text: &str) -> Graph<DotNode> {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("digraph route {"));
    assert_eq!(lines.next().map(str::trim), Some("rankdir=TB;"));
    assert_eq!(text.lines().last(), Some("}"));
    let mut graph = Graph {
        nodes: Vec::new(),
        edges: Vec::new(),
    };
    for line in lines {
        if line == "}" {
            continue;
        }
        let (first, rest) = dot_string(line);
        if let Some(edge) = rest.strip_prefix(" -> ") {
            let (to, rest) = dot_string(edge);
            let rest = rest.strip_prefix(" [label=").expect("edge label");
            let (label, rest) = dot_string(rest);
            assert_eq!(rest, "];", "{line:?}");
            graph.edges.push((first, label, to));
        } else {
            let rest = rest.strip_prefix(" [label=").expect("node label");
            let (label, rest) = dot_string(rest);
            let attrs = rest.strip_suffix("];").expect("node ends with ];");
            graph.nodes.push(DotNode {
                id: first,
                label: label.split('\n').map(str::to_owned).collect(),
                attrs: attrs.to_owned(),
            });
        }
    }
    graph
}

// ---------------------------------------------------------------------------------------------
// Checks shared by both formats

fn total_outputs(elements: &[RouteElement]) -> usize {
    elements.iter().map(|e| e.outputs().len()).sum()
}

fn kind_line(element: &RouteElement) -> String {
    element.kind().to_string()
}

#[test]
fn mermaid_draws_every_element_and_output() {
    let elements = sample();
    let text = to_mermaid(&elements);
    assert_mermaid_well_formed(&text);
    let graph = parse_mermaid(&text);

    assert_eq!(graph.nodes.len(), elements.len(), "{text}");
    assert_eq!(graph.edges.len(), total_outputs(&elements));
    assert_eq!(graph.edges.len(), SAMPLE_EDGES.len());

    // Node names are positional; the label's first line gives the id back.
    let mut by_name = BTreeMap::new();
    for (i, (node, element)) in graph.nodes.iter().zip(&elements).enumerate() {
        assert_eq!(node.name, format!("n{i}"));
        assert_eq!(node.lines[0], element.id());
        assert!(node.lines[1].starts_with(&kind_line(element)), "{node:?}");
        let want = match element.kind().tag() {
            "start" | "end" => "stadium",
            "conditional" => "rhombus",
            _ => "rectangle",
        };
        assert_eq!(node.shape, want, "{node:?}");
        by_name.insert(node.name.clone(), node.lines.join("\n"));
    }
    let label = |id: &str| {
        by_name
            .values()
            .find(|l| l.lines().next() == Some(id))
            .unwrap_or_else(|| panic!("no node for {id}"))
            .clone()
    };
    assert_eq!(
        label("plan"),
        "plan\nconditional\n{\"metadata.plan\":{\"$eq\":\"free\"}}"
    );
    assert_eq!(
        label("budget"),
        "budget\nrate: 100 count / 3600 s per metadata.user"
    );
    assert_eq!(
        label("large"),
        "large\nmodel: openai/gpt-4o\nretries 2, timeout 30000 ms"
    );
    assert!(label("small").contains("workers-ai/@cf/meta/llama-3.1-8b-instruct"));
    assert!(label("small").contains("retries 1, timeout 10000 ms"));
    assert_eq!(label("split"), "split\npercentage");
    assert_eq!(label("start"), "start\nstart");
    assert_eq!(label("end"), "end\nend");

    let id_of = |name: &str| by_name[name].lines().next().unwrap_or("").to_owned();
    let mut drawn: Vec<(String, String, String)> = graph
        .edges
        .iter()
        .map(|(from, label, to)| (id_of(from), label.clone(), id_of(to)))
        .collect();
    let mut want: Vec<(String, String, String)> = SAMPLE_EDGES
        .iter()
        .map(|&(a, l, b)| (a.to_owned(), l.to_owned(), b.to_owned()))
        .collect();
    drawn.sort();
    want.sort();
    assert_eq!(drawn, want);
}

#[test]
fn dot_draws_every_element_and_output() {
    let elements = sample();
    let text = to_dot(&elements);
    assert!(text.ends_with("}\n"));
    let graph = parse_dot(&text);

    assert_eq!(graph.nodes.len(), elements.len(), "{text}");
    assert_eq!(graph.edges.len(), total_outputs(&elements));
    for (node, element) in graph.nodes.iter().zip(&elements) {
        assert_eq!(node.id, element.id());
        assert_eq!(node.label[0], element.id());
        assert!(node.label[1].starts_with(&kind_line(element)), "{node:?}");
        let want = match element.kind().tag() {
            "start" | "end" => ", shape=oval",
            "conditional" => ", shape=diamond",
            _ => ", shape=box",
        };
        assert_eq!(node.attrs, want, "{node:?}");
    }
    let label = |id: &str| {
        graph
            .nodes
            .iter()
            .find(|n| n.id == id)
            .unwrap_or_else(|| panic!("no node for {id}"))
            .label
            .join("\n")
    };
    assert_eq!(
        label("budget"),
        "budget\nrate: 100 count / 3600 s per metadata.user"
    );
    assert_eq!(
        label("large"),
        "large\nmodel: openai/gpt-4o\nretries 2, timeout 30000 ms"
    );
    assert!(label("plan").contains("{\"metadata.plan\":{\"$eq\":\"free\"}}"));

    let mut drawn = graph.edges.clone();
    let mut want: Vec<(String, String, String)> = SAMPLE_EDGES
        .iter()
        .map(|&(a, l, b)| (a.to_owned(), l.to_owned(), b.to_owned()))
        .collect();
    drawn.sort();
    want.sort();
    assert_eq!(drawn, want);
}

#[test]
fn output_is_deterministic_and_ends_with_a_newline() {
    let elements = sample();
    assert_eq!(to_mermaid(&elements), to_mermaid(&sample()));
    assert_eq!(to_dot(&elements), to_dot(&sample()));
    for text in [to_mermaid(&elements), to_dot(&elements)] {
        assert!(text.ends_with('\n') && !text.ends_with("\n\n"), "{text}");
    }
    assert_eq!(to_mermaid(&[]), "flowchart TD\n");
    assert_eq!(to_dot(&[]), "digraph route {\n    rankdir=TB;\n}\n");
}

#[test]
fn long_conditions_are_truncated_with_an_ellipsis() {
    let elements = hostile();
    let graph = parse_dot(&to_dot(&elements));
    let conditions = &graph.nodes[1].label[2];
    assert_eq!(conditions.chars().count(), 60, "{conditions}");
    assert!(conditions.ends_with('…'));
}

#[test]
fn hostile_ids_and_dangling_references_stay_well_formed_in_mermaid() {
    let elements = hostile();
    let text = to_mermaid(&elements);
    assert_mermaid_well_formed(&text);
    let graph = parse_mermaid(&text);

    // Ids come back exactly from the labels, with nothing leaking into the syntax.
    let real: Vec<&MermaidNode> = graph
        .nodes
        .iter()
        .filter(|n| n.name.starts_with('n'))
        .collect();
    assert_eq!(real.len(), elements.len());
    for (node, element) in real.iter().zip(&elements) {
        assert_eq!(node.lines[0], element.id(), "{node:?}");
    }
    // Two dangling targets, each drawn once however often it is used.
    let missing: Vec<&MermaidNode> = graph
        .nodes
        .iter()
        .filter(|n| n.shape == "missing")
        .collect();
    let names: Vec<String> = missing.iter().map(|n| n.lines.join("\n")).collect();
    assert_eq!(names, ["missing: nowhere \" ]", "missing: \u{0}nul"]);
    assert_eq!(graph.edges.len(), total_outputs(&elements));
    let to_missing = graph.edges.iter().filter(|e| e.2.starts_with('m')).count();
    assert_eq!(to_missing, 4);
    let labels: Vec<&str> = graph.edges.iter().map(|e| e.1.as_str()).collect();
    assert!(labels.contains(&"50% \"half\""));
    assert!(labels.contains(&"|50%|"));
    assert!(labels.contains(&"weird \"label\""));
    // No raw markup from ids survives outside the entity escapes.
    assert!(!text.contains("<script>"));
}

#[test]
fn hostile_ids_and_dangling_references_stay_well_formed_in_dot() {
    let elements = hostile();
    let text = to_dot(&elements);
    for line in text.lines() {
        // Outside strings, brackets and braces balance; `dot_string` rejects raw newlines.
        let mut outside = String::new();
        let mut rest = line;
        while let Some(at) = rest.find('"') {
            outside.push_str(&rest[..at]);
            rest = dot_string(&rest[at..]).1;
        }
        outside.push_str(rest);
        if line != "digraph route {" && line != "}" {
            assert_balanced(&outside, line);
            assert!(line.ends_with(';'), "{line:?}");
        }
    }
    let graph = parse_dot(&text);
    assert_eq!(graph.nodes.len(), elements.len() + 2, "{text}");
    for (node, element) in graph.nodes.iter().zip(&elements) {
        assert_eq!(node.id, element.id(), "{node:?}");
        // An id's own newline is a line break in the label too.
        assert!(node.label.join("\n").starts_with(element.id()), "{node:?}");
    }
    let dashed: Vec<&DotNode> = graph.nodes[elements.len()..].iter().collect();
    for node in &dashed {
        assert!(node.attrs.contains("style=dashed"), "{node:?}");
        assert_eq!(node.label, [format!("missing: {}", node.id)]);
    }
    assert_eq!(dashed[0].id, "nowhere \" ]");
    assert_eq!(graph.edges.len(), total_outputs(&elements));
}

/// Graphviz, when installed, must accept the text and draw something.
#[test]
fn graphviz_accepts_the_dot_text() {
    if Command::new("dot").arg("-V").output().is_err() {
        println!("note: Graphviz `dot` not found; skipping the rendering check");
        return;
    }
    for (name, elements) in [("sample", sample()), ("hostile", hostile())] {
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dot starts");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(to_dot(&elements).as_bytes())
            .expect("dot reads");
        let output = child.wait_with_output().expect("dot finishes");
        assert!(
            output.status.success(),
            "{name}: dot failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let svg = String::from_utf8_lossy(&output.stdout);
        assert!(svg.contains("<svg"), "{name}: no SVG");
        assert!(
            output.stderr.is_empty(),
            "{name}: dot warned: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Highlighted elements get their class, and the legend and class definitions come once.
#[test]
fn highlighted_elements_are_classed_and_a_legend_explains_them() {
    let elements = sample();
    let highlight = Highlight {
        added: [elements[1].id().to_string()].into(),
        changed: [elements[2].id().to_string()].into(),
    };
    let text = to_mermaid_highlighted(&elements, &highlight);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[2].ends_with(":::added"), "{text}");
    assert!(lines[3].ends_with(":::changed"), "{text}");
    assert_eq!(
        text.matches(":::added").count(),
        2,
        "the node and the legend: {text}"
    );
    assert_eq!(text.matches("classDef added ").count(), 1, "{text}");
    assert_eq!(text.matches("subgraph legend").count(), 1, "{text}");
    assert!(!to_mermaid(&elements).contains("legend"));
}

/// Mermaid's own parser, when installed, accepts the flowcharts, hostile ids included.
#[test]
fn mermaid_parses_the_flowcharts() {
    for (name, elements) in [("sample", sample()), ("hostile", hostile())] {
        let highlight = Highlight {
            added: elements
                .iter()
                .map(|e| e.id().to_string())
                .take(2)
                .collect(),
            changed: elements
                .iter()
                .map(|e| e.id().to_string())
                .skip(2)
                .take(2)
                .collect(),
        };
        for text in [
            to_mermaid(&elements),
            to_mermaid_highlighted(&elements, &highlight),
        ] {
            mermaid::assert_mermaid_parses(&format!("```mermaid\n{text}```\n"), name);
        }
    }
}
