//! Helpers the regression tests share: the real workspace's files, a scratch copy of the
//! workspace to break things in, and xtask run in-process exactly as the binary runs it.

/// The one set of JSON fixtures every test crate shares (the sample graph, routes, envelopes).
#[path = "../../generated/client/tests/support/fixtures.rs"]
pub mod fixtures;

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

/// The real workspace root.
pub fn workspace_root() -> PathBuf {
    xtask::default_root()
}

/// The vendored spec's bytes.
pub fn spec_bytes() -> Vec<u8> {
    fs::read(workspace_root().join(codegen::SPEC_PATH)).expect("the vendored spec is readable")
}

/// The overlay of live-API deviations.
pub fn overlay_bytes() -> Vec<u8> {
    fs::read(workspace_root().join(codegen::OVERLAY_PATH)).expect("the overlay is readable")
}

/// Runs the generator on `spec` with the workspace's overlay.
pub fn generate(spec: &[u8]) -> Result<Vec<codegen::GeneratedFile>, codegen::Error> {
    codegen::generate(spec, &overlay_bytes())
}

/// The vendored spec as JSON, for tests that mutate it.
pub fn spec_json() -> serde_json::Value {
    serde_json::from_slice(&spec_bytes()).expect("the vendored spec is JSON")
}

/// What one xtask run did.
#[derive(Debug)]
pub struct Outcome {
    /// The exit code.
    pub code: u8,
    /// Everything written to standard output.
    pub stdout: String,
    /// Everything written to standard error.
    pub stderr: String,
}

/// Runs `cargo xtask <args>` in-process against `root`.
pub fn xtask(root: &Path, args: &[&str]) -> Outcome {
    let mut argv: Vec<OsString> = vec!["xtask".into(), "--root".into(), root.into()];
    argv.extend(args.iter().map(OsString::from));
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = xtask::run(argv, &mut stdout, &mut stderr);
    Outcome {
        code,
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// A throwaway copy of the workspace's spec and generated files.
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    /// Copies the vendored spec, its overlay and every generated file into a fresh temporary
    /// folder.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let scratch = Self { dir };
        scratch.write(codegen::SPEC_PATH, &spec_bytes());
        scratch.write(codegen::OVERLAY_PATH, &overlay_bytes());
        let generated = generate(&spec_bytes()).expect("the vendored spec generates");
        for file in generated {
            let bytes = fs::read(workspace_root().join(&file.path)).expect("generated file");
            scratch.write(&file.path, &bytes);
        }
        scratch
    }

    /// The scratch workspace root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders) relative to the root.
    pub fn write(&self, relative: &str, bytes: &[u8]) {
        let path = self.root().join(relative);
        fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
        fs::write(path, bytes).expect("write");
    }

    /// Reads a file relative to the root; `None` if absent.
    pub fn read(&self, relative: &str) -> Option<Vec<u8>> {
        fs::read(self.root().join(relative)).ok()
    }

    /// Runs xtask against this scratch workspace.
    pub fn xtask(&self, args: &[&str]) -> Outcome {
        xtask(self.root(), args)
    }
}

impl Default for Scratch {
    fn default() -> Self {
        Self::new()
    }
}

/// The README's Rust examples, compiled (not run) by `cargo test --doc` so they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeExamples;

/// The `routes` command's README (a binary crate has no doctests of its own): its Rust
/// examples, compiled by `cargo test --doc`.
#[doc = include_str!("../../generated/cli/README.md")]
#[cfg(doctest)]
pub struct CliReadmeExamples;

/// The mocks crate's README example, compiled by `cargo test --doc`.
#[doc = include_str!("../../generated/mocks/README.md")]
#[cfg(doctest)]
pub struct MocksReadmeExamples;
