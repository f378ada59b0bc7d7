//! Applying a plan, in three phases: renames and graph changes, then creations, then
//! deletions. Each phase finishes before the next starts, and within one at most
//! [`ApplyOptions::concurrency`] routes change at once, so the waits until reads show each
//! deployment overlap. A failure starts nothing new: the changes in flight finish, and the
//! error says every change made (a rename made just before its route's failing graph change
//! included), every failure, and what was not started; deletions never start after a failure.
//! A deployment that reads do not show yet is done, and said to be.

use std::fmt;
use std::num::NonZeroUsize;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde::Serialize;

use super::plan::{Action, Deploy, Plan, RoutePlan};
use super::read::ReadOptions;
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

/// How a plan is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApplyOptions {
    /// At most this many routes changed at once within a phase (1: one by one, in plan
    /// order, as a failure leaves the fewest changes in flight).
    pub concurrency: NonZeroUsize,
}

impl ApplyOptions {
    /// The default bound on routes changed at once: the same as reads
    /// ([`ReadOptions::DEFAULT_CONCURRENCY`]). A graph change is two writes and a few reads
    /// spread over its wait, so eight at once ask less of the account's rate limit than a
    /// plan's eight reads at once do; the number of requests does not depend on it.
    pub const DEFAULT_CONCURRENCY: NonZeroUsize = ReadOptions::DEFAULT_CONCURRENCY;

    /// With at most `concurrency` routes changed at once.
    pub fn concurrency(mut self, concurrency: NonZeroUsize) -> Self {
        self.concurrency = concurrency;
        self
    }
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self {
            concurrency: Self::DEFAULT_CONCURRENCY,
        }
    }
}

/// The phases of an apply, in the order they run; each finishes before the next starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Renames and graph changes ([`Action::Update`]). A route's rename comes before its
    /// graph change; renames cannot collide with one another, since a plan refuses a rename
    /// onto a name any route holds.
    Update,
    /// Creations, once every rename is made: a rename can free the name a creation takes.
    Create,
    /// Deletions, last, and only when everything before them succeeded.
    Delete,
}

impl Phase {
    /// The phase a route's action runs in; `None` for a route that needs no change.
    pub fn of(action: &Action) -> Option<Phase> {
        match action {
            Action::Update { .. } => Some(Phase::Update),
            Action::Create { .. } => Some(Phase::Create),
            Action::Delete => Some(Phase::Delete),
            Action::Unchanged | Action::Extra | Action::NotManaged => None,
        }
    }
}

/// A route whose change failed.
#[derive(Debug)]
pub struct FailedChange {
    /// The route's name (as the plan has it).
    pub route: String,
    /// Why.
    pub error: Error,
}

/// A route whose change was not started, because another failed first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotStarted {
    /// The route's name (as the plan has it).
    pub name: String,
    /// Its id; `None` for a route still to be created.
    pub route_id: Option<String>,
    /// The phase its change belongs to.
    pub phase: Phase,
}

/// A plan that stopped part way.
#[derive(Debug)]
pub struct ApplyError {
    /// Every change made, in plan order (phase, then file order), whether it finished before
    /// or after the failure (changes in flight are let finish): when a route's rename was made
    /// and its graph change then failed, the rename is here (as [`Outcome::Updated`] without a
    /// deployed version).
    pub done: Vec<Applied>,
    /// The route whose change failed first in plan order.
    pub route: String,
    /// Why.
    pub error: Error,
    /// The other changes that failed (they were in flight with the first), in plan order.
    pub also_failed: Vec<FailedChange>,
    /// The changes not started, in plan order: the rest of the failing phase and every later
    /// phase, deletions included.
    pub not_started: Vec<NotStarted>,
}

impl ApplyError {
    /// Every failure, in plan order: the first, then [`ApplyError::also_failed`].
    pub fn failures(&self) -> impl Iterator<Item = (&str, &Error)> {
        std::iter::once((self.route.as_str(), &self.error)).chain(
            self.also_failed
                .iter()
                .map(|failed| (failed.route.as_str(), &failed.error)),
        )
    }
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, (route, error)) in self.failures().enumerate() {
            if index > 0 {
                write!(f, "; ")?;
            }
            write!(f, "route `{route}`: {error}")?;
        }
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        write!(
            f,
            " ({} change{} applied",
            self.done.len(),
            plural(self.done.len())
        )?;
        if !self.not_started.is_empty() {
            write!(f, ", {} not started", self.not_started.len())?;
        }
        write!(f, ")")
    }
}

impl std::error::Error for ApplyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Performs `plan` with the default [`ApplyOptions`]: updates (renames first, so a name given
/// up is free), then creations, then deletions, up to
/// [`ApplyOptions::DEFAULT_CONCURRENCY`] routes at once. Unchanged routes and routes left
/// alone send nothing.
pub async fn apply(gateway: &Gateway<'_>, plan: &Plan) -> Result<Vec<Applied>, ApplyError> {
    apply_each(gateway, plan, &ApplyOptions::default(), |_| {}).await
}

/// [`apply`] with `options`, telling `done_one` about each route as soon as its change is made
/// (in the order they finish), so a long apply can show its progress. What it returns is in
/// plan order (phase, then file order), however the changes overlapped; with a concurrency of
/// 1 the requests are exactly those of changing one route after another in that order.
pub async fn apply_each(
    gateway: &Gateway<'_>,
    plan: &Plan,
    options: &ApplyOptions,
    done_one: impl Fn(&Applied),
) -> Result<Vec<Applied>, ApplyError> {
    let mut steps: Vec<(Phase, &RoutePlan)> = plan
        .routes
        .iter()
        .filter_map(|route| Phase::of(&route.action).map(|phase| (phase, route)))
        .collect();
    // Stable: file order within a phase.
    steps.sort_by_key(|(phase, _)| *phase);
    let mut ledger = Ledger::new(steps.len());
    let mut first = 0;
    for phase in steps.chunk_by(|a, b| a.0 == b.0) {
        let positions = first..first + phase.len();
        first += phase.len();
        let routes = positions.zip(phase.iter().map(|(_, route)| *route));
        run_phase(gateway, routes, options.concurrency, &mut ledger, &done_one).await;
        if !ledger.failed.is_empty() {
            break;
        }
    }
    ledger.finish(&steps).map_err(|failed| *failed)
}

/// What an apply has done so far, each entry with its step's position in plan order.
struct Ledger {
    started: Vec<bool>,
    done: Vec<(usize, Applied)>,
    failed: Vec<(usize, FailedChange)>,
}

impl Ledger {
    fn new(steps: usize) -> Self {
        Self {
            started: vec![false; steps],
            done: Vec::new(),
            failed: Vec::new(),
        }
    }

    /// The changes made, in plan order; or the error saying what was done, what failed and
    /// what was not started.
    fn finish(mut self, steps: &[(Phase, &RoutePlan)]) -> Result<Vec<Applied>, Box<ApplyError>> {
        self.done.sort_by_key(|(position, _)| *position);
        let done = self.done.into_iter().map(|(_, applied)| applied).collect();
        self.failed.sort_by_key(|(position, _)| *position);
        let mut failed = self.failed.into_iter().map(|(_, failed)| failed);
        let Some(first) = failed.next() else {
            return Ok(done);
        };
        let not_started = steps
            .iter()
            .zip(&self.started)
            .filter(|(_, started)| !**started)
            .map(|((phase, route), _)| NotStarted {
                name: route.name.clone(),
                route_id: route.route_id.clone(),
                phase: *phase,
            })
            .collect();
        Err(Box::new(ApplyError {
            done,
            route: first.route,
            error: first.error,
            also_failed: failed.collect(),
            not_started,
        }))
    }
}

/// Changes the routes of one phase, at most `concurrency` at once; after a failure it starts
/// no more, and lets those in flight finish.
async fn run_phase<'p>(
    gateway: &Gateway<'_>,
    mut routes: impl Iterator<Item = (usize, &'p RoutePlan)>,
    concurrency: NonZeroUsize,
    ledger: &mut Ledger,
    done_one: &impl Fn(&Applied),
) {
    let mut in_flight = FuturesUnordered::new();
    loop {
        while ledger.failed.is_empty() && in_flight.len() < concurrency.get() {
            let Some((position, route)) = routes.next() else {
                break;
            };
            ledger.started[position] = true;
            in_flight.push(async move { (position, route, one(gateway, route).await) });
        }
        let Some((position, route, result)) = in_flight.next().await else {
            return;
        };
        let (made, error) = match result {
            Ok(made) => (made, None),
            Err(Partial { made, error }) => (made, Some(error)),
        };
        if let Some(applied) = made {
            done_one(&applied);
            ledger.done.push((position, applied));
        }
        if let Some(error) = error {
            let route = route.name.clone();
            ledger
                .failed
                .push((position, FailedChange { route, error }));
        }
    }
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
