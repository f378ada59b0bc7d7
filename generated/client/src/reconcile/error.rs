//! The one error type of routes as code: what `load`, `plan`, `apply`, `export`, `history`
//! and `rollback` fail with, each kind a variant a program can match on.

use std::fmt;
use std::path::{Path, PathBuf};

use super::apply::ApplyError;
use super::desired::DesiredError;
use super::manifest::MANIFEST_FILE;
use super::saved::SavedPlanError;

/// Why a routes-as-code step failed. `Display` is the whole message on one line (a command
/// can print it as is); `source()` is the underlying error, when there is one.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReconcileError {
    /// A request to the API failed.
    Client(crate::Error),
    /// Route files that cannot be used, every problem listed; nothing was sent.
    InvalidFiles(DesiredError),
    /// The plan would do something unsafe or ambiguous; nothing was sent.
    PlanRefused(PlanRefusal),
    /// No route on the gateway has this id or name.
    RouteNotFound {
        /// The id or name asked for.
        route: String,
    },
    /// A rollback has nowhere to go; nothing was sent.
    NoRollbackTarget {
        /// The route's name.
        route: String,
        /// The version asked for (`to`), which the route does not have; `None` when no version
        /// was asked for and the route has no earlier one.
        wanted: Option<String>,
        /// The page size the versions' answer reports, when the versions listed filled it: the
        /// version may be older than those listed, which the API gives no way to ask for.
        full_page: Option<u64>,
    },
    /// A rollback's caller expected another version to be live; nothing was sent.
    UnexpectedLiveVersion {
        /// The route's name.
        route: String,
        /// The version expected to be live.
        expected: String,
        /// The version live (the newest deployment's).
        live: String,
    },
    /// A route cannot be written as a route file; nothing was written.
    NotExportable {
        /// The route's name.
        route: String,
        /// Its id.
        route_id: String,
        /// Why.
        reason: String,
    },
    /// Export would replace files that hold other content; nothing was written.
    WouldOverwrite {
        /// Those files.
        paths: Vec<PathBuf>,
    },
    /// Reading or writing a file or directory failed.
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
    /// An apply stopped part way; it says what was done before the failure.
    Apply(Box<ApplyError>),
    /// A saved plan was not applied (unreadable, for another gateway, or stale); nothing was
    /// sent.
    SavedPlan(SavedPlanError),
    /// A manifest that cannot be used; nothing was sent.
    InvalidManifest {
        /// The manifest.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// An id given by a flag or the environment contradicts the manifest; nothing was sent.
    GatewayMismatch {
        /// The manifest.
        manifest: PathBuf,
        /// `account_id` or `gateway_id`.
        field: &'static str,
        /// What the manifest names.
        manifest_value: String,
        /// What was given.
        given: String,
    },
    /// Route files without a manifest beside files with one; nothing was sent.
    Unmanaged {
        /// The files without a manifest.
        files: Vec<PathBuf>,
        /// A manifest the other files have.
        manifest: PathBuf,
    },
    /// Files governed by several manifests, where one set of routes was asked for.
    SeveralManifests {
        /// The manifests.
        manifests: Vec<PathBuf>,
    },
}

/// Why a plan was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlanRefusal {
    /// A file pins a route id the gateway does not have.
    PinnedIdMissing {
        /// The file.
        file: PathBuf,
        /// The id it pins.
        route_id: String,
    },
    /// Several routes on the gateway have the name a file gives without pinning an id.
    AmbiguousName {
        /// The file.
        file: PathBuf,
        /// The name.
        name: String,
        /// How many routes have it.
        count: usize,
    },
    /// A rename onto a name another route holds (it would fail half way through an apply).
    RenameTaken {
        /// The file asking for the rename.
        file: Option<PathBuf>,
        /// The live name.
        from: String,
        /// The name asked for.
        to: String,
        /// The id of the route that holds that name.
        holder: String,
    },
    /// Pruning was asked for, but nothing says which routes the files own.
    PruneWithoutOwnership,
    /// A file pins the id of a route the directory does not own.
    PinnedNotOwned {
        /// The file.
        file: PathBuf,
        /// The id it pins.
        route_id: String,
        /// That route's name on the gateway.
        live_name: String,
    },
    /// A file describes a route the directory does not own.
    NotOwned {
        /// The file.
        file: PathBuf,
        /// The route's name.
        name: String,
    },
}

impl ReconcileError {
    /// The API error underneath, when the failure was a request (also inside an apply).
    pub fn client_error(&self) -> Option<&crate::Error> {
        match self {
            Self::Client(error) => Some(error),
            Self::Apply(failed) => Some(&failed.error),
            _ => None,
        }
    }

    /// An I/O failure on `path`.
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl fmt::Display for ReconcileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Client(error) => error.fmt(f),
            Self::InvalidFiles(problems) => problems.fmt(f),
            Self::PlanRefused(refusal) => refusal.fmt(f),
            Self::RouteNotFound { route } => {
                write!(f, "no route on the gateway has the id or name `{route}`")
            }
            Self::NoRollbackTarget {
                route,
                wanted: Some(version),
                full_page: None,
            } => write!(
                f,
                "route `{route}` has no version `{version}` (see `routes history {route}`)"
            ),
            Self::NoRollbackTarget {
                route,
                wanted: Some(version),
                full_page: Some(size),
            } => write!(
                f,
                "route `{route}`: version `{version}` is not among the {size} versions the API \
                 listed, a full page: it may be older than those, beyond the listed page, \
                 which the API gives no way to ask for; nothing was sent"
            ),
            Self::NoRollbackTarget {
                route,
                wanted: None,
                full_page: None,
            } => write!(f, "route `{route}` has no earlier version to roll back to"),
            Self::NoRollbackTarget {
                route,
                wanted: None,
                full_page: Some(size),
            } => write!(
                f,
                "route `{route}` has no earlier version among the {size} versions the API \
                 listed, a full page (older ones may exist that it does not list); nothing was sent"
            ),
            Self::UnexpectedLiveVersion {
                route,
                expected,
                live,
            } => write!(
                f,
                "route `{route}`: version `{live}` is live, not `{expected}` as expected; \
                 nothing was sent (see `routes history {route}`)"
            ),
            Self::NotExportable {
                route,
                route_id,
                reason,
            } => write!(
                f,
                "route `{route}` ({route_id}): {reason}; nothing was written"
            ),
            Self::WouldOverwrite { paths } => {
                let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                write!(
                    f,
                    "these files exist with other content: {}; nothing was written \
                     (--force replaces them)",
                    paths.join(", ")
                )
            }
            Self::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Self::Apply(failed) => failed.fmt(f),
            Self::SavedPlan(refusal) => refusal.fmt(f),
            Self::InvalidManifest { path, reason } => {
                write!(f, "{}: not a usable manifest: {reason}", path.display())
            }
            Self::GatewayMismatch {
                manifest,
                field,
                manifest_value,
                given,
            } => write!(
                f,
                "{} names {field} `{manifest_value}`, but `{given}` was given (a flag or an \
                 environment variable); nothing was sent",
                manifest.display()
            ),
            Self::Unmanaged { files, manifest } => {
                let files: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
                write!(
                    f,
                    "{} have no {MANIFEST_FILE} while {} does: give each directory its own \
                     manifest, or plan them separately; nothing was sent",
                    files.join(", "),
                    manifest.display()
                )
            }
            Self::SeveralManifests { manifests } => {
                let manifests: Vec<String> =
                    manifests.iter().map(|p| p.display().to_string()).collect();
                write!(
                    f,
                    "the route files belong to several manifests ({}); load each directory \
                     apart",
                    manifests.join(", ")
                )
            }
        }
    }
}

impl fmt::Display for PlanRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PinnedIdMissing { file, route_id } => write!(
                f,
                "{}: the file pins route id `{route_id}`, which is not on this gateway; \
                 remove `id` to create the route",
                file.display()
            ),
            Self::AmbiguousName { file, name, count } => write!(
                f,
                "{}: {count} routes on the gateway are named `{name}`; pin one with `id`",
                file.display()
            ),
            Self::RenameTaken {
                file,
                from,
                to,
                holder,
            } => write!(
                f,
                "{}: cannot rename route `{from}` to `{to}`: route {holder} already has that \
                 name; rename or remove that route first",
                file.as_deref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            ),
            Self::PruneWithoutOwnership => write!(
                f,
                "pruning needs to know which routes these files own, so routes made elsewhere \
                 are never deleted: add {MANIFEST_FILE} to the directory, such as \
                 {{\"account_id\": \"<account id>\", \"gateway_id\": \"<gateway id>\", \
                 \"owns\": \"gateway\"}} (or \"owns\": [\"team-a-*\"] for some names); \
                 `routes export DIR` writes one; nothing was sent"
            ),
            Self::PinnedNotOwned {
                file,
                route_id,
                live_name,
            } => write!(
                f,
                "{}: the file pins route id `{route_id}`, named `{live_name}` on the gateway, \
                 which this directory does not own",
                file.display()
            ),
            Self::NotOwned { file, name } => write!(
                f,
                "{}: route `{name}` is not owned by this directory",
                file.display()
            ),
        }
    }
}

impl std::error::Error for ReconcileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Client(error) => Some(error),
            Self::InvalidFiles(problems) => Some(problems),
            Self::PlanRefused(refusal) => Some(refusal),
            Self::Io { source, .. } => Some(source),
            Self::Apply(failed) => Some(failed.as_ref()),
            Self::SavedPlan(refusal) => Some(refusal),
            Self::RouteNotFound { .. }
            | Self::NoRollbackTarget { .. }
            | Self::UnexpectedLiveVersion { .. }
            | Self::NotExportable { .. }
            | Self::WouldOverwrite { .. }
            | Self::InvalidManifest { .. }
            | Self::GatewayMismatch { .. }
            | Self::Unmanaged { .. }
            | Self::SeveralManifests { .. } => None,
        }
    }
}

impl std::error::Error for PlanRefusal {}

impl From<crate::Error> for ReconcileError {
    fn from(error: crate::Error) -> Self {
        Self::Client(error)
    }
}

impl From<DesiredError> for ReconcileError {
    fn from(error: DesiredError) -> Self {
        Self::InvalidFiles(error)
    }
}

impl From<PlanRefusal> for ReconcileError {
    fn from(refusal: PlanRefusal) -> Self {
        Self::PlanRefused(refusal)
    }
}

impl From<ApplyError> for ReconcileError {
    fn from(error: ApplyError) -> Self {
        Self::Apply(Box::new(error))
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn each_kind_reads_as_one_line_and_chains_its_cause() {
        let io = ReconcileError::io(
            Path::new("out/a.json"),
            std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied"),
        );
        assert_eq!(io.to_string(), "out/a.json: denied");
        assert_eq!(
            io.source().map(ToString::to_string).as_deref(),
            Some("denied")
        );

        let refused = ReconcileError::from(PlanRefusal::RenameTaken {
            file: Some(PathBuf::from("routes/a.json")),
            from: "a".into(),
            to: "b".into(),
            holder: "r2".into(),
        });
        assert_eq!(
            refused.to_string(),
            "routes/a.json: cannot rename route `a` to `b`: route r2 already has that name; \
             rename or remove that route first"
        );
        assert!(matches!(
            refused
                .source()
                .and_then(|s| s.downcast_ref::<PlanRefusal>()),
            Some(PlanRefusal::RenameTaken { .. })
        ));

        let missing = ReconcileError::NoRollbackTarget {
            route: "support".into(),
            wanted: Some("v9".into()),
            full_page: None,
        };
        assert_eq!(
            missing.to_string(),
            "route `support` has no version `v9` (see `routes history support`)"
        );
        assert!(missing.source().is_none());
        assert!(missing.client_error().is_none());
        let beyond = ReconcileError::NoRollbackTarget {
            route: "support".into(),
            wanted: Some("v1".into()),
            full_page: Some(2),
        };
        assert_eq!(
            beyond.to_string(),
            "route `support`: version `v1` is not among the 2 versions the API listed, a full \
             page: it may be older than those, beyond the listed page, which the API gives no \
             way to ask for; nothing was sent"
        );
    }
}
