//! `routes test --junit`: the report read back with an independent XML parser (suites, cases,
//! counts, failures with the request's paths, files that do not load, names with XML-special
//! characters and Unicode) and validated against Jenkins' JUnit schema (`junit-10.xsd`) by
//! `xmllint`, both of which `.ci/run` installs: required under `CI=true`, skipped with a note
//! elsewhere when either is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::fixtures;
use crate::support::{routes, run};

/// A case name with every character XML escapes, Unicode, and a control character XML 1.0
/// cannot hold (written as U+FFFD).
const AWKWARD: &str = "free <plan> & \"quoted\" 'names' → ünïcode ✓ bell\u{7}";

fn write(dir: &Path, name: &str, route: &Value) {
    std::fs::write(dir.join(name), route.to_string()).expect("write");
}

fn route(name: &str, tests: Value) -> Value {
    json!({"name": name, "elements": fixtures::graph(), "tests": tests})
}

/// Jenkins' JUnit schema, where `.ci/install-junit-schema` puts it (`JUNIT_XSD` overrides).
fn schema() -> PathBuf {
    std::env::var_os("JUNIT_XSD").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/ci-tools/junit-10.xsd"),
        PathBuf::from,
    )
}

/// Under `CI=true` a missing tool is a failure: `.ci/run` installs it.
fn missing(message: &str) {
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        panic!("{message}: CI must install it before the tests (.ci/run does)");
    }
    println!("note: {message}; skipping the JUnit schema check");
}

/// `xmllint --schema` accepts `report`; where xmllint is missing, a note (a failure under
/// `CI=true`, whose `.ci/run` installs it).
fn assert_schema_valid(report: &Path) {
    if Command::new("xmllint").arg("--version").output().is_err() {
        return missing("xmllint not found (Debian: apt-get install libxml2-utils)");
    }
    if !schema().is_file() {
        return missing("the JUnit schema is not there (bash .ci/install-junit-schema fetches it)");
    }
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema())
        .arg(report)
        .output()
        .expect("xmllint runs");
    assert!(
        output.status.success(),
        "the report does not validate against the JUnit schema:\n{}\n{}",
        String::from_utf8_lossy(&output.stderr),
        std::fs::read_to_string(report).unwrap_or_default()
    );
}

/// An attribute that must be there.
fn attribute<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> &'a str {
    node.attribute(name)
        .unwrap_or_else(|| panic!("<{}> has no {name}", node.tag_name().name()))
}

fn children<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    tag: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'input>> {
    node.children().filter(move |child| child.has_tag_name(tag))
}

#[test]
fn the_junit_report_has_a_suite_per_file_and_a_case_per_case_and_fits_the_schema() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let routes_dir = dir.path().join("routes");
    std::fs::create_dir(&routes_dir).expect("a folder");
    write(
        &routes_dir,
        "a.json",
        &route(
            "support <bot> & ✓",
            json!([
                {"name": AWKWARD, "request": {"metadata": {"plan": "free"}},
                 "expect": {"end": "end", "models": ["small"]}},
                {"name": "pro users get the large model only",
                 "request": {"metadata": {"plan": "pro"}},
                 "expect": {"models": ["large"]}},
            ]),
        ),
    );
    std::fs::write(routes_dir.join("b.json"), "{\"name\": ").expect("write");
    write(&routes_dir, "c.json", &route("no-cases", json!([])));
    let report = dir.path().join("report.xml");
    std::fs::write(&report, "an older report").expect("write");

    let (code, out, err) = run(routes()
        .arg("test")
        .arg("--junit")
        .arg(&report)
        .arg(&routes_dir));
    assert_eq!(code, 1, "a failing case still fails the run: {out}{err}");
    assert!(
        out.contains("case `pro users get the large model only` failed"),
        "the usual lines are still printed: {out}"
    );

    let xml = std::fs::read_to_string(&report).expect("the report is written");
    let document = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = children(root, "testsuite").collect();
    let names: Vec<&str> = suites.iter().map(|s| attribute(*s, "name")).collect();
    let file = |name: &str| routes_dir.join(name).display().to_string();
    assert_eq!(names, [file("a.json"), file("b.json"), file("c.json")]);

    let counts = |suite: roxmltree::Node| {
        ["tests", "failures", "errors"].map(|name| attribute(suite, name).to_string())
    };
    assert_eq!(counts(suites[0]), ["2", "1", "0"]);
    let cases: Vec<_> = children(suites[0], "testcase").collect();
    assert_eq!(
        attribute(cases[0], "name"),
        AWKWARD.replace('\u{7}', "\u{FFFD}")
    );
    assert_eq!(attribute(cases[0], "classname"), "support <bot> & ✓");
    assert_eq!(cases[0].children().filter(|c| c.is_element()).count(), 0);
    let failure = children(cases[1], "failure").next().expect("a <failure>");
    assert_eq!(
        attribute(failure, "message"),
        "expected models [`large`] to be tried, but [`large`, `small`] may be"
    );
    let text = failure.text().unwrap_or_default();
    assert!(text.contains("expected models [`large`]"), "{text}");
    assert!(
        text.contains("path: ") && text.contains("split"),
        "the paths the request took: {text}"
    );

    assert_eq!(counts(suites[1]), ["1", "0", "1"]);
    let error = children(suites[1], "testcase")
        .flat_map(|case| children(case, "error"))
        .next()
        .expect("an <error> for the file that does not load");
    assert!(
        attribute(error, "message").contains("b.json"),
        "{}",
        attribute(error, "message")
    );
    assert_eq!(counts(suites[2]), ["0", "0", "0"]);

    for suite in &suites {
        let time: f64 = attribute(*suite, "time").parse().expect("a decimal time");
        assert!(time >= 0.0);
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("readable")
        .map(|e| e.expect("entry").file_name())
        .filter(|name| name.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert_eq!(
        leftovers,
        Vec::<std::ffi::OsString>::new(),
        "no temporary file is left"
    );
    assert_schema_valid(&report);
}

#[test]
fn junit_dash_writes_the_report_to_standard_output_and_the_lines_to_standard_error() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write(
        dir.path(),
        "r.json",
        &route(
            "r",
            json!([{"name": "free", "request": {"metadata": {"plan": "free"}},
                    "expect": {"end": "end"}}]),
        ),
    );
    let (code, out, err) = run(routes().args(["test", "--junit", "-"]).arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("<?xml"), "{out}");
    assert!(err.contains("1 case passed"), "{err}");
    let document = roxmltree::Document::parse(&out).expect("well-formed XML");
    let case = document
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .expect("a case");
    assert_eq!(attribute(case, "name"), "free");
    let report = dir.path().join("stdout.xml");
    std::fs::write(&report, &out).expect("write");
    assert_schema_valid(&report);
}

#[test]
fn with_no_route_files_the_report_holds_the_error_and_an_unwritable_report_fails_the_run() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("a folder");
    let report = dir.path().join("report.xml");
    let (code, _, err) = run(routes().arg("test").arg("--junit").arg(&report).arg(&empty));
    assert_eq!(code, 1);
    assert!(err.contains("no route files found"), "{err}");
    let xml = std::fs::read_to_string(&report).expect("the report is written");
    let document = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let error = document
        .descendants()
        .find(|n| n.has_tag_name("error"))
        .expect("an <error>");
    assert!(attribute(error, "message").contains("no route files found"));
    assert_schema_valid(&report);

    write(
        dir.path(),
        "r.json",
        &route("r", json!([{"name": "free", "expect": {"end": "end"}}])),
    );
    let nowhere = dir.path().join("missing-folder/report.xml");
    let (code, _, err) = run(routes()
        .arg("test")
        .arg("--junit")
        .arg(&nowhere)
        .arg(dir.path().join("r.json")));
    assert_eq!(code, 1);
    assert!(
        err.contains("cannot write the JUnit report") && err.contains("missing-folder"),
        "{err}"
    );
}
