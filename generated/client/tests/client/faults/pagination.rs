//! Pagination.

use super::*;

/// Serves `pages` as pages 1, 2, … of `per_page` routes, streams the routes, and returns
/// their ids and how often each page was asked for.
async fn streamed(per_page: u64, pages: Vec<Value>) -> (Vec<String>, Vec<usize>) {
    let server = MockServer::start_async().await;
    let mut mocks = Vec::new();
    for (number, body) in (1..).zip(pages) {
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.method(GET)
                        .path(routes_path())
                        .query_param("page", number.to_string())
                        .query_param("per_page", per_page.to_string());
                    then.status(200).json_body(body);
                })
                .await,
        );
    }
    let ids = listed_ids(&server, per_page).await.expect("the pages");
    let mut hits = Vec::new();
    for mock in &mocks {
        hits.push(mock.calls_async().await);
    }
    (ids, hits)
}

/// The ids of every route the stream lists from `server`, asking `per_page` a page.
async fn listed_ids(server: &MockServer, per_page: u64) -> Result<Vec<String>, Error> {
    client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .routes(NonZeroU64::new(per_page).unwrap())
        .map_ok(|r| r.id)
        .try_collect()
        .await
}

/// A page of `routes` whose answer reports `per_page`.
fn page_reporting(routes: &[&str], per_page: u64) -> Value {
    let routes: Vec<Value> = routes.iter().copied().map(listed_route_named).collect();
    let mut body = page("routes", json!(routes));
    body["data"]["per_page"] = json!(per_page);
    body
}

#[tokio::test]
async fn the_routes_stream_follows_pages_until_a_short_one() {
    // The answers report 20 a page: more than asked, so a page is judged by the 2 asked.
    let pages = [vec!["r1", "r2"], vec!["r3", "r4"], vec!["r5"], vec!["r6"]]
        .into_iter()
        .map(|ids| {
            page(
                "routes",
                json!(ids.into_iter().map(listed_route_named).collect::<Vec<_>>()),
            )
        })
        .collect();
    let (ids, hits) = streamed(2, pages).await;
    assert_eq!(ids, ["r1", "r2", "r3", "r4", "r5"]);
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
    let ids = listed_ids(&server, 2).await.expect("one empty page");
    assert!(ids.is_empty());
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

#[tokio::test]
async fn a_server_ignoring_page_ends_the_stream_without_duplicates() {
    let server = MockServer::start_async().await;
    let every_page = server
        .mock_async(|when, then| {
            when.method(GET).path(routes_path());
            then.status(200).json_body(page_reporting(&["r1", "r2"], 2));
        })
        .await;
    let ids = listed_ids(&server, 2).await.expect("ends");
    assert_eq!(ids, ["r1", "r2"]);
    assert_eq!(
        every_page.calls_async().await,
        2,
        "page 2 repeats page 1: the end"
    );
}

#[tokio::test]
async fn a_page_capped_below_the_size_asked_is_full_and_an_empty_page_ends() {
    let pages = vec![
        page_reporting(&["r1", "r2"], 2),
        page_reporting(&["r3", "r4"], 2),
        page_reporting(&[], 2),
        page_reporting(&["r5"], 2),
    ];
    let (ids, hits) = streamed(50, pages).await;
    assert_eq!(ids, ["r1", "r2", "r3", "r4"]);
    assert_eq!(hits, [1, 1, 1, 0]);
}
