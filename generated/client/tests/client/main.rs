//! The client's integration tests, in one binary: each operation over HTTP, configuration,
//! faults of every kind, tolerant decoding of the live API's shapes, routes as code and its
//! concurrent rollouts, round-trips of every type, TLS, load, and fuzzed bodies. They use only the crate's public API and a local mock server.

#[path = "../support/mod.rs"]
mod support;

mod capped_pages;
mod config;
mod faults;
mod fuzz;
mod graph_cache;
mod load;
mod operations;
mod rate_budget;
mod reconcile;
mod rollout;
mod roundtrip;
mod tls;
mod tolerant_decoding;
