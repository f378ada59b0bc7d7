//! Every operation in the documented style, through the real client: the spec's shapes, state
//! that reads see at once, and the errors (7001, 7005, 404, 409).

use cloudflare_dynamic_routing::PageRequest;
use cloudflare_dynamic_routing_emulator::EmulatorConfig;
use serde_json::{Value, json};

use crate::support::*;

#[tokio::test]
async fn create_route_deploys_version_one_at_once() {
    let emulator = emulator(EmulatorConfig::documented()).await;
    let gateway = client(&emulator);
    let gateway = gateway.gateway(ACCOUNT, GATEWAY);
    let route = gateway
        .create_route("support-bot", elements(graph()))
        .await
        .expect("created");
    assert_eq!(route.name, "support-bot");
    assert_eq!(route.gateway_id, GATEWAY);
    let json = as_json(&route);
    assert_eq!(graph_in(&json["elements"]), elements(graph()));
    assert_eq!(route.deployment.version_id, route.version.version_id);
    assert_eq!(json["version"]["active"], json!("true"));
    assert!(json["version"]["data"].is_string(), "{json}");
    assert_eq!(graph_in(&json["version"]["data"]), elements(graph()));

    let versions = gateway.list_versions(&route.id).await.expect("versions");
    assert_eq!(versions.versions.len(), 1);
    assert_eq!(as_json(&versions.versions[0])["active"], json!("true"));
    let deployments = gateway
        .list_deployments(&route.id)
        .await
        .expect("deployments");
    assert_eq!(deployments.deployments.len(), 1);
    assert_eq!(
        deployments.deployments[0].version_id,
        route.version.version_id
    );
}

#[tokio::test]
async fn every_operation_answers_in_the_documented_shape() {
    let emulator = emulator(EmulatorConfig::documented()).await;
    let client = client(&emulator);
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let created = gateway
        .create_route("support-bot", elements(graph()))
        .await
        .expect("created");
    let v1 = created.version.version_id.clone();

    let read = gateway.get_route(&created.id).await.expect("read");
    assert_eq!(read, created, "a read shows what create returned");

    let listed = gateway
        .list_routes(PageRequest::default())
        .await
        .expect("listed");
    assert_eq!(listed.routes.len(), 1);
    assert_eq!(listed.routes[0].account_tag.as_deref(), Some(ACCOUNT));
    let item = as_json(&listed.routes[0]);
    assert_eq!(
        graph_in(&item["elements"]),
        elements(graph()),
        "list items carry graphs"
    );

    let renamed = gateway
        .update_route(&created.id, "support-bot-2")
        .await
        .expect("renamed");
    assert_eq!(renamed.name, "support-bot-2");
    assert_eq!(renamed.account_tag.as_deref(), Some(ACCOUNT));

    let new_graph = small_graph("gpt-4o-mini");
    let with_version = gateway
        .create_version(&created.id, elements(new_graph.clone()))
        .await
        .expect("a version");
    assert_eq!(with_version.id, created.id);
    let versions = gateway.list_versions(&created.id).await.expect("versions");
    let actives: Vec<Value> = versions
        .versions
        .iter()
        .map(|v| as_json(v)["active"].clone())
        .collect();
    assert_eq!(
        actives,
        [json!("false"), json!("true")],
        "newest first; a new version is not live"
    );
    let v2 = versions.versions[0].version_id.clone();
    assert_ne!(v2, v1);

    let detail = as_json(
        &gateway
            .get_version(&created.id, &v2)
            .await
            .expect("a version"),
    );
    assert_eq!(detail["active"], json!("false"));
    assert_eq!(graph_in(&detail["data"]), elements(new_graph.clone()));
    assert_eq!(graph_in(&detail["elements"]), elements(new_graph.clone()));

    let deployed = gateway
        .create_deployment(&created.id, &v2)
        .await
        .expect("deployed");
    assert_eq!(
        graph_in(&as_json(&deployed)["elements"]),
        elements(new_graph)
    );
    let live = gateway.get_route(&created.id).await.expect("read");
    assert_eq!(
        live.version.version_id, v2,
        "documented reads see a deployment at once"
    );
    assert_eq!(live.deployment.version_id, v2);
    let deployments = gateway
        .list_deployments(&created.id)
        .await
        .expect("deployments");
    let deployed_versions: Vec<&str> = deployments
        .deployments
        .iter()
        .map(|d| d.version_id.as_str())
        .collect();
    assert_eq!(deployed_versions, [v2.as_str(), v1.as_str()]);
    let old = gateway.get_version(&created.id, &v1).await.expect("v1");
    assert_eq!(as_json(&old)["active"], json!("false"));

    let deleted = gateway.delete_route(&created.id).await.expect("deleted");
    assert_eq!(deleted.name, "support-bot-2");
    let gone = gateway.get_route(&created.id).await.expect_err("deleted");
    assert!(gone.is_not_found() && gone.has_code(7005), "{gone}");
}

#[tokio::test]
async fn replace_graph_deploys_through_the_emulator() {
    let emulator = emulator(EmulatorConfig::documented()).await;
    let client = client(&emulator);
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let route = gateway
        .create_route("support-bot", elements(graph()))
        .await
        .expect("created");
    let live = gateway
        .replace_graph(&route.id, elements(small_graph("gpt-4o-mini")))
        .await
        .expect("replaced");
    let read = gateway.get_route(&route.id).await.expect("read");
    assert_eq!(read.version.version_id, live.version_id);
}

#[tokio::test]
async fn a_duplicate_name_is_409_with_7005_on_create_and_rename() {
    let emulator = emulator(EmulatorConfig::documented()).await;
    let client = client(&emulator);
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    gateway
        .create_route("taken", elements(graph()))
        .await
        .expect("created");
    let other = gateway
        .create_route("other", elements(graph()))
        .await
        .expect("created");
    let again = gateway
        .create_route("taken", elements(graph()))
        .await
        .expect_err("a duplicate");
    assert_eq!(again.status().map(|s| s.as_u16()), Some(409), "{again}");
    assert!(again.has_code(7005), "{again}");
    let rename = gateway
        .update_route(&other.id, "taken")
        .await
        .expect_err("a duplicate");
    assert_eq!(rename.status().map(|s| s.as_u16()), Some(409), "{rename}");
    gateway
        .update_route(&other.id, "other")
        .await
        .expect("a route may keep its own name");

    let elsewhere = client.gateway(ACCOUNT, "another-gateway");
    elsewhere
        .create_route("taken", elements(graph()))
        .await
        .expect("names are unique per gateway only");
}

#[tokio::test]
async fn an_invalid_graph_is_400_with_7001_naming_the_problem() {
    let emulator = emulator(EmulatorConfig::documented()).await;
    // The client validates graphs too; turned off so the emulator's check is what answers.
    let client = builder(&emulator)
        .validate_graphs(false)
        .build()
        .expect("a client");
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let mut bad = graph();
    bad[3]["outputs"] = json!({"30%": {"elementId": "small"}, "else": {"elementId": "large"}});
    let error = gateway
        .create_route("bad", elements(bad.clone()))
        .await
        .expect_err("invalid");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "{error}");
    assert!(error.has_code(7001), "{error}");
    assert!(error.to_string().contains("else"), "{error}");

    let route = gateway
        .create_route("good", elements(graph()))
        .await
        .expect("created");
    let error = gateway
        .create_version(&route.id, elements(bad))
        .await
        .expect_err("invalid");
    assert!(error.has_code(7001), "{error}");

    // What the typed client cannot send: an unknown kind, a missing field, a bad body.
    let raw = Raw::new(&emulator);
    let unknown_kind = json!([{"id": "start", "type": "router", "outputs": {}}]);
    let answer = raw
        .post(
            &routes_path(),
            json!({"name": "x", "elements": unknown_kind}),
        )
        .await;
    assert_eq!(answer.status, 400);
    assert_eq!(error_of(&answer.body).0, 7001);
    let answer = raw.post(&routes_path(), json!({"elements": graph()})).await;
    assert_eq!(
        error_of(&answer.body),
        (7001, "`name`: Required".to_string())
    );
    let answer = raw
        .send(
            raw.request(reqwest::Method::POST, &routes_path())
                .header("content-type", "application/json")
                .body("{\"name\": "),
        )
        .await;
    assert_eq!(answer.status, 400);
    let (code, message) = error_of(&answer.body);
    assert_eq!(code, 7001);
    assert!(message.contains("not valid JSON"), "{message}");
    assert_eq!(
        answer.body["result"],
        json!({}),
        "documented errors carry `result: {{}}`"
    );
}

#[tokio::test]
async fn unknown_routes_and_versions_are_404_with_7005() {
    let emulator = emulator(EmulatorConfig::documented()).await;
    let client = client(&emulator);
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let route = gateway
        .create_route("r", elements(graph()))
        .await
        .expect("created");
    for error in [
        gateway.get_route("route-404").await.map(drop),
        gateway.delete_route("route-404").await.map(drop),
        gateway.list_versions("route-404").await.map(drop),
        gateway
            .get_version(&route.id, "version-404")
            .await
            .map(drop),
        gateway
            .create_deployment(&route.id, "version-404")
            .await
            .map(drop),
    ] {
        let error = error.expect_err("missing");
        assert!(error.is_not_found() && error.has_code(7005), "{error}");
    }

    let raw = Raw::new(&emulator);
    let answer = raw.get("/accounts/a/somewhere-else").await;
    assert_eq!((answer.status, error_of(&answer.body).0), (404, 7000));
    let answer = raw
        .send(raw.request(reqwest::Method::PUT, &routes_path()))
        .await;
    assert_eq!(answer.status, 405);
    assert_eq!(error_of(&answer.body).0, 7000);
}

#[tokio::test]
async fn a_rename_conflict_is_retried_by_the_client_and_still_fails() {
    // 409 is one of the statuses the client retries for a PATCH; the emulator answers the same
    // each time, so the call fails after every attempt.
    let emulator = emulator(EmulatorConfig::documented()).await;
    let client = builder(&emulator)
        .retry_policy(quick_retries(2))
        .build()
        .expect("a client");
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    gateway
        .create_route("a", elements(graph()))
        .await
        .expect("a");
    let b = gateway
        .create_route("b", elements(graph()))
        .await
        .expect("b");
    emulator.clear_requests();
    let error = gateway.update_route(&b.id, "a").await.expect_err("taken");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(emulator.writes().len(), 3, "one attempt and two retries");
}
