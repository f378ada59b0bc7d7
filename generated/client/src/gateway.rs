//! [`Gateway`]: the ten operations on one gateway, one method each, with ids checked and
//! graphs checked before anything is sent, and list pages streamed by [`Gateway::routes`].

use std::num::NonZeroU64;

use futures_util::{Stream, TryStreamExt, stream};

use crate::address;
use crate::client::Client;
use crate::error::Error;
use crate::paging::Pager;
use crate::types::{
    DeploymentPage, Route, RouteElement, RoutePage, RouteWithoutDeployment, VersionDetail,
    VersionPage,
};

/// Which page of a list to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// The page number, from 1.
    pub page: NonZeroU64,
    /// How many items a page holds.
    pub per_page: NonZeroU64,
}

impl PageRequest {
    /// The API's default page size.
    pub const DEFAULT_PER_PAGE: NonZeroU64 = NonZeroU64::new(20).unwrap();

    /// The most pages [`Gateway::routes`] reads; a list still going past it is
    /// [`Error::TooManyPages`], never a list cut short in silence.
    pub const MAX_PAGES: u64 = 1000;

    /// Page `page` (from 1) of `per_page` items; `None` if either is zero.
    pub fn new(page: u64, per_page: u64) -> Option<Self> {
        Some(Self {
            page: NonZeroU64::new(page)?,
            per_page: NonZeroU64::new(per_page)?,
        })
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: NonZeroU64::MIN,
            per_page: Self::DEFAULT_PER_PAGE,
        }
    }
}

/// The operations on one gateway; get one from [`Client::gateway`].
#[derive(Debug, Clone)]
pub struct Gateway<'a> {
    pub(crate) client: &'a Client,
    pub(crate) account_id: String,
    pub(crate) gateway_id: String,
}

/// Rejects an id that cannot name one resource ([`address::unusable`]), naming it; the
/// transport refuses such a URL from every entry point, this says which id was at fault. Other
/// characters are percent-encoded by the generated code.
fn check_id<'v>(operation: &'static str, what: &str, value: &'v str) -> Result<&'v str, Error> {
    match address::unusable(value) {
        Some(why) => Err(Error::InvalidArgument {
            operation,
            message: format!(
                "{what} `{value}` {why}, so it cannot name a resource; nothing was sent"
            ),
        }),
        None => Ok(value),
    }
}

impl Gateway<'_> {
    fn scope(&self, operation: &'static str) -> Result<(&str, &str), Error> {
        Ok((
            check_id(operation, "account id", &self.account_id)?,
            check_id(operation, "gateway id", &self.gateway_id)?,
        ))
    }

    /// [`Gateway::scope`] and a checked route id.
    fn route_scope<'s>(
        &'s self,
        operation: &'static str,
        route_id: &'s str,
    ) -> Result<(&'s str, &'s str, &'s str), Error> {
        let (account, gateway) = self.scope(operation)?;
        Ok((account, gateway, check_id(operation, "route id", route_id)?))
    }

    fn check_graph(&self, operation: &'static str, elements: &[RouteElement]) -> Result<(), Error> {
        crate::graph::check(elements, &self.client.settings.graph_check).map_err(|problems| {
            Error::InvalidGraph {
                operation,
                problems,
            }
        })
    }

    /// One page of the gateway's routes.
    ///
    /// ```no_run
    /// # use cloudflare_dynamic_routing::{Client, Error, PageRequest};
    /// # async fn example(client: Client) -> Result<(), Error> {
    /// let gateway = client.gateway("0d37909e38d3e99c29fa2cd343ac421a", "my-gateway");
    /// let page = gateway.list_routes(PageRequest::default()).await?;
    /// for route in &page.routes {
    ///     println!("{} ({})", route.name, route.id);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn list_routes(&self, page: PageRequest) -> Result<RoutePage, Error> {
        const OP: &str = "list_routes";
        let (account, gateway) = self.scope(OP)?;
        let envelope = self
            .client
            .run(OP, async |api| {
                api.list_routes()
                    .account_id(account)
                    .gateway_id(gateway)
                    .page(page.page)
                    .per_page(page.per_page)
                    .send()
                    .await
            })
            .await?;
        Ok(envelope.data)
    }

    /// Every route of the gateway, fetched lazily, asking `per_page` at a time.
    ///
    /// The answer is trusted over the request: a page is full when it holds as many routes as
    /// the page size the answer reports (an API capping pages at 20 answers `per_page: 20`),
    /// or as asked if that is smaller. The stream ends after a page that is not full, an empty
    /// page, or a page holding only ids already listed (a server ignoring `page`); a route
    /// listed twice is yielded once. Past [`PageRequest::MAX_PAGES`] pages it ends with
    /// [`Error::TooManyPages`].
    ///
    /// ```no_run
    /// # use cloudflare_dynamic_routing::{Client, Error, PageRequest};
    /// # async fn example(client: Client) -> Result<(), Error> {
    /// let gateway = client.gateway("0d37909e38d3e99c29fa2cd343ac421a", "my-gateway");
    /// use futures_util::TryStreamExt;
    /// use std::num::NonZeroU64;
    /// let per_page = NonZeroU64::new(50).expect("non-zero");
    /// let names: Vec<String> = gateway.routes(per_page).map_ok(|r| r.name).try_collect().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn routes(&self, per_page: NonZeroU64) -> impl Stream<Item = Result<Route, Error>> + '_ {
        let pager = Pager::new("list_routes", per_page);
        stream::try_unfold(Some(pager), move |pager| async move {
            let Some(mut pager) = pager else {
                return Ok(None);
            };
            let page = self.list_routes(pager.request()?).await?;
            let (routes, more) = pager.take(page.routes, page.per_page, |r| &r.id);
            let next = more.then_some(pager);
            Ok(Some((stream::iter(routes.into_iter().map(Ok)), next)))
        })
        .try_flatten()
    }

    /// Creates a route with a graph. The graph is checked first ([`crate::graph::check()`]) unless turned off.
    ///
    /// ```no_run
    /// # use cloudflare_dynamic_routing::{Client, Error, PageRequest};
    /// # async fn example(client: Client) -> Result<(), Error> {
    /// let gateway = client.gateway("0d37909e38d3e99c29fa2cd343ac421a", "my-gateway");
    /// use cloudflare_dynamic_routing::graph::{GraphBuilder, ModelCall};
    /// let mut g = GraphBuilder::new();
    /// let end = g.end("end");
    /// let model = g.model("model", ModelCall::new("openai", "gpt-4o-mini"), end, end);
    /// let elements = g.start(model).build().expect("a valid graph");
    /// let route = gateway.create_route("support-bot", elements).await?;
    /// println!("created {}", route.id);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create_route(
        &self,
        name: &str,
        elements: Vec<RouteElement>,
    ) -> Result<Route, Error> {
        const OP: &str = "create_route";
        let (account, gateway) = self.scope(OP)?;
        self.check_graph(OP, &elements)?;
        let envelope = self
            .client
            .run(OP, async |api| {
                api.create_route()
                    .account_id(account)
                    .gateway_id(gateway)
                    .body_map(|b| b.name(name.to_string()).elements(elements))
                    .send()
                    .await
            })
            .await?;
        Ok(envelope.result)
    }

    /// One route, with its graph, deployment and version.
    ///
    /// ```no_run
    /// # use cloudflare_dynamic_routing::{Client, Error, PageRequest};
    /// # async fn example(client: Client) -> Result<(), Error> {
    /// let gateway = client.gateway("0d37909e38d3e99c29fa2cd343ac421a", "my-gateway");
    /// match gateway.get_route("route-id").await {
    ///     Ok(route) => println!("{} has {} elements", route.name, route.graph().unwrap_or_default().len()),
    ///     Err(e) if e.is_not_found() => println!("no such route"),
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn get_route(&self, route_id: &str) -> Result<Route, Error> {
        const OP: &str = "get_route";
        let (account, gateway, id) = self.route_scope(OP, route_id)?;
        let envelope = self
            .client
            .run(OP, async |api| {
                api.get_route()
                    .account_id(account)
                    .gateway_id(gateway)
                    .id(id)
                    .send()
                    .await
            })
            .await?;
        Ok(envelope.result)
    }

    /// Renames a route (the graph changes through a new version, see [`Gateway::replace_graph`]).
    ///
    /// ```no_run
    /// # use cloudflare_dynamic_routing::{Client, Error, PageRequest};
    /// # async fn example(client: Client) -> Result<(), Error> {
    /// let gateway = client.gateway("0d37909e38d3e99c29fa2cd343ac421a", "my-gateway");
    /// let route = gateway.update_route("route-id", "support-bot-v2").await?;
    /// assert_eq!(route.name, "support-bot-v2");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn update_route(&self, route_id: &str, name: &str) -> Result<Route, Error> {
        const OP: &str = "update_route";
        let (account, gateway, id) = self.route_scope(OP, route_id)?;
        let envelope = self
            .client
            .run(OP, async |api| {
                api.update_route()
                    .account_id(account)
                    .gateway_id(gateway)
                    .id(id)
                    .body_map(|b| b.name(name.to_string()))
                    .send()
                    .await
            })
            .await?;
        Ok(envelope.route)
    }

    /// Deletes a route; returns it as it was.
    ///
    /// ```no_run
    /// # use cloudflare_dynamic_routing::{Client, Error, PageRequest};
    /// # async fn example(client: Client) -> Result<(), Error> {
    /// let gateway = client.gateway("0d37909e38d3e99c29fa2cd343ac421a", "my-gateway");
    /// let deleted = gateway.delete_route("route-id").await?;
    /// println!("deleted {}", deleted.name);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn delete_route(&self, route_id: &str) -> Result<RouteWithoutDeployment, Error> {
        const OP: &str = "delete_route";
        let (account, gateway, id) = self.route_scope(OP, route_id)?;
        let envelope = self
            .client
            .run(OP, async |api| {
                api.delete_route()
                    .account_id(account)
                    .gateway_id(gateway)
                    .id(id)
                    .send()
                    .await
            })
            .await?;
        Ok(envelope.result)
    }

    /// A route's versions.
    ///
    /// ```no_run
    /// # use cloudflare_dynamic_routing::{Client, Error, PageRequest};
    /// # async fn example(client: Client) -> Result<(), Error> {
    /// let gateway = client.gateway("0d37909e38d3e99c29fa2cd343ac421a", "my-gateway");
    /// for version in gateway.list_versions("route-id").await?.versions {
    ///     println!("{} active={:?}", version.version_id, version.active);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn list_versions(&self, route_id: &str) -> Result<VersionPage, Error> {
        const OP: &str = "list_versions";
        let (account, gateway, id) = self.route_scope(OP, route_id)?;
        let envelope = self
            .client
            .run(OP, async |api| {
                api.list_versions()
                    .account_id(account)
                    .gateway_id(gateway)
                    .id(id)
                    .send()
                    .await
            })
            .await?;
        Ok(envelope.data)
    }

    /// Creates a new version of a route's graph (not yet live; see
    /// [`Gateway::create_deployment`]). The graph is checked first ([`crate::graph::check()`]) unless turned off.
    ///
    /// ```no_run
    /// # use cloudflare_dynamic_routing::{Client, Error, PageRequest};
    /// # async fn example(client: Client) -> Result<(), Error> {
    /// let gateway = client.gateway("0d37909e38d3e99c29fa2cd343ac421a", "my-gateway");
    /// let current = gateway.get_route("route-id").await?.graph().unwrap_or_default();
    /// let elements = cloudflare_dynamic_routing::graph::known_elements(&current)
    ///     .expect("only known kinds");
    /// gateway.create_version("route-id", elements).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create_version(
        &self,
        route_id: &str,
        elements: Vec<RouteElement>,
    ) -> Result<RouteWithoutDeployment, Error> {
        const OP: &str = "create_version";
        let (account, gateway, id) = self.route_scope(OP, route_id)?;
        self.check_graph(OP, &elements)?;
        let envelope = self
            .client
            .run(OP, async |api| {
                api.create_version()
                    .account_id(account)
                    .gateway_id(gateway)
                    .id(id)
                    .body_map(|b| b.elements(elements))
                    .send()
                    .await
            })
            .await?;
        Ok(envelope.result)
    }

    /// One version of a route, with its graph.
    ///
    /// ```no_run
    /// # use cloudflare_dynamic_routing::{Client, Error, PageRequest};
    /// # async fn example(client: Client) -> Result<(), Error> {
    /// let gateway = client.gateway("0d37909e38d3e99c29fa2cd343ac421a", "my-gateway");
    /// let version = gateway.get_version("route-id", "version-id").await?;
    /// println!("{} elements", version.elements.map_or(0, |e| e.len()));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn get_version(
        &self,
        route_id: &str,
        version_id: &str,
    ) -> Result<VersionDetail, Error> {
        const OP: &str = "get_version";
        let (account, gateway, id) = self.route_scope(OP, route_id)?;
        let version = check_id(OP, "version id", version_id)?;
        let envelope = self
            .client
            .run(OP, async |api| {
                api.get_version()
                    .account_id(account)
                    .gateway_id(gateway)
                    .id(id)
                    .version_id(version)
                    .send()
                    .await
            })
            .await?;
        Ok(envelope.result)
    }

    /// A route's deployments.
    ///
    /// ```no_run
    /// # use cloudflare_dynamic_routing::{Client, Error, PageRequest};
    /// # async fn example(client: Client) -> Result<(), Error> {
    /// let gateway = client.gateway("0d37909e38d3e99c29fa2cd343ac421a", "my-gateway");
    /// for deployment in gateway.list_deployments("route-id").await?.deployments {
    ///     println!("{} went live at {}", deployment.version_id, deployment.created_at);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn list_deployments(&self, route_id: &str) -> Result<DeploymentPage, Error> {
        const OP: &str = "list_deployments";
        let (account, gateway, id) = self.route_scope(OP, route_id)?;
        let envelope = self
            .client
            .run(OP, async |api| {
                api.list_deployments()
                    .account_id(account)
                    .gateway_id(gateway)
                    .id(id)
                    .send()
                    .await
            })
            .await?;
        Ok(envelope.data)
    }

    /// Puts a version live.
    ///
    /// ```no_run
    /// # use cloudflare_dynamic_routing::{Client, Error, PageRequest};
    /// # async fn example(client: Client) -> Result<(), Error> {
    /// let gateway = client.gateway("0d37909e38d3e99c29fa2cd343ac421a", "my-gateway");
    /// gateway.create_deployment("route-id", "version-id").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create_deployment(
        &self,
        route_id: &str,
        version_id: &str,
    ) -> Result<RouteWithoutDeployment, Error> {
        const OP: &str = "create_deployment";
        let (account, gateway, id) = self.route_scope(OP, route_id)?;
        let version = check_id(OP, "version id", version_id)?;
        let envelope = self
            .client
            .run(OP, async |api| {
                api.create_deployment()
                    .account_id(account)
                    .gateway_id(gateway)
                    .id(id)
                    .body_map(|b| b.version_id(version.to_string()))
                    .send()
                    .await
            })
            .await?;
        Ok(envelope.result)
    }
}
