//! The client users call: one method per operation, returning the payload with its envelope
//! (`result`, `route` or `data`) unwrapped and every failure as one [`Error`].

use std::num::NonZeroU64;
use std::sync::Arc;

use futures_util::{Stream, TryStreamExt, stream};
use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;

use crate::address;
use crate::config::{ClientBuilder, ConfigError};
use crate::error::{Error, decode_error};
use crate::generated::api::Client as RawClient;
use crate::graph::{AnyElement, same_graph};
use crate::transport::{Capture, Settings, Transport};
use crate::types::{
    Deployment, DeploymentPage, Route, RouteElement, RoutePage, RouteWithoutDeployment, Version,
    VersionDetail, VersionPage,
};

/// A Cloudflare AI Gateway Dynamic Routing client. Cheap to clone; share one per process.
#[derive(Debug, Clone)]
pub struct Client {
    base_url: String,
    http: reqwest::Client,
    settings: Arc<Settings>,
    raw: RawClient,
}

impl Client {
    /// A builder for every setting.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from `CLOUDFLARE_API_TOKEN` (or `CLOUDFLARE_EMAIL` and
    /// `CLOUDFLARE_API_KEY`) and `CLOUDFLARE_BASE_URL`, with every other setting default.
    pub fn from_env() -> Result<Self, ConfigError> {
        ClientBuilder::from_env()?.build()
    }

    pub(crate) fn from_parts(
        base_url: String,
        http: reqwest::Client,
        settings: Arc<Settings>,
    ) -> Self {
        let raw = RawClient::new_with_client(
            &base_url,
            http.clone(),
            Transport {
                settings: settings.clone(),
                capture: Capture::default(),
            },
        );
        Self {
            base_url,
            http,
            settings,
            raw,
        }
    }

    /// The generated low-level client, with the same credentials, retries and timeouts, for
    /// anyone who wants progenitor's request builders and raw `ResponseValue`s.
    pub fn raw(&self) -> &RawClient {
        &self.raw
    }

    /// The [`Error`] for a failed call made through [`Client::raw`], with what the transport
    /// saw of it: the status, Cloudflare's codes and messages and `cf-ray` of an error answer,
    /// the attempts made, the cause of a failed connection. So a program (such as the `routes`
    /// CLI) that calls the low-level client reports failures exactly as [`Gateway`] does.
    ///
    /// What the transport saw is kept per client for `raw()`: ask right after the failed call,
    /// before another `raw()` call on this client.
    pub fn raw_error<E>(
        &self,
        operation: &'static str,
        error: progenitor_client::Error<E>,
    ) -> Error {
        Error::from_call(
            operation,
            self.settings.timeout,
            error,
            self.raw.inner.capture.take(),
            |body| decode_error::<serde::de::IgnoredAny>(operation, body),
        )
    }

    /// The operations on one AI Gateway of one account.
    pub fn gateway(
        &self,
        account_id: impl Into<String>,
        gateway_id: impl Into<String>,
    ) -> Gateway<'_> {
        Gateway {
            client: self,
            account_id: account_id.into(),
            gateway_id: gateway_id.into(),
        }
    }

    /// Runs one generated call with its own capture, and turns any failure into an [`Error`].
    async fn run<T: DeserializeOwned, E>(
        &self,
        operation: &'static str,
        send: impl AsyncFnOnce(&RawClient) -> Result<ResponseValue<T>, progenitor_client::Error<E>>,
    ) -> Result<T, Error> {
        let capture = Capture::default();
        let raw = RawClient::new_with_client(
            &self.base_url,
            self.http.clone(),
            Transport {
                settings: self.settings.clone(),
                capture: capture.clone(),
            },
        );
        match send(&raw).await {
            Ok(response) => Ok(response.into_inner()),
            Err(error) => Err(Error::from_call(
                operation,
                self.settings.timeout,
                error,
                capture.take(),
                |body| decode_error::<T>(operation, body),
            )),
        }
    }
}

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
    client: &'a Client,
    account_id: String,
    gateway_id: String,
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
        if !self.client.settings.validate_graphs {
            return Ok(());
        }
        crate::graph::validate(elements).map_err(|problems| Error::InvalidGraph {
            operation,
            problems,
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

    /// Every route of the gateway, fetched lazily `per_page` at a time; the stream ends after
    /// the first page that is not full.
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
        stream::try_unfold(Some(NonZeroU64::MIN), move |next| async move {
            let Some(page) = next else {
                return Ok(None);
            };
            let routes = self
                .list_routes(PageRequest { page, per_page })
                .await?
                .routes;
            let last = (routes.len() as u64) < per_page.get();
            let following = if last { None } else { page.checked_add(1) };
            Ok(Some((stream::iter(routes.into_iter().map(Ok)), following)))
        })
        .try_flatten()
    }

    /// Creates a route with a graph. The graph is validated first unless turned off.
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
    /// [`Gateway::create_deployment`]). The graph is validated first unless turned off.
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

    /// The id of the newest of a route's versions whose graph is `wanted` (in any element
    /// order), if one is. The graphs the list carries are compared first; then the versions
    /// listed without `data` are read, newest first, until one matches.
    pub(crate) async fn newest_version_with_graph(
        &self,
        route_id: &str,
        wanted: &[RouteElement],
    ) -> Result<Option<String>, Error> {
        let versions = self.versions_oldest_first(route_id).await?;
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

    /// A route's versions, oldest first.
    pub(crate) async fn versions_oldest_first(
        &self,
        route_id: &str,
    ) -> Result<Vec<Version>, Error> {
        let page = self.list_versions(route_id).await?;
        let mut versions = page.versions;
        oldest_first(&mut versions, &page.order_by_direction, |v| &v.created_at);
        Ok(versions)
    }

    /// A route's deployments, oldest first.
    pub(crate) async fn deployments_oldest_first(
        &self,
        route_id: &str,
    ) -> Result<Vec<Deployment>, Error> {
        let page = self.list_deployments(route_id).await?;
        let mut deployments = page.deployments;
        oldest_first(&mut deployments, &page.order_by_direction, |d| {
            &d.created_at
        });
        Ok(deployments)
    }

    /// A listed version's graph: the list's `data`, or, when the list left `data` out, the
    /// version read whole. `None` when the `data` there holds no graph.
    pub(crate) async fn listed_version_graph(
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
