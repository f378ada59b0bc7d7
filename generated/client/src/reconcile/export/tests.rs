//! Export without a server: the file names chosen for routes, and the routes that cannot be
//! written as files.

use serde_json::json;

use super::*;

fn route(id: &str, name: &str) -> Route {
    let mut route = crate::fixtures::full_route();
    route["id"] = json!(id);
    route["name"] = json!(name);
    serde_json::from_value(route).expect("a route")
}

fn names(export: &Export) -> Vec<&str> {
    export.files.iter().map(|f| f.file_name.as_str()).collect()
}

#[test]
fn each_route_gets_a_file_name_a_file_system_accepts_and_no_two_names_collide() {
    let long = "x".repeat(300);
    let export = export_routes(vec![
        route("r1", "support"),
        route("r2", "Support"),
        route("r3", "a/b c"),
        route("r4", "CON"),
        route("r5", &long),
        route("r6", "support"),
    ])
    .expect("exported");
    let names = names(&export);
    assert_eq!(
        names[..5],
        [
            "support.json",
            "Support-r2.json",
            "a-b-c.json",
            "CON-r4.json",
            names[4]
        ]
    );
    assert_eq!(names[4], format!("{}-r5.json", "x".repeat(255 - 8)));
    assert_eq!(names[4].len(), 255);
    assert_eq!(names[5], "support-r6.json");
    let file = &export.files[1].route;
    assert_eq!(
        (file.name.as_str(), file.id.as_deref()),
        ("Support", Some("r2"))
    );
}

#[test]
fn a_route_without_a_graph_is_not_exported_and_says_which() {
    let mut bare = crate::fixtures::listed_route();
    bare["id"] = json!("r7");
    let object = bare.as_object_mut().expect("an object");
    object.remove("elements");
    if let Some(version) = object.get_mut("version").and_then(|v| v.as_object_mut()) {
        version.remove("data");
    }
    let listed: Route = serde_json::from_value(bare).expect("a route");
    assert!(
        listed.graph().is_none(),
        "a route as listed, without its graph"
    );
    let error = export_routes(vec![route("r1", "a"), listed]).expect_err("no graph");
    assert!(
        matches!(&error, ReconcileError::NotExportable { route_id, .. } if route_id == "r7"),
        "{error:?}"
    );
    assert!(
        error.to_string().ends_with("nothing was written"),
        "{error}"
    );
}

#[test]
fn names_one_file_after_unicode_normalisation_or_case_folding_do_not_collide() {
    let composed = "caf\u{e9}";
    let decomposed = "cafe\u{301}";
    assert_ne!(composed, decomposed, "two spellings of one name");
    // The Hangul syllable 가 composed and as its two jamo: letters only, so normalisation
    // alone must find the collision.
    let export = export_routes(vec![
        route("r1", composed),
        route("r2", decomposed),
        route("r3", "Caf\u{e9}"),
        route("r4", "CAFE\u{301}"),
        route("r5", "stra\u{df}e"),
        route("r6", "STRASSE"),
        route("r7", "\u{ac00}"),
        route("r8", "\u{1100}\u{1161}"),
    ])
    .expect("exported");
    assert_eq!(
        names(&export),
        [
            "caf\u{e9}.json",
            "cafe\u{301}-r2.json",
            "Caf\u{e9}-r3.json",
            "CAFE\u{301}-r4.json",
            "stra\u{df}e.json",
            "STRASSE.json",
            "\u{ac00}.json",
            "\u{1100}\u{1161}-r8.json",
        ],
        "`ß` and `SS` are left apart: lower-casing alone does not join them"
    );
}
