//! Writing a file so that no reader ever sees half of it: the new content goes to a temporary
//! file created exclusively beside the target, then a rename puts it in place. A temporary
//! file that is never put in place is removed.

use std::fs::{File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// Writes `content` to `target` whole or not at all: staged beside it, then renamed into place
/// (what `routes test --junit` writes its report with).
pub fn write(target: &Path, content: &[u8]) -> io::Result<()> {
    StagedFile::stage(target, content).and_then(StagedFile::commit)
}

/// New content waiting in a temporary file beside its target.
#[derive(Debug)]
pub struct StagedFile {
    temporary: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl StagedFile {
    /// Writes `content` to a new temporary file in `target`'s directory. The file is created
    /// exclusively (never one that already exists, nor through a symlink planted at its name).
    pub fn stage(target: &Path, content: &[u8]) -> io::Result<Self> {
        Self::stage_then(target, content, Durability::Synced)
    }

    /// As [`StagedFile::stage`], without waiting for the content to reach the disk: for a
    /// cache, where a file lost to a crash is only read again, and a sync per entry would cost
    /// more than the read it saves. No reader sees half a file all the same.
    #[cfg_attr(not(feature = "reconcile"), allow(dead_code))] // the graph cache's
    pub(crate) fn stage_unsynced(target: &Path, content: &[u8]) -> io::Result<Self> {
        Self::stage_then(target, content, Durability::Unsynced)
    }

    fn stage_then(target: &Path, content: &[u8], durability: Durability) -> io::Result<Self> {
        let dir = match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (file, temporary) = create_exclusive(dir, &name)?;
        let staged = Self {
            temporary,
            target: target.to_path_buf(),
            committed: false,
        };
        write_all(file, content, durability)?;
        Ok(staged)
    }

    /// Puts the content in place of the target, replacing it if it exists.
    pub fn commit(mut self) -> io::Result<()> {
        std::fs::rename(&self.temporary, &self.target)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.temporary);
        }
    }
}

/// A new file `.<name>.<random>.tmp` in `dir`, created exclusively (a name taken is tried
/// again with another random part).
fn create_exclusive(dir: &Path, name: &str) -> io::Result<(File, PathBuf)> {
    let mut last = None;
    for _ in 0..16 {
        let path = dir.join(format!(".{name}.{:016x}.tmp", fastrand::u64(..)));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

/// Whether staging waits until the content is on the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Durability {
    Synced,
    #[cfg_attr(not(feature = "reconcile"), allow(dead_code))]
    Unsynced,
}

fn write_all(mut file: File, content: &[u8], durability: Durability) -> io::Result<()> {
    file.write_all(content)?;
    match durability {
        Durability::Synced => file.sync_all(),
        Durability::Unsynced => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("readable")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn content_appears_only_on_commit_and_an_uncommitted_stage_leaves_nothing() {
        let dir = tempfile::tempdir().expect("a directory");
        let target = dir.path().join("a.json");
        std::fs::write(&target, "old").expect("written");

        let staged = StagedFile::stage(&target, b"new").expect("staged");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "old");
        assert_eq!(
            entries(dir.path()).len(),
            2,
            "the target and one temporary file"
        );
        staged.commit().expect("committed");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "new");
        assert_eq!(entries(dir.path()), ["a.json"]);

        drop(StagedFile::stage(&dir.path().join("b.json"), b"never").expect("staged"));
        assert_eq!(
            entries(dir.path()),
            ["a.json"],
            "the temporary file is removed"
        );
    }
}
