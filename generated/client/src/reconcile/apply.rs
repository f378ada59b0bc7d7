//! Applying a plan: renames and graph changes first, then creations, then deletions, one at a
//! time, each waiting until reads show it. On a failure it stops and says every change made
//! before it, a rename made just before its route's failing graph change included. A
//! deployment that reads do not show yet is done, and said to be.

use std::fmt;

use serde::Serialize;

use super::plan::{Action, Deploy, Plan, RoutePlan};
use crate::{Error, Gateway};

/// What was done to one route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// The route's name (as it now is).
    pub name: String,
    /// Its id.
    pub route_id: String,
    /// What was done.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// What was done to a route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "done", rename_all = "snake_case")]
pub enum Outcome {
    /// Created with the file's graph (its first version deployed).
    Created,
    /// Renamed, given a new graph, or both.
    Updated {
        /// The name it had, when renamed.
        #[serde(skip_serializing_if = "Option::is_none")]
        renamed_from: Option<String>,
        /// The version deployed, when the graph changed.
        #[serde(skip_serializing_if = "Option::is_none")]
        deployed_version: Option<String>,
        /// Whether that version was created (`false`: an existing version was deployed).
        #[serde(skip_serializing_if = "Option::is_none")]
        new_version: Option<bool>,
        /// `true` when that version was deployed but reads did not show it before the
        /// client's [`DeployWait`](crate::DeployWait) ran out: done, not failed (the API's
        /// reads lag a deployment); applying again deploys it again, creating no version.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        not_yet_visible: bool,
    },
    /// Deleted (pruned).
    Deleted,
}

/// A plan that stopped part way.
#[derive(Debug)]
pub struct ApplyError {
    /// Every change made before the failure, in order: when a route's rename was made and its
    /// graph change then failed, the rename is here (as [`Outcome::Updated`] without a
    /// deployed version).
    pub done: Vec<Applied>,
    /// The route whose change failed.
    pub route: String,
    /// Why.
    pub error: Error,
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "route `{}`: {} ({} change{} applied before it)",
            self.route,
            self.error,
            self.done.len(),
            if self.done.len() == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for ApplyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Performs `plan`: updates (renames first, so a name given up is free), then creations, then
/// deletions. Unchanged routes and routes left alone send nothing.
pub async fn apply(gateway: &Gateway<'_>, plan: &Plan) -> Result<Vec<Applied>, ApplyError> {
    apply_each(gateway, plan, |_| {}).await
}

/// [`apply`], telling `done_one` about each route as soon as its change is made, so a long apply
/// can show its progress.
pub async fn apply_each(
    gateway: &Gateway<'_>,
    plan: &Plan,
    done_one: impl Fn(&Applied),
) -> Result<Vec<Applied>, ApplyError> {
    let phase = |route: &RoutePlan| match route.action {
        Action::Update { .. } => Some(0),
        Action::Create { .. } => Some(1),
        Action::Delete => Some(2),
        Action::Unchanged | Action::Extra | Action::NotManaged => None,
    };
    let mut order: Vec<(usize, &RoutePlan)> = plan
        .routes
        .iter()
        .filter_map(|route| phase(route).map(|p| (p, route)))
        .collect();
    order.sort_by_key(|(phase, _)| *phase);
    let mut done = Vec::new();
    for (_, route) in order {
        let (applied, failure) = match one(gateway, route).await {
            Ok(applied) => (applied, None),
            Err(Partial { made, error }) => (made, Some(error)),
        };
        if let Some(applied) = applied {
            done_one(&applied);
            done.push(applied);
        }
        if let Some(error) = failure {
            return Err(ApplyError {
                done,
                route: route.name.clone(),
                error,
            });
        }
    }
    Ok(done)
}

/// A route's change that failed part way: what was made of it before the failure.
struct Partial {
    made: Option<Applied>,
    error: Error,
}

impl From<Error> for Partial {
    fn from(error: Error) -> Self {
        Self { made: None, error }
    }
}

/// Whether a delete's failure means the route is gone: `404` to a retried request, whose
/// earlier attempt deleted it although its answer was lost.
fn deleted_by_an_earlier_attempt(error: &Error) -> bool {
    matches!(error, Error::Api(api) if api.attempts > 1) && error.is_not_found()
}

/// Whether a deployment was made but reads did not show it before the wait ran out
/// (`Ok(true)`): [`Error::DeployNotVisible`] is a deployment made, not a failure.
pub(super) fn deployed_not_yet_visible<T>(deployed: Result<T, Error>) -> Result<bool, Error> {
    match deployed {
        Ok(_) => Ok(false),
        Err(Error::DeployNotVisible { .. }) => Ok(true),
        Err(error) => Err(error),
    }
}

/// One route's change; `None` for a route that needs none.
async fn one(gateway: &Gateway<'_>, route: &RoutePlan) -> Result<Option<Applied>, Partial> {
    let id = route.route_id.clone().unwrap_or_default();
    let applied = |route_id: String, outcome| {
        Some(Applied {
            name: route.name.clone(),
            route_id,
            outcome,
        })
    };
    match &route.action {
        Action::Create { elements, .. } => {
            let created = gateway.create_route(&route.name, elements.clone()).await?;
            Ok(applied(created.id, Outcome::Created))
        }
        Action::Update { rename, graph } => {
            if let Some(rename) = rename {
                gateway.update_route(&id, &rename.to).await?;
            }
            let renamed_from = rename.as_ref().map(|r| r.from.clone());
            let deployed = match graph {
                None => Ok(None),
                Some(update) => match &update.deploy {
                    Deploy::NewVersion => {
                        match gateway.replace_graph(&id, update.elements.clone()).await {
                            Ok(version) => Ok(Some((version.version_id, true, false))),
                            Err(Error::DeployNotVisible { version_id, .. }) => {
                                Ok(Some((version_id, true, true)))
                            }
                            Err(error) => Err(error),
                        }
                    }
                    Deploy::ExistingVersion { version_id } => {
                        deployed_not_yet_visible(gateway.deploy_version(&id, version_id).await)
                            .map(|unseen| Some((version_id.clone(), false, unseen)))
                    }
                },
            };
            match deployed {
                Ok(deployed) => Ok(applied(
                    id,
                    Outcome::Updated {
                        renamed_from,
                        deployed_version: deployed.as_ref().map(|(v, _, _)| v.clone()),
                        new_version: deployed.as_ref().map(|(_, new, _)| *new),
                        not_yet_visible: deployed.is_some_and(|(_, _, unseen)| unseen),
                    },
                )),
                // The rename was made: it is part of what was done.
                Err(error) => Err(Partial {
                    made: renamed_from
                        .is_some()
                        .then(|| {
                            applied(
                                id.clone(),
                                Outcome::Updated {
                                    renamed_from,
                                    deployed_version: None,
                                    new_version: None,
                                    not_yet_visible: false,
                                },
                            )
                        })
                        .flatten(),
                    error,
                }),
            }
        }
        Action::Delete => match gateway.delete_route(&id).await {
            Ok(_) => Ok(applied(id, Outcome::Deleted)),
            Err(error) if deleted_by_an_earlier_attempt(&error) => {
                Ok(applied(id, Outcome::Deleted))
            }
            Err(error) => Err(error.into()),
        },
        Action::Unchanged | Action::Extra | Action::NotManaged => Ok(None),
    }
}
