//! The emulator's memory: per account and gateway, the routes in creation order, each with its
//! versions, its deployments (the latest one is live) and the read lag left after a deployment.
//! It knows nothing of HTTP or answer shapes; `style` turns what it returns into JSON.

use std::collections::HashMap;

use serde_json::Value;

use crate::clock::{Clock, Stamp};

/// An account and one of its gateways.
pub(crate) type GatewayKey = (String, String);

/// A route's own fields.
#[derive(Debug, Clone)]
pub(crate) struct RouteFields {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) account_id: String,
    pub(crate) gateway_id: String,
    pub(crate) created_at: Stamp,
    pub(crate) modified_at: Stamp,
}

/// One version of a route's graph, stored as submitted (after the style's filtering).
#[derive(Debug, Clone)]
pub(crate) struct Version {
    pub(crate) id: String,
    pub(crate) created_at: Stamp,
    pub(crate) elements: Value,
}

/// The moment a version went live.
#[derive(Debug, Clone)]
pub(crate) struct Deployment {
    pub(crate) id: String,
    pub(crate) version_id: String,
    pub(crate) created_at: Stamp,
}

/// A route as one read sees it: its fields, and the deployment and version that read shows,
/// which lag the live ones for a few reads after a deployment.
#[derive(Debug, Clone)]
pub(crate) struct RouteView {
    pub(crate) fields: RouteFields,
    pub(crate) deployment: Deployment,
    pub(crate) version: Version,
}

/// A version with whether it is the live one.
#[derive(Debug, Clone)]
pub(crate) struct VersionState {
    pub(crate) version: Version,
    pub(crate) active: bool,
}

/// Why an operation on the store failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StoreError {
    RouteNotFound {
        id: String,
    },
    VersionNotFound {
        route_id: String,
        version_id: String,
    },
    DuplicateName {
        name: String,
    },
}

#[derive(Debug)]
struct Route {
    fields: RouteFields,
    /// Oldest first.
    versions: Vec<Version>,
    /// Oldest first; never empty, since creating a route deploys its first version.
    deployments: Vec<Deployment>,
    lag: Option<Lag>,
}

/// A deployment reads still show instead of the live one, for so many more reads.
#[derive(Debug)]
struct Lag {
    shown: Deployment,
    reads_left: u32,
}

impl Route {
    fn live(&self) -> &Deployment {
        self.deployments
            .last()
            .expect("a route always has a deployment")
    }

    fn version(&self, version_id: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.id == version_id)
    }

    /// The route as it is now, lag aside.
    fn view_of(&self, deployment: &Deployment) -> RouteView {
        let version = self
            .version(&deployment.version_id)
            .expect("a deployment names one of its route's versions")
            .clone();
        RouteView {
            fields: self.fields.clone(),
            deployment: deployment.clone(),
            version,
        }
    }

    fn current(&self) -> RouteView {
        self.view_of(self.live())
    }

    /// The route as a read sees it; counts the read against any lag.
    fn read(&mut self) -> RouteView {
        let Some(lag) = self.lag.as_mut() else {
            return self.current();
        };
        let shown = lag.shown.clone();
        lag.reads_left -= 1;
        if lag.reads_left == 0 {
            self.lag = None;
        }
        self.view_of(&shown)
    }

    /// The deployment reads show now (the lagging one, if any).
    fn shown(&self) -> &Deployment {
        self.lag
            .as_ref()
            .map_or_else(|| self.live(), |lag| &lag.shown)
    }
}

/// Every gateway's routes, the clock and the id counters.
#[derive(Debug)]
pub(crate) struct Store {
    /// Each gateway's routes, oldest first.
    gateways: HashMap<GatewayKey, Vec<Route>>,
    clock: Clock,
    /// The last number given to each kind of id.
    last_ids: HashMap<&'static str, u64>,
    read_lag: u32,
}

impl Store {
    /// An empty store whose deployments lag `read_lag` reads.
    pub(crate) fn new(read_lag: u32) -> Self {
        Self {
            gateways: HashMap::new(),
            clock: Clock::default(),
            last_ids: HashMap::new(),
            read_lag,
        }
    }

    /// A fresh id such as `route-1`: one counter per kind for the whole emulator, so a version
    /// id names one version whatever the route.
    fn id(&mut self, kind: &'static str) -> String {
        let last = self.last_ids.entry(kind).or_default();
        *last += 1;
        format!("{kind}-{last}")
    }

    fn routes(&self, key: &GatewayKey) -> &[Route] {
        self.gateways.get(key).map_or(&[], Vec::as_slice)
    }

    fn route(&self, key: &GatewayKey, id: &str) -> Result<&Route, StoreError> {
        self.routes(key)
            .iter()
            .find(|r| r.fields.id == id)
            .ok_or_else(|| StoreError::RouteNotFound { id: id.to_string() })
    }

    fn route_mut(&mut self, key: &GatewayKey, id: &str) -> Result<&mut Route, StoreError> {
        self.gateways
            .get_mut(key)
            .and_then(|routes| routes.iter_mut().find(|r| r.fields.id == id))
            .ok_or_else(|| StoreError::RouteNotFound { id: id.to_string() })
    }

    /// Names are unique per gateway; `except` is the route being renamed.
    fn check_name(
        &self,
        key: &GatewayKey,
        name: &str,
        except: Option<&str>,
    ) -> Result<(), StoreError> {
        let taken = self
            .routes(key)
            .iter()
            .any(|r| r.fields.name == name && Some(r.fields.id.as_str()) != except);
        if taken {
            return Err(StoreError::DuplicateName {
                name: name.to_string(),
            });
        }
        Ok(())
    }

    /// Creates a route and deploys its first version at once, as the API does.
    pub(crate) fn create_route(
        &mut self,
        key: &GatewayKey,
        name: &str,
        elements: Value,
    ) -> Result<RouteView, StoreError> {
        self.check_name(key, name, None)?;
        let now = self.clock.tick();
        let version = Version {
            id: self.id("version"),
            created_at: now,
            elements,
        };
        let deployment = Deployment {
            id: self.id("deployment"),
            version_id: version.id.clone(),
            created_at: now,
        };
        let route = Route {
            fields: RouteFields {
                id: self.id("route"),
                name: name.to_string(),
                account_id: key.0.clone(),
                gateway_id: key.1.clone(),
                created_at: now,
                modified_at: now,
            },
            versions: vec![version],
            deployments: vec![deployment],
            lag: None,
        };
        let view = route.current();
        self.gateways.entry(key.clone()).or_default().push(route);
        Ok(view)
    }

    /// Page `page` (from 1) of `per_page` routes, newest first; each route listed counts as a
    /// read of it.
    pub(crate) fn list_routes(
        &mut self,
        key: &GatewayKey,
        page: u64,
        per_page: u64,
    ) -> Vec<RouteView> {
        let Some(routes) = self.gateways.get_mut(key) else {
            return Vec::new();
        };
        let skip = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
        let take = usize::try_from(per_page).unwrap_or(usize::MAX);
        routes
            .iter_mut()
            .rev()
            .skip(skip)
            .take(take)
            .map(Route::read)
            .collect()
    }

    /// One route, as a read sees it.
    pub(crate) fn get_route(
        &mut self,
        key: &GatewayKey,
        id: &str,
    ) -> Result<RouteView, StoreError> {
        Ok(self.route_mut(key, id)?.read())
    }

    /// Renames a route; the name must be free on the gateway.
    pub(crate) fn rename(
        &mut self,
        key: &GatewayKey,
        id: &str,
        name: &str,
    ) -> Result<RouteView, StoreError> {
        self.route(key, id)?;
        self.check_name(key, name, Some(id))?;
        let now = self.clock.tick();
        let route = self.route_mut(key, id)?;
        route.fields.name = name.to_string();
        route.fields.modified_at = now;
        Ok(route.current())
    }

    /// Deletes a route, returning it as it was.
    pub(crate) fn delete(&mut self, key: &GatewayKey, id: &str) -> Result<RouteView, StoreError> {
        let view = self.route(key, id)?.current();
        if let Some(routes) = self.gateways.get_mut(key) {
            routes.retain(|r| r.fields.id != id);
        }
        Ok(view)
    }

    /// A route's versions, newest first.
    pub(crate) fn versions(
        &self,
        key: &GatewayKey,
        id: &str,
    ) -> Result<Vec<VersionState>, StoreError> {
        let route = self.route(key, id)?;
        let live = &route.live().version_id;
        Ok(route
            .versions
            .iter()
            .rev()
            .map(|v| VersionState {
                active: &v.id == live,
                version: v.clone(),
            })
            .collect())
    }

    /// Adds a version to a route without deploying it.
    pub(crate) fn create_version(
        &mut self,
        key: &GatewayKey,
        id: &str,
        elements: Value,
    ) -> Result<(RouteFields, Version), StoreError> {
        self.route(key, id)?;
        let now = self.clock.tick();
        let version = Version {
            id: self.id("version"),
            created_at: now,
            elements,
        };
        let route = self.route_mut(key, id)?;
        route.fields.modified_at = now;
        route.versions.push(version.clone());
        Ok((route.fields.clone(), version))
    }

    /// One version of a route, with whether it is live.
    pub(crate) fn version(
        &self,
        key: &GatewayKey,
        id: &str,
        version_id: &str,
    ) -> Result<(RouteFields, VersionState), StoreError> {
        let route = self.route(key, id)?;
        let version = route
            .version(version_id)
            .ok_or_else(|| StoreError::VersionNotFound {
                route_id: id.to_string(),
                version_id: version_id.to_string(),
            })?;
        let state = VersionState {
            active: route.live().version_id == version_id,
            version: version.clone(),
        };
        Ok((route.fields.clone(), state))
    }

    /// A route's deployments, newest first.
    pub(crate) fn deployments(
        &self,
        key: &GatewayKey,
        id: &str,
    ) -> Result<Vec<Deployment>, StoreError> {
        Ok(self
            .route(key, id)?
            .deployments
            .iter()
            .rev()
            .cloned()
            .collect())
    }

    /// Puts a version of the route live. Reads keep showing what they showed before for the
    /// configured number of reads.
    pub(crate) fn deploy(
        &mut self,
        key: &GatewayKey,
        id: &str,
        version_id: &str,
    ) -> Result<(RouteFields, Version), StoreError> {
        let (_, VersionState { version, .. }) = self.version(key, id, version_id)?;
        let now = self.clock.tick();
        let deployment = Deployment {
            id: self.id("deployment"),
            version_id: version_id.to_string(),
            created_at: now,
        };
        let read_lag = self.read_lag;
        let route = self.route_mut(key, id)?;
        let shown = route.shown().clone();
        route.lag = (read_lag > 0).then_some(Lag {
            shown,
            reads_left: read_lag,
        });
        route.deployments.push(deployment);
        route.fields.modified_at = now;
        Ok((route.fields.clone(), version))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn key() -> GatewayKey {
        ("account".to_string(), "gateway".to_string())
    }

    #[test]
    fn reads_show_the_previous_version_for_the_lag_then_the_new_one() {
        let mut store = Store::new(2);
        let route = store
            .create_route(&key(), "r", json!(["v1"]))
            .expect("created");
        let id = route.fields.id;
        let (_, v2) = store
            .create_version(&key(), &id, json!(["v2"]))
            .expect("version");
        assert_eq!(
            store.get_route(&key(), &id).expect("read").version.elements,
            json!(["v1"])
        );
        store.deploy(&key(), &id, &v2.id).expect("deployed");
        let seen: Vec<Value> = (0..3)
            .map(|_| store.get_route(&key(), &id).expect("read").version.elements)
            .collect();
        assert_eq!(seen, [json!(["v1"]), json!(["v1"]), json!(["v2"])]);
    }

    #[test]
    fn names_are_unique_per_gateway_only() {
        let mut store = Store::new(0);
        store
            .create_route(&key(), "same", json!([]))
            .expect("first");
        let again = store.create_route(&key(), "same", json!([]));
        assert!(matches!(again, Err(StoreError::DuplicateName { .. })));
        let other = ("account".to_string(), "other".to_string());
        store
            .create_route(&other, "same", json!([]))
            .expect("another gateway");
    }
}
