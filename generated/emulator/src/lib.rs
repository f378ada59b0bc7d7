//! A stateful in-memory emulator of Cloudflare AI Gateway **Dynamic Routing**: the ten route,
//! version and deployment operations on a local HTTP server, so tests, the `routes` CLI and
//! programs using `cloudflare-dynamic-routing` can run without a Cloudflare account.
//!
//! It answers in one of two [`Style`]s, chosen at start: **documented** (exactly the shapes of
//! `spec/dynamic-routing.openapi.json`) or **live** (the ways the live API is publicly known
//! to differ, each behaviour a row of `spec/PROVENANCE.md`'s live-behaviour table with its public source: lists without graphs, the graph only in
//! `version.data`, `active` as a boolean, a lag before reads see a deployment, and more; see
//! the `style` module's table). Graphs are judged by the client's own
//! `graph::validate`, so the emulator and the client agree on what a valid graph is; like the
//! API, it accepts an undocumented operator, which the client's `graph::check` refuses before
//! sending unless allowed.
//!
//! State is per account and gateway, in memory: routes (ids `route-1`, `route-2`…), their
//! versions and deployments; creating a route deploys its version 1 at once; lists are newest
//! first; timestamps come from a clock that ticks one second per change from
//! 2026-11-01T10:00:00Z, so answers are the same on every run.
//!
//! Tests can make the next requests fail ([`Fault`]: a status with `Retry-After`, a delay, a
//! hang, a dropped connection), enforce a [`RateLimit`], and see every request received
//! ([`Emulator::requests`], with those refused for the rate limit marked).
//!
//! The `routes-emulator` binary serves one on a port (`--port 8787 --style live --read-lag 2
//! --token T`) and prints the `CLOUDFLARE_BASE_URL` and `CLOUDFLARE_API_TOKEN` to export.
//!
//! ```no_run
//! use cloudflare_dynamic_routing::Client;
//! use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::start(EmulatorConfig::documented()).await?;
//! let client = Client::builder()
//!     .base_url(emulator.base_url())
//!     .api_token("any-token")
//!     .build()?;
//! let page = client
//!     .gateway("0d37909e38d3e99c29fa2cd343ac421a", "my-gateway")
//!     .list_routes(Default::default())
//!     .await?;
//! assert!(page.routes.is_empty());
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

mod auth;
mod body;
mod clock;
mod config;
mod error;
mod faults;
mod graph;
mod operation;
mod rate_limit;
mod record;
mod routes;
mod server;
mod state;
mod style;

pub use config::{EmulatorConfig, MissingElements, Style};
pub use error::SeedError;
pub use faults::{Fault, FaultKind};
pub use operation::Operation;
pub use rate_limit::RateLimit;
pub use record::RecordedRequest;
pub use server::Emulator;

/// The README's Rust examples, compiled (not run) by `cargo test --doc`, so they stay true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeExamples;
