//! The request journal: every request in order with its operation, so a test can say exactly
//! which writes a piece of code made.

use cloudflare_dynamic_routing_emulator::{EmulatorConfig, Operation};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn replace_graph_makes_exactly_one_version_and_one_deployment() {
    let emulator = emulator(EmulatorConfig::documented()).await;
    let client = client(&emulator);
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let route = gateway
        .create_route("r", elements(graph()))
        .await
        .expect("created");
    let writes: Vec<Option<Operation>> = emulator.writes().iter().map(|r| r.operation).collect();
    assert_eq!(writes, [Some(Operation::CreateRoute)]);

    emulator.clear_requests();
    gateway
        .replace_graph(&route.id, elements(small_graph("m")))
        .await
        .expect("replaced");
    // Whatever the client reads to find and check the version, it writes exactly these two.
    let writes: Vec<Option<Operation>> = emulator.writes().iter().map(|r| r.operation).collect();
    assert_eq!(
        writes,
        [
            Some(Operation::CreateVersion),
            Some(Operation::CreateDeployment)
        ]
    );
    assert!(
        emulator.requests().iter().all(|r| r.operation.is_some()),
        "every request was one of the ten operations"
    );
    let writes = emulator.writes();
    assert_eq!(writes.len(), 2);
    assert_eq!(writes[0].method, "POST");
    assert_eq!(
        writes[0].path,
        format!("{}/versions", route_path(&route.id))
    );
    assert_eq!(
        writes[0]
            .body
            .as_ref()
            .map(|b| b["elements"][1]["id"].clone()),
        Some(json!("call"))
    );
    assert_eq!(writes[1].operation, Some(Operation::CreateDeployment));
}

#[tokio::test]
async fn requests_to_unknown_paths_are_recorded_without_an_operation() {
    let emulator = emulator(EmulatorConfig::live()).await;
    let raw = Raw::new(&emulator);
    raw.get("/accounts/a/ai-gateway/gateways/g/other?x=1").await;
    let requests = emulator.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].operation, None);
    assert_eq!(requests[0].query.as_deref(), Some("x=1"));
    assert!(emulator.writes().is_empty());
}
