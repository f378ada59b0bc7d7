//! The commands that need no credentials and send nothing: `validate` over files and
//! directories (every graph rule, and conditional operators outside the documented set unless
//! allowed), `graph` (Mermaid, DOT) and `explain`. Every run here has an empty environment.

use std::path::Path;

use serde_json::{Value, json};

use crate::fixtures;
use crate::support::{routes, run};

fn write(dir: &Path, name: &str, route: &Value) {
    std::fs::write(dir.join(name), route.to_string()).expect("write");
}

/// The sample graph whose `plan` conditional uses `operator`.
fn with_operator(operator: &str) -> Value {
    let mut graph = fixtures::graph();
    graph[1]["properties"]["conditions"] = json!({"metadata.plan": {operator: "free"}});
    graph
}

#[test]
fn validate_checks_every_file_of_a_directory_and_fails_on_any() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let nested = dir.path().join("team");
    std::fs::create_dir(&nested).expect("a folder");
    write(
        dir.path(),
        "a.json",
        &json!({"name": "a", "elements": fixtures::graph()}),
    );
    write(
        &nested,
        "b.json",
        &json!({"name": "b", "elements": with_operator("$ne")}),
    );
    write(dir.path(), "notes.txt", &json!("not a route"));
    let (code, out, err) = run(routes().arg("validate").arg(dir.path()));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        out.lines().count(),
        2,
        "two route files, the .txt ignored: {out}"
    );
    assert!(out.lines().all(|l| l.starts_with("ok ")), "{out}");

    let mut cyclic = fixtures::graph();
    cyclic[4]["outputs"]["fallback"]["elementId"] = json!("large");
    write(
        dir.path(),
        "c.json",
        &json!({"name": "c", "elements": cyclic}),
    );
    write(
        dir.path(),
        "d.json",
        &json!({"name": "d", "elements": with_operator("$equals")}),
    );
    let (code, out, _) = run(routes().arg("validate").arg(dir.path()));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("c.json") && out.contains("cycle"), "{out}");
    assert!(
        out.contains("d.json")
            && out.contains("operator `$equals` is not one Cloudflare documents"),
        "{out}"
    );
    assert!(
        out.contains("ok ") && out.contains("a.json"),
        "valid files still listed: {out}"
    );

    std::fs::remove_file(dir.path().join("c.json")).expect("remove");
    let (code, out, _) = run(routes()
        .arg("validate")
        .arg(dir.path())
        .args(["--allow-operator", "$equals"]));
    assert_eq!(code, 0, "explicitly allowed: {out}");

    // Two files for one route fail as `plan` would.
    write(
        &nested,
        "a-again.json",
        &json!({"name": "a", "elements": fixtures::graph()}),
    );
    let (code, out, _) = run(routes()
        .arg("validate")
        .arg(dir.path())
        .args(["--allow-operator", "$equals"]));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("route `a` is also described by"), "{out}");
}

#[test]
fn validate_with_nothing_to_check_or_a_broken_file_says_so() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (code, _, err) = run(routes().arg("validate").arg(dir.path()));
    assert_eq!(code, 1);
    assert!(err.contains("no route files found"), "{err}");
    std::fs::write(dir.path().join("broken.json"), "{\"name\": ").expect("write");
    let (code, out, _) = run(routes().arg("validate").arg(dir.path()));
    assert_eq!(code, 1);
    assert!(
        out.contains("broken.json") && out.contains("line 1"),
        "{out}"
    );
}

/// `validate` checks a directory's manifest: a good one is a line, a broken one or a route
/// file outside its `owns` is exit 1 naming the file; the manifest is never read as a route.
#[test]
fn validate_checks_the_manifest_and_what_it_owns() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let route = json!({"name": "team-a-support", "elements": fixtures::graph()});
    write(dir.path(), "team-a-support.json", &route);
    let manifest = json!({"account_id": "acct", "gateway_id": "gw", "owns": ["team-a-*"]});
    write(dir.path(), "routes.manifest.json", &manifest);
    let (code, out, err) = run(routes().arg("validate").arg(dir.path()));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(
            "routes.manifest.json (account acct, gateway gw, owns routes named `team-a-*`)"
        ),
        "{out}"
    );
    assert_eq!(
        out.lines().count(),
        2,
        "the manifest is not a route file: {out}"
    );

    let other = json!({"name": "team-b-support", "elements": fixtures::graph()});
    write(dir.path(), "team-b-support.json", &other);
    let (code, out, _) = run(routes().arg("validate").arg(dir.path()));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("team-b-support.json: route `team-b-support` is not owned by this directory"),
        "{out}"
    );

    write(
        dir.path(),
        "routes.manifest.json",
        &json!({"account_id": "acct", "gateway_id": "gw", "owns": "all"}),
    );
    let (code, out, err) = run(routes().arg("validate").arg(dir.path()));
    assert_eq!(code, 1, "{out}");
    assert!(
        err.contains(
            "routes.manifest.json: not a usable manifest: `owns` is \"gateway\" or a list"
        ),
        "{err}"
    );
}

#[test]
fn graph_draws_mermaid_or_dot_and_explain_follows_a_request() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write(
        dir.path(),
        "r.json",
        &json!({"name": "r", "elements": fixtures::graph()}),
    );
    let file = dir.path().join("r.json");
    let (code, mermaid, err) = run(routes().arg("graph").arg(&file));
    assert_eq!(code, 0, "{err}");
    assert!(mermaid.starts_with("flowchart TD\n"), "{mermaid}");
    let (code, dot, _) = run(routes().arg("graph").arg(&file).args(["--format", "dot"]));
    assert_eq!(code, 0);
    assert!(dot.starts_with("digraph route {"), "{dot}");
    assert!(
        dot.contains("\"plan\" -> \"budget\" [label=\"true\"];"),
        "{dot}"
    );

    let (code, text, err) = run(routes().arg("explain").arg(&file).args([
        "--request",
        r#"{"metadata": {"plan": "free", "user": "u1"}}"#,
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(
        text.contains("rate `budget`"),
        "the free plan goes through the budget: {text}"
    );
    assert!(!text.contains("percentage `split`"), "{text}");

    let (code, _, err) = run(routes().arg("explain").arg(&file).args(["--request", "{"]));
    assert_eq!(code, 1);
    assert!(err.contains("--request is not JSON"), "{err}");
}

/// `test` runs each file's cases (in the file and in `<name>.tests.json` beside it) and shows
/// the paths a failing request took; `schema` prints the route-file schema. No credentials.
#[test]
fn test_runs_the_cases_and_schema_prints_the_route_file_schema() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let passing = json!([{"name": "free users get the small model",
                          "request": {"metadata": {"plan": "free"}},
                          "expect": {"models": ["small"], "end": "end", "branches": {"plan": true}}}]);
    write(
        dir.path(),
        "support.json",
        &json!({"name": "support", "elements": fixtures::graph(), "tests": passing}),
    );
    let (code, out, err) = run(routes().arg("test").arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("support.json (support, 1 case passed)"),
        "{out}"
    );

    let failing = json!([{"name": "pro users skip the split",
                          "request": {"metadata": {"plan": "pro"}},
                          "expect": {"models": ["large"]}}]);
    write(dir.path(), "support.tests.json", &failing);
    let (code, out, _) = run(routes().arg("test").arg(dir.path()));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "case `pro users skip the split` failed: expected models [`large`] to be tried"
        ),
        "{out}"
    );
    assert!(
        out.contains("path: [70%] start → plan → split → large"),
        "{out}"
    );

    let (code, out, err) = run(routes().arg("schema"));
    assert_eq!(code, 0, "{err}");
    let schema: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(schema["title"], "RouteFile");
    assert_eq!(schema["required"], json!(["elements", "name"]));
    let checked_in = include_str!("../../../client/route-file.schema.json");
    assert_eq!(
        out, checked_in,
        "generated/client/route-file.schema.json is stale: run `cargo run -p cloudflare-dynamic-routing-cli -- schema > generated/client/route-file.schema.json`"
    );

    let (code, out, err) = run(routes().args(["schema", "--manifest"]));
    assert_eq!(code, 0, "{err}");
    let schema: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(schema["title"], "Manifest");
    assert_eq!(
        schema["required"],
        json!(["account_id", "gateway_id", "owns"])
    );
    let checked_in = include_str!("../../../client/routes-manifest.schema.json");
    assert_eq!(
        out, checked_in,
        "generated/client/routes-manifest.schema.json is stale: run `cargo run -p cloudflare-dynamic-routing-cli -- schema --manifest > generated/client/routes-manifest.schema.json`"
    );
}

/// The CLI README's complete route file is the example in `examples/routes/`, and it is valid
/// and passes its own cases.
#[test]
fn the_readme_route_file_is_the_example_and_passes_its_cases() {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("`generated/cli/examples/routes/support.json`")
        .and_then(|at| {
            readme[at..]
                .find("```json")
                .map(|open| at + open + "```json\n".len())
        })
        .expect("the README shows the route file");
    let end = start + readme[start..].find("```").expect("the block ends");
    let example = include_str!("../../examples/routes/support.json");
    assert_eq!(
        &readme[start..end],
        example,
        "README and examples/routes/support.json differ"
    );
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/routes");
    let (code, out, err) = run(routes().arg("test").arg(&examples));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("support.json (support, 2 cases passed)"),
        "{out}"
    );
    let (code, _, err) = run(routes().arg("validate").arg(&examples));
    assert_eq!(code, 0, "{err}");
}

/// What an editor does with the checked-in schema: the example route file passes, and a
/// misspelt key or a missing required field is flagged.
#[test]
fn the_checked_in_schema_accepts_the_example_and_flags_mistakes() {
    let schema: Value =
        serde_json::from_str(include_str!("../../../client/route-file.schema.json")).expect("JSON");
    let validator = jsonschema::draft7::options()
        .build(&schema)
        .expect("a valid JSON Schema");
    let example: Value =
        serde_json::from_str(include_str!("../../examples/routes/support.json")).expect("JSON");
    let problems: Vec<String> = validator
        .iter_errors(&example)
        .map(|e| e.to_string())
        .collect();
    assert!(problems.is_empty(), "{problems:?}");

    let mut misspelt = example.clone();
    misspelt["elements"][0]["outputs"]["next"] = json!({"elementID": "plan"});
    assert!(!validator.is_valid(&misspelt), "elementID is flagged");
    let mut missing = example.clone();
    missing["elements"][4]["properties"]
        .as_object_mut()
        .expect("properties")
        .remove("retries");
    assert!(
        !validator.is_valid(&missing),
        "a missing retries is flagged"
    );
    let mut unknown = example;
    unknown["nmae"] = json!("support");
    assert!(
        !validator.is_valid(&unknown),
        "an unknown top-level key is flagged"
    );
}

/// `routes validate big-dir/ | head -1`: the reader goes away after the first line, and the
/// command still ends as it would have, without a panic. The output is several times a pipe's
/// buffer, so writing after the reader has gone fails however the two processes interleave.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let dir = tempfile::tempdir().expect("a temporary folder");
    let route = json!({"name": "r", "elements": fixtures::graph()});
    for n in 0..2000 {
        let name = format!("a-route-with-a-name-long-enough-to-fill-a-pipe-quickly-{n:04}");
        let mut route = route.clone();
        route["name"] = json!(name);
        write(dir.path(), &format!("{name}.json"), &route);
    }
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("routes"))
        .env_clear()
        .arg("validate")
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stdout = BufReader::new(child.stdout.take().expect("standard output"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("the first line");
    assert!(first.starts_with("ok "), "{first}");
    drop(stdout);
    let output = child.wait_with_output().expect("ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}
