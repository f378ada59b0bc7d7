//! `routes completions SHELL` and `routes man DIR`: a script for every shell that names every
//! command `routes --help` lists (and passes the shell's own syntax check where that shell is
//! installed), and a man page for every command (parsed by groff where it is installed), written
//! into a directory that is created if missing, never over a file.

use std::path::Path;
use std::process::Stdio;

use crate::support::{self, run};

/// The shells clap_complete writes for.
const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "powershell", "elvish"];

/// Whether `program` can be run from `PATH`.
fn installed(program: &str) -> bool {
    std::process::Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// `shell`'s syntax check of `script`, where the shell is installed (`None` where not).
fn syntax_check(shell: &str, script: &str, dir: &Path) -> Option<(bool, String)> {
    let flag = match shell {
        "bash" | "zsh" => "-n",
        "fish" => "--no-execute",
        _ => return None,
    };
    if !installed(shell) {
        return None;
    }
    let path = dir.join(format!("routes.{shell}"));
    std::fs::write(&path, script).expect("write");
    let output = std::process::Command::new(shell)
        .arg(flag)
        .arg(&path)
        .output()
        .expect("the shell runs");
    Some((
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    ))
}

#[test]
fn every_shell_gets_a_script_naming_every_command() {
    let commands = support::commands();
    let dir = tempfile::tempdir().expect("a temporary folder");
    for shell in SHELLS {
        let (code, script, err) = run(support::routes().args(["completions", shell]));
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(err.is_empty(), "{shell}: {err}");
        for command in &commands {
            assert!(script.contains(command.as_str()), "{shell}: no `{command}`");
        }
        // Options of generated and hand-written commands alike.
        for option in ["json-body", "dry-run", "prune", "allow-operator"] {
            assert!(script.contains(option), "{shell}: no `--{option}`");
        }
        if let Some((passed, errors)) = syntax_check(shell, &script, dir.path()) {
            assert!(passed, "{shell} rejects its script: {errors}");
        }
    }
}

#[test]
fn an_unknown_shell_is_bad_usage() {
    let (code, out, err) = run(support::routes().args(["completions", "tcsh"]));
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("tcsh") && err.contains("bash"), "{err}");
}

#[test]
fn every_command_gets_a_man_page_in_a_directory_made_for_them() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let target = dir.path().join("share/man/man1");
    let (code, out, err) = run(support::routes().arg("man").arg(&target));
    assert_eq!(code, 0, "{err}");
    let mut expected = vec!["routes.1".to_string()];
    expected.extend(
        support::commands()
            .iter()
            .map(|command| format!("routes-{command}.1")),
    );
    let mut written: Vec<String> = std::fs::read_dir(&target)
        .expect("the directory was made")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    written.sort();
    expected.sort();
    assert_eq!(
        written, expected,
        "one page per command, no temporary file left"
    );
    assert_eq!(
        out.lines().count(),
        expected.len(),
        "each page listed: {out}"
    );

    let plan = std::fs::read_to_string(target.join("routes-plan.1")).expect("the plan page");
    assert!(plan.contains(".TH routes-plan 1"), "{plan}");
    assert!(plan.contains("\\-\\-prune"), "its options: {plan}");
    let create = std::fs::read_to_string(target.join("routes-create-route.1")).expect("a page");
    assert!(create.contains("\\-\\-dry\\-run"), "{create}");

    if installed("groff") {
        for page in &expected {
            let output = std::process::Command::new("groff")
                .args(["-man", "-Tutf8", "-ww", "-z"])
                .arg(target.join(page))
                .output()
                .expect("groff runs");
            let warnings = String::from_utf8_lossy(&output.stderr);
            assert!(
                output.status.success() && warnings.is_empty(),
                "{page}: {warnings}"
            );
        }
    }

    // Again into the same directory: the pages are replaced, nothing else appears.
    let (code, _, err) = run(support::routes().arg("man").arg(&target));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_dir(&target).expect("read").count(),
        expected.len()
    );
}

#[test]
fn man_refuses_a_file_and_a_directory_it_cannot_make() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("pages");
    std::fs::write(&file, "not a directory").expect("write");

    let (code, out, err) = run(support::routes().arg("man").arg(&file));
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("pages") && err.contains("not a directory"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "not a directory",
        "the file is untouched"
    );

    let (code, _, err) = run(support::routes().arg("man").arg(file.join("below")));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("cannot create the directory"), "{err}");

    let (code, _, err) = run(support::routes().arg("man"));
    assert_eq!(code, 2, "a directory is required: {err}");
}
