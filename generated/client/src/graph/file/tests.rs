//! Route files: a route written to JSON reads back equal, and a bad file is an error that
//! names where it is wrong.

use crate::graph::file;
use serde_json::json;

/// A route file holding the workspace's sample graph.
fn sample() -> String {
    json!({"name": "support-bot", "elements": crate::fixtures::graph()}).to_string()
}

#[test]
fn a_route_reads_back_equal_from_its_file() {
    let route = file::from_json(&sample()).expect("valid route file");
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("support-bot.json");
    file::write(&path, &route).expect("written");
    let text = std::fs::read_to_string(&path).expect("readable");
    assert!(text.ends_with("}\n"));
    assert_eq!(file::read(&path).expect("reads"), route);
    assert_eq!(file::to_json(&route), text, "writing is stable");
}

#[test]
fn an_unknown_key_is_an_error_naming_where_it_is() {
    let text = sample().replacen("\"elementId\":\"split\"", "\"elementID\":\"split\"", 1);
    let error = file::from_json(&text).expect_err("a typo is not silently dropped");
    assert!(
        error.message.contains("missing field `elementId`"),
        "{error}"
    );

    let mut route: serde_json::Value = serde_json::from_str(&sample()).expect("json");
    route["elements"][2]["properties"]["temperature"] = json!(0.2);
    let error = file::from_json(&route.to_string()).expect_err("unknown field");
    assert_eq!(
        error.location, "#/elements/2/properties/temperature",
        "{error}"
    );
}

#[test]
fn bad_files_are_errors_that_name_the_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let missing = dir.path().join("absent.json");
    let error = file::read(&missing).expect_err("no such file");
    assert!(error.to_string().contains("absent.json"), "{error}");

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"name\": ").expect("write");
    let error = file::read(&broken).expect_err("not JSON");
    assert!(
        error.to_string().contains("broken.json: at line 1"),
        "{error}"
    );
    assert!(
        file::from_json("{\"name\": \"x\"}").is_err(),
        "elements are required"
    );
}
