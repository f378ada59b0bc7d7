//! File I/O for generated files: reads, atomic writes, and finding what is generated.

use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use crate::plan::{Change, ChangeKind};

/// Folders never searched for generated files: build output, version control, npm packages.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules"];

fn full(root: &Path, relative: &str) -> PathBuf {
    relative
        .split('/')
        .fold(root.to_path_buf(), |p, c| p.join(c))
}

/// Reads a file under `root`; `None` if it does not exist.
pub fn read(root: &Path, relative: &str) -> Result<Option<Vec<u8>>, String> {
    match fs::read(full(root, relative)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{relative}: cannot read: {e}")),
    }
}

/// Writes `contents` to `relative` atomically: a temporary file beside it, flushed, then
/// renamed over it, so a reader sees the old bytes or the new, never a mix.
pub fn write_atomic(root: &Path, relative: &str, contents: &[u8]) -> Result<(), String> {
    let target = full(root, relative);
    let dir = target
        .parent()
        .ok_or_else(|| format!("{relative}: has no parent folder"))?;
    fs::create_dir_all(dir).map_err(|e| format!("{relative}: cannot create its folder: {e}"))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = fs::File::create(&temporary).and_then(|mut file| {
        file.write_all(contents)?;
        file.sync_all()
    });
    if let Err(e) = written.and_then(|()| fs::rename(&temporary, &target)) {
        let _ = fs::remove_file(&temporary);
        return Err(format!("{relative}: cannot write: {e}"));
    }
    Ok(())
}

/// Carries out one planned change.
pub fn apply(root: &Path, change: &Change) -> Result<(), String> {
    match (change.kind, &change.wanted) {
        (ChangeKind::Unchanged, _) => Ok(()),
        (ChangeKind::Remove, _) => fs::remove_file(full(root, &change.path))
            .map_err(|e| format!("{}: cannot remove: {e}", change.path)),
        (_, Some(contents)) => write_atomic(root, &change.path, contents.as_bytes()),
        (_, None) => Err(format!("{}: nothing to write", change.path)),
    }
}

/// Every `.rs` file in the workspace that starts with the generated marker, sorted. Files are
/// recognised by their header alone, wherever they are, so a generated file that codegen no
/// longer produces is found even if it was moved; hidden folders, `target` and `node_modules`
/// are not searched.
pub fn generated_files(root: &Path) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    let mut pending = vec![String::new()];
    while let Some(relative) = pending.pop() {
        let folder = if relative.is_empty() {
            root.to_path_buf()
        } else {
            full(root, &relative)
        };
        let shown = if relative.is_empty() {
            "."
        } else {
            relative.as_str()
        };
        let entries = fs::read_dir(&folder).map_err(|e| format!("{shown}: cannot list: {e}"))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{shown}: cannot list: {e}"))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let child = if relative.is_empty() {
                name.clone()
            } else {
                format!("{relative}/{name}")
            };
            let kind = entry
                .file_type()
                .map_err(|e| format!("{child}: cannot stat: {e}"))?;
            if kind.is_dir() && !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_str()) {
                pending.push(child);
            } else if kind.is_file() && name.ends_with(".rs") && starts_with_marker(&entry.path())?
            {
                found.push(child);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Whether a file's first bytes are the generated marker; only those bytes are read.
fn starts_with_marker(path: &Path) -> Result<bool, String> {
    use std::io::Read;
    let marker = codegen::GENERATED_MARKER.as_bytes();
    let mut head = Vec::with_capacity(marker.len());
    fs::File::open(path)
        .and_then(|file| file.take(marker.len() as u64).read_to_end(&mut head))
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    Ok(head == marker)
}
