//! Route files grouped by the manifest that governs them: each file belongs to the nearest
//! `routes.manifest.json` at or above it, up to the path it was found under (a file named on
//! its own: its own directory's), so `staging/` and `production/` are planned each against its
//! own gateway.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::desired::DesiredError;
use super::error::ReconcileError;
use super::manifest::{MANIFEST_FILE, Manifest, ManifestAt, is_manifest_file};
use crate::route_file;

/// Route files and the manifest that governs them (`None`: no manifest, so the gateway comes
/// from elsewhere and nothing is owned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteDirectory {
    /// The manifest.
    pub manifest: Option<ManifestAt>,
    /// Its route files, in discovery order.
    pub files: Vec<PathBuf>,
}

/// The route files under `paths` (as [`route_file::discover`] finds them; a manifest named as a
/// path is read too), grouped by manifest in order of first appearance. Every manifest is read
/// and checked; route files without a manifest beside files with one are refused
/// ([`ReconcileError::Unmanaged`]), since they would go to another gateway unnoticed.
pub fn directories(paths: &[PathBuf]) -> Result<Vec<RouteDirectory>, ReconcileError> {
    let mut groups: Vec<RouteDirectory> = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    for root in paths {
        if is_manifest_file(root) {
            group_of(&mut groups, Some(root.clone()))?;
            continue;
        }
        let files = route_file::discover(std::slice::from_ref(root)).map_err(|e| {
            ReconcileError::InvalidFiles(DesiredError {
                problems: vec![e.to_string()],
            })
        })?;
        let top = if root.is_dir() {
            root.as_path()
        } else {
            root.parent().unwrap_or(Path::new(""))
        };
        for file in files {
            let canonical = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
            if !seen.insert(canonical) {
                continue;
            }
            let index = group_of(&mut groups, nearest_manifest(&file, top))?;
            groups[index].files.push(file);
        }
    }
    let governed = groups.iter().find_map(|g| g.manifest.as_ref());
    if let (Some(governed), Some(bare)) = (governed, groups.iter().find(|g| g.manifest.is_none())) {
        return Err(ReconcileError::Unmanaged {
            files: bare.files.clone(),
            manifest: governed.path.clone(),
        });
    }
    Ok(groups)
}

/// The index of the group for `manifest`, added (and the manifest read) if new.
fn group_of(
    groups: &mut Vec<RouteDirectory>,
    manifest: Option<PathBuf>,
) -> Result<usize, ReconcileError> {
    let same = |group: &RouteDirectory| match (&group.manifest, &manifest) {
        (None, None) => true,
        (Some(at), Some(path)) => same_file(&at.path, path),
        _ => false,
    };
    if let Some(index) = groups.iter().position(same) {
        return Ok(index);
    }
    let manifest = match manifest {
        Some(path) => Some(ManifestAt {
            manifest: Manifest::read(&path)?,
            path,
        }),
        None => None,
    };
    groups.push(RouteDirectory {
        manifest,
        files: Vec::new(),
    });
    Ok(groups.len() - 1)
}

/// The nearest manifest at or above `file`'s directory, not above `top`.
fn nearest_manifest(file: &Path, top: &Path) -> Option<PathBuf> {
    let mut dir = file.parent();
    while let Some(current) = dir {
        let candidate = current.join(MANIFEST_FILE);
        if candidate.is_file() {
            return Some(candidate);
        }
        if same_file(current, top) || current.as_os_str().is_empty() {
            return None;
        }
        dir = current.parent();
    }
    None
}

/// Whether two paths name one file (canonically, when they can be resolved).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
