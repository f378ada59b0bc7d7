//! `routes test --junit FILE`: the route files' cases as a JUnit XML report, in the Ant/Jenkins
//! format GitHub Actions, GitLab and Jenkins render (Jenkins' `junit-10.xsd` validates it):
//! one `<testsuite>` per route file, one `<testcase>` per case, a failing case's `<failure>`
//! holding what was expected and every path the request took; a file that does not load, and
//! files in conflict, are test cases in `<error>`.
//!
//! quick-xml writes the XML and does the escaping; this module only replaces the characters
//! XML 1.0 cannot hold at all, even escaped (control characters), which a name may contain.

use std::borrow::Cow;
use std::io;
use std::path::Path;
use std::time::Duration;

use cloudflare_dynamic_routing::reconcile::Checked;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

/// One `<testsuite>`: a route file's cases, or the conflicts between files.
#[derive(Debug, Clone, PartialEq)]
struct Suite {
    name: String,
    package: String,
    cases: Vec<Case>,
}

/// One `<testcase>`.
#[derive(Debug, Clone, PartialEq)]
struct Case {
    name: String,
    classname: String,
    time: Duration,
    result: CaseResult,
}

/// How a test case ended.
#[derive(Debug, Clone, PartialEq)]
enum CaseResult {
    Passed,
    /// A case whose expectations do not hold.
    Failed {
        message: String,
        text: String,
    },
    /// No case could run: the file does not load, or conflicts with another.
    Error {
        kind: &'static str,
        message: String,
        text: String,
    },
}

/// The name of the one test case standing for a route file that does not load.
const LOADS: &str = "the route file loads and its graph is valid";
/// The suite holding conflicts between files (two files for one route, a file not owned).
const CONFLICTS: &str = "route files";

/// The report for what `routes test` found, or for the failure that left nothing to check
/// (`Err`: no route files, a manifest that does not load); `timestamp` is when the run started,
/// as `YYYY-MM-DDTHH:MM:SS` (UTC, no zone, as the schema wants).
pub fn report(checked: Result<&Checked, &str>, timestamp: &str) -> io::Result<Vec<u8>> {
    let suites = match checked {
        Ok(checked) => suites(checked),
        Err(failure) => vec![error_suite(
            "routes test",
            ".",
            "route files are found and read",
            "no route files",
            failure,
        )],
    };
    write(&suites, timestamp, &hostname())
}

/// A suite per file (its cases, or one case in error when it did not load), then one for the
/// conflicts between files, if any.
fn suites(checked: &Checked) -> Vec<Suite> {
    let mut suites: Vec<Suite> = checked
        .files
        .iter()
        .map(|(path, result)| {
            let name = path.display().to_string();
            let package = package(path);
            let tested = checked.tested.iter().find(|t| &t.source == path);
            match (tested, result) {
                (Some(tested), _) => Suite {
                    name,
                    package,
                    cases: tested
                        .cases
                        .iter()
                        .map(|case| Case {
                            name: case.name.clone(),
                            classname: tested.route.clone(),
                            time: case.duration,
                            result: match &case.failure {
                                None => CaseResult::Passed,
                                Some(failure) => CaseResult::Failed {
                                    message: failure.problems.join("; "),
                                    text: failure.to_string(),
                                },
                            },
                        })
                        .collect(),
                },
                (None, Err(problems)) => {
                    let text = problems.join("\n");
                    error_suite(&name, &package, LOADS, "invalid route file", &text)
                }
                (None, Ok(_)) => Suite {
                    name,
                    package,
                    cases: Vec::new(),
                },
            }
        })
        .collect();
    let conflicts: Vec<Case> = checked
        .duplicates
        .iter()
        .map(|problem| ("one file per route", "duplicate route", problem))
        .chain(
            checked
                .not_owned
                .iter()
                .map(|problem| ("owned by its manifest", "route not owned", problem)),
        )
        .map(|(name, kind, problem)| Case {
            name: name.to_string(),
            classname: CONFLICTS.to_string(),
            time: Duration::ZERO,
            result: CaseResult::Error {
                kind,
                message: problem.clone(),
                text: problem.clone(),
            },
        })
        .collect();
    if !conflicts.is_empty() {
        suites.push(Suite {
            name: CONFLICTS.to_string(),
            package: ".".to_string(),
            cases: conflicts,
        });
    }
    suites
}

/// A suite of one case in error: the message is the first line of `text`.
fn error_suite(name: &str, package: &str, case: &str, kind: &'static str, text: &str) -> Suite {
    Suite {
        name: name.to_string(),
        package: package.to_string(),
        cases: vec![Case {
            name: case.to_string(),
            classname: name.to_string(),
            time: Duration::ZERO,
            result: CaseResult::Error {
                kind,
                message: text.lines().next().unwrap_or_default().to_string(),
                text: text.to_string(),
            },
        }],
    }
}

/// The directory holding `path`, JUnit's "package".
fn package(path: &Path) -> String {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.display().to_string(),
        _ => ".".to_string(),
    }
}

/// The host the report says it ran on; `localhost` when the environment does not say, as the
/// format asks.
fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

/// Seconds with milliseconds: Jenkins' schema allows at most three decimals in `time`.
fn seconds(time: Duration) -> String {
    format!("{:.3}", time.as_secs_f64())
}

/// `text` with every character XML 1.0 cannot hold (control characters other than tab, line
/// feed and carriage return; U+FFFE and U+FFFF) replaced by U+FFFD.
fn xml_safe(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
    };
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(
            text.chars()
                .map(|c| if allowed(c) { c } else { '\u{FFFD}' })
                .collect(),
        )
    }
}

/// The document: `<testsuites>` holding each suite with its counts and time.
fn write(suites: &[Suite], timestamp: &str, hostname: &str) -> io::Result<Vec<u8>> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer
        .create_element("testsuites")
        .write_inner_content(|writer| {
            for (id, suite) in suites.iter().enumerate() {
                write_suite(writer, id, suite, timestamp, hostname)?;
            }
            Ok(())
        })?;
    let mut xml = writer.into_inner();
    xml.push(b'\n');
    Ok(xml)
}

fn write_suite(
    writer: &mut Writer<Vec<u8>>,
    id: usize,
    suite: &Suite,
    timestamp: &str,
    hostname: &str,
) -> io::Result<()> {
    let count = |wanted: fn(&CaseResult) -> bool| {
        suite
            .cases
            .iter()
            .filter(|case| wanted(&case.result))
            .count()
            .to_string()
    };
    let failures = count(|r| matches!(r, CaseResult::Failed { .. }));
    let errors = count(|r| matches!(r, CaseResult::Error { .. }));
    let time = seconds(suite.cases.iter().map(|case| case.time).sum());
    let (id, tests) = (id.to_string(), suite.cases.len().to_string());
    writer
        .create_element("testsuite")
        .with_attributes([
            ("name", xml_safe(&suite.name).as_ref()),
            ("package", xml_safe(&suite.package).as_ref()),
            ("id", id.as_str()),
            ("timestamp", timestamp),
            ("hostname", xml_safe(hostname).as_ref()),
            ("tests", tests.as_str()),
            ("failures", failures.as_str()),
            ("errors", errors.as_str()),
            ("skipped", "0"),
            ("time", time.as_str()),
        ])
        .write_inner_content(|writer| {
            writer.create_element("properties").write_empty()?;
            for case in &suite.cases {
                write_case(writer, case)?;
            }
            writer.create_element("system-out").write_empty()?;
            writer.create_element("system-err").write_empty()?;
            Ok(())
        })?;
    Ok(())
}

fn write_case(writer: &mut Writer<Vec<u8>>, case: &Case) -> io::Result<()> {
    let time = seconds(case.time);
    let element = writer.create_element("testcase").with_attributes([
        ("name", xml_safe(&case.name).as_ref()),
        ("classname", xml_safe(&case.classname).as_ref()),
        ("time", time.as_str()),
    ]);
    let (tag, kind, message, text) = match &case.result {
        CaseResult::Passed => {
            element.write_empty()?;
            return Ok(());
        }
        CaseResult::Failed { message, text } => ("failure", "case failed", message, text),
        CaseResult::Error {
            kind,
            message,
            text,
        } => ("error", *kind, message, text),
    };
    element.write_inner_content(|writer| {
        writer
            .create_element(tag)
            .with_attributes([("message", xml_safe(message).as_ref()), ("type", kind)])
            .write_text_content(BytesText::new(&xml_safe(text)))?;
        Ok(())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_xml_cannot_hold_are_replaced_and_the_rest_kept() {
        assert_eq!(xml_safe("a <b> & \"c\" ü ✓"), "a <b> & \"c\" ü ✓");
        assert_eq!(
            xml_safe("tab\tline\nbell\u{7}nul\0"),
            "tab\tline\nbell\u{FFFD}nul\u{FFFD}"
        );
    }

    #[test]
    fn counts_and_times_add_up_per_suite() {
        let case = |name: &str, result| Case {
            name: name.to_string(),
            classname: "r".to_string(),
            time: Duration::from_micros(1400),
            result,
        };
        let suite = Suite {
            name: "routes/r.json".to_string(),
            package: "routes".to_string(),
            cases: vec![
                case("passes", CaseResult::Passed),
                case(
                    "fails",
                    CaseResult::Failed {
                        message: "expected".to_string(),
                        text: "expected\n    path: a".to_string(),
                    },
                ),
            ],
        };
        let xml = String::from_utf8(write(&[suite], "2026-01-02T03:04:05", "h").expect("xml"))
            .expect("UTF-8");
        assert!(
            xml.contains(
                r#"<testsuite name="routes/r.json" package="routes" id="0" timestamp="2026-01-02T03:04:05" hostname="h" tests="2" failures="1" errors="0" skipped="0" time="0.003">"#
            ),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<testcase name="passes" classname="r" time="0.001"/>"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<failure message="expected" type="case failed">expected"#),
            "{xml}"
        );
    }
}
