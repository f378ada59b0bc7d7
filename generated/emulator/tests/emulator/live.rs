//! The live style: each live behaviour of `spec/PROVENANCE.md` the emulator answers, on raw JSON
//! (the client's decoding of some live shapes is being fixed separately; where it cannot
//! decode a live answer yet, these tests read the JSON themselves).

use cloudflare_dynamic_routing_emulator::{EmulatorConfig, MissingElements};
use serde_json::{Value, json};

use crate::support::*;

fn versions_path(id: &str) -> String {
    format!("{}/versions", route_path(id))
}

fn deployments_path(id: &str) -> String {
    format!("{}/deployments", route_path(id))
}

/// Creates a version of route `id` and deploys it, returning the version's id.
async fn deploy(raw: &Raw, id: &str, graph: Value) -> String {
    let created = raw
        .post(&versions_path(id), json!({"elements": graph}))
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let version = text(&created.body["result"]["version_id"]);
    let deployed = raw
        .post(&deployments_path(id), json!({"version_id": version}))
        .await;
    assert_eq!(deployed.status, 200, "{}", deployed.text);
    version
}

#[tokio::test]
async fn list_items_carry_metadata_but_no_graph() {
    let emulator = emulator(EmulatorConfig::live()).await;
    let raw = Raw::new(&emulator);
    let (_, version) = raw.create("support-bot", graph()).await;
    let answer = raw.get(&routes_path()).await;
    assert_eq!(answer.status, 200);
    let item = &answer.body["data"]["routes"][0];
    assert_eq!(item["name"], json!("support-bot"));
    assert!(item.get("elements").is_none(), "{item}");
    assert!(item["version"].get("data").is_none(), "{item}");
    assert_eq!(item["version"]["version_id"], json!(version));
    assert_eq!(item["version"]["active"], json!(true));
    assert!(item["version"]["created_at"].is_string());
    assert_eq!(item["deployment"]["version_id"], json!(version));
}

#[tokio::test]
async fn get_route_carries_the_graph_only_in_version_data_as_an_array() {
    let emulator = emulator(EmulatorConfig::live()).await;
    let raw = Raw::new(&emulator);
    let (id, _) = raw.create("support-bot", small_graph("gpt-4o")).await;
    let answer = raw.get(&route_path(&id)).await;
    let result = &answer.body["result"];
    assert!(result.get("elements").is_none(), "{result}");
    assert_eq!(result["version"]["data"], small_graph("gpt-4o"));
    assert_eq!(result["version"]["active"], json!(true));
    assert!(
        answer.text.contains(r#""timeout":30000"#),
        "integers stay integers: {}",
        answer.text
    );

    let null = emulator_with(MissingElements::Null).await;
    let raw = Raw::new(&null);
    let (id, _) = raw.create("r", graph()).await;
    let result = raw.get(&route_path(&id)).await.body["result"].clone();
    assert_eq!(result.get("elements"), Some(&Value::Null));
}

async fn emulator_with(missing: MissingElements) -> cloudflare_dynamic_routing_emulator::Emulator {
    emulator(EmulatorConfig::live().with_missing_elements(missing)).await
}

#[tokio::test]
async fn create_answers_with_elements_and_the_graph_as_a_string() {
    let emulator = emulator(EmulatorConfig::live()).await;
    let raw = Raw::new(&emulator);
    let answer = raw
        .post(
            &routes_path(),
            json!({"name": "r", "elements": small_graph("m")}),
        )
        .await;
    let result = &answer.body["result"];
    assert_eq!(result["elements"], small_graph("m"));
    assert_eq!(
        result["version"]["data"],
        json!(small_graph("m").to_string())
    );
    assert_eq!(result["version"]["active"], json!(true));
}

#[tokio::test]
async fn create_version_answers_its_id_at_the_top_and_active_is_a_boolean() {
    let emulator = emulator(EmulatorConfig::live()).await;
    let raw = Raw::new(&emulator);
    let (id, v1) = raw.create("r", graph()).await;
    let answer = raw
        .post(&versions_path(&id), json!({"elements": small_graph("m")}))
        .await;
    assert_eq!(answer.status, 200);
    let result = &answer.body["result"];
    let v2 = text(&result["version_id"]);
    assert_eq!(result["id"], json!(id));
    assert_eq!(result["elements"], small_graph("m"));

    let versions = raw.get(&versions_path(&id)).await.body;
    let listed: Vec<(Value, Value)> = versions["data"]["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| (v["version_id"].clone(), v["active"].clone()))
        .collect();
    assert_eq!(
        listed,
        [(json!(v2), json!(false)), (json!(v1), json!(true))]
    );

    let detail = raw.get(&format!("{}/{v2}", versions_path(&id))).await.body;
    assert_eq!(detail["result"]["active"], json!(false));
    assert_eq!(detail["result"]["data"], small_graph("m"));
}

#[tokio::test]
async fn a_duplicate_name_is_500_unique_constraint() {
    let emulator = emulator(EmulatorConfig::live()).await;
    let raw = Raw::new(&emulator);
    raw.create("taken", graph()).await;
    let (other, _) = raw.create("other", graph()).await;
    let again = raw
        .post(
            &routes_path(),
            json!({"name": "taken", "elements": graph()}),
        )
        .await;
    assert_eq!(again.status, 500);
    let (code, message) = error_of(&again.body);
    assert_eq!(code, 7005);
    assert!(
        message.contains("UNIQUE constraint failed: routes.name"),
        "{message}"
    );
    assert_eq!(
        again.body["result"],
        Value::Null,
        "live errors carry `result: null`"
    );
    let rename = raw
        .patch(&route_path(&other), json!({"name": "taken"}))
        .await;
    assert_eq!(rename.status, 500);
}

#[tokio::test]
async fn reads_lag_a_deployment_for_the_configured_number_of_reads() {
    let emulator = emulator(EmulatorConfig::live()).await; // read lag 2
    let raw = Raw::new(&emulator);
    let (id, v1) = raw.create("r", small_graph("first")).await;
    // Creating does not lag: the first read sees version 1.
    let first = raw.get(&route_path(&id)).await.body;
    assert_eq!(first["result"]["version"]["version_id"], json!(v1));

    let v2 = deploy(&raw, &id, small_graph("second")).await;
    let shown = |body: &Value| body["result"]["version"]["version_id"].clone();
    let read_1 = raw.get(&route_path(&id)).await.body;
    assert_eq!(shown(&read_1), json!(v1));
    assert_eq!(read_1["result"]["version"]["data"], small_graph("first"));
    assert_eq!(read_1["result"]["deployment"]["version_id"], json!(v1));
    // A list page holding the route counts as a read of it.
    let listed = raw.get(&routes_path()).await.body;
    assert_eq!(
        listed["data"]["routes"][0]["version"]["version_id"],
        json!(v1)
    );
    let read_3 = raw.get(&route_path(&id)).await.body;
    assert_eq!(shown(&read_3), json!(v2));
    assert_eq!(read_3["result"]["version"]["data"], small_graph("second"));

    // The version and deployment lists are not lagged.
    let deployments = raw.get(&deployments_path(&id)).await.body;
    assert_eq!(
        deployments["data"]["deployments"][0]["version_id"],
        json!(v2)
    );
}

#[tokio::test]
async fn no_lag_when_configured_to_zero() {
    let emulator = emulator(EmulatorConfig::live().with_read_lag(0)).await;
    let raw = Raw::new(&emulator);
    let (id, _) = raw.create("r", small_graph("first")).await;
    let v2 = deploy(&raw, &id, small_graph("second")).await;
    let read = raw.get(&route_path(&id)).await.body;
    assert_eq!(read["result"]["version"]["version_id"], json!(v2));
}

#[tokio::test]
async fn unknown_element_properties_are_dropped_and_integers_kept() {
    let submitted = json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "plan"}}},
        {"id": "plan", "type": "conditional",
         "properties": {"condition": {"metadata.plan": {"$eq": "free"}}},
         "outputs": {"true": {"elementId": "budget"}, "false": {"elementId": "call"}}},
        {"id": "budget", "type": "rate",
         "properties": {"key": "metadata.user", "limit": 100, "limitType": "count",
                        "window": 3600, "technique": "sliding"},
         "outputs": {"success": {"elementId": "call"}, "fallback": {"elementId": "end"}}},
        {"id": "call", "type": "model",
         "properties": {"provider": "openai", "model": "gpt-4o", "retries": 2, "timeout": 30000},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}},
        {"id": "end", "type": "end", "outputs": {}}
    ]);
    let emulator = emulator(EmulatorConfig::live()).await;
    let raw = Raw::new(&emulator);
    let (id, version) = raw.create("r", submitted.clone()).await;
    let stored = raw.get(&format!("{}/{version}", versions_path(&id))).await;
    let data = &stored.body["result"]["data"];
    assert_eq!(
        data[1]["properties"],
        json!({}),
        "`condition` is not `conditions`"
    );
    assert_eq!(
        data[2]["properties"],
        json!({"key": "metadata.user", "limit": 100, "limitType": "count", "window": 3600})
    );
    assert_eq!(data[3], submitted[3]);
    assert!(
        stored.text.contains(r#""timeout":30000"#),
        "{}",
        stored.text
    );
    assert!(!stored.text.contains("30000.0"), "{}", stored.text);

    // The documented style stores the graph exactly as sent.
    let documented = crate::support::emulator(EmulatorConfig::documented()).await;
    let raw = Raw::new(&documented);
    let (id, version) = raw.create("r", submitted.clone()).await;
    let stored = raw.get(&format!("{}/{version}", versions_path(&id))).await;
    assert_eq!(stored.body["result"]["elements"], submitted);
}

#[tokio::test]
async fn the_graph_rules_of_the_live_api_are_7001() {
    let emulator = emulator(EmulatorConfig::live()).await;
    let raw = Raw::new(&emulator);
    let cases = [
        (
            "a percentage with an else output",
            json!([
                {"id": "start", "type": "start", "outputs": {"next": {"elementId": "split"}}},
                {"id": "split", "type": "percentage",
                 "outputs": {"100%": {"elementId": "end"}, "else": {"elementId": "end"}}},
                {"id": "end", "type": "end", "outputs": {}}
            ]),
            "else",
        ),
        (
            "a split that totals 90%",
            json!([
                {"id": "start", "type": "start", "outputs": {"next": {"elementId": "split"}}},
                {"id": "split", "type": "percentage",
                 "outputs": {"60%": {"elementId": "end"}, "30%": {"elementId": "end"}}},
                {"id": "end", "type": "end", "outputs": {}}
            ]),
            "90%",
        ),
        (
            "an end without outputs",
            json!([
                {"id": "start", "type": "start", "outputs": {"next": {"elementId": "end"}}},
                {"id": "end", "type": "end"}
            ]),
            "outputs",
        ),
        (
            "a rate with `interval` for `window`",
            json!([
                {"id": "start", "type": "start", "outputs": {"next": {"elementId": "budget"}}},
                {"id": "budget", "type": "rate",
                 "properties": {"key": "k", "limit": 1, "limitType": "count", "interval": 60},
                 "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}},
                {"id": "end", "type": "end", "outputs": {}}
            ]),
            "window",
        ),
    ];
    for (what, graph, named) in cases {
        let answer = raw
            .post(&routes_path(), json!({"name": what, "elements": graph}))
            .await;
        assert_eq!(answer.status, 400, "{what}: {}", answer.text);
        let (code, message) = error_of(&answer.body);
        assert_eq!(code, 7001, "{what}");
        assert!(message.contains(named), "{what}: {message}");
    }
    assert_eq!(emulator.requests().len(), 4);
    let listed = raw.get(&routes_path()).await.body;
    assert_eq!(listed["data"]["routes"], json!([]), "nothing was created");
}

#[tokio::test]
async fn the_client_drives_every_operation_in_the_live_style() {
    let emulator = emulator(EmulatorConfig::live()).await;
    let client = client(&emulator);
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let mut failures = Vec::new();
    let route = gateway.create_route("r", elements(graph())).await;
    let route = match route {
        Ok(route) => route,
        Err(e) => panic!("create_route: {e}"),
    };
    macro_rules! call {
        ($call:expr) => {
            if let Err(e) = $call.await {
                failures.push(e.to_string());
            }
        };
    }
    call!(gateway.get_route(&route.id));
    call!(gateway.list_routes(cloudflare_dynamic_routing::PageRequest::default()));
    call!(gateway.update_route(&route.id, "r2"));
    call!(gateway.create_version(&route.id, elements(small_graph("m"))));
    call!(gateway.list_versions(&route.id));
    call!(gateway.get_version(&route.id, &route.version.version_id));
    call!(gateway.list_deployments(&route.id));
    call!(gateway.create_deployment(&route.id, &route.version.version_id));
    call!(gateway.replace_graph(&route.id, elements(small_graph("n"))));
    call!(gateway.delete_route(&route.id));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
