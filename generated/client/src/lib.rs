//! Typed Rust client for Cloudflare AI Gateway **Dynamic Routing**: routes, their versions and
//! their deployments, generated from Cloudflare's OpenAPI description.
//!
//! The generated code (`generated.rs`, made by `cargo xtask regenerate`) is a private module;
//! this file re-exports it and adds the hand-written pieces beside it.
//!
//! ```no_run
//! use cloudflare_dynamic_routing::{Client, BASE_URL};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let http = reqwest::Client::builder()
//!     .default_headers(
//!         [(
//!             reqwest::header::AUTHORIZATION,
//!             "Bearer <API token>".parse()?,
//!         )]
//!         .into_iter()
//!         .collect(),
//!     )
//!     .build()?;
//! let client = Client::new_with_client(BASE_URL, http);
//! let page = client
//!     .list_routes()
//!     .account_id("0d37909e38d3e99c29fa2cd343ac421a")
//!     .gateway_id("my-gateway")
//!     .send()
//!     .await?;
//! for route in &page.data.routes {
//!     println!("{} has {} elements", route.name, route.elements.len());
//! }
//! # Ok(())
//! # }
//! ```

pub mod graph;
mod hooks;

#[allow(missing_docs)] // progenitor and typify emit builder setters without docs
#[allow(clippy::all, clippy::pedantic)]
#[rustfmt::skip]
mod generated;

pub use generated::*;

/// Cloudflare's API base URL, the `servers` entry of the spec.
pub const BASE_URL: &str = "https://api.cloudflare.com/client/v4";
