//! Reading a gateway for a plan: the list pages, then each route's graph from the cheapest
//! place that has it: the list item itself (the documented shape carries it), else the
//! [`GraphCache`] entry of the deployed version the item names (versions are immutable), else
//! the route read whole (the live API's lists carry no graphs: live behaviour 1), with a
//! bounded number of reads in flight. Each read goes through the client, so it retries and
//! honours `Retry-After` on 429 like every call.

use std::num::{NonZeroU64, NonZeroUsize};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::{StreamExt, TryStreamExt, stream};

use super::cache::{BackgroundWriter, GraphCache, VersionKey};
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
    /// Where graphs of versions already seen are kept, so a route whose deployed version is
    /// in it is not read. `None` (the default): no cache; every route whose list item lacks
    /// its graph is read. The `routes` command uses [`GraphCache::in_user_cache_dir`].
    pub cache: Option<GraphCache>,
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
            cache: None,
        }
    }
}

impl ReadOptions {
    /// With graphs of versions seen kept in `cache` (`None`: no cache).
    pub fn cache(mut self, cache: Option<GraphCache>) -> Self {
        self.cache = cache;
        self
    }
}

impl std::fmt::Debug for ReadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadOptions")
            .field("concurrency", &self.concurrency)
            .field("per_page", &self.per_page)
            .field("progress", &self.progress.is_some())
            .field("cache", &self.cache)
            .finish()
    }
}

/// Every route on the gateway with its graph, in list order: the list pages, plus one
/// `get_route` for each route whose list item carries no graph and whose deployed version is
/// not in `options.cache` (each graph so read is kept there). Reads start while later pages
/// are still being listed.
pub async fn read_routes(
    gateway: &Gateway<'_>,
    options: &ReadOptions,
) -> Result<Vec<Route>, Error> {
    let done = AtomicUsize::new(0);
    let done = &done;
    // Dropped when the read ends, waiting for the last entries to be written.
    let writer = options.cache.as_ref().map(BackgroundWriter::new);
    let writer = writer.as_ref();
    gateway
        .routes(options.per_page)
        .map_ok(|listed| async move {
            let route = with_graph(gateway, listed, writer).await?;
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

/// A listed route with its graph: as listed when the item carries it, else with its deployed
/// version's graph from the cache, else read whole (and its graph kept in the cache).
async fn with_graph(
    gateway: &Gateway<'_>,
    listed: Route,
    cache: Option<&BackgroundWriter>,
) -> Result<Route, Error> {
    if carries_graph(&listed) {
        return Ok(listed);
    }
    let key = |route: &Route| {
        (!route.version.version_id.is_empty()).then(|| VersionKey {
            account_id: gateway.account_id.clone(),
            gateway_id: gateway.gateway_id.clone(),
            route_id: route.id.clone(),
            version_id: route.version.version_id.clone(),
        })
    };
    if let (Some(cache), Some(key)) = (cache, key(&listed))
        && let Some(graph) = cache.cache().get(&key)
    {
        let mut known = listed;
        known.elements = Some(graph);
        return Ok(known);
    }
    let route = gateway.get_route(&listed.id).await?;
    if let (Some(cache), Some(key), Some(graph)) = (cache, key(&route), route.graph()) {
        cache.put(key, graph);
    }
    Ok(route)
}

/// Whether a listed route carries its graph: `version.data`, or `elements` holding any. An
/// empty `elements` without `data` is not trusted as an empty graph, since reads may send
/// `[]` beside the real graph (live behaviour 2).
fn carries_graph(listed: &Route) -> bool {
    listed
        .graph()
        .is_some_and(|graph| !graph.is_empty() || listed.version.data.is_some())
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
