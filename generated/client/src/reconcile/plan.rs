//! Planning: what to do to each route so the gateway matches the route files. A route is
//! matched by its pinned id, else by name; its graph is compared with the one equality
//! ([`same_graph`]); a graph some version already holds is deployed, not created again.

use std::path::PathBuf;

use futures_util::{StreamExt, TryStreamExt, stream};
use serde::{Deserialize, Serialize};

use super::changes::{ElementChange, element_changes};
use super::desired::DesiredRoute;
use super::error::{PlanRefusal, ReconcileError};
use super::read::{ReadOptions, read_routes};
use crate::deploy::DeploySearch;
use crate::graph::{AnyElement, same_graph};
use crate::types::{Route, RouteElement};
use crate::{Error, Gateway};

/// How a plan is made: whether routes no file describes are deleted, and how the gateway is
/// read. `PlanOptions::default().prune(true)` deletes them; the default leaves them alone.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct PlanOptions {
    /// Whether routes no file describes are deleted ([`Action::Delete`]) rather than left
    /// alone ([`Action::Extra`]).
    pub prune: bool,
    /// How the gateway is read (reads in flight, page size, progress).
    pub read: ReadOptions,
}

impl PlanOptions {
    /// With routes no file describes deleted (`true`) or left alone (`false`).
    pub fn prune(mut self, prune: bool) -> Self {
        self.prune = prune;
        self
    }

    /// With the gateway read this way.
    pub fn read(mut self, read: ReadOptions) -> Self {
        self.read = read;
        self
    }
}

/// What to do to every route: the routes the files describe, in file order, then the routes
/// on the gateway that no file describes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// One entry per route.
    pub routes: Vec<RoutePlan>,
}

/// What to do to one route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoutePlan {
    /// The route's name as it will be (for a route no file describes, as it is).
    pub name: String,
    /// Its id on the gateway; `None` for a route still to be created.
    pub route_id: Option<String>,
    /// The file describing it; `None` for a route no file describes.
    pub source: Option<PathBuf>,
    /// What to do.
    #[serde(flatten)]
    pub action: Action,
}

/// What to do to a route.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Create it with the file's graph.
    Create {
        /// Every element is new.
        changes: Vec<ElementChange>,
        /// The graph to create it with.
        #[serde(skip)]
        elements: Vec<RouteElement>,
    },
    /// Rename it, change its graph, or both.
    Update {
        /// A new name, for a file that pins the route's id.
        #[serde(skip_serializing_if = "Option::is_none")]
        rename: Option<Rename>,
        /// A new live graph.
        #[serde(skip_serializing_if = "Option::is_none")]
        graph: Option<GraphUpdate>,
    },
    /// It already matches its file; nothing is sent.
    Unchanged,
    /// No file describes it; it is left alone (`prune` would delete it).
    Extra,
    /// No file describes it, and pruning was asked for: it is deleted.
    Delete,
}

/// A rename in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rename {
    /// The live name.
    pub from: String,
    /// The file's name.
    pub to: String,
}

/// A new live graph for a route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GraphUpdate {
    /// Element by element, from the live graph to the file's.
    pub changes: Vec<ElementChange>,
    /// How it goes live.
    pub deploy: Deploy,
    /// The live graph.
    #[serde(skip)]
    pub live: Vec<AnyElement>,
    /// The file's graph.
    #[serde(skip)]
    pub elements: Vec<RouteElement>,
}

/// How a graph goes live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Deploy {
    /// A new version is created and deployed.
    NewVersion,
    /// A version already holds this graph; it is deployed again and no version is created.
    ExistingVersion {
        /// That version.
        version_id: String,
    },
}

impl Plan {
    /// Whether applying it would change anything (routes left alone are not changes).
    pub fn has_changes(&self) -> bool {
        self.routes
            .iter()
            .any(|r| !matches!(r.action, Action::Unchanged | Action::Extra))
    }

    /// How many routes each action applies to.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for route in &self.routes {
            let count = match &route.action {
                Action::Create { .. } => &mut summary.create,
                Action::Update { .. } => &mut summary.update,
                Action::Unchanged => &mut summary.unchanged,
                Action::Extra => &mut summary.extra,
                Action::Delete => &mut summary.delete,
            };
            *count += 1;
        }
        summary
    }
}

/// How many routes each action applies to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Routes to create.
    pub create: usize,
    /// Routes to rename or give a new graph.
    pub update: usize,
    /// Routes that already match.
    pub unchanged: usize,
    /// Routes no file describes, left alone.
    pub extra: usize,
    /// Routes no file describes, to delete.
    pub delete: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} to create, {} to update, {} to delete, {} unchanged, {} not in any file",
            self.create, self.update, self.delete, self.unchanged, self.extra
        )
    }
}

/// Plans for `desired` against the gateway: reads every route whole (concurrently, bounded by
/// `options.read.concurrency`), matches, compares, and for each graph that changes looks for a
/// version that already holds it. Routes no file describes are [`Action::Delete`] when
/// `options.prune`, otherwise [`Action::Extra`].
pub async fn plan(
    gateway: &Gateway<'_>,
    desired: &[DesiredRoute],
    options: &PlanOptions,
) -> Result<Plan, ReconcileError> {
    Ok(plan_read(gateway, desired, options).await?.0)
}

/// [`plan()`], with the routes as read (a saved plan keeps what it saw).
pub(crate) async fn plan_read(
    gateway: &Gateway<'_>,
    desired: &[DesiredRoute],
    options: &PlanOptions,
) -> Result<(Plan, Vec<Route>), ReconcileError> {
    let read = &options.read;
    let live = read_routes(gateway, read).await?;
    let mut plan = compare(desired, &live, options)?;
    let updates =
        plan.routes
            .iter_mut()
            .filter_map(|route| match (&route.route_id, &mut route.action) {
                (
                    Some(id),
                    Action::Update {
                        graph: Some(update),
                        ..
                    },
                ) => Some((id.clone(), update)),
                _ => None,
            });
    // At most `concurrency` routes searched at once, each one request at a time.
    stream::iter(updates)
        .map(|(id, update)| async move {
            let existing = gateway
                .newest_version_with_graph(&id, &update.elements)
                .await?;
            if let Some(version_id) = existing {
                update.deploy = Deploy::ExistingVersion { version_id };
            }
            Ok::<(), Error>(())
        })
        .buffer_unordered(read.concurrency.get())
        .try_collect::<Vec<()>>()
        .await?;
    Ok((plan, live))
}

/// The plan from the files and the routes as read, before looking at versions: pure, so every
/// case of matching is tested without a server.
pub fn compare(
    desired: &[DesiredRoute],
    live: &[Route],
    options: &PlanOptions,
) -> Result<Plan, PlanRefusal> {
    let mut claimed = vec![false; live.len()];
    // Pinned ids first, so a name a pinned route gives up is free for another file.
    let mut matches: Vec<Option<usize>> = Vec::with_capacity(desired.len());
    for route in desired {
        let found = match &route.file.id {
            Some(id) => Some(live.iter().position(|r| &r.id == id).ok_or_else(|| {
                PlanRefusal::PinnedIdMissing {
                    file: route.source.clone(),
                    route_id: id.clone(),
                }
            })?),
            None => None,
        };
        if let Some(index) = found {
            claimed[index] = true;
        }
        matches.push(found);
    }
    for (route, found) in desired.iter().zip(matches.iter_mut()) {
        if route.file.id.is_some() {
            continue;
        }
        let named: Vec<usize> = (0..live.len())
            .filter(|&i| !claimed[i] && live[i].name == route.file.name)
            .collect();
        if named.len() > 1 {
            return Err(PlanRefusal::AmbiguousName {
                file: route.source.clone(),
                name: route.file.name.clone(),
                count: named.len(),
            });
        }
        if let Some(&index) = named.first() {
            claimed[index] = true;
            *found = Some(index);
        }
    }
    let mut routes: Vec<RoutePlan> = desired
        .iter()
        .zip(&matches)
        .map(|(route, found)| plan_one(route, found.map(|i| &live[i])))
        .collect();
    // A rename onto a name another route holds would fail half way through an apply.
    for (route, found) in routes.iter().zip(&matches) {
        if let (
            Action::Update {
                rename: Some(rename),
                ..
            },
            Some(this),
        ) = (&route.action, found)
            && let Some(holder) = live
                .iter()
                .enumerate()
                .find(|(i, other)| i != this && other.name == rename.to)
                .map(|(_, other)| other)
        {
            return Err(PlanRefusal::RenameTaken {
                file: route.source.clone(),
                from: rename.from.clone(),
                to: rename.to.clone(),
                holder: holder.id.clone(),
            });
        }
    }
    for (route, _) in live.iter().zip(&claimed).filter(|(_, claimed)| !**claimed) {
        routes.push(RoutePlan {
            name: route.name.clone(),
            route_id: Some(route.id.clone()),
            source: None,
            action: if options.prune {
                Action::Delete
            } else {
                Action::Extra
            },
        });
    }
    Ok(Plan { routes })
}

fn plan_one(route: &DesiredRoute, live: Option<&Route>) -> RoutePlan {
    let file = &route.file;
    let action = match live {
        None => Action::Create {
            changes: element_changes::<RouteElement, _>(&[], &file.elements),
            elements: file.elements.clone(),
        },
        Some(live) => {
            let rename = (live.name != file.name).then(|| Rename {
                from: live.name.clone(),
                to: file.name.clone(),
            });
            let current = live.graph().unwrap_or_default();
            let graph = (!same_graph(&current, &file.elements)).then(|| GraphUpdate {
                changes: element_changes(&current, &file.elements),
                deploy: Deploy::NewVersion,
                live: current,
                elements: file.elements.clone(),
            });
            if rename.is_none() && graph.is_none() {
                Action::Unchanged
            } else {
                Action::Update { rename, graph }
            }
        }
    };
    RoutePlan {
        name: file.name.clone(),
        route_id: live.map(|r| r.id.clone()),
        source: Some(route.source.clone()),
        action,
    }
}

#[cfg(test)]
mod tests;
