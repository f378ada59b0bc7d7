//! Saved plans: what was reviewed is what is applied. [`plan_to_save`] keeps a plan with what
//! it saw on the gateway (its ids; every route's id, name and deployed version); [`apply_saved`]
//! performs exactly that plan after checking that nothing it depends on changed, and otherwise
//! sends nothing and names each change (as Terraform refuses a stale saved plan). A saved plan
//! holds no credentials: only ids, names, versions, graphs and file paths.

use std::fmt;
use std::path::{Path, PathBuf};

use futures_util::{StreamExt, TryStreamExt, stream};
use serde::{Deserialize, Serialize};

use super::apply::{Applied, ApplyOptions, apply_each};
use super::changes::element_changes;
use super::desired::DesiredRoute;
use super::error::ReconcileError;
use super::plan::{Action, Deploy, GraphUpdate, Plan, PlanOptions, Rename, RoutePlan, plan_read};
use super::read::ReadOptions;
use crate::Gateway;
use crate::graph::AnyElement;
use crate::staged_file;
use crate::types::{Route, RouteElement};

/// A plan as saved by `routes plan --out`, with what it was made against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPlan {
    /// The format of this document: [`SavedPlan::FORMAT_VERSION`].
    pub format_version: u32,
    /// The account the plan was made against.
    pub account_id: String,
    /// The gateway the plan was made against.
    pub gateway_id: String,
    /// Every route on the gateway when the plan was made, in list order.
    pub seen: Vec<SeenRoute>,
    /// What to do to each route, in plan order.
    pub routes: Vec<SavedRoute>,
}

/// A route as the plan saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenRoute {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The id of its deployed version.
    pub version_id: String,
}

impl From<&Route> for SeenRoute {
    fn from(route: &Route) -> Self {
        Self {
            id: route.id.clone(),
            name: route.name.clone(),
            version_id: route.version.version_id.clone(),
        }
    }
}

/// What to do to one route, with everything the apply needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedRoute {
    /// The route's name as it will be.
    pub name: String,
    /// Its id; `None` for a route to create.
    pub route_id: Option<String>,
    /// The file describing it, as planned.
    pub source: Option<PathBuf>,
    /// What to do.
    pub action: SavedAction,
}

/// What to do to a route, as saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SavedAction {
    /// Create it with this graph.
    Create {
        /// The graph.
        elements: Vec<RouteElement>,
    },
    /// Rename it, give it a new graph, or both.
    Update {
        /// The rename.
        rename: Option<Rename>,
        /// The new graph.
        graph: Option<SavedGraph>,
    },
    /// Nothing to do.
    Unchanged,
    /// No file describes it; left alone.
    Extra,
    /// Outside what the directory owns; never touched.
    NotManaged,
    /// No file describes it; deleted.
    Delete,
}

/// A new graph for a route, as saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedGraph {
    /// How it goes live (the version to deploy, or a new one).
    pub deploy: Deploy,
    /// The graph live when planned.
    pub live: Vec<AnyElement>,
    /// The graph to deploy.
    pub elements: Vec<RouteElement>,
}

/// One thing a saved plan depends on that changed on the gateway since it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaleChange {
    /// The route, by the name the plan gives it.
    pub route: String,
    /// Its id, when it had one.
    pub route_id: Option<String>,
    /// What changed.
    #[serde(flatten)]
    pub change: Staleness,
}

/// What changed on the gateway since a plan was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "changed", rename_all = "snake_case")]
pub enum Staleness {
    /// The route was renamed.
    Renamed {
        /// Its name when planned.
        seen: String,
        /// Its name now.
        now: String,
    },
    /// Another version of the route was deployed.
    VersionChanged {
        /// The deployed version when planned.
        seen: String,
        /// The deployed version now.
        now: String,
    },
    /// The route no longer exists.
    Deleted,
    /// A route now has a name the plan gives a route (by creating or renaming it).
    NameTaken {
        /// The id of the route that has it.
        holder: String,
    },
}

impl fmt::Display for StaleChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "route `{}`", self.route)?;
        if let Some(id) = &self.route_id {
            write!(f, " ({id})")?;
        }
        match &self.change {
            Staleness::Renamed { seen, now } => {
                write!(f, ": was named `{seen}` when planned, now `{now}`")
            }
            Staleness::VersionChanged { seen, now } => write!(
                f,
                ": version `{seen}` was deployed when planned, now `{now}`"
            ),
            Staleness::Deleted => f.write_str(": existed when planned, now deleted"),
            Staleness::NameTaken { holder } => write!(
                f,
                ": no other route had this name when planned, now route {holder} has it"
            ),
        }
    }
}

/// Why a saved plan was not applied; nothing was sent.
#[derive(Debug)]
#[non_exhaustive]
pub enum SavedPlanError {
    /// The file is not a saved plan this version can read.
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The plan was made against another gateway than the one given.
    OtherGateway {
        /// The account and gateway in the plan.
        planned: (String, String),
        /// The account and gateway given.
        given: (String, String),
    },
    /// The gateway changed since the plan was made: each change.
    Stale(Vec<StaleChange>),
}

impl fmt::Display for SavedPlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreadable { path, reason } => {
                write!(f, "{}: not a saved plan: {reason}", path.display())
            }
            Self::OtherGateway { planned, given } => write!(
                f,
                "the saved plan is for gateway `{}` of account `{}`, not `{}` of `{}`; \
                 nothing was sent",
                planned.1, planned.0, given.1, given.0
            ),
            Self::Stale(changes) => {
                let changes: Vec<String> = changes.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "the saved plan is stale, nothing was sent (plan again): {}",
                    changes.join("; ")
                )
            }
        }
    }
}

impl std::error::Error for SavedPlanError {}

impl SavedPlan {
    /// The format this version writes and reads.
    pub const FORMAT_VERSION: u32 = 1;

    /// The plan, as [`super::plan()`] returns it (element changes worked out again).
    pub fn plan(&self) -> Plan {
        Plan {
            routes: self.routes.iter().map(SavedRoute::route_plan).collect(),
        }
    }

    /// Writes it to `path` as JSON, whole or not at all.
    pub fn write_to(&self, path: &Path) -> Result<(), ReconcileError> {
        let mut text = serde_json::to_vec_pretty(self).map_err(|e| {
            ReconcileError::io(
                path,
                std::io::Error::new(std::io::ErrorKind::InvalidData, e),
            )
        })?;
        text.push(b'\n');
        staged_file::write(path, &text).map_err(|e| ReconcileError::io(path, e))
    }

    /// Reads a plan [`SavedPlan::write_to`] wrote; another format version is refused.
    pub fn read_from(path: &Path) -> Result<Self, ReconcileError> {
        let text = std::fs::read(path).map_err(|e| ReconcileError::io(path, e))?;
        let unreadable = |reason: String| {
            ReconcileError::SavedPlan(SavedPlanError::Unreadable {
                path: path.to_path_buf(),
                reason,
            })
        };
        let value: serde_json::Value =
            serde_json::from_slice(&text).map_err(|e| unreadable(e.to_string()))?;
        match value
            .get("format_version")
            .and_then(serde_json::Value::as_u64)
        {
            Some(v) if v == u64::from(Self::FORMAT_VERSION) => {}
            Some(v) => {
                return Err(unreadable(format!(
                    "format version {v}, this version reads {} (plan again)",
                    Self::FORMAT_VERSION
                )));
            }
            None => return Err(unreadable("no `format_version`".to_string())),
        }
        serde_json::from_value(value).map_err(|e| unreadable(e.to_string()))
    }

    /// What changed on the gateway that this plan depends on: each route it renames, gives a
    /// new graph or deletes (read again: still there, same name, same deployed version), and
    /// each name it creates or renames to (listed again: no other route has it). Empty when
    /// nothing did. Only reads.
    pub async fn changes_since(
        &self,
        gateway: &Gateway<'_>,
        options: &ReadOptions,
    ) -> Result<Vec<StaleChange>, ReconcileError> {
        let listed: Vec<Route> = gateway.routes(options.per_page).try_collect().await?;
        let mut stale = Vec::new();
        for route in &self.routes {
            let own_id = route.route_id.as_deref();
            let wanted = match &route.action {
                SavedAction::Create { .. } => Some(&route.name),
                SavedAction::Update {
                    rename: Some(rename),
                    ..
                } => Some(&rename.to),
                _ => None,
            };
            if let Some(name) = wanted
                && let Some(holder) = listed
                    .iter()
                    .find(|r| &r.name == name && Some(r.id.as_str()) != own_id)
            {
                stale.push(StaleChange {
                    route: route.name.clone(),
                    route_id: route.route_id.clone(),
                    change: Staleness::NameTaken {
                        holder: holder.id.clone(),
                    },
                });
            }
        }
        let touched = self.routes.iter().filter_map(|route| match &route.action {
            SavedAction::Update { .. } | SavedAction::Delete => route.route_id.as_ref(),
            _ => None,
        });
        let reread: Vec<(String, Option<Route>)> = stream::iter(touched)
            .map(|id| async move {
                match gateway.get_route(id).await {
                    Ok(route) => Ok((id.clone(), Some(route))),
                    Err(error) if error.is_not_found() => Ok((id.clone(), None)),
                    Err(error) => Err(error),
                }
            })
            .buffered(options.concurrency.get())
            .try_collect()
            .await?;
        for (id, now) in reread {
            let Some(planned) = self
                .routes
                .iter()
                .find(|r| r.route_id.as_ref() == Some(&id))
            else {
                continue;
            };
            let stale_change = |change| StaleChange {
                route: planned.name.clone(),
                route_id: Some(id.clone()),
                change,
            };
            let Some(seen) = self.seen.iter().find(|r| r.id == id) else {
                // A plan that never saw the route it touches: treat it as changed.
                stale.push(stale_change(Staleness::Deleted));
                continue;
            };
            let Some(now) = now else {
                stale.push(stale_change(Staleness::Deleted));
                continue;
            };
            if now.name != seen.name {
                stale.push(stale_change(Staleness::Renamed {
                    seen: seen.name.clone(),
                    now: now.name.clone(),
                }));
            }
            if now.version.version_id != seen.version_id {
                stale.push(stale_change(Staleness::VersionChanged {
                    seen: seen.version_id.clone(),
                    now: now.version.version_id.clone(),
                }));
            }
        }
        Ok(stale)
    }
}

impl SavedRoute {
    fn route_plan(&self) -> RoutePlan {
        let action = match &self.action {
            SavedAction::Create { elements } => Action::Create {
                changes: element_changes::<RouteElement, _>(&[], elements),
                elements: elements.clone(),
            },
            SavedAction::Update { rename, graph } => Action::Update {
                rename: rename.clone(),
                graph: graph.as_ref().map(|g| GraphUpdate {
                    changes: element_changes(&g.live, &g.elements),
                    deploy: g.deploy.clone(),
                    live: g.live.clone(),
                    elements: g.elements.clone(),
                }),
            },
            SavedAction::Unchanged => Action::Unchanged,
            SavedAction::Extra => Action::Extra,
            SavedAction::NotManaged => Action::NotManaged,
            SavedAction::Delete => Action::Delete,
        };
        RoutePlan {
            name: self.name.clone(),
            route_id: self.route_id.clone(),
            source: self.source.clone(),
            action,
        }
    }

    fn saved(route: &RoutePlan) -> Self {
        let action = match &route.action {
            Action::Create { elements, .. } => SavedAction::Create {
                elements: elements.clone(),
            },
            Action::Update { rename, graph } => SavedAction::Update {
                rename: rename.clone(),
                graph: graph.as_ref().map(|g| SavedGraph {
                    deploy: g.deploy.clone(),
                    live: g.live.clone(),
                    elements: g.elements.clone(),
                }),
            },
            Action::Unchanged => SavedAction::Unchanged,
            Action::Extra => SavedAction::Extra,
            Action::NotManaged => SavedAction::NotManaged,
            Action::Delete => SavedAction::Delete,
        };
        Self {
            name: route.name.clone(),
            route_id: route.route_id.clone(),
            source: route.source.clone(),
            action,
        }
    }
}

/// Plans as [`super::plan()`] does and keeps the plan with what it was made against, to be
/// written with [`SavedPlan::write_to`] and applied later with [`apply_saved`].
pub async fn plan_to_save(
    gateway: &Gateway<'_>,
    desired: &[DesiredRoute],
    options: &PlanOptions,
) -> Result<SavedPlan, ReconcileError> {
    let (plan, live) = plan_read(gateway, desired, options).await?;
    Ok(SavedPlan {
        format_version: SavedPlan::FORMAT_VERSION,
        account_id: gateway.account_id.clone(),
        gateway_id: gateway.gateway_id.clone(),
        seen: live.iter().map(SeenRoute::from).collect(),
        routes: plan.routes.iter().map(SavedRoute::saved).collect(),
    })
}

/// Performs exactly `saved` with `apply` (as [`super::apply_each`], telling `done_one` about
/// each route as it is done), once the gateway is the one planned against and nothing the plan
/// depends on changed ([`SavedPlan::changes_since`]). Otherwise nothing is sent:
/// [`SavedPlanError::OtherGateway`] or [`SavedPlanError::Stale`] naming each change.
pub async fn apply_saved(
    gateway: &Gateway<'_>,
    saved: &SavedPlan,
    options: &ReadOptions,
    apply: &ApplyOptions,
    done_one: impl Fn(&Applied),
) -> Result<Vec<Applied>, ReconcileError> {
    if (&saved.account_id, &saved.gateway_id) != (&gateway.account_id, &gateway.gateway_id) {
        return Err(ReconcileError::SavedPlan(SavedPlanError::OtherGateway {
            planned: (saved.account_id.clone(), saved.gateway_id.clone()),
            given: (gateway.account_id.clone(), gateway.gateway_id.clone()),
        }));
    }
    let stale = saved.changes_since(gateway, options).await?;
    if !stale.is_empty() {
        return Err(ReconcileError::SavedPlan(SavedPlanError::Stale(stale)));
    }
    Ok(apply_each(gateway, &saved.plan(), apply, done_one).await?)
}

#[cfg(test)]
mod tests;
