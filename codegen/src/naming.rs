//! The names of the generated API: one per operation, one per distinct schema shape.
//!
//! typify names an inline schema after its position (operationId + property path) and reuses
//! a name it has already handed out without comparing structure; that is how plain progenitor
//! ends up decoding a `rate` element with the `start` element's struct. Here every schema is
//! named by *what it is*: a rule matches a shape by its kind, where it is used and which
//! properties it has or lacks. [`crate::normalise`] insists that every distinct shape matches
//! exactly one rule and that no two distinct shapes share a name, so that class of bug fails
//! generation instead of shipping.

/// An operation's Rust method name, keyed by Cloudflare's operationId.
pub struct OperationName {
    /// Cloudflare's operationId, as in the spec.
    pub operation_id: &'static str,
    /// The method on the generated `Client`; also names progenitor's request builder type.
    pub method: &'static str,
}

/// Every operation the generator accepts. An operationId not listed here is an error: a new
/// upstream operation needs a deliberate name before it reaches users.
pub const OPERATIONS: &[OperationName] = &[
    op("aig-config-list-gateway-dynamic-routes", "list_routes"),
    op("aig-config-post-gateway-dynamic-route", "create_route"),
    op("aig-config-get-gateway-dynamic-route", "get_route"),
    op("aig-config-update-gateway-dynamic-route", "update_route"),
    op("aig-config-delete-gateway-dynamic-route", "delete_route"),
    op(
        "aig-config-list-gateway-dynamic-route-versions",
        "list_versions",
    ),
    op(
        "aig-config-post-gateway-dynamic-route-version",
        "create_version",
    ),
    op(
        "aig-config-get-gateway-dynamic-route-version",
        "get_version",
    ),
    op(
        "aig-config-list-gateway-dynamic-route-deployments",
        "list_deployments",
    ),
    op(
        "aig-config-post-gateway-dynamic-route-deployment",
        "create_deployment",
    ),
];

const fn op(operation_id: &'static str, method: &'static str) -> OperationName {
    OperationName {
        operation_id,
        method,
    }
}

/// Generated names that typify replaces with hand-written types (see [`crate::contract`]).
/// `AnyElement` is hand-written because its decoding cannot be expressed in a schema: strict
/// for the kinds the spec lists, keeping any other kind whole instead of failing.
pub const REPLACEMENTS: &[(&str, crate::contract::HandWritten)] =
    &[("AnyElement", crate::contract::ANY_ELEMENT)];

/// Looks up the method name for an operationId.
pub fn method_for(operation_id: &str) -> Option<&'static str> {
    OPERATIONS
        .iter()
        .find(|o| o.operation_id == operation_id)
        .map(|o| o.method)
}

/// Where a shape is used; some names only make sense in one role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// The whole body of a request.
    RequestBody,
    /// The whole body of a success (2xx) response.
    SuccessBody,
    /// The whole body of an error (4xx/5xx) response.
    ErrorBody,
    /// Anywhere inside another schema.
    Nested,
}

/// What a rule recognises.
pub enum Pattern {
    /// An object whose property names include every `has` and none of `lacks`.
    Object {
        has: &'static [&'static str],
        lacks: &'static [&'static str],
    },
    /// An object of exactly `success` and this payload property, which refers to a named
    /// shape; the rule's name may use `{payload}` for the payload's name.
    Envelope(&'static str),
    /// A string enum with exactly these values, in any order.
    StringEnum(&'static [&'static str]),
    /// A `oneOf` whose variants are told apart by these `type` tags, in any order.
    TaggedUnion(&'static [&'static str]),
    /// A `oneOf` whose variants are, in this order, schemas of these JSON types or references
    /// to shapes of these names.
    Union(&'static [&'static str]),
}

/// One naming rule.
pub struct Rule {
    /// The Rust type name (`{payload}` stands for an envelope's payload type name).
    pub name: &'static str,
    /// The type's rustdoc.
    pub doc: &'static str,
    /// The shape must appear in at least one of these roles; empty means any role.
    pub roles: &'static [Role],
    /// The shape.
    pub pattern: Pattern,
}

use Pattern::*;
use Role::*;

const ANY: &[Role] = &[];

/// The rules, in no particular order: a shape must match exactly one.
pub const RULES: &[Rule] = &[
    // The route graph.
    Rule {
        name: "RouteElement",
        doc: "One element of a route graph: where a request enters (`start`), a branch \
              (`conditional`), a weighted split (`percentage`), a rate or budget limit (`rate`), \
              a model call (`model`) or where it leaves (`end`).",
        roles: ANY,
        pattern: TaggedUnion(&["start", "conditional", "percentage", "rate", "model", "end"]),
    },
    Rule {
        name: "ElementRef",
        doc: "A link to another element of the same route graph, by its `id`.",
        roles: ANY,
        pattern: Object {
            has: &["elementId"],
            lacks: &[],
        },
    },
    Rule {
        name: "StartOutputs",
        doc: "Where a `start` element sends every request.",
        roles: ANY,
        pattern: Object {
            has: &["next"],
            lacks: &[],
        },
    },
    Rule {
        name: "ConditionalOutputs",
        doc: "Where a `conditional` element sends a request whose conditions hold (`true`) \
              or do not (`false`).",
        roles: ANY,
        pattern: Object {
            has: &["true", "false"],
            lacks: &[],
        },
    },
    Rule {
        name: "FallbackOutputs",
        doc: "Where a `rate` or `model` element sends a request that succeeds (`success`) \
              or is limited or fails (`fallback`).",
        roles: ANY,
        pattern: Object {
            has: &["success", "fallback"],
            lacks: &[],
        },
    },
    Rule {
        name: "ConditionalProperties",
        doc: "The settings of a `conditional` element.",
        roles: ANY,
        pattern: Object {
            has: &["conditions"],
            lacks: &[],
        },
    },
    Rule {
        name: "RateLimitProperties",
        doc: "The settings of a `rate` element: a request-count or cost budget per window.",
        roles: ANY,
        pattern: Object {
            has: &["limitType", "limit", "window"],
            lacks: &[],
        },
    },
    Rule {
        name: "RateLimitType",
        doc: "What a `rate` element limits: the number of requests or their cost.",
        roles: ANY,
        pattern: StringEnum(&["count", "cost"]),
    },
    Rule {
        name: "ModelProperties",
        doc: "The settings of a `model` element: which provider and model to call, and how.",
        roles: ANY,
        pattern: Object {
            has: &["provider", "model"],
            lacks: &[],
        },
    },
    // Routes.
    Rule {
        name: "Route",
        doc: "A dynamic route with its graph, its live deployment and its current version.",
        roles: ANY,
        pattern: Object {
            has: &["id", "name", "elements", "deployment", "version"],
            lacks: &["version_id"],
        },
    },
    Rule {
        name: "RouteWithoutDeployment",
        doc: "A dynamic route and its graph, without deployment or version details: what \
              deleting a route, creating a version or deploying one returns. Creating a \
              version may also carry the new version's `version_id` (live API).",
        roles: ANY,
        pattern: Object {
            has: &["id", "name", "elements"],
            lacks: &["deployment", "version", "active"],
        },
    },
    Rule {
        name: "RoutePage",
        doc: "One page of a gateway's dynamic routes.",
        roles: ANY,
        pattern: Object {
            has: &["routes", "page", "per_page"],
            lacks: &[],
        },
    },
    // Versions and deployments.
    Rule {
        name: "Version",
        doc: "One version of a route's graph, as listed or embedded in a [`Route`]; `data` \
              holds the graph as Cloudflare stores it.",
        roles: ANY,
        pattern: Object {
            has: &["version_id", "active", "data"],
            lacks: &["elements"],
        },
    },
    Rule {
        name: "VersionDetail",
        doc: "One version of a route with its graph decoded into elements.",
        roles: ANY,
        pattern: Object {
            has: &["version_id", "active", "elements"],
            lacks: &[],
        },
    },
    Rule {
        name: "ActiveFlag",
        doc: "Whether a version is the one deployed, as the API sends it: the documented string \
              (`\"true\"`/`\"false\"`) or, as the live API also does, a JSON boolean. Read it \
              with [`ActiveFlag::is_active`].",
        roles: ANY,
        pattern: Union(&["string", "boolean"]),
    },
    Rule {
        name: "AnyElement",
        doc: "A route element as the API sends it: a kind this client knows, or one it does not.",
        roles: ANY,
        pattern: Union(&["RouteElement", "object"]),
    },
    Rule {
        name: "VersionData",
        doc: "A version's graph as the API sends it: a JSON string of the elements, as \
              documented, or the elements themselves, as some responses send them.",
        roles: ANY,
        pattern: Union(&["string", "array"]),
    },
    Rule {
        name: "VersionPage",
        doc: "One page of a route's versions.",
        roles: ANY,
        pattern: Object {
            has: &["versions", "page", "per_page"],
            lacks: &[],
        },
    },
    Rule {
        name: "Deployment",
        doc: "A deployment: the moment a version of a route went live.",
        roles: ANY,
        pattern: Object {
            has: &["deployment_id", "version_id"],
            lacks: &[],
        },
    },
    Rule {
        name: "DeploymentPage",
        doc: "One page of a route's deployments.",
        roles: ANY,
        pattern: Object {
            has: &["deployments", "page", "per_page"],
            lacks: &[],
        },
    },
    // Request bodies.
    Rule {
        name: "NewRoute",
        doc: "A route to create: its name and its graph.",
        roles: &[RequestBody],
        pattern: Object {
            has: &["name", "elements"],
            lacks: &["id"],
        },
    },
    Rule {
        name: "RouteUpdate",
        doc: "A change to a route's name (a new graph is a new version, not an update).",
        roles: &[RequestBody],
        pattern: Object {
            has: &["name"],
            lacks: &["id", "elements"],
        },
    },
    Rule {
        name: "NewVersion",
        doc: "A new version of a route's graph.",
        roles: &[RequestBody],
        pattern: Object {
            has: &["elements"],
            lacks: &["id", "name"],
        },
    },
    Rule {
        name: "NewDeployment",
        doc: "A deployment to make: the version to put live.",
        roles: &[RequestBody],
        pattern: Object {
            has: &["version_id"],
            lacks: &["id", "deployment_id", "active"],
        },
    },
    // Envelopes and errors.
    Rule {
        name: "{payload}Response",
        doc: "A success response as sent: `success` and the payload in `result`.",
        roles: &[SuccessBody],
        pattern: Envelope("result"),
    },
    Rule {
        name: "{payload}Response",
        doc: "A success response as sent: `success` and the page in `data`.",
        roles: &[SuccessBody],
        pattern: Envelope("data"),
    },
    Rule {
        name: "Updated{payload}Response",
        doc: "The response to an update: `success` and the route after the change in `route`.",
        roles: &[SuccessBody],
        pattern: Envelope("route"),
    },
    Rule {
        name: "ErrorBody",
        doc: "The body of a failed request: Cloudflare's `errors` and `success: false`.",
        roles: &[ErrorBody],
        pattern: Object {
            has: &["errors", "success"],
            lacks: &[],
        },
    },
    Rule {
        name: "ErrorMessage",
        doc: "One error reported by the API.",
        roles: ANY,
        pattern: Object {
            has: &["message"],
            lacks: &["errors"],
        },
    },
];

/// Field docs, for properties the spec leaves undescribed (a description in the spec wins).
/// Looked up by `(type, property)` first, then by `("", property)` for fields that mean the
/// same wherever they appear. A property with neither fails generation: every public field
/// of the generated API is documented.
pub const FIELD_DOCS: &[(&str, &str, &str)] = &[
    // Routes.
    ("", "id", "The route's id."),
    ("", "name", "The route's name, unique within its gateway."),
    ("", "gateway_id", "The AI Gateway the route belongs to."),
    (
        "",
        "account_tag",
        "The tag of the Cloudflare account that owns the route.",
    ),
    ("", "created_at", "When it was created."),
    ("", "modified_at", "When the route was last changed."),
    (
        "",
        "elements",
        "The route graph: its elements, linked by their ids.",
    ),
    ("", "deployment", "The deployment that is live."),
    ("", "version", "The version that is live."),
    // Versions and deployments.
    ("", "version_id", "The version's id."),
    ("", "deployment_id", "The deployment's id."),
    ("", "active", "Whether this version is the deployed one."),
    (
        "Version",
        "data",
        "The graph: a JSON string of the elements, or the elements themselves.",
    ),
    (
        "VersionDetail",
        "data",
        "The graph: a JSON string of the elements, or the elements themselves.",
    ),
    (
        "",
        "comment",
        "A comment on the version, when the API sends one.",
    ),
    (
        "",
        "code",
        "Cloudflare's numeric error code, such as 7001 for an invalid route graph.",
    ),
    (
        "",
        "is_valid",
        "Whether Cloudflare found the graph valid, when it says.",
    ),
    // Pages and envelopes.
    ("", "routes", "The routes on this page."),
    ("", "versions", "The versions on this page."),
    ("", "deployments", "The deployments on this page."),
    ("", "page", "This page's number, from 1."),
    ("", "per_page", "How many items a page holds."),
    ("", "order_by", "The field the items are ordered by."),
    ("", "order_by_direction", "`asc` or `desc`."),
    ("", "success", "Whether the request succeeded."),
    ("", "result", "The payload."),
    ("", "data", "The page of results."),
    ("", "route", "The route after the change."),
    ("ErrorBody", "result", "Empty on errors (`{}`)."),
    ("", "errors", "What went wrong; at least one entry."),
    ("", "message", "What went wrong, in words."),
    // Route elements.
    (
        "RouteElement",
        "id",
        "This element's id, unique within the graph; other elements link to it.",
    ),
    (
        "RouteElement",
        "outputs",
        "Where the request goes next, by outcome.",
    ),
    ("RouteElement", "properties", "This element's settings."),
    ("", "elementId", "The `id` of the element to go to."),
    ("", "next", "The element every request goes to."),
    ("", "true", "Where requests that match the conditions go."),
    (
        "",
        "false",
        "Where requests that do not match the conditions go.",
    ),
    (
        "FallbackOutputs",
        "success",
        "Where the request goes when this element lets it through.",
    ),
    (
        "",
        "fallback",
        "Where the request goes when it is limited or the model call fails.",
    ),
    (
        "",
        "conditions",
        "A MongoDB-style filter over the request's `metadata`, `headers` and `body`, such as \
         `{\"metadata.plan\": {\"$eq\": \"free\"}}`.",
    ),
    (
        "",
        "key",
        "What the limit is counted per: a request field such as `metadata.user`.",
    ),
    (
        "",
        "limit",
        "How many requests (`count`) or how much cost (`cost`) a window allows.",
    ),
    (
        "",
        "limitType",
        "Whether the limit counts requests or their cost.",
    ),
    ("", "window", "The window the limit applies to, in seconds."),
    (
        "",
        "provider",
        "The AI provider to call, such as `openai` or `workers-ai`.",
    ),
    ("", "model", "The model to call, as the provider names it."),
    (
        "",
        "retries",
        "How many times to retry a failed call before falling back.",
    ),
    (
        "",
        "timeout",
        "How long to wait for the model, in milliseconds.",
    ),
];

/// The doc for a property of a named type.
pub fn field_doc(type_name: &str, property: &str) -> Option<&'static str> {
    let find = |owner: &str| {
        FIELD_DOCS
            .iter()
            .find(|(t, p, _)| *t == owner && *p == property)
            .map(|(_, _, doc)| *doc)
    };
    find(type_name).or_else(|| find(""))
}

/// Variant docs for the route element union, by `type` tag.
pub const ELEMENT_DOCS: &[(&str, &str)] = &[
    ("start", "Where every request enters the graph."),
    (
        "conditional",
        "Sends a request one way or the other by whether it matches conditions.",
    ),
    (
        "percentage",
        "Splits requests between outputs by weight; outputs are labelled like `\"60%\"`.",
    ),
    (
        "rate",
        "Lets requests through until a request-count or cost budget per window is spent.",
    ),
    (
        "model",
        "Calls a model; on failure, after retries, falls back.",
    ),
    ("end", "Where a request leaves the graph."),
];
