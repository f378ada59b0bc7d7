//! The graphs of versions already seen, so that a plan reads only the routes whose deployed
//! version is new. Versions are immutable, so an entry never goes stale; the cache is never
//! authoritative all the same: an entry that is missing, unreadable, corrupt or recorded for
//! another key is read again from the API, and a cache that cannot be written only costs reads.
//!
//! On disk, one JSON file per version: `<dir>/<account>/<gateway>/<route>/<version>.json`,
//! holding the key it was written for beside the graph. Each id becomes a path component only
//! when it is plainly safe (ASCII letters, digits, `-`, `_`); any other is hex-encoded behind a
//! `%`, so no id can name `..`, a separator or a device. Two ids that a case-insensitive file
//! system folds together share a file, and the key inside tells them apart.

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::thread::JoinHandle;

use serde::{Deserialize, Serialize};

use crate::graph::AnyElement;
use crate::staged_file::StagedFile;

/// Which version's graph: the account, gateway, route and version ids.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VersionKey {
    /// The account's id.
    pub account_id: String,
    /// The gateway's id.
    pub gateway_id: String,
    /// The route's id.
    pub route_id: String,
    /// The version's id.
    pub version_id: String,
}

impl fmt::Display for VersionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "version {} of route {} (account {}, gateway {})",
            self.version_id, self.route_id, self.account_id, self.gateway_id
        )
    }
}

/// Told of each problem the cache met (the plan goes on regardless).
pub type CacheReport = Arc<dyn Fn(&CacheProblem) + Send + Sync>;

/// A cache of version graphs: in a directory (see [`GraphCache::in_user_cache_dir`] for the
/// usual one) or in memory. Cloning shares it.
#[derive(Clone)]
pub struct GraphCache {
    store: Arc<Store>,
    report: Option<CacheReport>,
}

enum Store {
    Directory(PathBuf),
    Memory(Mutex<HashMap<VersionKey, Vec<AnyElement>>>),
}

/// What went wrong with one entry. The graph is read from the API instead; nothing is lost
/// but a request.
#[derive(Debug)]
#[non_exhaustive]
pub enum CacheProblem {
    /// The entry exists but could not be read.
    Unreadable {
        /// The entry's file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The entry is not the JSON this cache writes.
    Corrupt {
        /// The entry's file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The entry was written for another version (copied, or folded together by a
    /// case-insensitive file system).
    Foreign {
        /// The entry's file.
        path: PathBuf,
        /// The key recorded in it.
        recorded: Box<VersionKey>,
    },
    /// A graph read from the API could not be stored.
    Unwritable {
        /// The file it was to go to.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

impl fmt::Display for CacheProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreadable { path, source } => {
                write!(f, "cannot read cache entry {}: {source}", path.display())
            }
            Self::Corrupt { path, reason } => {
                write!(f, "cache entry {} is corrupt: {reason}", path.display())
            }
            Self::Foreign { path, recorded } => write!(
                f,
                "cache entry {} holds another key ({recorded})",
                path.display()
            ),
            Self::Unwritable { path, source } => {
                write!(f, "cannot write cache entry {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for CacheProblem {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Unreadable { source, .. } | Self::Unwritable { source, .. } => Some(source),
            Self::Corrupt { .. } | Self::Foreign { .. } => None,
        }
    }
}

/// One file's content: the key it was written for, and the graph.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    key: VersionKey,
    elements: Vec<AnyElement>,
}

impl GraphCache {
    /// Below the user's cache directory: `cloudflare-dynamic-routing/graphs`.
    pub const USER_SUBDIRECTORY: &'static str = "cloudflare-dynamic-routing/graphs";

    /// A cache of one file per version under `dir` (created when first written).
    pub fn in_directory(dir: impl Into<PathBuf>) -> Self {
        Self::with_store(Store::Directory(dir.into()))
    }

    /// A cache in the user's cache directory ([`GraphCache::user_directory`]); `None` when
    /// there is none (no home directory), and then a plan simply reads as without a cache.
    pub fn in_user_cache_dir() -> Option<Self> {
        Self::user_directory().map(Self::in_directory)
    }

    /// `<the user's cache directory>/cloudflare-dynamic-routing/graphs` (on Linux
    /// `$XDG_CACHE_HOME` or `~/.cache`, on macOS `~/Library/Caches`, on Windows
    /// `%LOCALAPPDATA%`), if the platform has one.
    pub fn user_directory() -> Option<PathBuf> {
        dirs::cache_dir().map(|dir| dir.join(Self::USER_SUBDIRECTORY))
    }

    /// A cache that lives as long as its clones, in memory: for tests, or one process that
    /// plans several times.
    pub fn in_memory() -> Self {
        Self::with_store(Store::Memory(Mutex::default()))
    }

    fn with_store(store: Store) -> Self {
        Self {
            store: Arc::new(store),
            report: None,
        }
    }

    /// With every problem told to `report` as well as logged (`tracing`, warn).
    pub fn reporting(mut self, report: CacheReport) -> Self {
        self.report = Some(report);
        self
    }

    /// The directory, for a cache on disk.
    pub fn directory(&self) -> Option<&Path> {
        match &*self.store {
            Store::Directory(dir) => Some(dir),
            Store::Memory(_) => None,
        }
    }

    /// The file `key`'s graph is kept in, for a cache on disk whose ids fit in file names.
    pub fn path_of(&self, key: &VersionKey) -> Option<PathBuf> {
        let dir = self.directory()?;
        let mut path = dir.to_path_buf();
        for id in [&key.account_id, &key.gateway_id, &key.route_id] {
            path.push(component(id)?);
        }
        path.push(format!("{}.json", component(&key.version_id)?));
        Some(path)
    }

    /// `key`'s graph, if kept. A problem with the entry is reported and reads as `None`.
    pub fn get(&self, key: &VersionKey) -> Option<Vec<AnyElement>> {
        match self.lookup(key) {
            Ok(graph) => graph,
            Err(problem) => {
                self.tell(&problem);
                None
            }
        }
    }

    /// Keeps `graph` as `key`'s. A failure is reported, never returned: a plan does not fail
    /// for want of a cache.
    pub fn put(&self, key: &VersionKey, graph: &[AnyElement]) {
        if let Err(problem) = self.store(key, graph) {
            self.tell(&problem);
        }
    }

    /// `key`'s graph: `Ok(None)` when not kept, `Err` when the entry cannot be used.
    pub fn lookup(&self, key: &VersionKey) -> Result<Option<Vec<AnyElement>>, CacheProblem> {
        match &*self.store {
            Store::Memory(graphs) => Ok(graphs
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(key)
                .cloned()),
            Store::Directory(_) => {
                let Some(path) = self.path_of(key) else {
                    return Ok(None);
                };
                let text = match std::fs::read(&path) {
                    Ok(text) => text,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
                    Err(source) => return Err(CacheProblem::Unreadable { path, source }),
                };
                let entry: Entry = match serde_json::from_slice(&text) {
                    Ok(entry) => entry,
                    Err(e) => {
                        return Err(CacheProblem::Corrupt {
                            path,
                            reason: e.to_string(),
                        });
                    }
                };
                if &entry.key != key {
                    return Err(CacheProblem::Foreign {
                        path,
                        recorded: Box::new(entry.key),
                    });
                }
                Ok(Some(entry.elements))
            }
        }
    }

    /// Keeps `graph` as `key`'s: on disk, written whole beside its place and renamed into it,
    /// so no reader sees half an entry (not synced: an entry a crash loses or spoils is only
    /// read again). Ids that fit in no file name are not kept.
    pub fn store(&self, key: &VersionKey, graph: &[AnyElement]) -> Result<(), CacheProblem> {
        match &*self.store {
            Store::Memory(graphs) => {
                graphs
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(key.clone(), graph.to_vec());
                Ok(())
            }
            Store::Directory(_) => {
                let Some(path) = self.path_of(key) else {
                    return Ok(());
                };
                let entry = Entry {
                    key: key.clone(),
                    elements: graph.to_vec(),
                };
                let unwritable = |source| CacheProblem::Unwritable {
                    path: path.clone(),
                    source,
                };
                let content = serde_json::to_vec(&entry).map_err(|e| unwritable(e.into()))?;
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(unwritable)?;
                }
                StagedFile::stage_unsynced(&path, &content)
                    .and_then(StagedFile::commit)
                    .map_err(unwritable)
            }
        }
    }

    fn tell(&self, problem: &CacheProblem) {
        tracing::warn!(%problem, "graph cache");
        if let Some(report) = &self.report {
            report(problem);
        }
    }
}

/// Stores entries on a thread of its own, so a plan's reads never wait for the disk; dropping
/// it waits for the entries sent so far. Without a thread (a cache in memory, or none could be
/// started) each entry is stored at once.
pub(crate) struct BackgroundWriter {
    cache: GraphCache,
    sender: Option<mpsc::Sender<(VersionKey, Vec<AnyElement>)>>,
    thread: Option<JoinHandle<()>>,
}

impl BackgroundWriter {
    /// Writes into `cache`.
    pub(crate) fn new(cache: &GraphCache) -> Self {
        let cache = cache.clone();
        let (sender, thread) = match cache.directory() {
            None => (None, None),
            Some(_) => {
                let (sender, receiver) = mpsc::channel::<(VersionKey, Vec<AnyElement>)>();
                let writes_to = cache.clone();
                let spawned = std::thread::Builder::new()
                    .name("graph-cache".into())
                    .spawn(move || {
                        for (key, graph) in receiver {
                            writes_to.put(&key, &graph);
                        }
                    });
                match spawned {
                    Ok(thread) => (Some(sender), Some(thread)),
                    Err(_) => (None, None),
                }
            }
        };
        Self {
            cache,
            sender,
            thread,
        }
    }

    /// The cache written to.
    pub(crate) fn cache(&self) -> &GraphCache {
        &self.cache
    }

    /// Keeps `graph` as `key`'s, now or on the thread.
    pub(crate) fn put(&self, key: VersionKey, graph: Vec<AnyElement>) {
        match &self.sender {
            Some(sender) => {
                if let Err(mpsc::SendError((key, graph))) = sender.send((key, graph)) {
                    self.cache.put(&key, &graph);
                }
            }
            None => self.cache.put(&key, &graph),
        }
    }
}

impl Drop for BackgroundWriter {
    fn drop(&mut self) {
        drop(self.sender.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl fmt::Debug for GraphCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.store {
            Store::Directory(dir) => f.debug_tuple("GraphCache::Directory").field(dir).finish(),
            Store::Memory(_) => f.write_str("GraphCache::Memory"),
        }
    }
}

/// Longest file name component written; longer ids are not kept.
const MAX_COMPONENT: usize = 200;

/// `id` as one path component: as it is when plainly safe, else `%` and its bytes in hex;
/// `None` when too long for a file name.
fn component(id: &str) -> Option<String> {
    let plain = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !is_device_name(id);
    let encoded = if plain {
        id.to_string()
    } else {
        let mut hex = String::with_capacity(1 + 2 * id.len());
        hex.push('%');
        for byte in id.bytes() {
            hex.push_str(&format!("{byte:02x}"));
        }
        hex
    };
    (encoded.len() <= MAX_COMPONENT).then_some(encoded)
}

/// Names Windows reserves for devices, whatever the case.
fn is_device_name(id: &str) -> bool {
    let upper = id.to_ascii_uppercase();
    matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.len() == 4
            && upper.as_bytes()[3].is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(route: &str, version: &str) -> VersionKey {
        VersionKey {
            account_id: "0d37909e38d3e99c29fa2cd343ac421a".into(),
            gateway_id: "my-gateway".into(),
            route_id: route.into(),
            version_id: version.into(),
        }
    }

    fn graph() -> Vec<AnyElement> {
        serde_json::from_value(crate::fixtures::graph()).expect("a graph")
    }

    #[test]
    fn a_graph_kept_on_disk_is_found_again_and_only_under_its_own_key() {
        let dir = tempfile::tempdir().expect("a directory");
        let cache = GraphCache::in_directory(dir.path());
        assert_eq!(cache.lookup(&key("r", "v1")).expect("no problem"), None);
        cache.store(&key("r", "v1"), &graph()).expect("stored");
        let again = GraphCache::in_directory(dir.path());
        assert_eq!(
            again.lookup(&key("r", "v1")).expect("no problem"),
            Some(graph())
        );
        assert_eq!(again.lookup(&key("r", "v2")).expect("no problem"), None);
        assert_eq!(again.lookup(&key("other", "v1")).expect("no problem"), None);
    }

    #[test]
    fn corrupt_and_foreign_entries_are_problems_and_a_store_replaces_them() {
        let dir = tempfile::tempdir().expect("a directory");
        let cache = GraphCache::in_directory(dir.path());
        cache.store(&key("a", "v1"), &graph()).expect("stored");
        let wanted = key("b", "v1");
        let path = cache.path_of(&wanted).expect("a path");
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("made");

        std::fs::copy(cache.path_of(&key("a", "v1")).expect("a path"), &path).expect("copied");
        assert!(matches!(
            cache.lookup(&wanted),
            Err(CacheProblem::Foreign { recorded, .. }) if recorded.route_id == "a"
        ));
        for corrupt in ["not json", "{\"key\": 1, \"elements\": []}", "[]"] {
            std::fs::write(&path, corrupt).expect("written");
            assert!(
                matches!(cache.lookup(&wanted), Err(CacheProblem::Corrupt { .. })),
                "{corrupt}"
            );
            assert_eq!(cache.get(&wanted), None, "a problem reads as missing");
        }
        cache.store(&wanted, &graph()).expect("stored");
        assert_eq!(cache.lookup(&wanted).expect("no problem"), Some(graph()));
    }

    #[test]
    fn no_id_escapes_the_directory_and_distinct_ids_get_distinct_files() {
        let dir = tempfile::tempdir().expect("a directory");
        let cache = GraphCache::in_directory(dir.path());
        let hostile = [
            "..",
            ".",
            "/etc/passwd",
            "a/../../b",
            "c:\\x",
            "",
            "NUL",
            "com1",
        ];
        let mut paths = Vec::new();
        for id in hostile {
            let k = key(id, id);
            let path = cache.path_of(&k).expect("a path");
            let relative = path.strip_prefix(dir.path()).expect("inside");
            assert_eq!(relative.components().count(), 4, "{id:?}: {path:?}");
            assert!(
                relative
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_))),
                "{id:?}: {path:?}"
            );
            cache.store(&k, &graph()).expect("stored");
            assert_eq!(cache.lookup(&k).expect("no problem"), Some(graph()));
            paths.push(path);
        }
        // A plain id never looks like an encoded one.
        assert_ne!(component("2e2e"), component(".."));
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), hostile.len());
        assert_eq!(cache.path_of(&key(&"x".repeat(300), "v")), None);
        cache
            .store(&key(&"x".repeat(300), "v"), &graph())
            .expect("skipped");
    }

    #[test]
    fn an_unwritable_directory_is_a_reported_problem_not_a_failure() {
        let dir = tempfile::tempdir().expect("a directory");
        let file = dir.path().join("a-file");
        std::fs::write(&file, "in the way").expect("written");
        let told = Arc::new(Mutex::new(Vec::new()));
        let seen = told.clone();
        let cache = GraphCache::in_directory(&file).reporting(Arc::new(move |p| {
            seen.lock().expect("a lock").push(p.to_string())
        }));
        assert!(matches!(
            cache.store(&key("r", "v"), &graph()),
            Err(CacheProblem::Unwritable { .. })
        ));
        cache.put(&key("r", "v"), &graph());
        assert_eq!(
            told.lock().expect("a lock").len(),
            1,
            "the failed write is told"
        );
        assert_eq!(cache.get(&key("r", "v")), None);
    }

    #[test]
    fn in_memory_keeps_graphs_for_its_clones() {
        let cache = GraphCache::in_memory();
        cache.clone().put(&key("r", "v"), &graph());
        assert_eq!(cache.get(&key("r", "v")), Some(graph()));
        assert_eq!(cache.path_of(&key("r", "v")), None);
    }
}
