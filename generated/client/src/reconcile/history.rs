//! A route's past and going back to it: its versions with the graph change each made, its
//! deployments, and rollback to an earlier version without creating a new one, which a second
//! time changes nothing.

use serde::Serialize;

use super::apply::deployed_not_yet_visible;
use super::changes::{ElementChange, element_changes};
use super::error::ReconcileError;
use super::read::{ReadOptions, find_route, with_graphs};
use crate::Gateway;
use crate::deploy::DeploySearch;
use crate::types::{Deployment, Route, Version};

/// A route's versions and deployments.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct History {
    /// The route's id.
    pub route_id: String,
    /// Its name.
    pub name: String,
    /// The live version: the newest deployment's (reads may lag a deployment).
    pub live_version: String,
    /// Its versions, oldest first.
    pub versions: Vec<VersionEntry>,
    /// Its deployments, oldest first.
    pub deployments: Vec<Deployment>,
    /// `Some` when the API answered a full page of versions or of deployments: older ones may
    /// exist that it does not list, and the spec gives no way to ask for another page.
    pub maybe_incomplete: Option<FullPages>,
}

/// Which lists of a [`History`] the API answered with a full page, each with that page's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FullPages {
    /// The versions' page size, when the versions filled it.
    pub versions: Option<u64>,
    /// The deployments' page size, when the deployments filled it.
    pub deployments: Option<u64>,
}

/// One version in a [`History`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionEntry {
    /// Its id.
    pub version_id: String,
    /// When it was created.
    pub created_at: String,
    /// Whether it is the live one.
    pub live: bool,
    /// When it was deployed, oldest first; empty if never.
    pub deployed_at: Vec<String>,
    /// How many elements its graph has; `None` when the API gave no graph.
    pub elements: Option<usize>,
    /// What it changed from the version before it; `None` for the first, or when a graph is
    /// missing.
    pub changes: Option<Vec<ElementChange>>,
}

/// The history of the route named `route` (by id or name).
pub async fn history(
    gateway: &Gateway<'_>,
    route: &str,
    read: &ReadOptions,
) -> Result<History, ReconcileError> {
    let route = find_route(gateway, route, read).await?;
    let listed = gateway.versions_oldest_first(&route.id).await?;
    let versions = with_graphs(gateway, &route.id, listed.items, read).await?;
    let deployments = gateway.deployments_oldest_first(&route.id).await?;
    let maybe_incomplete = (listed.full_page.is_some() || deployments.full_page.is_some())
        .then_some(FullPages {
            versions: listed.full_page,
            deployments: deployments.full_page,
        });
    let deployments = deployments.items;
    let live_version = live_version(&deployments, &route);
    let mut entries: Vec<VersionEntry> = Vec::with_capacity(versions.len());
    let mut previous: Option<Option<&[crate::graph::AnyElement]>> = None;
    for (version, graph) in &versions {
        let changes = match (previous, graph) {
            (Some(Some(before)), Some(after)) => Some(element_changes(before, after)),
            _ => None,
        };
        entries.push(VersionEntry {
            version_id: version.version_id.clone(),
            created_at: version.created_at.clone(),
            live: version.version_id == live_version,
            deployed_at: deployments
                .iter()
                .filter(|d| d.version_id == version.version_id)
                .map(|d| d.created_at.clone())
                .collect(),
            elements: graph.as_ref().map(Vec::len),
            changes,
        });
        previous = Some(graph.as_deref());
    }
    Ok(History {
        route_id: route.id,
        name: route.name,
        live_version,
        versions: entries,
        deployments,
        maybe_incomplete,
    })
}

/// How a [`rollback`] is done: which version to put live (`to`; by default the one deployed
/// before the live one), the version the caller expects to be live, and how the route is found.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RollbackOptions {
    /// The version to put live; `None`: the version deployed before the live one (see
    /// [`rollback`]).
    pub to: Option<String>,
    /// The version the caller expects to be live; when another is, the rollback is refused
    /// ([`ReconcileError::UnexpectedLiveVersion`]) and nothing is sent.
    pub expect_live: Option<String>,
    /// How the route is found.
    pub read: ReadOptions,
}

impl RollbackOptions {
    /// Putting `version` live, whichever it is.
    pub fn to(mut self, version: impl Into<String>) -> Self {
        self.to = Some(version.into());
        self
    }

    /// Refused unless `version` is live.
    pub fn expect_live(mut self, version: impl Into<String>) -> Self {
        self.expect_live = Some(version.into());
        self
    }

    /// With the route found this way.
    pub fn read(mut self, read: ReadOptions) -> Self {
        self.read = read;
        self
    }
}

/// What a rollback did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rollback {
    /// The route's id.
    pub route_id: String,
    /// Its name.
    pub name: String,
    /// The version that was live (its newest deployment's).
    pub from_version: String,
    /// The version now live.
    pub to_version: String,
    /// Whether a deployment was sent; `false` says why in `nothing_sent`.
    pub deployed: bool,
    /// Why nothing was sent, when nothing was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nothing_sent: Option<NothingSent>,
    /// `true` when the deployment was made but reads did not show it before the client's
    /// [`DeployWait`](crate::DeployWait) ran out: done, not failed (the API's reads lag).
    pub not_yet_visible: bool,
}

/// Why a [`rollback`] sent nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum NothingSent {
    /// The version asked for is the live one.
    AlreadyLive,
    /// No version was asked for and the live version's deployment was itself a step back
    /// (a rollback, or an old graph applied again) from `stepped_back_from`: rolling back
    /// again would put that version back.
    LiveIsAStepBack {
        /// The version live before the step back.
        stepped_back_from: String,
    },
}

/// Where a rollback without `to` goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DefaultTarget {
    /// This version.
    Version(String),
    /// Nowhere: the live version's deployment was a step back from this version.
    LiveIsAStepBack(String),
    /// Nowhere: the route has no earlier version.
    None,
}

/// The version live: its newest deployment's (reads may lag a deployment); the route read's
/// when the API lists no deployment.
fn live_version(deployments: &[Deployment], route: &Route) -> String {
    deployments
        .last()
        .map_or(&route.version.version_id, |d| &d.version_id)
        .clone()
}

/// Where a rollback without `to` goes, from the route's deployments and versions (both oldest
/// first) alone, so that rolling back twice is rolling back once.
///
/// The target is the version of the newest deployment of another version than the live one
/// (the live one's deployments in a row count as one, so a retried deployment changes
/// nothing). When the live version is older than that version (created before it; or, if
/// either is not listed, deployed before), the live deployment was itself a step back, and
/// there is no target. With no earlier deployment, the target is the version created just
/// before the live one.
fn default_target(live: &str, deployments: &[Deployment], versions: &[Version]) -> DefaultTarget {
    let mut earlier = deployments
        .iter()
        .rev()
        .skip_while(|d| d.version_id == live)
        .map(|d| d.version_id.as_str());
    let position = |id: &str| versions.iter().position(|v| v.version_id == id);
    let Some(before) = earlier.next() else {
        return match position(live).and_then(|i| i.checked_sub(1)) {
            Some(i) => DefaultTarget::Version(versions[i].version_id.clone()),
            None => DefaultTarget::None,
        };
    };
    let stepped_back = match (position(live), position(before)) {
        (Some(live), Some(before)) => live < before,
        _ => earlier.any(|id| id == live),
    };
    if stepped_back {
        DefaultTarget::LiveIsAStepBack(before.to_string())
    } else {
        DefaultTarget::Version(before.to_string())
    }
}

/// Puts an earlier version of the route named `route` (by id or name) live again, waiting
/// until reads show it; no version is created.
///
/// The live version is the route's newest deployment's, not a read's (reads lag a
/// deployment). The version put live is `options.to`, or else the version deployed before the
/// live one; when the live one was itself deployed going back (created before that version),
/// nothing is sent ([`NothingSent::LiveIsAStepBack`]), so a rollback repeated changes nothing.
/// With no earlier deployment, it is the version created before the live one.
///
/// A deployment that reads do not show within the client's wait is reported with
/// [`Rollback::not_yet_visible`], not as an error: it was made.
pub async fn rollback(
    gateway: &Gateway<'_>,
    route: &str,
    options: &RollbackOptions,
) -> Result<Rollback, ReconcileError> {
    let route = find_route(gateway, route, &options.read).await?;
    let deployments = gateway.deployments_oldest_first(&route.id).await?.items;
    let live = live_version(&deployments, &route);
    if let Some(expected) = &options.expect_live
        && *expected != live
    {
        return Err(ReconcileError::UnexpectedLiveVersion {
            route: route.name,
            expected: expected.clone(),
            live,
        });
    }
    let listed = gateway.versions_oldest_first(&route.id).await?;
    let versions = listed.items;
    let no_target = |wanted: Option<&String>| ReconcileError::NoRollbackTarget {
        route: route.name.clone(),
        wanted: wanted.cloned(),
        full_page: listed.full_page,
    };
    let (target, nothing_sent) = match &options.to {
        Some(wanted) => {
            let target = versions
                .iter()
                .find(|v| v.version_id == *wanted)
                .ok_or_else(|| no_target(Some(wanted)))?;
            (target.version_id.clone(), None)
        }
        None => match default_target(&live, &deployments, &versions) {
            DefaultTarget::Version(target) => (target, None),
            DefaultTarget::LiveIsAStepBack(from) => (
                live.clone(),
                Some(NothingSent::LiveIsAStepBack {
                    stepped_back_from: from,
                }),
            ),
            DefaultTarget::None => return Err(no_target(None)),
        },
    };
    let nothing_sent = match nothing_sent {
        None if target == live => Some(NothingSent::AlreadyLive),
        other => other,
    };
    let deployed = nothing_sent.is_none();
    let not_yet_visible =
        deployed && deployed_not_yet_visible(gateway.deploy_version(&route.id, &target).await)?;
    Ok(Rollback {
        route_id: route.id,
        name: route.name,
        from_version: live,
        to_version: target,
        deployed,
        nothing_sent,
        not_yet_visible,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployments(versions: &[&str]) -> Vec<Deployment> {
        versions
            .iter()
            .enumerate()
            .map(|(i, v)| {
                serde_json::from_value(serde_json::json!({
                    "deployment_id": format!("d{i}"),
                    "version_id": v,
                    "created_at": format!("2026-01-01T00:00:{i:02}Z"),
                }))
                .expect("a deployment")
            })
            .collect()
    }

    fn versions(ids: &[&str]) -> Vec<Version> {
        ids.iter()
            .enumerate()
            .map(|(i, v)| {
                serde_json::from_value(serde_json::json!({
                    "version_id": v,
                    "active": "false",
                    "created_at": format!("2026-01-01T00:00:{i:02}Z"),
                }))
                .expect("a version")
            })
            .collect()
    }

    fn target(live: &str, deployed: &[&str], created: &[&str]) -> DefaultTarget {
        default_target(live, &deployments(deployed), &versions(created))
    }

    fn to(version: &str) -> DefaultTarget {
        DefaultTarget::Version(version.to_string())
    }

    fn stepped_back_from(version: &str) -> DefaultTarget {
        DefaultTarget::LiveIsAStepBack(version.to_string())
    }

    #[test]
    fn goes_to_the_version_deployed_before_the_live_one() {
        let all = ["v1", "v2", "v3"];
        assert_eq!(target("v3", &all, &all), to("v2"));
        // A deployment retried (two in a row) is one.
        assert_eq!(target("v3", &["v1", "v2", "v3", "v3"], &all), to("v2"));
        // Deployed before, not created before.
        assert_eq!(target("v3", &["v1", "v3"], &all), to("v1"));
    }

    #[test]
    fn after_a_step_back_goes_nowhere() {
        let all = ["v1", "v2", "v3"];
        assert_eq!(
            target("v2", &["v1", "v2", "v3", "v2"], &all),
            stepped_back_from("v3")
        );
        // The rollback's deployment retried.
        assert_eq!(
            target("v2", &["v1", "v2", "v3", "v2", "v2"], &all),
            stepped_back_from("v3")
        );
        // Rolled forward again (`to`) is not a step back.
        assert_eq!(
            target("v3", &["v1", "v2", "v3", "v2", "v3"], &all),
            to("v2")
        );
        // A version never deployed before, put live with `to`, steps back when older.
        assert_eq!(
            target("v1", &["v2", "v3", "v1"], &all),
            stepped_back_from("v3")
        );
    }

    #[test]
    fn without_an_earlier_deployment_goes_to_the_version_created_before() {
        assert_eq!(target("v2", &["v2"], &["v1", "v2"]), to("v1"));
        // Once that is live, the rollback is not repeated.
        assert_eq!(
            target("v1", &["v2", "v1"], &["v1", "v2"]),
            stepped_back_from("v2")
        );
        assert_eq!(target("v1", &["v1"], &["v1"]), DefaultTarget::None);
        assert_eq!(target("v1", &[], &["v1"]), DefaultTarget::None);
    }

    #[test]
    fn versions_not_listed_are_judged_by_their_deployments() {
        assert_eq!(
            target("v2", &["v1", "v2", "v3", "v2"], &[]),
            stepped_back_from("v3")
        );
        assert_eq!(target("v3", &["v1", "v2", "v3"], &[]), to("v2"));
    }
}
