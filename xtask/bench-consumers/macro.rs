//! The macro consumer of `cargo xtask bench-build --with-macro`: progenitor's macro over the
//! vendored spec, and the same call.

progenitor::generate_api!(spec = "spec.json", interface = Builder);

fn main() {
    let client = Client::new("http://127.0.0.1:9");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let result = runtime.block_on(
        client
            .aig_config_get_gateway_dynamic_route()
            .account_id("account")
            .gateway_id("gateway")
            .id("route")
            .send(),
    );
    println!("{}", result.is_ok());
}
