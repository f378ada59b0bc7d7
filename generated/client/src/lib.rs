//! Typed Rust client for Cloudflare AI Gateway **Dynamic Routing**: routes, their versions and
//! their deployments, generated from Cloudflare's OpenAPI description.
//!
//! [`Client`] is the hand-written front: credentials from code or the environment, one call
//! per operation with the response envelope unwrapped, one [`Error`] type, retries with
//! backoff, per-attempt timeouts and a tracing span per request. Under it, the generated
//! code (`src/generated/`, made by `cargo xtask regenerate`) provides the types in [`types`],
//! the operation table in [`operations`] and the low-level client in [`raw`].
//!
//! Beside it: [`graph`] makes a route's graph a checked value (builder, validation, pictures,
//! an offline explanation of where a request goes); `route_file` keeps a route in a JSON
//! file with cases it must pass; `reconcile` makes a gateway match a set of route files
//! (plan, apply, history, rollback), as the `routes` command does.
//!
//! # Features
//!
//! All are on by default. A program that only calls the API can turn them off
//! (`default-features = false`) and build the client alone: the ten operations, typed, with
//! errors, retries, paging, `replace_graph` and `deploy_version`. Graphs are still checked
//! before they are sent ([`graph::check()`]), with the same rules, in every build.
//!
//! | Feature | Brings | Implies |
//! |---|---|---|
//! | `graph` | the graph tools: `graph::builder` (`GraphBuilder`), `graph::render` (Mermaid, DOT), `graph::explain` | |
//! | `route-files` | `route_file`: route files read with located errors, written, discovered, tested (with `strsim`, `unicode-normalization`) | `graph` |
//! | `reconcile` | `reconcile`: routes as code (plan, apply, export, history, rollback, saved plans) | `route-files` |
//! | `schemars` | `schemars::JsonSchema` for every type (off by default) | |
//!
//! ```no_run
//! use cloudflare_dynamic_routing::{Client, PageRequest};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_env()?; // CLOUDFLARE_API_TOKEN
//! let gateway = client.gateway("0d37909e38d3e99c29fa2cd343ac421a", "my-gateway");
//! for listed in gateway.list_routes(PageRequest::default()).await?.routes {
//!     // The live list carries no graphs; reading a route gives its graph.
//!     let route = gateway.get_route(&listed.id).await?;
//!     let elements = route.graph().unwrap_or_default();
//!     println!("{} has {} elements", route.name, elements.len());
//! }
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The workspace's one set of test fixtures (the sample graph, routes, envelopes), shared with
/// the integration tests, the regression suite and the CLI's tests.
#[cfg(test)]
#[path = "../tests/support/fixtures.rs"]
mod fixtures;

mod address;
mod client;
mod config;
mod convergence;
mod deploy;
mod error;
mod extensions;
mod gateway;
pub mod graph;
mod json_path;
mod number;
mod paging;
mod prepared;
pub mod rate_budget;
mod rate_headers;
#[cfg(feature = "reconcile")]
#[cfg_attr(docsrs, doc(cfg(feature = "reconcile")))]
pub mod reconcile;
pub mod retry;
#[cfg(feature = "route-files")]
#[cfg_attr(docsrs, doc(cfg(feature = "route-files")))]
pub mod route_file;
#[cfg(feature = "route-files")]
pub mod staged_file;
mod tls;
mod transport;

/// Everything `cargo xtask regenerate` writes, and nothing else: the files in `src/generated/`
/// start with a header naming that command and are never edited by hand.
#[rustfmt::skip] // prettyplease formats the files; rustfmt would fight it on every regenerate
mod generated {
    /// The types and the low-level client, made by progenitor and typify from the spec.
    #[allow(clippy::all, clippy::pedantic)]
    pub(crate) mod api;

    /// Every operation of the API, with its method, path template and summary.
    pub mod operations;
}

pub use client::Client;
pub use config::{BASE_URL, ClientBuilder, ConfigError, Credentials, DEFAULT_TIMEOUT, Secret, env};
pub use convergence::DeployWait;
pub use error::{ApiError, ApiMessage, DecodeError, Error};
pub use gateway::{Gateway, PageRequest};
pub use generated::api::types;
pub use generated::operations;
pub use number::Number;
pub use prepared::{PreparedRequest, REDACTED};
pub use rate_budget::{QuotaWait, RateBudget, Reserve};
pub use retry::RetryPolicy;
pub use tls::http_client_builder;
pub use transport::{MAX_RESPONSE_BODY, Transport};

/// The generated low-level client: progenitor's request builders and `ResponseValue`s.
///
/// Named by generated code: `codegen::contract::LOW_LEVEL_CLIENT` (the mocks and CLI crates
/// import the client from here). Renaming or moving it needs a change there and
/// `cargo xtask regenerate`.
pub mod raw {
    pub use crate::generated::api::{
        ByteStream, Client, ClientInfo, Error, ResponseValue, builder, prelude, types,
    };
}
