//! Typed Rust client for Cloudflare AI Gateway **Dynamic Routing**: routes, their versions and
//! their deployments, generated from Cloudflare's OpenAPI description.
//!
//! [`Client`] is the hand-written front: credentials from code or the environment, one call
//! per operation with the response envelope unwrapped, one [`Error`] type, retries with
//! backoff, per-attempt timeouts and a tracing span per request. Under it, the generated
//! code (`generated.rs`, made by `cargo xtask regenerate`) provides the types in [`types`] and
//! the low-level client in [`raw`].
//!
//! ```no_run
//! use cloudflare_dynamic_routing::{Client, PageRequest};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::from_env()?; // CLOUDFLARE_API_TOKEN
//! let gateway = client.gateway("0d37909e38d3e99c29fa2cd343ac421a", "my-gateway");
//! for route in gateway.list_routes(PageRequest::default()).await?.routes {
//!     println!("{} has {} elements", route.name, route.elements.len());
//! }
//! # Ok(())
//! # }
//! ```

mod client;
mod config;
mod error;
pub mod graph;
pub mod retry;
mod tls;
mod transport;

#[allow(missing_docs)] // progenitor and typify emit builder setters without docs
#[allow(clippy::all, clippy::pedantic)]
#[rustfmt::skip]
mod generated;

/// Every operation of the API, with its method, path template and summary (generated).
#[rustfmt::skip]
pub mod operations;

pub use client::{Client, Gateway, PageRequest};
pub use config::{BASE_URL, ClientBuilder, ConfigError, Credentials, DEFAULT_TIMEOUT, Secret, env};
pub use error::{ApiError, ApiMessage, DecodeError, Error};
pub use generated::types;
pub use retry::RetryPolicy;
pub use tls::http_client_builder;
pub use transport::Transport;

/// The generated low-level client: progenitor's request builders and `ResponseValue`s.
pub mod raw {
    pub use crate::generated::{
        ByteStream, Client, ClientInfo, Error, ResponseValue, builder, prelude, types,
    };
}
