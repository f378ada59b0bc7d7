//! Redirects: never followed, so no credential (an API token, or an email with its Global API
//! key) reaches the host a `3xx` points to; the answer is an error naming status and location.

use super::*;
use cloudflare_dynamic_routing::Credentials;

/// A client of `base_url` with `credentials` and no retries.
fn client_with(base_url: &str, credentials: Credentials) -> Client {
    Client::builder()
        .base_url(base_url)
        .credentials(credentials)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_with_either_credential_scheme() {
    let schemes = [
        Credentials::api_token("test-token"),
        Credentials::global_api_key("me@example.com", "global-key-1234"),
    ];
    for credentials in schemes {
        let elsewhere = MockServer::start_async().await;
        let catch_all = elsewhere
            .mock_async(|when, then| {
                when.any_request();
                then.status(200).body(route_ok().to_string());
            })
            .await;
        // Another host name for the same kind of server: `localhost`, not `127.0.0.1`.
        let target = format!(
            "http://localhost:{}{}",
            elsewhere.port(),
            route_path(ROUTE_ID)
        );
        for status in [301, 302, 303, 307, 308] {
            let origin = MockServer::start_async().await;
            let redirect = origin
                .mock_async(|when, then| {
                    when.method(GET).path(route_path(ROUTE_ID));
                    then.status(status).header("location", &target);
                })
                .await;
            let error = client_with(&origin.base_url(), credentials.clone())
                .gateway(ACCOUNT, GATEWAY)
                .get_route(ROUTE_ID)
                .await
                .expect_err("a redirect is an error");
            assert_eq!(redirect.calls_async().await, 1, "{status}");
            let shown = error.to_string();
            assert!(
                shown.contains(&status.to_string()) && shown.contains(&target),
                "{status}: {shown}"
            );
            let api = api(error);
            assert_eq!(api.status.as_u16(), status);
            assert_eq!(api.location.as_deref(), Some(target.as_str()));
        }
        assert_eq!(
            catch_all.calls_async().await,
            0,
            "{credentials:?}: the other host received nothing"
        );
    }
}

#[tokio::test]
async fn a_create_answered_with_a_redirect_is_not_sent_again() {
    let server = MockServer::start_async().await;
    let resent = server
        .mock_async(|when, then| {
            when.method(GET).path("/elsewhere");
            then.status(200).body(route_ok().to_string());
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(routes_path());
            then.status(307)
                .header("location", format!("{}/elsewhere", server.base_url()));
        })
        .await;
    let error = client_with(
        &server.base_url(),
        Credentials::global_api_key("me@example.com", "global-key-1234"),
    )
    .gateway(ACCOUNT, GATEWAY)
    .create_route("support-bot", typed!(graph()))
    .await
    .expect_err("not followed");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(307));
    assert_eq!(resent.calls_async().await, 0);
}
