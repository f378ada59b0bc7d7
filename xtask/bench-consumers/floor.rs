//! The floor consumer of `cargo xtask bench-build`: the same `get_route` call written by hand
//! on the client's runtime crates, with the same TLS setup (rustls with `ring` and the platform
//! verifier, set on the reqwest builder), decoding the answer's envelope and route.

use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, serde::Deserialize)]
struct Envelope {
    success: bool,
    #[serde(default)]
    errors: Vec<Message>,
    result: Option<Route>,
}

#[derive(Debug, serde::Deserialize)]
struct Message {
    code: serde_json::Value,
    message: String,
}

#[derive(Debug, serde::Deserialize)]
struct Route {
    id: String,
    name: String,
    #[serde(default)]
    elements: Option<Vec<serde_json::Value>>,
}

async fn get_route(http: &reqwest::Client, base: &str, token: &str, route: &str) -> Result<Route, String> {
    let url = format!("{base}/accounts/account/ai-gateway/gateways/gateway/routes/{route}");
    let response = http
        .get(url)
        .bearer_auth(token)
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let envelope: Envelope = response.json().await.map_err(|e| e.to_string())?;
    match envelope.result {
        Some(route) if envelope.success => Ok(route),
        _ => Err(format!("{:?}", envelope.errors)),
    }
}

fn main() {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone()).expect("a verifier");
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    let http = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    match runtime.block_on(get_route(&http, "http://127.0.0.1:9", "token", "route")) {
        Ok(route) => println!("{} {} {:?}", route.id, route.name, route.elements.map(|e| e.len())),
        Err(error) => println!("false {error}"),
    }
}
