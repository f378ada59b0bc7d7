//! The client consumer of `cargo xtask bench-build` (lean and default alike): a client and
//! one `get_route` call.

fn main() {
    let client = cloudflare_dynamic_routing::Client::builder()
        .base_url("http://127.0.0.1:9")
        .api_token("token")
        .retry_policy(cloudflare_dynamic_routing::RetryPolicy::none())
        .build()
        .expect("a client");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let result = runtime.block_on(client.gateway("account", "gateway").get_route("route"));
    println!("{}", result.is_ok());
}
