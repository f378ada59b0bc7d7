//! `apply` and `diff`: make the live route named in a route file match the file, or show how
//! they differ. The route is found by name in the list and then read whole (lists may carry no
//! graph); graphs are compared by `graph::same_graph`, so a route the API returns in another
//! order is not seen as changed, and `replace_graph` waits until a deployment shows in reads.

use std::num::NonZeroU64;

use cloudflare_dynamic_routing::graph::{in_id_order, known_elements, same_graph};
use cloudflare_dynamic_routing::types::{NewRoute, Route};
use cloudflare_dynamic_routing::{Error, Gateway};
use futures_util::TryStreamExt;
use serde::Serialize;
use similar::TextDiff;

/// How many routes to fetch a page while looking for one by name.
const PER_PAGE: NonZeroU64 = NonZeroU64::new(50).unwrap();

/// What `apply` did.
#[derive(Debug, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Applied {
    /// The route did not exist and was created with the file's graph.
    Created { route_id: String, name: String },
    /// The graph differed: a version with the file's graph was created and deployed.
    Updated {
        route_id: String,
        name: String,
        version_id: String,
    },
    /// The live graph already is the file's graph; nothing was sent.
    Unchanged { route_id: String, name: String },
}

/// The live route called `name`, if there is one, read whole: a listed route may carry no
/// graph (the live API's list never does), so the one that matches is read with `get_route`.
async fn find(gateway: &Gateway<'_>, name: &str) -> Result<Option<Route>, Error> {
    let mut routes = std::pin::pin!(gateway.routes(PER_PAGE));
    while let Some(route) = routes.try_next().await? {
        if route.name == name {
            return gateway.get_route(&route.id).await.map(Some);
        }
    }
    Ok(None)
}

/// Whether the live route's graph is the file's.
fn has_graph(live: &Route, wanted: &NewRoute) -> bool {
    live.graph()
        .is_some_and(|graph| same_graph(&graph, &wanted.elements))
}

/// Makes the live route match `route`; a second run with the same file sends nothing that
/// changes anything.
pub async fn apply(gateway: &Gateway<'_>, route: NewRoute) -> Result<Applied, Error> {
    match find(gateway, &route.name).await? {
        None => {
            let created = gateway.create_route(&route.name, route.elements).await?;
            Ok(Applied::Created {
                route_id: created.id,
                name: created.name,
            })
        }
        Some(live) if has_graph(&live, &route) => Ok(Applied::Unchanged {
            route_id: live.id,
            name: live.name,
        }),
        Some(live) => {
            let version = gateway.replace_graph(&live.id, route.elements).await?;
            Ok(Applied::Updated {
                route_id: live.id,
                name: live.name,
                version_id: version.version_id,
            })
        }
    }
}

/// What `apply` would change, as text: a unified diff of the graphs, or why there is none.
pub async fn diff(gateway: &Gateway<'_>, route: &NewRoute, file: &str) -> Result<String, Error> {
    let wanted = pretty(&in_id_order(&route.elements));
    let Some(live) = find(gateway, &route.name).await? else {
        return Ok(format!(
            "route `{}` does not exist; apply would create it with this graph:\n{wanted}\n",
            route.name
        ));
    };
    if has_graph(&live, route) {
        return Ok(format!(
            "route `{}` ({}) already has this graph\n",
            live.name, live.id
        ));
    }
    let live_graph = live.graph().unwrap_or_default();
    let current = match known_elements(&live_graph) {
        Ok(known) => pretty(&in_id_order(&known)),
        Err(_) => pretty(&live_graph),
    };
    let diff = TextDiff::from_lines(&current, &wanted)
        .unified_diff()
        .header(&format!("live {} ({})", live.name, live.id), file)
        .to_string();
    Ok(diff)
}

fn pretty<T: Serialize + ?Sized>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}
