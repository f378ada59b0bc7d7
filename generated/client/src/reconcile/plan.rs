//! Planning: what to do to each route so the gateway matches the route files. A route is
//! matched by its pinned id, else by name; its graph is compared with the one equality
//! ([`same_graph`]); a graph some version already holds is deployed, not created again.

use std::path::PathBuf;

use futures_util::{StreamExt, TryStreamExt, stream};
use serde::{Deserialize, Serialize};

use super::changes::{ElementChange, element_changes};
use super::desired::DesiredRoute;
use super::error::{PlanRefusal, ReconcileError};
use super::manifest::Owns;
use super::read::{ReadOptions, read_routes};
use crate::deploy::DeploySearch;
use crate::graph::{AnyElement, same_graph};
use crate::types::{Route, RouteElement};
use crate::{Error, Gateway};

/// How a plan is made: which routes the files own, whether owned routes no file describes are
/// deleted, and how the gateway is read. `PlanOptions::default().owns(Owns::Gateway).prune(true)`
/// deletes them; the default leaves them alone, and pruning without `owns` is refused.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct PlanOptions {
    /// Whether routes no file describes are deleted ([`Action::Delete`]) rather than left
    /// alone ([`Action::Extra`]).
    pub prune: bool,
    /// Which routes the files own (a manifest's `owns`); routes outside it are
    /// [`Action::NotManaged`], and a file describing one is refused. `None`: nothing is known
    /// to be owned, so `prune` is refused.
    pub owns: Option<Owns>,
    /// How the gateway is read (reads in flight, page size, progress, graph cache).
    pub read: ReadOptions,
}

impl PlanOptions {
    /// With routes no file describes deleted (`true`) or left alone (`false`).
    pub fn prune(mut self, prune: bool) -> Self {
        self.prune = prune;
        self
    }

    /// With the files owning these routes.
    pub fn owns(mut self, owns: Owns) -> Self {
        self.owns = Some(owns);
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
    /// Outside what the files own (another team's, or made in the dashboard): never deleted.
    NotManaged,
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
        self.routes.iter().any(|r| {
            !matches!(
                r.action,
                Action::Unchanged | Action::Extra | Action::NotManaged
            )
        })
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
                Action::NotManaged => &mut summary.not_managed,
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
    /// Routes outside what the files own, never deleted.
    pub not_managed: usize,
}

/// Counts added up, as over several directories' plans; every field is named, so a new action
/// cannot be left out of a total.
impl std::ops::AddAssign for Summary {
    fn add_assign(&mut self, other: Summary) {
        let Summary {
            create,
            update,
            unchanged,
            extra,
            delete,
            not_managed,
        } = other;
        self.create += create;
        self.update += update;
        self.unchanged += unchanged;
        self.extra += extra;
        self.delete += delete;
        self.not_managed += not_managed;
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} to create, {} to update, {} to delete, {} unchanged, {} not in any file",
            self.create, self.update, self.delete, self.unchanged, self.extra
        )?;
        if self.not_managed > 0 {
            write!(f, ", {} not managed here", self.not_managed)?;
        }
        Ok(())
    }
}

/// Plans for `desired` against the gateway: reads the routes (the list pages, and each route
/// whose graph neither its list item nor `options.read.cache` holds, concurrently, bounded by
/// `options.read.concurrency`), matches, compares, and for each graph that changes looks for a
/// version that already holds it. Routes no file describes are [`Action::NotManaged`] outside
/// `options.owns`, else [`Action::Delete`] when `options.prune`, otherwise [`Action::Extra`].
/// Pruning without `owns`, or a file outside it, is refused before any request.
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
    check_ownership(desired, options)?;
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
    check_ownership(desired, options)?;
    let owned = |name: &str| options.owns.as_ref().is_none_or(|owns| owns.includes(name));
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
            if !owned(&live[index].name) {
                return Err(PlanRefusal::PinnedNotOwned {
                    file: route.source.clone(),
                    route_id: live[index].id.clone(),
                    live_name: live[index].name.clone(),
                });
            }
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
            action: if !owned(&route.name) {
                Action::NotManaged
            } else if options.prune {
                Action::Delete
            } else {
                Action::Extra
            },
        });
    }
    Ok(Plan { routes })
}

/// What must hold before the gateway is read: pruning only with ownership, and every file
/// owned.
fn check_ownership(desired: &[DesiredRoute], options: &PlanOptions) -> Result<(), PlanRefusal> {
    let Some(owns) = &options.owns else {
        return if options.prune {
            Err(PlanRefusal::PruneWithoutOwnership)
        } else {
            Ok(())
        };
    };
    match desired
        .iter()
        .find(|route| !owns.includes(&route.file.name))
    {
        Some(route) => Err(PlanRefusal::NotOwned {
            file: route.source.clone(),
            name: route.file.name.clone(),
        }),
        None => Ok(()),
    }
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
