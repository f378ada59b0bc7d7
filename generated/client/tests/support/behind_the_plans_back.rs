//! One change of each kind a saved plan depends on, made on the gateway after the plan was
//! saved, as someone else would: the client's and the CLI's stale-plan tests share it.

#![allow(dead_code)] // each test binary uses its own part of the support

use cloudflare_dynamic_routing::Gateway;
use cloudflare_dynamic_routing::types::RouteElement;
use serde_json::Value;

/// The routes a stale plan was made against, by id: it updates the first three and deletes
/// the last, and creates a route named [`FRESH`].
pub struct Planned {
    /// Renamed afterwards.
    pub renamed: String,
    /// Given another version afterwards.
    pub redeployed: String,
    /// Deleted afterwards.
    pub deleted: String,
    /// To be deleted by the plan; given another version afterwards.
    pub doomed: String,
}

/// The name the plan creates, and another route takes afterwards.
pub const FRESH: &str = "fresh";
/// The name [`Planned::renamed`] is given afterwards.
pub const RENAMED_TO: &str = "renamed-by-hand";

/// What the changes left on the gateway.
pub struct Changed {
    /// The id of the route now named [`FRESH`].
    pub fresh: String,
    /// The version now deployed on [`Planned::redeployed`].
    pub redeployed_now: String,
    /// The version now deployed on [`Planned::doomed`].
    pub doomed_now: String,
}

/// Makes each change: renames, deploys `other` (a graph the plan did not see), deletes, and
/// creates a route named [`FRESH`] with `graph`.
pub async fn change(
    gateway: &Gateway<'_>,
    planned: &Planned,
    graph: Value,
    other: Value,
) -> Changed {
    let elements = |graph: &Value| -> Vec<RouteElement> {
        serde_json::from_value(graph.clone()).expect("a graph")
    };
    gateway
        .update_route(&planned.renamed, RENAMED_TO)
        .await
        .expect("renamed");
    let redeployed_now = gateway
        .replace_graph(&planned.redeployed, elements(&other))
        .await
        .expect("deployed")
        .version_id;
    gateway
        .delete_route(&planned.deleted)
        .await
        .expect("deleted");
    let fresh = gateway
        .create_route(FRESH, elements(&graph))
        .await
        .expect("created")
        .id;
    let doomed_now = gateway
        .replace_graph(&planned.doomed, elements(&other))
        .await
        .expect("deployed")
        .version_id;
    Changed {
        fresh,
        redeployed_now,
        doomed_now,
    }
}
