//! Pagination of list routes: `page` and `per_page`, newest first, no total; a short page is
//! the last. Version and deployment lists are one page: with a cap, only the newest that many.

use std::num::NonZeroU64;

use cloudflare_dynamic_routing::PageRequest;
use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig, Operation};
use futures_util::TryStreamExt;
use serde_json::{Value, json};

use crate::support::*;

/// An emulator with 45 routes on the test gateway, `route 00` created first.
async fn with_45_routes(config: EmulatorConfig) -> Emulator {
    let emulator = emulator(config).await;
    for n in 0..45 {
        emulator
            .seed_route(ACCOUNT, GATEWAY, &format!("route {n:02}"), graph())
            .expect("seeded");
    }
    emulator
}

#[tokio::test]
async fn forty_five_routes_are_three_pages_of_twenty_newest_first() {
    let emulator = with_45_routes(EmulatorConfig::documented()).await;
    assert!(emulator.requests().is_empty(), "seeding sends no request");
    let client = client(&emulator);
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let mut names = Vec::new();
    let mut sizes = Vec::new();
    for page in 1..=4 {
        let routes = gateway
            .list_routes(PageRequest::new(page, 20).expect("non-zero"))
            .await
            .expect("a page")
            .routes;
        sizes.push(routes.len());
        names.extend(routes.into_iter().map(|r| r.name));
    }
    assert_eq!(sizes, [20, 20, 5, 0]);
    let expected: Vec<String> = (0..45).rev().map(|n| format!("route {n:02}")).collect();
    assert_eq!(names, expected);

    let recorded: Vec<Option<String>> = emulator.requests().into_iter().map(|r| r.query).collect();
    assert_eq!(recorded[2].as_deref(), Some("page=3&per_page=20"));
}

#[tokio::test]
async fn the_client_stream_stops_after_the_short_page() {
    let emulator = with_45_routes(EmulatorConfig::documented()).await;
    let client = client(&emulator);
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let per_page = NonZeroU64::new(20).expect("non-zero");
    let all: Vec<String> = gateway
        .routes(per_page)
        .map_ok(|r| r.name)
        .try_collect()
        .await
        .expect("every route");
    assert_eq!(all.len(), 45);
    let lists = emulator
        .requests()
        .iter()
        .filter(|r| r.operation == Some(Operation::ListRoutes))
        .count();
    assert_eq!(lists, 3);
}

#[tokio::test]
async fn live_pages_and_defaults() {
    let emulator = with_45_routes(EmulatorConfig::live()).await;
    let raw = Raw::new(&emulator);
    let third = raw
        .get(&format!("{}?page=3&per_page=20", routes_path()))
        .await;
    assert_eq!(
        third.body["data"]["routes"].as_array().map(Vec::len),
        Some(5)
    );
    assert_eq!(third.body["data"]["page"], json!(3));
    assert!(third.body["data"].get("total_count").is_none(), "no total");
    let default = raw.get(&routes_path()).await;
    assert_eq!(
        default.body["data"]["routes"].as_array().map(Vec::len),
        Some(20)
    );
    assert_eq!(default.body["data"]["per_page"], json!(20));
    assert_eq!(default.body["data"]["routes"][0]["name"], json!("route 44"));

    for bad in ["page=0", "per_page=x", "per_page=-1"] {
        let answer = raw.get(&format!("{}?{bad}", routes_path())).await;
        assert_eq!(answer.status, 400, "{bad}");
        let (code, message) = error_of(&answer.body);
        assert_eq!(code, 7001);
        assert!(message.contains("at least 1"), "{bad}: {message}");
    }
}

#[tokio::test]
async fn a_capped_emulator_serves_and_reports_the_cap_in_both_styles() {
    for config in [EmulatorConfig::documented(), EmulatorConfig::live()] {
        let style = config.style.name();
        let emulator = with_45_routes(config.with_max_per_page(20)).await;
        let raw = Raw::new(&emulator);
        let mut sizes = Vec::new();
        for page in 1..=4 {
            let answer = raw
                .get(&format!("{}?page={page}&per_page=50", routes_path()))
                .await;
            assert_eq!(answer.status, 200, "{style}");
            assert_eq!(answer.body["data"]["per_page"], json!(20), "{style}");
            assert_eq!(answer.body["data"]["page"], json!(page), "{style}");
            sizes.push(answer.body["data"]["routes"].as_array().map(Vec::len));
        }
        assert_eq!(sizes, [Some(20), Some(20), Some(5), Some(0)], "{style}");
        let small = raw.get(&format!("{}?per_page=7", routes_path())).await;
        assert_eq!(
            small.body["data"]["per_page"],
            json!(7),
            "{style}: below the cap"
        );
        assert_eq!(
            small.body["data"]["routes"].as_array().map(Vec::len),
            Some(7),
            "{style}"
        );
    }
}

/// A route with four versions, each deployed in turn (the first on creation), on an emulator
/// with `config` and no read lag; returns the emulator, the route's id and the version ids,
/// oldest first.
async fn with_four_deployed_versions(config: EmulatorConfig) -> (Emulator, String, Vec<String>) {
    let emulator = emulator(config.with_read_lag(0)).await;
    let (route_id, first) = Raw::new(&emulator).create("paged", small_graph("m0")).await;
    let client = client(&emulator);
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let mut versions = vec![first];
    for n in 1..4 {
        let live = gateway
            .replace_graph(&route_id, elements(small_graph(&format!("m{n}"))))
            .await
            .expect("deployed");
        versions.push(live.version_id);
    }
    (emulator, route_id, versions)
}

/// The ids a version or deployment list answer holds in `key`, with its `page` and `per_page`.
fn listed(answer: &Answer, key: &str) -> (Vec<String>, Value, Value) {
    assert_eq!(answer.status, 200, "{}", answer.text);
    let data = &answer.body["data"];
    let ids = data[key]
        .as_array()
        .expect("a list")
        .iter()
        .map(|item| text(&item["version_id"]))
        .collect();
    (ids, data["page"].clone(), data["per_page"].clone())
}

#[tokio::test]
async fn a_capped_emulator_lists_only_the_newest_versions_and_deployments_in_both_styles() {
    for config in [EmulatorConfig::documented(), EmulatorConfig::live()] {
        let style = config.style.name();
        let (emulator, route_id, versions) =
            with_four_deployed_versions(config.with_max_per_page(2)).await;
        let raw = Raw::new(&emulator);
        let newest_two = vec![versions[3].clone(), versions[2].clone()];
        for key in ["versions", "deployments"] {
            let answer = raw.get(&format!("{}/{key}", route_path(&route_id))).await;
            let (ids, page, per_page) = listed(&answer, key);
            assert_eq!(
                ids, newest_two,
                "{style} {key}: the newest two, newest first"
            );
            assert_eq!((page, per_page), (json!(1), json!(2)), "{style} {key}");
        }
    }
}

#[tokio::test]
async fn an_uncapped_emulator_lists_every_version_and_deployment_on_a_page_not_full() {
    for config in [EmulatorConfig::documented(), EmulatorConfig::live()] {
        let style = config.style.name();
        let (emulator, route_id, versions) = with_four_deployed_versions(config).await;
        let raw = Raw::new(&emulator);
        let newest_first: Vec<String> = versions.into_iter().rev().collect();
        for key in ["versions", "deployments"] {
            let answer = raw.get(&format!("{}/{key}", route_path(&route_id))).await;
            let (ids, page, per_page) = listed(&answer, key);
            assert_eq!(ids, newest_first, "{style} {key}");
            assert_eq!((page, per_page), (json!(1), json!(20)), "{style} {key}");
        }
    }
}
