//! Refused credentials, in every shape Cloudflare answers them: `401`, `403`, and the `400`s
//! with code 9106, 10000, or 6003 holding 6103 in its `error_chain` (live behaviour 15 of `spec/PROVENANCE.md`). Each is
//! `is_auth()`, and its message says to check the credentials; other `400`s are not.

use super::*;

/// The error a `get_route` answered with `status` and `body` gives.
async fn answered(status: u16, body: Value) -> Error {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(status)
                .header("content-type", "application/json")
                .body(body.to_string());
        })
        .await;
    client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .expect_err("an error status")
}

fn with_chain(code: i64, message: &str, chain: Value) -> Value {
    json!({"success": false, "result": null, "messages": [],
           "errors": [{"code": code, "message": message, "error_chain": chain}]})
}

#[tokio::test]
async fn each_shape_of_refused_credentials_is_auth() {
    let refused = [
        (401, error_body(10000, "Authentication error")),
        (403, error_body(10000, "Authentication error")),
        (
            400,
            error_body(
                9106,
                "Missing X-Auth-Key, X-Auth-Email or Authorization headers",
            ),
        ),
        (400, error_body(10000, "Authentication error")),
        (
            400,
            with_chain(
                6003,
                "Invalid request headers",
                json!([{"code": 6103, "message": "Invalid format for X-Auth-Key header"}]),
            ),
        ),
        (
            400,
            json!({"success": false, "errors": [{"code": "6003", "message": "Invalid request headers",
                   "error_chain": [{"code": "6103", "message": "Invalid format for X-Auth-Key header"}]}]}),
        ),
    ];
    for (status, body) in refused {
        let error = answered(status, body.clone()).await;
        assert!(error.is_auth(), "{status} {body}");
        let shown = error.to_string();
        assert!(shown.contains("check them"), "{shown}");
    }
}

#[tokio::test]
async fn other_bad_requests_are_not_auth() {
    let others = [
        error_body(7001, "Invalid route graph"),
        with_chain(
            6003,
            "Invalid request headers",
            json!([{"code": 6100, "message": "other"}]),
        ),
        error_body(6003, "Invalid request headers"),
    ];
    for body in others {
        let error = answered(400, body.clone()).await;
        assert!(!error.is_auth(), "{body}");
        assert!(!error.to_string().contains("credentials"), "{error}");
    }
}
