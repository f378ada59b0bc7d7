//! httpmock expectations for every Cloudflare AI Gateway Dynamic Routing operation, generated
//! from the same spec as the client (`src/generated/mocks.rs`, made by `cargo xtask regenerate`), for
//! testing code that uses [`cloudflare_dynamic_routing`] without reaching Cloudflare.
//!
//! Add it to `[dev-dependencies]`, start an [`httpmock::MockServer`], point the client at it,
//! and state what each operation should receive and answer, in the API's own terms:
//!
//! ```
//! use cloudflare_dynamic_routing::types::{RouteResponse, Route};
//! use cloudflare_dynamic_routing::Client;
//! use cloudflare_dynamic_routing_mocks::MockServerExt;
//! use httpmock::MockServer;
//!
//! /// The code under test: the name of a route.
//! async fn route_name(client: &Client, id: &str) -> Result<String, cloudflare_dynamic_routing::Error> {
//!     Ok(client.gateway("acct", "gw").get_route(id).await?.name)
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = MockServer::start_async().await;
//! let route: Route = serde_json::from_value(serde_json::json!({
//!     "id": "r1", "name": "support-bot", "gateway_id": "gw",
//!     "created_at": "2026-11-01T10:00:00Z", "modified_at": "2026-11-01T10:00:00Z",
//!     "elements": [],
//!     "deployment": {"deployment_id": "d1", "version_id": "v1", "created_at": "2026-11-01"},
//!     "version": {"version_id": "v1", "active": "true", "data": "[]", "created_at": "2026-11-01"}
//! }))?;
//! let mock = server.get_route(|when, then| {
//!     when.account_id("acct").gateway_id("gw").id("r1");
//!     then.ok(&RouteResponse { result: route, success: true });
//! });
//!
//! let client = Client::builder().base_url(server.base_url()).api_token("test").build()?;
//! assert_eq!(route_name(&client, "r1").await?, "support-bot");
//! mock.assert();
//! # Ok(())
//! # }
//! ```

/// Everything `cargo xtask regenerate` writes, and nothing else.
mod generated {
    #[allow(missing_docs, clippy::all, clippy::pedantic)]
    #[rustfmt::skip]
    pub mod mocks;
}

pub use generated::mocks::*;
