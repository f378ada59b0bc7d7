//! Pagination.

use super::*;

#[tokio::test]
async fn the_routes_stream_follows_pages_until_a_short_one() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for (number, ids) in [
        ("1", vec!["r1", "r2"]),
        ("2", vec!["r3", "r4"]),
        ("3", vec!["r5"]),
        ("4", vec!["r6"]),
    ] {
        let routes: Vec<Value> = ids.into_iter().map(listed_route_named).collect();
        pages.push(
            server
                .mock_async(|when, then| {
                    when.method(GET)
                        .path(routes_path())
                        .query_param("page", number)
                        .query_param("per_page", "2");
                    then.status(200).json_body(page("routes", json!(routes)));
                })
                .await,
        );
    }
    let client = client(&server.base_url());
    let routes: Vec<_> = client
        .gateway(ACCOUNT, GATEWAY)
        .routes(NonZeroU64::new(2).unwrap())
        .try_collect()
        .await
        .expect("three pages");
    let ids: Vec<&str> = routes.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["r1", "r2", "r3", "r4", "r5"]);
    let mut hits = Vec::new();
    for mock in &pages {
        hits.push(mock.calls_async().await);
    }
    assert_eq!(hits, [1, 1, 1, 0]);
}

#[tokio::test]
async fn an_empty_first_page_is_an_empty_stream() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(routes_path())
                .query_param("page", "1");
            then.status(200).json_body(page("routes", json!([])));
        })
        .await;
    let client = client(&server.base_url());
    let routes: Vec<_> = client
        .gateway(ACCOUNT, GATEWAY)
        .routes(NonZeroU64::new(2).unwrap())
        .try_collect()
        .await
        .expect("one empty page");
    assert!(routes.is_empty());
    assert_eq!(first.calls_async().await, 1);
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(routes_path())
                .query_param("page", "1");
            then.status(200).json_body(page(
                "routes",
                json!([listed_route_named("r1"), listed_route_named("r2")]),
            ));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(routes_path())
                .query_param("page", "2");
            then.status(403)
                .json_body(error_body(10000, "Authentication error"));
        })
        .await;
    let client = client(&server.base_url());
    let error = client
        .gateway(ACCOUNT, GATEWAY)
        .routes(NonZeroU64::new(2).unwrap())
        .try_collect::<Vec<_>>()
        .await
        .expect_err("page 2 fails");
    assert!(error.is_auth(), "{error:?}");
}
