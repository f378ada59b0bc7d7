//! How each [`Style`] shapes answers: the documented shapes of the vendored spec, or the live
//! API's as publicly reported (`spec/PROVENANCE.md`'s live behaviours, cited by number).
//!
//! | answer | documented | live |
//! |---|---|---|
//! | create route | route, `elements`, `deployment`, `version` (`data` a JSON string, `active` `"true"`) | the same with `active: true`, `is_valid: true` (live behaviours 2, 3) |
//! | get route | as create | no `elements` ([`MissingElements`]), `version.data` the graph as an array, `active: true`; lags a deployment (live behaviours 2, 3, 6) |
//! | list routes | as create, plus `account_tag` | no `elements`, no `version.data`; lags a deployment (live behaviours 1, 6) |
//! | update route | `{"route": …}` as listed | as create, plus `account_tag` |
//! | delete route, create deployment | route fields and `elements` | the same |
//! | create version | route fields and the new `elements` | the same plus `version_id` at the top (live behaviour 4) |
//! | get version | `data` a string, `elements`, `active` a string | `data` an array, no `elements`, `active` a boolean (live behaviours 2, 3) |
//! | list versions | `data` a string, `active` a string | `active` a boolean, `is_valid` |
//! | duplicate name | `409`, code 7005 | `500`, `UNIQUE constraint failed: routes.name` (live behaviour 5) |
//! | error `result` | `{}` (the spec's error schema) | `null` |
//! | rate-limit headers (`rate_limit`) | only when a limit is enforced | every answer: `Ratelimit`, `Ratelimit-Policy`, Cloudflare's published limit unless another is enforced (live behaviour 17) |
//!
//! Lists are newest first (`order_by: created_at`, `order_by_direction: desc`). The version and
//! deployment lists are not paged: one page holds them all.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use crate::config::{EmulatorConfig, MissingElements, Style};
use crate::error::{ApiError, ROUTE_NOT_FOUND_OR_EXISTS};
use crate::state::{Deployment, RouteFields, RouteView, Version, VersionState};

/// Which answer a route appears in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RouteAnswer {
    Created,
    Read,
    Listed,
    Updated,
}

/// `{"success": true, "result": result}`.
pub(crate) fn result(result: Value) -> Value {
    json!({"success": true, "result": result})
}

/// `{"success": true, "route": route}`: the update envelope.
pub(crate) fn updated(route: Value) -> Value {
    json!({"success": true, "route": route})
}

/// A list envelope: `{"success": true, "data": {<key>: items, page fields}}`.
pub(crate) fn page(key: &str, items: Vec<Value>, page: u64, per_page: u64) -> Value {
    json!({"success": true, "data": {
        key: items, "page": page, "per_page": per_page,
        "order_by": "created_at", "order_by_direction": "desc",
    }})
}

/// A route's own fields: id, name, gateway and timestamps.
fn fields(route: &RouteFields) -> Map<String, Value> {
    let value = json!({
        "id": route.id, "name": route.name, "gateway_id": route.gateway_id,
        "created_at": route.created_at.rfc3339(), "modified_at": route.modified_at.rfc3339(),
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// `active` as the style writes it: the documented `"true"`/`"false"`, or a live boolean.
fn active(style: Style, active: bool) -> Value {
    match style {
        Style::Documented => Value::String(active.to_string()),
        Style::Live => Value::Bool(active),
    }
}

/// The graph as a JSON string (the documented `data`): the stored JSON, so numbers keep the
/// form they were sent in.
fn graph_text(version: &Version) -> Value {
    Value::String(version.elements.to_string())
}

/// A deployment as listed or embedded.
pub(crate) fn deployment(deployment: &Deployment) -> Value {
    json!({"deployment_id": deployment.id, "version_id": deployment.version_id,
           "created_at": deployment.created_at.sql()})
}

/// `elements` in a live read, or nothing, as configured.
fn missing_elements(config: &EmulatorConfig) -> Option<Value> {
    match config.missing_elements {
        MissingElements::Absent => None,
        MissingElements::Null => Some(Value::Null),
        MissingElements::Empty => Some(json!([])),
    }
}

/// A route with its deployment and version, as `answer` carries it.
pub(crate) fn route(config: &EmulatorConfig, view: &RouteView, answer: RouteAnswer) -> Value {
    let style = config.style;
    let mut route = fields(&view.fields);
    let mut version = Map::new();
    version.insert("version_id".into(), json!(view.version.id));
    version.insert("active".into(), active(style, true));
    version.insert("created_at".into(), json!(view.version.created_at.sql()));
    let (elements, data) = match (style, answer) {
        (Style::Live, RouteAnswer::Read) => (
            missing_elements(config),
            Some(view.version.elements.clone()),
        ),
        (Style::Live, RouteAnswer::Listed) => (None, None),
        _ => (
            Some(view.version.elements.clone()),
            Some(graph_text(&view.version)),
        ),
    };
    if let Some(elements) = elements {
        route.insert("elements".into(), elements);
    }
    if let Some(data) = data {
        version.insert("data".into(), data);
    }
    if style == Style::Live {
        version.insert("is_valid".into(), Value::Bool(true));
    }
    if matches!(answer, RouteAnswer::Listed | RouteAnswer::Updated) {
        route.insert("account_tag".into(), json!(view.fields.account_id));
    }
    route.insert("deployment".into(), deployment(&view.deployment));
    route.insert("version".into(), Value::Object(version));
    Value::Object(route)
}

/// A route's fields with a graph: what delete, create version and create deployment return.
pub(crate) fn route_with_graph(route: &RouteFields, version: &Version) -> Value {
    let mut route = fields(route);
    route.insert("elements".into(), version.elements.clone());
    Value::Object(route)
}

/// The answer to create version: [`route_with_graph`] of the new version, plus its
/// `version_id` at the top in the live style.
pub(crate) fn created_version(style: Style, route: &RouteFields, version: &Version) -> Value {
    let mut answer = route_with_graph(route, version);
    if style == Style::Live {
        answer["version_id"] = json!(version.id);
    }
    answer
}

/// A version as listed.
pub(crate) fn listed_version(style: Style, state: &VersionState) -> Value {
    let mut version = json!({
        "version_id": state.version.id, "data": graph_text(&state.version),
        "active": active(style, state.active), "created_at": state.version.created_at.sql(),
    });
    if style == Style::Live {
        version["is_valid"] = Value::Bool(true);
    }
    version
}

/// One version with its route's fields, as get version returns it.
pub(crate) fn version_detail(
    config: &EmulatorConfig,
    route: &RouteFields,
    state: &VersionState,
) -> Value {
    let style = config.style;
    let mut detail = fields(route);
    detail.insert("version_id".into(), json!(state.version.id));
    detail.insert("active".into(), active(style, state.active));
    // The version's own creation time; `modified_at` stays the route's.
    detail.insert("created_at".into(), json!(state.version.created_at.sql()));
    let elements = match style {
        Style::Documented => {
            detail.insert("data".into(), graph_text(&state.version));
            Some(state.version.elements.clone())
        }
        Style::Live => {
            detail.insert("data".into(), state.version.elements.clone());
            detail.insert("is_valid".into(), Value::Bool(true));
            missing_elements(config)
        }
    };
    if let Some(elements) = elements {
        detail.insert("elements".into(), elements);
    }
    Value::Object(detail)
}

/// A name already taken on the gateway, as the style reports it.
pub(crate) fn duplicate_name(style: Style, name: &str) -> ApiError {
    match style {
        Style::Documented => ApiError::new(
            StatusCode::CONFLICT,
            ROUTE_NOT_FOUND_OR_EXISTS,
            format!("route already exists: the gateway already has a route named `{name}`"),
        ),
        Style::Live => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ROUTE_NOT_FOUND_OR_EXISTS,
            "D1_ERROR: UNIQUE constraint failed: routes.name: SQLITE_CONSTRAINT",
        ),
    }
}
