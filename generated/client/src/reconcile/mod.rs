//! Routes as code: make a gateway match a set of route files, the way the `routes` command's
//! `plan`, `diff`, `apply`, `export`, `history` and `rollback` do (they are built on this
//! module alone and only print what it returns).
//!
//! 1. [`load`] reads, checks and tests every route file before anything is sent;
//! 2. [`plan()`] reads the gateway (list pages, then each route whose graph neither the list
//!    nor the [`GraphCache`] holds, concurrently with a bound) and says, per route, create, update (rename, graph) or unchanged, and which routes
//!    no file describes, with element-level changes;
//! 3. [`apply()`] performs a plan, several routes at once ([`ApplyOptions`]), deploying an
//!    existing version when one already holds the wanted graph instead of creating a
//!    duplicate; a failure part way says what was done, what failed and what was not started.
//!
//! A plan can be saved ([`plan_to_save`], [`SavedPlan::write_to`]) with what it saw, and
//! applied later exactly as reviewed ([`apply_saved`]), refused with every change named when
//! the gateway changed in between.
//!
//! Besides: [`export()`] turns a gateway's routes into route files ([`Export::write_to`]
//! writes them into a directory, every file checked and staged before the first is put in
//! place), and [`history()`] and [`rollback()`] show
//! and go back through a route's versions. Every step fails with one [`ReconcileError`].
//!
//! ```no_run
//! use cloudflare_dynamic_routing::Client;
//! use cloudflare_dynamic_routing::reconcile::{self, LoadOptions, PlanOptions};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_env()?;
//! let gateway = client.gateway("0d37909e38d3e99c29fa2cd343ac421a", "my-gateway");
//! let desired = reconcile::load(&["routes/".into()], &LoadOptions::default())?;
//! let plan = reconcile::plan(&gateway, &desired, &PlanOptions::default()).await?;
//! println!("{}", plan.summary());
//! if plan.has_changes() {
//!     for applied in reconcile::apply(&gateway, &plan).await? {
//!         println!("{} ({}): {:?}", applied.name, applied.route_id, applied.outcome);
//!     }
//! }
//! # Ok(())
//! # }
//! ```

mod apply;
mod cache;
mod changes;
mod desired;
mod directories;
mod error;
mod export;
mod history;
mod manifest;
mod name_pattern;
mod plan;
mod read;
mod saved;

pub use apply::{
    Applied, ApplyError, ApplyOptions, FailedChange, NotStarted, Outcome, Phase, apply, apply_each,
};
pub use cache::{CacheProblem, CacheReport, GraphCache, VersionKey};
pub use changes::{
    Change, ElementChange, FieldChange, MAX_VALUE_CHARS, element_changes, shown_value,
};
pub use desired::{
    Checked, DesiredDirectory, DesiredError, DesiredRoute, LoadOptions, TestedFile, check_all,
    load, load_directories,
};
pub use directories::{RouteDirectory, directories};
pub use error::{PlanRefusal, ReconcileError};
pub use export::{Export, ExportedFile, Overwrite, export, export_routes};
pub use history::{
    FullPages, History, NothingSent, Rollback, RollbackOptions, VersionEntry, history, rollback,
};
pub use manifest::{MANIFEST_FILE, Manifest, ManifestAt, Owns, is_manifest_file};
pub use name_pattern::NamePattern;
pub use plan::{
    Action, Deploy, GraphUpdate, Plan, PlanOptions, Rename, RoutePlan, Summary, compare, plan,
};
pub use read::{Progress, ReadOptions, find_route, read_routes, versions_with_graphs};
pub use saved::{
    SavedAction, SavedGraph, SavedPlan, SavedPlanError, SavedRoute, SeenRoute, StaleChange,
    Staleness, apply_saved, plan_to_save,
};
