//! Reading a gateway for a plan: every route read whole (the live API's lists carry no
//! graphs), with a bounded number of reads in flight. Each read goes through the client, so it
//! retries and honours `Retry-After` on 429 like every call.

use std::num::{NonZeroU64, NonZeroUsize};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::{StreamExt, TryStreamExt, stream};

use super::error::ReconcileError;
use crate::deploy::DeploySearch;
use crate::graph::AnyElement;
use crate::types::{Route, Version};
use crate::{Error, Gateway};

/// Called with how many routes have been read so far.
pub type Progress = Arc<dyn Fn(usize) + Send + Sync>;

/// How a gateway is read.
#[derive(Clone)]
pub struct ReadOptions {
    /// At most this many reads in flight at once.
    pub concurrency: NonZeroUsize,
    /// Routes asked for per list page.
    pub per_page: NonZeroU64,
    /// Told after each route is read, for progress reports.
    pub progress: Option<Progress>,
}

impl ReadOptions {
    /// The default bound on reads in flight: enough to hide latency, few enough that a
    /// gateway of hundreds of routes stays well inside Cloudflare's API rate limit.
    pub const DEFAULT_CONCURRENCY: NonZeroUsize = NonZeroUsize::new(8).unwrap();
    /// The default list page size.
    pub const DEFAULT_PER_PAGE: NonZeroU64 = NonZeroU64::new(50).unwrap();
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            concurrency: Self::DEFAULT_CONCURRENCY,
            per_page: Self::DEFAULT_PER_PAGE,
            progress: None,
        }
    }
}

impl std::fmt::Debug for ReadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadOptions")
            .field("concurrency", &self.concurrency)
            .field("per_page", &self.per_page)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// Every route on the gateway, each read whole with `get_route`, in list order: exactly the
/// list pages and one read per route. Reads start while later pages are still being listed.
pub async fn read_routes(
    gateway: &Gateway<'_>,
    options: &ReadOptions,
) -> Result<Vec<Route>, Error> {
    let done = AtomicUsize::new(0);
    let done = &done;
    gateway
        .routes(options.per_page)
        .map_ok(|listed| async move {
            let route = gateway.get_route(&listed.id).await?;
            let count = done.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some(progress) = &options.progress {
                progress(count);
            }
            Ok(route)
        })
        .try_buffered(options.concurrency.get())
        .try_collect()
        .await
}

/// The route named `route` by id or by name, read whole. An id match wins over a name match.
pub async fn find_route(
    gateway: &Gateway<'_>,
    route: &str,
    options: &ReadOptions,
) -> Result<Route, ReconcileError> {
    let listed: Vec<Route> = gateway.routes(options.per_page).try_collect().await?;
    let found = listed
        .iter()
        .find(|r| r.id == route)
        .or_else(|| listed.iter().find(|r| r.name == route));
    match found {
        Some(listed) => Ok(gateway.get_route(&listed.id).await?),
        None => Err(ReconcileError::RouteNotFound {
            route: route.to_string(),
        }),
    }
}

/// A route's versions with their graphs, oldest first. A version listed without its graph is
/// read with `get_version` (at most `options.concurrency` at once).
pub async fn versions_with_graphs(
    gateway: &Gateway<'_>,
    route_id: &str,
    options: &ReadOptions,
) -> Result<Vec<(Version, Option<Vec<AnyElement>>)>, Error> {
    let versions = gateway.versions_oldest_first(route_id).await?.items;
    with_graphs(gateway, route_id, versions, options).await
}

/// Listed `versions` of a route with their graphs, in the same order; as
/// [`versions_with_graphs`] reads them.
pub(crate) async fn with_graphs(
    gateway: &Gateway<'_>,
    route_id: &str,
    versions: Vec<Version>,
    options: &ReadOptions,
) -> Result<Vec<(Version, Option<Vec<AnyElement>>)>, Error> {
    stream::iter(versions)
        .map(|version| async move {
            let graph = gateway.listed_version_graph(route_id, &version).await?;
            Ok((version, graph))
        })
        .buffered(options.concurrency.get())
        .try_collect()
        .await
}
