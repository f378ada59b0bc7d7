//! Route files: a route written to JSON reads back equal, and a bad file is an error that
//! names where it is wrong.

use crate::route_file as file;
use crate::route_file::RouteFile;
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
    assert_eq!(
        error.to_string(),
        "element 1 (`plan`) at /elements/1/outputs/false/elementId: missing field `elementId`; \
         the file has `elementID`: a misspelling of `elementId`?"
    );

    let mut route: serde_json::Value = serde_json::from_str(&sample()).expect("json");
    route["elements"][2]["properties"]["temperature"] = json!(0.2);
    let error = file::from_json(&route.to_string()).expect_err("unknown field");
    assert_eq!(
        error.location, "/elements/2/properties/temperature",
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

#[test]
fn a_missing_field_names_the_element_and_the_pointer_to_the_field() {
    let mut route: serde_json::Value = serde_json::from_str(&sample()).expect("json");
    let index = route["elements"]
        .as_array()
        .and_then(|elements| elements.iter().position(|e| e["type"] == "model"))
        .expect("a model element");
    route["elements"][index]["properties"]
        .as_object_mut()
        .expect("properties")
        .remove("retries");
    let error = file::from_json(&route.to_string()).expect_err("retries is required");
    let id = route["elements"][index]["id"].as_str().expect("id");
    assert_eq!(
        error.to_string(),
        format!(
            "element {index} (`{id}`) at /elements/{index}/properties/retries: missing field `retries`"
        )
    );
    assert_eq!(error.element, Some((index, Some(id.to_string()))));
}

#[test]
fn a_misspelled_top_level_key_is_named() {
    let text = sample().replacen("\"name\"", "\"nmae\"", 1);
    let error = file::from_json(&text).expect_err("no name");
    assert!(error.to_string().contains("nmae"), "{error}");
}

#[test]
fn a_pinned_id_and_cases_round_trip_in_a_stable_key_order() {
    let text = serde_json::json!({
        "tests": [{"name": "free users", "request": {"metadata": {"plan": "free"}}, "expect": {"end": "end"}}],
        "elements": crate::fixtures::graph(),
        "name": "support-bot",
        "id": "route-7",
    })
    .to_string();
    let route = file::from_json(&text).expect("valid");
    assert_eq!(route.id.as_deref(), Some("route-7"));
    let mut with_schema: serde_json::Value = serde_json::from_str(&text).expect("json");
    with_schema["$schema"] = serde_json::json!("../route-file.schema.json");
    let read = file::from_json(&with_schema.to_string()).expect("an editor's $schema is allowed");
    assert_eq!(read.schema.as_deref(), Some("../route-file.schema.json"));
    assert!(file::to_json(&read).starts_with("{\n  \"$schema\""));
    let written = file::to_json(&route);
    let keys: Vec<usize> = ["\"id\"", "\"name\"", "\"elements\"", "\"tests\""]
        .iter()
        .map(|k| written.find(k).expect("key written"))
        .collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "{written}");
    assert_eq!(file::from_json(&written).expect("reads back"), route);
    assert!(
        !written.contains(".0"),
        "whole numbers are integers: {written}"
    );
}

#[test]
fn cases_beside_a_file_are_read_with_it_and_directories_skip_them() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("support.json");
    std::fs::write(&path, sample()).expect("write");
    std::fs::write(
        dir.path().join("support.tests.json"),
        r#"[{"name": "anyone", "expect": {"models": []}}]"#,
    )
    .expect("write");
    let route: RouteFile = file::read(&path).expect("reads");
    assert_eq!(route.tests.len(), 1);
    assert_eq!(
        file::discover(&[dir.path().to_path_buf()]).expect("lists"),
        [path]
    );
}

/// A directory with `a.json`, `B.JSON` and `sub/c.json`, and the paths discovery should list.
fn tree() -> (tempfile::TempDir, Vec<std::path::PathBuf>) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let root = dir.path();
    std::fs::create_dir(root.join("sub")).expect("a folder");
    let files = [
        root.join("B.JSON"),
        root.join("a.json"),
        root.join("sub").join("c.json"),
    ];
    for file in &files {
        std::fs::write(file, sample()).expect("write");
    }
    (dir, files.to_vec())
}

#[test]
fn a_json_file_in_any_case_is_found() {
    let (dir, files) = tree();
    std::fs::write(dir.path().join("notes.txt"), "not a route").expect("write");
    assert_eq!(
        file::discover(&[dir.path().to_path_buf()]).expect("lists"),
        files
    );
}

#[cfg(unix)]
#[test]
fn links_back_up_the_tree_list_each_file_once_and_end() {
    use std::os::unix::fs::symlink;
    let (dir, files) = tree();
    let root = dir.path();
    symlink(".", root.join("again")).expect("a link to .");
    symlink(".", root.join("once-more")).expect("a second link to .");
    symlink("..", root.join("sub").join("up")).expect("a link to ..");
    symlink(root.join("a.json"), root.join("z-alias.json")).expect("a link to a file");
    let found = file::discover(&[root.to_path_buf()]).expect("lists, and ends");
    assert_eq!(found, files);
    // The same tree named twice, and one of its files named again: still each file once.
    let again = file::discover(&[root.to_path_buf(), root.join("again"), root.join("a.json")])
        .expect("lists");
    assert_eq!(again, files);
}

#[cfg(unix)]
#[test]
fn a_broken_link_is_listed_so_reading_it_names_it() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("temporary folder");
    let link = dir.path().join("gone.json");
    symlink(dir.path().join("missing.json"), &link).expect("a broken link");
    assert_eq!(
        file::discover(&[dir.path().to_path_buf()]).expect("lists"),
        std::slice::from_ref(&link)
    );
    let error = file::read(&link).expect_err("cannot read");
    assert!(error.to_string().contains("gone.json"), "{error}");
}

#[test]
fn file_names_are_safe_for_any_route_name() {
    assert_eq!(file::file_name("support bot/v2"), "support-bot-v2.json");
    assert_eq!(file::file_name(".."), "route.json");
    assert_eq!(file::file_name("support.tests"), "support-tests.json");
    assert_eq!(
        file::file_name("cafe\u{301} bar"),
        "cafe\u{301}-bar.json",
        "a decomposed accent is kept, not made `-`"
    );
    assert_eq!(
        file::file_name("routes.manifest"),
        "routes.manifest-route.json",
        "never the directory's manifest"
    );
}
