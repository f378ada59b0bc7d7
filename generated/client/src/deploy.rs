//! The deploy workflows on [`Gateway`]: [`Gateway::replace_graph`] and
//! [`Gateway::deploy_version`], which deploy and then wait until reads show it, and the
//! searches of a route's versions and deployments ([`DeploySearch`]) that they and `reconcile`
//! (plan, history, rollback) build on.

use crate::error::Error;
use crate::gateway::Gateway;
use crate::graph::{AnyElement, same_graph};
use crate::number::Number;
use crate::paging::reported_size;
use crate::types::{Route, RouteElement, Version, VersionDetail};

impl Gateway<'_> {
    /// Replaces a route's live graph: creates a version with `elements`, deploys it, waits
    /// until reads of the route show it, and returns the deployed version.
    ///
    /// The new version's id comes from the create-version answer when it carries one (the live
    /// API sends it at the top level of `result`); otherwise it is found among the route's
    /// versions as the newest whose graph equals `elements`, in any element order. If none does
    /// (another writer changed it in between), nothing is deployed and
    /// [`Error::InvalidArgument`] says so.
    ///
    /// After deploying, the route is read again, with backoff, until it shows `elements`: the
    /// API may serve the previous graph for a while after a deployment, and a caller that
    /// compared right away would deploy again. How long is [`DeployWait`](crate::DeployWait)
    /// (default up to 120 s); past it, [`Error::DeployNotVisible`].
    ///
    /// ```no_run
    /// # use cloudflare_dynamic_routing::{Client, Error, PageRequest};
    /// # async fn example(client: Client) -> Result<(), Error> {
    /// let gateway = client.gateway("0d37909e38d3e99c29fa2cd343ac421a", "my-gateway");
    /// let current = gateway.get_route("route-id").await?.graph().unwrap_or_default();
    /// let mut elements = cloudflare_dynamic_routing::graph::known_elements(&current)
    ///     .expect("only known kinds");
    /// elements.retain(|e| e.id() != "unused");
    /// let live = gateway.replace_graph("route-id", elements).await?;
    /// println!("version {} is live", live.version_id);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn replace_graph(
        &self,
        route_id: &str,
        elements: Vec<RouteElement>,
    ) -> Result<VersionDetail, Error> {
        // Compared as typed graphs, not as JSON: the API stores `data` as JavaScript writes it
        // (`100`, not `100.0`), and JSON values see those as different numbers.
        let wanted = elements.clone();
        let created = self.create_version(route_id, elements).await?;
        let version_id = match created.version_id {
            Some(version_id) => version_id,
            None => self.find_version(route_id, &wanted).await?,
        };
        self.create_deployment(route_id, &version_id).await?;
        self.wait_until_visible("replace_graph", route_id, &version_id, |route| {
            route
                .graph()
                .is_some_and(|graph| same_graph(&graph, &wanted))
        })
        .await?;
        self.get_version(route_id, &version_id).await
    }

    /// Puts an existing version live again (a rollback, or a graph that a version already
    /// holds), waits until reads of the route show it, as [`Gateway::replace_graph`] does,
    /// and returns it. No version is created.
    ///
    /// ```no_run
    /// # use cloudflare_dynamic_routing::{Client, Error};
    /// # async fn example(client: Client) -> Result<(), Error> {
    /// let gateway = client.gateway("0d37909e38d3e99c29fa2cd343ac421a", "my-gateway");
    /// let live = gateway.deploy_version("route-id", "version-id").await?;
    /// println!("version {} is live again", live.version_id);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn deploy_version(
        &self,
        route_id: &str,
        version_id: &str,
    ) -> Result<VersionDetail, Error> {
        let version = self.get_version(route_id, version_id).await?;
        let graph = version.graph();
        self.create_deployment(route_id, version_id).await?;
        // Reads show the deployment when they carry this version's graph, or, for a graph
        // that cannot be compared, this version's id.
        self.wait_until_visible("deploy_version", route_id, version_id, |route| {
            match (&graph, known_graph(route)) {
                (Some(wanted), Some(live)) => same_graph(wanted, &live),
                _ => route.version.version_id == version_id,
            }
        })
        .await?;
        Ok(version)
    }

    /// The newest of a route's versions whose graph is `wanted`.
    async fn find_version(&self, route_id: &str, wanted: &[RouteElement]) -> Result<String, Error> {
        self.newest_version_with_graph(route_id, wanted)
            .await?
            .ok_or_else(|| Error::InvalidArgument {
                operation: "replace_graph",
                message: "the new version is not among the route's versions; nothing was deployed"
                    .to_string(),
            })
    }

    /// Re-reads the route, with backoff, until `shows` holds for it, or the wait runs out.
    async fn wait_until_visible(
        &self,
        operation: &'static str,
        route_id: &str,
        version_id: &str,
        shows: impl Fn(&Route) -> bool,
    ) -> Result<(), Error> {
        let wait = self.client.settings.deploy_wait;
        if !wait.enabled() {
            return Ok(());
        }
        let started = std::time::Instant::now();
        for read in 1.. {
            let route = self.get_route(route_id).await?;
            if shows(&route) {
                return Ok(());
            }
            let Some(pause) = wait.pause(read, started.elapsed()) else {
                break;
            };
            tokio::time::sleep(pause).await;
        }
        Err(Error::DeployNotVisible {
            operation,
            route_id: route_id.to_string(),
            version_id: version_id.to_string(),
            waited: started.elapsed(),
        })
    }
}

/// A version or deployment list as one call answers it, oldest first.
#[derive(Debug)]
pub(crate) struct Listed<T> {
    /// The items listed, oldest first.
    pub(crate) items: Vec<T>,
    /// The page size the answer reports, when it holds that many items: a full page, so older
    /// items may exist that the API does not list and no request can ask for.
    #[cfg_attr(not(feature = "reconcile"), allow(dead_code))] // read by `reconcile` alone
    pub(crate) full_page: Option<u64>,
}

/// The page size `per_page` reports, when `listed` items fill it.
fn full_page(listed: usize, per_page: Number) -> Option<u64> {
    let size = reported_size(per_page)?.get();
    (listed as u64 >= size).then_some(size)
}

/// The searches of a route's versions and deployments: the deploy workflows use them, and
/// `reconcile` imports them for plan, history and rollback.
pub(crate) trait DeploySearch {
    /// The id of the newest of a route's versions whose graph is `wanted` (in any element
    /// order), if one is.
    async fn newest_version_with_graph(
        &self,
        route_id: &str,
        wanted: &[RouteElement],
    ) -> Result<Option<String>, Error>;

    /// A route's versions, oldest first, and whether the answer was a full page.
    async fn versions_oldest_first(&self, route_id: &str) -> Result<Listed<Version>, Error>;

    /// A route's deployments, oldest first, and whether the answer was a full page.
    #[cfg(feature = "reconcile")]
    async fn deployments_oldest_first(
        &self,
        route_id: &str,
    ) -> Result<Listed<crate::types::Deployment>, Error>;

    /// A listed version's graph: the list's `data`, or the version read whole.
    async fn listed_version_graph(
        &self,
        route_id: &str,
        version: &Version,
    ) -> Result<Option<Vec<AnyElement>>, Error>;
}

impl DeploySearch for Gateway<'_> {
    /// The id of the newest of a route's versions whose graph is `wanted` (in any element
    /// order), if one is. The graphs the list carries are compared first; then the versions
    /// listed without `data` are read, newest first, until one matches.
    async fn newest_version_with_graph(
        &self,
        route_id: &str,
        wanted: &[RouteElement],
    ) -> Result<Option<String>, Error> {
        let versions = self.versions_oldest_first(route_id).await?.items;
        let holds =
            |graph: Option<Vec<AnyElement>>| graph.is_some_and(|graph| same_graph(&graph, wanted));
        if let Some(listed) = versions.iter().rev().find(|v| holds(v.graph())) {
            return Ok(Some(listed.version_id.clone()));
        }
        for unread in versions.iter().rev().filter(|v| v.data.is_none()) {
            if holds(self.listed_version_graph(route_id, unread).await?) {
                return Ok(Some(unread.version_id.clone()));
            }
        }
        Ok(None)
    }

    /// A route's versions, oldest first, as one list call answers them: the spec gives
    /// list-versions no `page` or `per_page` parameter, so no later page can be asked for.
    async fn versions_oldest_first(&self, route_id: &str) -> Result<Listed<Version>, Error> {
        let page = self.list_versions(route_id).await?;
        let full_page = full_page(page.versions.len(), page.per_page);
        let mut items = page.versions;
        oldest_first(&mut items, &page.order_by_direction, |v| &v.created_at);
        Ok(Listed { items, full_page })
    }

    /// A route's deployments, oldest first, as one list call answers them: the spec gives
    /// list-deployments no `page` or `per_page` parameter, so no later page can be asked for.
    #[cfg(feature = "reconcile")]
    async fn deployments_oldest_first(
        &self,
        route_id: &str,
    ) -> Result<Listed<crate::types::Deployment>, Error> {
        let page = self.list_deployments(route_id).await?;
        let full_page = full_page(page.deployments.len(), page.per_page);
        let mut items = page.deployments;
        oldest_first(&mut items, &page.order_by_direction, |d| &d.created_at);
        Ok(Listed { items, full_page })
    }

    /// A listed version's graph: the list's `data`, or, when the list left `data` out, the
    /// version read whole. `None` when the `data` there holds no graph.
    async fn listed_version_graph(
        &self,
        route_id: &str,
        version: &Version,
    ) -> Result<Option<Vec<AnyElement>>, Error> {
        if version.data.is_some() {
            return Ok(version.graph());
        }
        Ok(self
            .get_version(route_id, &version.version_id)
            .await?
            .graph())
    }
}

/// A route's graph as known elements, when it has one and every kind is known.
fn known_graph(route: &Route) -> Option<Vec<RouteElement>> {
    crate::graph::known_elements(&route.graph()?).ok()
}

/// Sorts items oldest first by `created_at`; items from the same instant stay in the order the
/// API listed them in (`direction` `desc` means newest first, so that list is reversed first).
fn oldest_first<T>(items: &mut [T], direction: &str, created_at: impl Fn(&T) -> &String) {
    if direction.eq_ignore_ascii_case("desc") {
        items.reverse();
    }
    items.sort_by(|a, b| created_at(a).cmp(created_at(b)));
}
