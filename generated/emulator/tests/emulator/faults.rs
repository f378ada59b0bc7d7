//! Fault injection: each kind (status with `Retry-After`, delay, hang, dropped connection,
//! dropped after applying, a status after applying), scoped by operation and fired a given
//! number of times.

use std::time::Duration;

use cloudflare_dynamic_routing::{Error, PageRequest};
use cloudflare_dynamic_routing_emulator::{EmulatorConfig, Fault, FaultKind, Operation};
use serde_json::json;

use crate::support::*;

fn count(emulator: &cloudflare_dynamic_routing_emulator::Emulator, operation: Operation) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|r| r.operation == Some(operation))
        .count()
}

#[tokio::test]
async fn a_status_fault_answers_with_its_status_retry_after_and_envelope_once() {
    let emulator = emulator(EmulatorConfig::live()).await;
    let raw = Raw::new(&emulator);
    let (id, _) = raw.create("r", graph()).await;
    emulator.inject(Fault::status(429).retry_after(7).on(Operation::GetRoute));

    let limited = raw.get(&route_path(&id)).await;
    assert_eq!(limited.status, 429);
    assert_eq!(
        limited.headers.get("retry-after").map(|v| v.as_bytes()),
        Some(&b"7"[..])
    );
    assert_eq!(error_of(&limited.body), (429, "injected fault".to_string()));
    assert_eq!(raw.get(&route_path(&id)).await.status, 200, "it fired once");
    assert!(emulator.pending_faults().is_empty());
}

#[tokio::test]
async fn the_client_retries_past_a_status_fault() {
    let emulator = emulator(EmulatorConfig::documented()).await;
    emulator.inject(
        Fault::status(503)
            .retry_after(0)
            .on(Operation::ListRoutes)
            .times(2),
    );
    let client = builder(&emulator)
        .retry_policy(quick_retries(2))
        .build()
        .expect("a client");
    client
        .gateway(ACCOUNT, GATEWAY)
        .list_routes(PageRequest::default())
        .await
        .expect("the third attempt succeeds");
    assert_eq!(count(&emulator, Operation::ListRoutes), 3);
}

#[tokio::test]
async fn a_status_fault_can_send_any_body() {
    let emulator = emulator(EmulatorConfig::documented()).await;
    emulator.inject(Fault::status(200).body(json!({"success": true, "data": "not a page"})));
    let error = client(&emulator)
        .gateway(ACCOUNT, GATEWAY)
        .list_routes(PageRequest::default())
        .await
        .expect_err("an undecodable page");
    assert!(matches!(error, Error::Decode(_)), "{error}");
}

#[tokio::test]
async fn a_delay_answers_normally_and_a_long_one_outlasts_the_client_timeout() {
    let emulator = emulator(EmulatorConfig::documented()).await;
    let id = emulator
        .seed_route(ACCOUNT, GATEWAY, "r", graph())
        .expect("seeded");
    emulator.inject(Fault::delay(Duration::from_millis(20)).on(Operation::GetRoute));
    let client = client(&emulator);
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    gateway
        .get_route(&id)
        .await
        .expect("answered after the delay");

    emulator.inject(Fault::delay(Duration::from_secs(30)).on(Operation::GetRoute));
    let impatient = builder(&emulator)
        .timeout(Duration::from_millis(200))
        .build()
        .expect("a client");
    let error = impatient
        .gateway(ACCOUNT, GATEWAY)
        .get_route(&id)
        .await
        .expect_err("timed out");
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
}

#[tokio::test]
async fn a_hang_never_answers_so_the_client_times_out() {
    let emulator = emulator(EmulatorConfig::documented()).await;
    let id = emulator
        .seed_route(ACCOUNT, GATEWAY, "r", graph())
        .expect("seeded");
    emulator.inject(Fault::hang().on(Operation::GetRoute));
    let client = builder(&emulator)
        .timeout(Duration::from_millis(200))
        .build()
        .expect("a client");
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let error = gateway.get_route(&id).await.expect_err("no answer");
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
    gateway
        .get_route(&id)
        .await
        .expect("the next one is answered");
}

#[tokio::test]
async fn a_dropped_connection_gets_no_answer_and_a_retry_recovers() {
    let emulator = emulator(EmulatorConfig::documented()).await;
    let id = emulator
        .seed_route(ACCOUNT, GATEWAY, "r", graph())
        .expect("seeded");

    emulator.inject(Fault::drop_connection().on(Operation::GetRoute));
    let raw = Raw::new(&emulator);
    let sent = raw
        .request(reqwest::Method::GET, &route_path(&id))
        .send()
        .await;
    let error = sent.expect_err("no answer on a dropped connection");
    assert!(!error.is_timeout(), "{error}");

    emulator.inject(Fault::drop_connection().on(Operation::GetRoute));
    let error = client(&emulator)
        .gateway(ACCOUNT, GATEWAY)
        .get_route(&id)
        .await
        .expect_err("dropped");
    assert!(matches!(error, Error::Transport { .. }), "{error}");

    emulator.inject(Fault::drop_connection().on(Operation::GetRoute));
    emulator.clear_requests();
    let retrying = builder(&emulator)
        .retry_policy(quick_retries(1))
        .build()
        .expect("a client");
    retrying
        .gateway(ACCOUNT, GATEWAY)
        .get_route(&id)
        .await
        .expect("the retry is answered");
    assert_eq!(count(&emulator, Operation::GetRoute), 2);
}

#[tokio::test]
async fn a_write_dropped_after_applying_took_effect() {
    let emulator = emulator(EmulatorConfig::documented()).await;
    emulator.inject(Fault::drop_after_applying().on(Operation::CreateRoute));
    let client = client(&emulator);
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let error = gateway
        .create_route("r", elements(graph()))
        .await
        .expect_err("no answer");
    assert!(error.may_have_been_applied(), "{error}");
    let routes = gateway
        .list_routes(PageRequest::default())
        .await
        .expect("listed")
        .routes;
    assert_eq!(routes.len(), 1, "the create was applied");
}

#[tokio::test]
async fn a_write_answered_500_after_applying_took_effect() {
    let emulator = emulator(EmulatorConfig::live()).await;
    emulator.inject(Fault::status_after_applying(500).on(Operation::CreateRoute));
    let raw = Raw::new(&emulator);
    let created = raw
        .post(&routes_path(), json!({"name": "r", "elements": graph()}))
        .await;
    assert_eq!(created.status, 500);
    assert_eq!(error_of(&created.body), (500, "injected fault".to_string()));
    let listed = raw.get(&routes_path()).await.body["data"]["routes"].clone();
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(1),
        "the create was applied: {listed}"
    );
}

#[tokio::test]
async fn faults_fire_only_on_their_operation_and_in_order() {
    let emulator = emulator(EmulatorConfig::documented()).await;
    emulator.inject(Fault::status(500).on(Operation::CreateRoute));
    emulator.inject(Fault::status(502).times(0));
    let raw = Raw::new(&emulator);
    assert_eq!(raw.get(&routes_path()).await.status, 200);
    let pending = emulator.pending_faults();
    assert_eq!(pending.len(), 1, "a fault for no request is not kept");
    assert!(matches!(
        pending[0].kind,
        FaultKind::Status { status: 500, .. }
    ));
    let created = raw
        .post(&routes_path(), json!({"name": "r", "elements": graph()}))
        .await;
    assert_eq!(created.status, 500);
    assert_eq!(created.body["result"], json!({}));
    emulator.clear_faults();
    assert!(emulator.pending_faults().is_empty());
    assert_eq!(
        raw.get(&routes_path()).await.body["data"]["routes"],
        json!([])
    );
}
