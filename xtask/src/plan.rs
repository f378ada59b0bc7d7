//! What regenerating would change: the one comparison behind `regenerate`, `check` and the
//! drift test.

use std::path::Path;

use similar::TextDiff;

use crate::{FIX_COMMAND, files};

/// What happens to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// On disk and identical.
    Unchanged,
    /// Not on disk yet.
    Create,
    /// On disk with other bytes.
    Update,
    /// A generated file on disk that the generator no longer produces.
    Remove,
}

/// One file's comparison.
#[derive(Debug, Clone)]
pub struct Change {
    /// Path relative to the workspace root, `/`-separated.
    pub path: String,
    /// What regenerating does to it.
    pub kind: ChangeKind,
    /// The bytes on disk, if any (as text; a non-UTF-8 file is shown lossily).
    pub current: Option<String>,
    /// The generated text, unless the file is to be removed.
    pub wanted: Option<String>,
}

/// Every generated file's comparison, in the generator's order, removals last.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The comparisons.
    pub changes: Vec<Change>,
}

/// Reads the spec and its overlay, generates, and compares with the files under `root`.
pub fn plan(root: &Path) -> Result<Plan, String> {
    let spec_bytes = files::read(root, codegen::SPEC_PATH)?
        .ok_or_else(|| format!("{}: the spec file does not exist", codegen::SPEC_PATH))?;
    let overlay_bytes = files::read(root, codegen::OVERLAY_PATH)?
        .ok_or_else(|| format!("{}: the overlay file does not exist", codegen::OVERLAY_PATH))?;
    let generated = quietly(|| codegen::generate(&spec_bytes, &overlay_bytes))
        .map_err(|e| format!("{}: {e}", e.file))?;
    let mut changes = Vec::with_capacity(generated.len());
    for file in generated {
        let current = files::read(root, &file.path)?
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
        let kind = match &current {
            None => ChangeKind::Create,
            Some(text) if *text == file.contents => ChangeKind::Unchanged,
            Some(_) => ChangeKind::Update,
        };
        changes.push(Change {
            path: file.path,
            kind,
            current,
            wanted: Some(file.contents),
        });
    }
    for stale in files::generated_files(root)? {
        if changes.iter().all(|c| c.path != stale) {
            let current = files::read(root, &stale)?
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
            changes.push(Change {
                path: stale,
                kind: ChangeKind::Remove,
                current,
                wanted: None,
            });
        }
    }
    Ok(Plan { changes })
}

impl Plan {
    /// The files that are not up to date.
    pub fn drifted(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .filter(|c| c.kind != ChangeKind::Unchanged)
    }

    /// The drift report: each drifted file with a unified diff, then the fix.
    pub fn report(&self) -> String {
        let mut report = String::new();
        for change in self.drifted() {
            let what = match change.kind {
                ChangeKind::Create => "missing (the generator produces it)",
                ChangeKind::Update => "differs from what the spec generates",
                ChangeKind::Remove => "is generated but no longer produced by the spec",
                ChangeKind::Unchanged => continue,
            };
            report.push_str(&format!("drift: {} {what}\n", change.path));
            let old = change.current.as_deref().unwrap_or("");
            let new = change.wanted.as_deref().unwrap_or("");
            let diff = TextDiff::from_lines(old, new);
            report.push_str(
                &diff
                    .unified_diff()
                    .context_radius(3)
                    .header(
                        &format!("a/{} (on disk)", change.path),
                        &format!("b/{} (generated)", change.path),
                    )
                    .to_string(),
            );
        }
        let count = self.drifted().count();
        report.push_str(&format!(
            "{count} generated file(s) out of date with {}; run `{FIX_COMMAND}` and commit the result\n",
            codegen::SPEC_PATH
        ));
        report
    }
}

/// Runs `f` with panic messages from this thread switched off. codegen turns a panic inside
/// progenitor into an error naming the operation; without this, the default hook would also
/// print its own message above our one clear line. The flag is per thread so that panics
/// elsewhere (another test, say) still print.
fn quietly<T>(f: impl FnOnce() -> T) -> T {
    use std::cell::Cell;
    use std::sync::Once;
    thread_local! {
        static QUIET: Cell<bool> = const { Cell::new(false) };
    }
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|quiet| quiet.set(true));
    let result = f();
    QUIET.with(|quiet| quiet.set(false));
    result
}
