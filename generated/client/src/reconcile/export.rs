//! Export: a gateway's routes as route files, each pinning its route's id so that planning
//! the export at once changes nothing. Every file name is chosen and every file checked before
//! the first is written, so a refusal or a failed check writes nothing.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

use super::error::ReconcileError;
use super::manifest::{MANIFEST_FILE, Manifest};
use super::read::{ReadOptions, read_routes};
use crate::Gateway;
use crate::graph::known_elements;
use crate::route_file::{self, RouteFile};
use crate::staged_file::StagedFile;
use crate::types::Route;

/// The longest file name, in bytes, that common file systems accept.
const MAX_FILE_NAME: usize = 255;

/// Names Windows reserves for devices, whatever the extension.
const WINDOWS_RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A gateway's routes as route files, in the gateway's list order, and the manifest that says
/// which gateway they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// One file per route.
    pub files: Vec<ExportedFile>,
    /// The directory's manifest (the gateway exported from, owning all of it), written as
    /// [`MANIFEST_FILE`] beside the files; `None` from [`export_routes`], which knows no gateway.
    pub manifest: Option<Manifest>,
}

/// One route as a route file.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedFile {
    /// The file's name (no directory): the route's name made safe for a file name, or, when
    /// that name is taken (also after case folding or Unicode normalisation), too long or
    /// reserved on Windows, the route's name and id.
    pub file_name: String,
    /// The file's content: the route's name, live graph and pinned id.
    pub route: RouteFile,
}

/// What [`Export::write_to`] does with a file that exists with other content.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Overwrite {
    /// Refuse, and write nothing at all.
    #[default]
    Refuse,
    /// Replace it.
    Replace,
}

/// Reads every route on the gateway whole and turns each into a route file, with a manifest
/// naming the gateway and owning all of it.
pub async fn export(gateway: &Gateway<'_>, read: &ReadOptions) -> Result<Export, ReconcileError> {
    let routes = read_routes(gateway, read).await?;
    let mut export = export_routes(routes)?;
    export.manifest = Some(Manifest::whole_gateway(
        &gateway.account_id,
        &gateway.gateway_id,
    ));
    Ok(export)
}

/// Routes as read whole into route files with their names: pure, so naming is tested without
/// a server. A route without a graph, or with element kinds this client does not know, cannot
/// be exported ([`ReconcileError::NotExportable`]).
pub fn export_routes(routes: Vec<Route>) -> Result<Export, ReconcileError> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut files = Vec::with_capacity(routes.len());
    for route in routes {
        let not_exportable = |reason: String| ReconcileError::NotExportable {
            route: route.name.clone(),
            route_id: route.id.clone(),
            reason,
        };
        let graph = route
            .graph()
            .ok_or_else(|| not_exportable("the API gave no graph".to_string()))?;
        let elements = known_elements(&graph).map_err(|unknown| {
            let kinds: Vec<&str> = unknown.iter().map(|e| e.kind()).collect();
            not_exportable(format!(
                "element kinds this client does not know ({})",
                kinds.join(", ")
            ))
        })?;
        let plain = route_file::file_name(&route.name);
        let file_name = if usable(&plain) && !taken.contains(&folded(&plain)) {
            plain
        } else {
            let with_id = name_with_id(&route.name, &route.id);
            if !usable(&with_id) || taken.contains(&folded(&with_id)) {
                return Err(not_exportable(format!(
                    "no usable file name: `{plain}` and `{with_id}` are taken or not allowed"
                )));
            }
            with_id
        };
        taken.insert(folded(&file_name));
        let mut file = RouteFile::new(route.name, elements);
        file.id = Some(route.id);
        files.push(ExportedFile {
            file_name,
            route: file,
        });
    }
    Ok(Export {
        files,
        manifest: None,
    })
}

impl Export {
    /// Writes every file into `dir` (created if missing), and the manifest as [`MANIFEST_FILE`]
    /// when there is one, and returns the route files' paths, in order. A
    /// file that already holds the same content is left as it is. Before anything is written,
    /// every path is checked: a file with other content is a refusal under
    /// [`Overwrite::Refuse`] ([`ReconcileError::WouldOverwrite`], listing them all), and a
    /// directory or unreadable file in the way is an error; then every new content is staged
    /// in a temporary file, and only when all are staged are they renamed into place.
    pub fn write_to(
        &self,
        dir: &Path,
        overwrite: Overwrite,
    ) -> Result<Vec<PathBuf>, ReconcileError> {
        let mut pending: Vec<(PathBuf, String)> = Vec::new();
        let mut refused = Vec::new();
        let paths: Vec<PathBuf> = self.files.iter().map(|f| dir.join(&f.file_name)).collect();
        let contents = self.files.iter().map(|f| route_file::to_json(&f.route));
        let manifest = self
            .manifest
            .as_ref()
            .map(|m| (dir.join(MANIFEST_FILE), m.to_json()));
        let every = paths.iter().cloned().zip(contents).chain(manifest);
        for (path, content) in every {
            match existing(&path)? {
                Some(old) if old == content => continue,
                Some(_) if overwrite == Overwrite::Refuse => refused.push(path.clone()),
                _ => pending.push((path, content)),
            }
        }
        if !refused.is_empty() {
            return Err(ReconcileError::WouldOverwrite { paths: refused });
        }
        std::fs::create_dir_all(dir).map_err(|e| ReconcileError::io(dir, e))?;
        // Every file staged first: a full disk or a denied write leaves the directory as it
        // was (each staged file removes itself when dropped).
        let staged = pending
            .iter()
            .map(|(path, content)| {
                StagedFile::stage(path, content.as_bytes()).map_err(|e| ReconcileError::io(path, e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        for (staged, (path, _)) in staged.into_iter().zip(&pending) {
            staged.commit().map_err(|e| ReconcileError::io(path, e))?;
        }
        Ok(paths)
    }
}

/// The content of the file at `path`; `None` if there is none. Anything else there (a
/// directory, an unreadable file) is an error, found before anything is written.
fn existing(path: &Path) -> Result<Option<String>, ReconcileError> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ReconcileError::io(path, e)),
        Ok(meta) if !meta.is_file() => {
            return Err(ReconcileError::io(
                path,
                std::io::Error::other("something other than a file is in the way"),
            ));
        }
        Ok(_) => {}
    }
    std::fs::read_to_string(path)
        .map(Some)
        .map_err(|e| ReconcileError::io(path, e))
}

/// `<name>-<id>.json`, the name cut (on a character boundary) so the whole fits a file name.
fn name_with_id(name: &str, id: &str) -> String {
    let suffix = route_file::file_name(&format!("-{id}"));
    let mut stem = route_file::file_name(name);
    stem.truncate(stem.len().saturating_sub(".json".len()));
    let mut cut = MAX_FILE_NAME.saturating_sub(suffix.len()).min(stem.len());
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{suffix}", &stem[..cut])
}

/// Whether a file system will take the name: short enough, and not a Windows device name.
fn usable(file_name: &str) -> bool {
    let device = file_name
        .split('.')
        .next()
        .is_some_and(|stem| WINDOWS_RESERVED.contains(&stem.to_ascii_lowercase().as_str()));
    file_name.len() <= MAX_FILE_NAME && !device
}

/// The name as a case-insensitive, normalisation-insensitive file system (APFS, HFS+, NTFS)
/// compares it: canonical (NFD first, so lower-casing sees every accent as its own character,
/// as Unicode's canonical caseless match does), lower-cased, then NFC. Canonical, not
/// compatibility (NFKC), equivalence: no file system folds `ﬁ` into `fi` or `²` into `2`.
fn folded(file_name: &str) -> String {
    file_name
        .nfd()
        .collect::<String>()
        .to_lowercase()
        .nfc()
        .collect()
}

#[cfg(test)]
mod tests;
