//! Credentials: a bearer token or an email and key; without them 401 with code 10000, and
//! nothing changes.

use cloudflare_dynamic_routing::{Client, Credentials, PageRequest};
use cloudflare_dynamic_routing_emulator::EmulatorConfig;
use reqwest::Method;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn a_request_without_credentials_is_401_and_changes_nothing() {
    let emulator = emulator(EmulatorConfig::live()).await;
    let http = cloudflare_dynamic_routing::http_client_builder()
        .expect("TLS config")
        .build()
        .expect("an HTTP client");
    let url = format!("{}{}", emulator.base_url(), routes_path());
    let response = http
        .post(&url)
        .json(&json!({"name": "r", "elements": graph()}))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 401);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(error_of(&body), (10000, "Authentication error".to_string()));
    assert_eq!(emulator.writes().len(), 1, "recorded although refused");

    let raw = Raw::new(&emulator);
    let listed = raw.get(&routes_path()).await;
    assert_eq!(listed.body["data"]["routes"], json!([]));
    let empty_token = raw
        .send(
            raw.anonymous(Method::GET, &routes_path())
                .header("authorization", "Bearer "),
        )
        .await;
    assert_eq!(empty_token.status, 401);
}

#[tokio::test]
async fn a_configured_token_is_the_only_one_accepted() {
    let emulator = emulator(EmulatorConfig::documented().with_token("s3cret")).await;
    let wrong = client(&emulator); // sends "t"
    let error = wrong
        .gateway(ACCOUNT, GATEWAY)
        .list_routes(PageRequest::default())
        .await
        .expect_err("a wrong token");
    assert!(error.is_auth() && error.has_code(10000), "{error}");

    let right = Client::builder()
        .base_url(emulator.base_url())
        .api_token("s3cret")
        .build()
        .expect("a client");
    right
        .gateway(ACCOUNT, GATEWAY)
        .list_routes(PageRequest::default())
        .await
        .expect("the configured token");
}

#[tokio::test]
async fn an_email_and_global_key_are_accepted() {
    let emulator = emulator(EmulatorConfig::documented()).await;
    let client = Client::builder()
        .base_url(emulator.base_url())
        .credentials(Credentials::global_api_key("me@example.com", "key"))
        .build()
        .expect("a client");
    client
        .gateway(ACCOUNT, GATEWAY)
        .list_routes(PageRequest::default())
        .await
        .expect("email and key");
}
