//! Mermaid text checked by Mermaid's own parser: `.ci/install-mermaid` puts it (with a checker
//! script) in `target/ci-tools/mermaid`, or `MERMAID_CHECK` names the script. Without it the
//! check is skipped with a note, except under `CI=true`, where it fails.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The checker script: `MERMAID_CHECK`, else the one `.ci/install-mermaid` installs.
fn checker() -> PathBuf {
    match std::env::var_os("MERMAID_CHECK") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/ci-tools/mermaid/check-mermaid.mjs"),
    }
}

/// Asserts that every ```` ```mermaid ```` block of `markdown` (there must be one) parses;
/// `what` names the document in failures. Returns whether the check ran.
pub fn assert_mermaid_parses(markdown: &str, what: &str) -> bool {
    let script = checker();
    if !script.is_file() {
        let message = format!(
            "Mermaid's parser not found at {} (set MERMAID_CHECK, or run `bash .ci/install-mermaid`)",
            script.display()
        );
        if std::env::var("CI").is_ok_and(|ci| ci == "true") {
            panic!("{message}: CI must run .ci/install-mermaid before the tests");
        }
        eprintln!("note: skipping the Mermaid parse check of {what}: {message}");
        return false;
    }
    let mut child = Command::new("node")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(markdown.as_bytes())
        .expect("node reads");
    let output = child.wait_with_output().expect("node finishes");
    assert!(
        output.status.success(),
        "{what}: Mermaid does not parse it: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    true
}
