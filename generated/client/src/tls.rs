//! The default HTTP client's TLS: rustls with the `ring` provider and the platform's
//! certificate verifier, set on the `reqwest` builder itself rather than installed process-wide.
//!
//! Why not reqwest's default provider: `aws-lc-rs` builds ~50 s of C on every cold build of a
//! consumer; `ring` is rustls' other supported provider and builds in a fraction of that.

use std::sync::Arc;

use rustls::ClientConfig;
use rustls::crypto::CryptoProvider;

use crate::config::ConfigError;

/// The `reqwest::ClientBuilder` that [`ClientBuilder::build`](crate::ClientBuilder::build) uses
/// when no client is given: HTTPS through rustls (`ring` provider, or the process-wide
/// provider if the program installed one) with the operating system's trust store, and no
/// redirect followed (the API does not redirect; following one could carry the credentials,
/// such as `X-Auth-Key`, to another host or to plain HTTP). A redirect is answered as an
/// [`ApiError`](crate::ApiError) naming its status and `Location`.
///
/// A client of your own given to [`ClientBuilder::http_client`](crate::ClientBuilder::http_client)
/// should keep `redirect(reqwest::redirect::Policy::none())`: `reqwest` drops `Authorization`
/// on a redirect to another host, but not `X-Auth-Email` and `X-Auth-Key`.
///
/// Start from it to customise the HTTP client (proxy, connection pool, local address) and pass
/// the result to [`ClientBuilder::http_client`](crate::ClientBuilder::http_client).
/// `reqwest`'s own TLS settings (`tls_version_min`, extra roots…) do not apply to a builder
/// with preconfigured TLS; build a `reqwest::Client` with its own TLS setup for those.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let http = cloudflare_dynamic_routing::http_client_builder()?
///     .proxy(reqwest::Proxy::https("http://proxy.internal:3128")?)
///     .build()?;
/// let client = cloudflare_dynamic_routing::Client::builder()
///     .api_token("…")
///     .http_client(http)
///     .build()?;
/// # Ok(())
/// # }
/// ```
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, ConfigError> {
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(tls_config()?)
        .redirect(reqwest::redirect::Policy::none()))
}

fn tls_config() -> Result<ClientConfig, ConfigError> {
    let provider = CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone()).map_err(tls_error)?;
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    // reqwest leaves ALPN to a preconfigured config; the client speaks HTTP/1.1 only.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn tls_error(error: rustls::Error) -> ConfigError {
    ConfigError::Tls {
        message: error.to_string(),
    }
}
