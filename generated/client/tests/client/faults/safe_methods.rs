//! Safe methods are retried too.

use super::*;

#[tokio::test]
async fn renames_and_deletes_are_retried_after_a_server_error() {
    let server = MockServer::start_async().await;
    let listed = envelope_result(route(json!({"account_tag": ACCOUNT, "deployment": {
        "created_at": "2026-11-01 10:00:01", "deployment_id": "deployment-3", "version_id": VERSION_ID},
        "version": {"active": "true", "created_at": "2026-11-01 10:00:00", "data": "[]",
                    "version_id": VERSION_ID}})));
    let mut renamed = listed.clone();
    renamed["route"] = renamed["result"].take();
    let rename = scripted(
        &server,
        PATCH,
        &route_path(ROUTE_ID),
        vec![
            json_reply(503, &error_body(10001, "busy")),
            json_reply(200, &renamed),
        ],
    )
    .await;
    let delete = scripted(
        &server,
        DELETE,
        &route_path(ROUTE_ID),
        vec![
            json_reply(500, &error_body(10001, "busy")),
            json_reply(200, &envelope_result(route(json!({})))),
        ],
    )
    .await;
    let client = client(&server.base_url());
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    gateway
        .update_route(ROUTE_ID, "renamed")
        .await
        .expect("rename");
    gateway.delete_route(ROUTE_ID).await.expect("delete");
    assert_eq!(rename.calls_async().await, 2);
    assert_eq!(delete.calls_async().await, 2);
}
