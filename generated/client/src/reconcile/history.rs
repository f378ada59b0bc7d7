//! A route's past and going back to it: its versions with the graph change each made, its
//! deployments, and rollback to an earlier version without creating a new one.

use serde::Serialize;

use super::changes::{ElementChange, element_changes};
use super::error::ReconcileError;
use super::read::{ReadOptions, find_route, versions_with_graphs};
use crate::Gateway;
use crate::deploy::DeploySearch;
use crate::types::Deployment;

/// A route's versions and deployments.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct History {
    /// The route's id.
    pub route_id: String,
    /// Its name.
    pub name: String,
    /// The version reads show as live.
    pub live_version: String,
    /// Its versions, oldest first.
    pub versions: Vec<VersionEntry>,
    /// Its deployments, oldest first.
    pub deployments: Vec<Deployment>,
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
    let versions = versions_with_graphs(gateway, &route.id, read).await?;
    let deployments = gateway.deployments_oldest_first(&route.id).await?;
    let live_version = route.version.version_id.clone();
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
    })
}

/// What a rollback did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rollback {
    /// The route's id.
    pub route_id: String,
    /// Its name.
    pub name: String,
    /// The version that was live.
    pub from_version: String,
    /// The version now live.
    pub to_version: String,
    /// `false` when the version asked for was already live, so nothing was sent.
    pub deployed: bool,
}

/// Puts an earlier version of the route named `route` (by id or name) live again, waiting
/// until reads show it: `to`, or else the version deployed before the live one (or, with no
/// earlier deployment, the version created before it). No version is created.
pub async fn rollback(
    gateway: &Gateway<'_>,
    route: &str,
    to: Option<&str>,
    read: &ReadOptions,
) -> Result<Rollback, ReconcileError> {
    let route = find_route(gateway, route, read).await?;
    let live = route.version.version_id.clone();
    let versions = gateway.versions_oldest_first(&route.id).await?;
    let target = match to {
        Some(wanted) => versions
            .iter()
            .find(|v| v.version_id == wanted)
            .map(|v| v.version_id.clone())
            .ok_or_else(|| ReconcileError::NoRollbackTarget {
                route: route.name.clone(),
                wanted: Some(wanted.to_string()),
            })?,
        None => {
            let deployed_before = gateway
                .deployments_oldest_first(&route.id)
                .await?
                .iter()
                .rev()
                .map(|d| &d.version_id)
                .find(|id| **id != live)
                .cloned();
            let created_before = versions
                .iter()
                .position(|v| v.version_id == live)
                .and_then(|i| i.checked_sub(1))
                .map(|i| versions[i].version_id.clone());
            deployed_before
                .or(created_before)
                .ok_or_else(|| ReconcileError::NoRollbackTarget {
                    route: route.name.clone(),
                    wanted: None,
                })?
        }
    };
    let deployed = target != live;
    if deployed {
        gateway.deploy_version(&route.id, &target).await?;
    }
    Ok(Rollback {
        route_id: route.id,
        name: route.name,
        from_version: live,
        to_version: target,
        deployed,
    })
}
