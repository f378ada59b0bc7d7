//! The HTTP face of the ten operations: axum handlers that read a request, change or read the
//! store, and answer in the configured style. Credentials and faults are dealt with before a
//! request gets here (`server`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::EmulatorConfig;
use crate::body;
use crate::error::{ApiError, NO_SUCH_PATH, ROUTE_NOT_FOUND_OR_EXISTS};
use crate::graph;
use crate::server::Shared;
use crate::state::{GatewayKey, Store, StoreError};
use crate::style::{self, RouteAnswer};

/// The routes collection of one gateway; the other paths hang under it.
const ROUTES: &str = "/accounts/{account_id}/ai-gateway/gateways/{gateway_id}/routes";

/// The router for the ten operations, answering anything else with Cloudflare's envelope.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(ROUTES, get(list_routes).post(create_route))
        .route(
            &format!("{ROUTES}/{{id}}"),
            get(get_route).patch(update_route).delete(delete_route),
        )
        .route(
            &format!("{ROUTES}/{{id}}/versions"),
            get(list_versions).post(create_version),
        )
        .route(
            &format!("{ROUTES}/{{id}}/versions/{{version_id}}"),
            get(get_version),
        )
        .route(
            &format!("{ROUTES}/{{id}}/deployments"),
            get(list_deployments).post(create_deployment),
        )
        .fallback(unknown_path)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(shared)
}

type App = State<Arc<Shared>>;

/// What the handlers compute: a success body, or a failure.
type Outcome = Result<Value, ApiError>;

#[derive(Deserialize)]
struct GatewayPath {
    account_id: String,
    gateway_id: String,
}

#[derive(Deserialize)]
struct RoutePath {
    account_id: String,
    gateway_id: String,
    id: String,
}

#[derive(Deserialize)]
struct VersionPath {
    account_id: String,
    gateway_id: String,
    id: String,
    version_id: String,
}

fn key(account_id: &str, gateway_id: &str) -> GatewayKey {
    (account_id.to_string(), gateway_id.to_string())
}

/// Path parameters, with a bad path (such as invalid percent-encoding) answered in the
/// Cloudflare envelope rather than axum's plain text.
struct Params<T>(T);

impl<T: DeserializeOwned + Send> FromRequestParts<Arc<Shared>> for Params<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<Shared>) -> Result<Self, Response> {
        match Path::<T>::from_request_parts(parts, app).await {
            Ok(Path(params)) => Ok(Params(params)),
            Err(e) => Err(ApiError::invalid(e.body_text()).render(app.config.style)),
        }
    }
}

/// The list-routes query, read as text so a bad value gets a message naming it.
#[derive(Deserialize)]
struct PageQuery {
    page: Option<String>,
    per_page: Option<String>,
}

/// The answer to an outcome: `200` with the body, or the error in the style's envelope.
fn answer(app: &Shared, outcome: Outcome) -> Response {
    match outcome {
        Ok(body) => Json(body).into_response(),
        Err(error) => error.render(app.config.style),
    }
}

/// How the API reports a failed store operation.
fn store_error(app: &Shared, error: StoreError) -> ApiError {
    match error {
        StoreError::RouteNotFound { id } => ApiError::new(
            StatusCode::NOT_FOUND,
            ROUTE_NOT_FOUND_OR_EXISTS,
            format!("route not found or already exists: no route `{id}` on this gateway"),
        ),
        StoreError::VersionNotFound {
            route_id,
            version_id,
        } => ApiError::new(
            StatusCode::NOT_FOUND,
            ROUTE_NOT_FOUND_OR_EXISTS,
            format!("version not found: route `{route_id}` has no version `{version_id}`"),
        ),
        StoreError::DuplicateName { name } => style::duplicate_name(app.config.style, &name),
    }
}

/// Runs `change` on the store, reporting its failure as the API would.
fn stored<T>(
    app: &Shared,
    change: impl FnOnce(&mut Store) -> Result<T, StoreError>,
) -> Result<T, ApiError> {
    app.store(change).map_err(|e| store_error(app, e))
}

async fn list_routes(
    State(app): App,
    Params(path): Params<GatewayPath>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Response {
    answer(&app, list_routes_in(&app, &path, query))
}

fn list_routes_in(
    app: &Shared,
    path: &GatewayPath,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Outcome {
    let Query(query) = query.map_err(|e| ApiError::invalid(e.body_text()))?;
    let page = body::positive("page", query.page.as_deref(), 1)?;
    let asked = body::positive("per_page", query.per_page.as_deref(), 20)?;
    let per_page = app.config.served_per_page(asked);
    let key = key(&path.account_id, &path.gateway_id);
    let views = app.store(|store| store.list_routes(&key, page, per_page));
    let routes = views
        .iter()
        .map(|view| style::route(&app.config, view, RouteAnswer::Listed))
        .collect();
    Ok(style::page("routes", routes, page, per_page))
}

async fn create_route(
    State(app): App,
    Params(path): Params<GatewayPath>,
    bytes: Bytes,
) -> Response {
    answer(&app, create_route_in(&app, &path, &bytes))
}

fn create_route_in(app: &Shared, path: &GatewayPath, bytes: &[u8]) -> Outcome {
    let request = body::object(bytes)?;
    let name = body::string(&request, "name")?;
    let elements = graph::to_store(app.config.style, &body::elements(&request)?)?;
    let key = key(&path.account_id, &path.gateway_id);
    let view = stored(app, |store| store.create_route(&key, &name, elements))?;
    Ok(style::result(style::route(
        &app.config,
        &view,
        RouteAnswer::Created,
    )))
}

async fn get_route(State(app): App, Params(path): Params<RoutePath>) -> Response {
    let key = key(&path.account_id, &path.gateway_id);
    let outcome = stored(&app, |store| store.get_route(&key, &path.id))
        .map(|view| style::result(style::route(&app.config, &view, RouteAnswer::Read)));
    answer(&app, outcome)
}

async fn update_route(State(app): App, Params(path): Params<RoutePath>, bytes: Bytes) -> Response {
    answer(&app, update_route_in(&app, &path, &bytes))
}

fn update_route_in(app: &Shared, path: &RoutePath, bytes: &[u8]) -> Outcome {
    let request = body::object(bytes)?;
    let name = body::string(&request, "name")?;
    let key = key(&path.account_id, &path.gateway_id);
    let view = stored(app, |store| store.rename(&key, &path.id, &name))?;
    Ok(style::updated(style::route(
        &app.config,
        &view,
        RouteAnswer::Updated,
    )))
}

async fn delete_route(State(app): App, Params(path): Params<RoutePath>) -> Response {
    let key = key(&path.account_id, &path.gateway_id);
    let outcome = stored(&app, |store| store.delete(&key, &path.id))
        .map(|view| style::result(style::route_with_graph(&view.fields, &view.version)));
    answer(&app, outcome)
}

/// The one page of a list the spec gives no page parameters (versions, deployments), whose
/// `items` are newest first: with [`EmulatorConfig::max_per_page`] only the newest that many,
/// the answer's `per_page` saying the cap, as an API with a page cap answers; without, every
/// item, reporting room for more than it holds (at least 20) so the page reads as the last.
fn only_page(config: &EmulatorConfig, key: &str, mut items: Vec<Value>) -> Value {
    let per_page = match config.max_per_page {
        Some(cap) => {
            items.truncate(usize::try_from(cap.get()).unwrap_or(usize::MAX));
            cap.get()
        }
        None => (items.len() as u64).saturating_add(1).max(20),
    };
    style::page(key, items, 1, per_page)
}

async fn list_versions(State(app): App, Params(path): Params<RoutePath>) -> Response {
    let key = key(&path.account_id, &path.gateway_id);
    let outcome = stored(&app, |store| store.versions(&key, &path.id)).map(|versions| {
        let items: Vec<Value> = versions
            .iter()
            .map(|v| style::listed_version(app.config.style, v))
            .collect();
        only_page(&app.config, "versions", items)
    });
    answer(&app, outcome)
}

async fn create_version(
    State(app): App,
    Params(path): Params<RoutePath>,
    bytes: Bytes,
) -> Response {
    answer(&app, create_version_in(&app, &path, &bytes))
}

fn create_version_in(app: &Shared, path: &RoutePath, bytes: &[u8]) -> Outcome {
    let request = body::object(bytes)?;
    let elements = graph::to_store(app.config.style, &body::elements(&request)?)?;
    let key = key(&path.account_id, &path.gateway_id);
    let (route, version) = stored(app, |store| store.create_version(&key, &path.id, elements))?;
    Ok(style::result(style::created_version(
        app.config.style,
        &route,
        &version,
    )))
}

async fn get_version(State(app): App, Params(path): Params<VersionPath>) -> Response {
    let key = key(&path.account_id, &path.gateway_id);
    let outcome = stored(&app, |store| {
        store.version(&key, &path.id, &path.version_id)
    })
    .map(|(route, state)| style::result(style::version_detail(&app.config, &route, &state)));
    answer(&app, outcome)
}

async fn list_deployments(State(app): App, Params(path): Params<RoutePath>) -> Response {
    let key = key(&path.account_id, &path.gateway_id);
    let outcome = stored(&app, |store| store.deployments(&key, &path.id)).map(|deployments| {
        let items: Vec<Value> = deployments.iter().map(style::deployment).collect();
        only_page(&app.config, "deployments", items)
    });
    answer(&app, outcome)
}

async fn create_deployment(
    State(app): App,
    Params(path): Params<RoutePath>,
    bytes: Bytes,
) -> Response {
    answer(&app, create_deployment_in(&app, &path, &bytes))
}

fn create_deployment_in(app: &Shared, path: &RoutePath, bytes: &[u8]) -> Outcome {
    let request = body::object(bytes)?;
    let version_id = body::string(&request, "version_id")?;
    let key = key(&path.account_id, &path.gateway_id);
    let (route, version) = stored(app, |store| store.deploy(&key, &path.id, &version_id))?;
    Ok(style::result(style::route_with_graph(&route, &version)))
}

async fn unknown_path(State(app): App) -> Response {
    ApiError::new(StatusCode::NOT_FOUND, NO_SUCH_PATH, "No route for that URI")
        .render(app.config.style)
}

async fn method_not_allowed(State(app): App) -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        NO_SUCH_PATH,
        "Method not allowed for that URI",
    )
    .render(app.config.style)
}
