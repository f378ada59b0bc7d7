//! `cargo xtask vendor`: cutting our fragment out of a large, upstream-like document.
//!
//! The upstream document is built here from our own spec, so the test needs no network and no
//! multi-megabyte fixture: two of our operations are rewritten to use shared components, and
//! about two hundred unrelated paths with their own components surround them.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use codegen::vendor::{DYNAMIC_ROUTING_PREFIX as PREFIX, cut};
use serde_json::{Map, Value, json};

/// Unrelated paths in the synthetic upstream document.
const UNRELATED: usize = 200;

fn committed_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(codegen::SPEC_PATH)
}

fn committed() -> Vec<u8> {
    std::fs::read(committed_path()).expect("the committed spec is readable")
}

fn committed_json() -> Value {
    serde_json::from_slice(&committed()).expect("the committed spec is JSON")
}

/// `#/paths/<path>` as a JSON pointer.
fn path_pointer(path: &str) -> String {
    format!("#/paths/{}", path.replace('~', "~0").replace('/', "~1"))
}

fn reference(kind: &str, name: &str) -> Value {
    json!({ "$ref": format!("#/components/{kind}/{name}") })
}

/// Our ten operations, two of them rewritten to use components, with the components they use.
fn routing_paths(components: &mut BTreeMap<&str, Map<String, Value>>) -> Map<String, Value> {
    let spec = committed_json();
    let mut paths = spec["paths"].as_object().expect("paths").clone();
    let one = format!("{PREFIX}/{{id}}");
    let get = paths[&one]["get"].clone();
    let parameters = get["parameters"].as_array().expect("parameters").clone();
    let bad_request = get["responses"]["400"].clone();
    let error_schema = bad_request["content"]["application/json"]["schema"].clone();

    // parameter -> schema, response -> schema -> schema: reachable only transitively.
    let mut account_id = parameters[0].clone();
    components
        .entry("schemas")
        .or_default()
        .insert("AccountId".into(), account_id["schema"].take());
    account_id["schema"] = reference("schemas", "AccountId");
    let kept = components.entry("parameters").or_default();
    kept.insert("account_id".into(), account_id);
    kept.insert("gateway_id".into(), parameters[1].clone());
    kept.insert("route_id".into(), parameters[2].clone());

    let mut envelope = error_schema.clone();
    let message = envelope["properties"]["errors"]["items"].take();
    envelope["properties"]["errors"]["items"] = reference("schemas", "ErrorMessage");
    let schemas = components.entry("schemas").or_default();
    schemas.insert("ErrorMessage".into(), message);
    schemas.insert("ErrorEnvelope".into(), envelope);
    let mut response = bad_request.clone();
    response["content"]["application/json"]["schema"] = reference("schemas", "ErrorEnvelope");
    components
        .entry("responses")
        .or_default()
        .insert("BadRequest".into(), response);

    let get = &mut paths[&one]["get"];
    get["parameters"] = json!([
        reference("parameters", "account_id"),
        reference("parameters", "gateway_id"),
        reference("parameters", "route_id"),
    ]);
    get["responses"]["400"] = reference("responses", "BadRequest");

    let post = &mut paths[PREFIX]["post"];
    assert_eq!(post["parameters"], json!(parameters[..2]));
    post["parameters"] = json!([
        reference("parameters", "account_id"),
        reference("parameters", "gateway_id"),
    ]);
    post["responses"]["400"]["content"]["application/json"]["schema"] =
        reference("schemas", "ErrorEnvelope");
    let mut body = post["requestBody"].take();
    components.entry("schemas").or_default().insert(
        "CreateRouteBody".into(),
        body["content"]["application/json"]["schema"].take(),
    );
    body["content"]["application/json"]["schema"] = reference("schemas", "CreateRouteBody");
    components
        .entry("requestBodies")
        .or_default()
        .insert("CreateRoute".into(), body);
    post["requestBody"] = reference("requestBodies", "CreateRoute");
    paths
}

/// One unrelated operation, using its own components and some shared ones.
fn unrelated_item(n: usize) -> Value {
    let mut responses = json!({
        "200": {
            "description": "OK",
            "content": { "application/json": { "schema": reference("schemas", &format!("DnsRecord{n}")) } }
        },
        "400": reference("responses", "BadRequest"),
        "404": reference("responses", "DnsNotFound"),
    });
    if n == 7 {
        // Upstream breakage outside our paths must not block vendoring.
        responses["500"] = reference("responses", "NotDefinedAnywhere");
    }
    let mut parameters = vec![reference("parameters", "zone_id")];
    if n == 8 {
        parameters.push(json!({ "name": "no_in_field" }));
    }
    json!({
        "get": {
            "operationId": format!("dns-records-get-{n}"),
            "tags": ["DNS Records"],
            "parameters": parameters,
            "security": [{ "user_service_key": [] }, { "api_token": [] }],
            "responses": responses,
        }
    })
}

/// The synthetic upstream document and the components the cut must keep from it.
fn upstream() -> (Value, BTreeMap<String, BTreeSet<String>>) {
    let spec = committed_json();
    let mut components: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    let routing = routing_paths(&mut components);
    let mut expected: BTreeMap<String, BTreeSet<String>> = components
        .iter()
        .map(|(kind, entries)| (kind.to_string(), entries.keys().cloned().collect()))
        .collect();
    expected.insert(
        "securitySchemes".into(),
        ["api_email", "api_key", "api_token"]
            .map(String::from)
            .into(),
    );

    let schemas = components.entry("schemas").or_default();
    for n in 0..UNRELATED {
        schemas.insert(
            format!("DnsRecord{n}"),
            json!({ "type": "object", "properties": { "zone": reference("schemas", "ZoneId") } }),
        );
    }
    schemas.insert("ZoneId".into(), json!({ "type": "string" }));
    // Unrelated, but refers to a shared schema: the reference must not pull it in.
    schemas.insert(
        "DnsError".into(),
        json!({ "type": "object", "properties": { "error": reference("schemas", "ErrorMessage") } }),
    );
    schemas.insert("LegacyRoute".into(), json!({ "type": "object" }));
    schemas.insert("Unused".into(), json!({ "type": "boolean" }));
    components.entry("parameters").or_default().insert(
        "zone_id".into(),
        json!({ "in": "path", "name": "zone_id", "required": true, "schema": reference("schemas", "ZoneId") }),
    );
    components.entry("responses").or_default().insert(
        "DnsNotFound".into(),
        json!({ "description": "Not found", "content": { "application/json": { "schema": reference("schemas", "DnsError") } } }),
    );
    components
        .entry("examples")
        .or_default()
        .insert("UnusedExample".into(), json!({ "value": { "id": "x" } }));
    let mut schemes = spec["components"]["securitySchemes"]
        .as_object()
        .expect("securitySchemes")
        .clone();
    schemes.insert(
        "user_service_key".into(),
        json!({ "type": "apiKey", "in": "header", "name": "X-Auth-User-Service-Key" }),
    );
    schemes.insert(
        "oauth_unused".into(),
        json!({ "type": "http", "scheme": "basic" }),
    );

    // Routing paths in the middle, with near misses that share the prefix's start.
    let mut paths = Map::new();
    for n in 0..UNRELATED / 2 {
        paths.insert(
            format!("/zones/{{zone_id}}/dns_records/{n}"),
            unrelated_item(n),
        );
    }
    let legacy = json!({ "get": {
        "operationId": "legacy-routes",
        "tags": ["Legacy"],
        "responses": { "200": { "description": "OK", "content": { "application/json": { "schema": reference("schemas", "LegacyRoute") } } } }
    }});
    paths.insert(format!("{PREFIX}-legacy"), legacy.clone());
    paths.extend(routing);
    paths.insert(
        "/accounts/{account_id}/ai-gateway/gateways/{gateway_id}".into(),
        legacy.clone(),
    );
    paths.insert(format!("{PREFIX}legacy/{{id}}"), legacy);
    for n in UNRELATED / 2..UNRELATED {
        paths.insert(
            format!("/zones/{{zone_id}}/dns_records/{n}"),
            unrelated_item(n),
        );
    }

    let mut components: Map<String, Value> = components
        .into_iter()
        .map(|(kind, entries)| (kind.to_string(), Value::Object(entries)))
        .collect();
    components.insert("securitySchemes".into(), Value::Object(schemes));
    let document = json!({
        "openapi": spec["openapi"],
        "info": spec["info"],
        "servers": spec["servers"],
        "paths": paths,
        "components": components,
        "tags": [
            { "name": "DNS Records" },
            { "name": "AI Gateway Dynamic Routes", "description": "Dynamic routing." },
            { "name": "Legacy" },
        ],
        "x-upstream-only": true,
        "externalDocs": { "url": "https://developers.cloudflare.com/api/" },
    });
    (document, expected)
}

fn bytes(document: &Value) -> Vec<u8> {
    serde_json::to_vec(document).expect("serialisable")
}

fn parsed(text: &str) -> Value {
    serde_json::from_str(text).expect("the fragment is JSON")
}

/// Reverses the key order of every object (arrays keep theirs).
fn reversed(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .rev()
                .map(|(k, v)| (k.clone(), reversed(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(reversed).collect()),
        other => other.clone(),
    }
}

fn assert_keys_sorted(value: &Value, at: &str) {
    match value {
        Value::Object(map) => {
            let keys: Vec<&String> = map.keys().collect();
            assert!(keys.is_sorted(), "keys at {at} are not sorted: {keys:?}");
            for (key, child) in map {
                assert_keys_sorted(child, &format!("{at}/{key}"));
            }
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, child)| assert_keys_sorted(child, &format!("{at}/{i}"))),
        _ => {}
    }
}

fn run(args: &[&std::ffi::OsStr]) -> (u8, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv: Vec<OsString> = ["xtask".as_ref()]
        .iter()
        .chain(args)
        .map(|a| a.to_os_string())
        .collect();
    let code = xtask::run(argv, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).expect("utf-8 stdout"),
        String::from_utf8(err).expect("utf-8 stderr"),
    )
}

/// A workspace root holding only the committed spec, plus `upstream` written beside it.
fn workspace(upstream: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().expect("temp dir");
    let spec = root.path().join(codegen::SPEC_PATH);
    std::fs::create_dir_all(spec.parent().expect("spec folder")).expect("spec folder");
    std::fs::write(&spec, committed()).expect("spec copied");
    let from = root.path().join("upstream-openapi.json");
    std::fs::write(&from, upstream).expect("upstream written");
    (root, from)
}

fn vendor_in(root: &Path, from: &Path) -> (u8, String, String) {
    run(&[
        "--root".as_ref(),
        root.as_os_str(),
        "vendor".as_ref(),
        "--from".as_ref(),
        from.as_os_str(),
    ])
}

fn spec_in(root: &Path) -> Vec<u8> {
    std::fs::read(root.join(codegen::SPEC_PATH)).expect("spec readable")
}

#[test]
fn committed_spec_is_a_fixed_point() {
    let spec = committed();
    let text = cut(&spec).expect("the committed spec cuts");
    assert!(
        text.as_bytes() == spec,
        "cut(spec) differs from the committed spec"
    );
}

#[test]
fn keeps_exactly_the_routing_paths() {
    let (document, _) = upstream();
    let fragment = parsed(&cut(&bytes(&document)).expect("cut"));
    let kept: BTreeSet<&String> = fragment["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .collect();
    let spec = committed_json();
    let wanted: BTreeSet<&String> = spec["paths"].as_object().expect("paths").keys().collect();
    assert_eq!(kept, wanted);
    assert_eq!(codegen::vendor::operation_count(&fragment), 10);
    // Each kept path item is upstream's, unchanged.
    for path in kept {
        assert_eq!(fragment["paths"][path], document["paths"][path], "{path}");
    }
}

#[test]
fn keeps_exactly_the_referenced_components() {
    let (document, expected) = upstream();
    let fragment = parsed(&cut(&bytes(&document)).expect("cut"));
    let kept: BTreeMap<String, BTreeSet<String>> = fragment["components"]
        .as_object()
        .expect("components")
        .iter()
        .map(|(kind, entries)| {
            let names = entries.as_object().expect("a components map").keys();
            (kind.clone(), names.cloned().collect())
        })
        .collect();
    assert_eq!(kept, expected);
    // The shared ones are there, found only through other components.
    assert!(kept["schemas"].contains("ErrorMessage"));
    assert!(kept["schemas"].contains("AccountId"));
    for (kind, names) in &kept {
        for name in names {
            assert_eq!(
                fragment["components"][kind][name], document["components"][kind][name],
                "{kind}/{name}"
            );
        }
    }
}

#[test]
fn keeps_only_named_security_schemes_and_tags() {
    let (document, _) = upstream();
    let fragment = parsed(&cut(&bytes(&document)).expect("cut"));
    let schemes: Vec<&String> = fragment["components"]["securitySchemes"]
        .as_object()
        .expect("securitySchemes")
        .keys()
        .collect();
    assert_eq!(schemes, ["api_email", "api_key", "api_token"]);
    assert_eq!(
        fragment["tags"],
        json!([{ "name": "AI Gateway Dynamic Routes", "description": "Dynamic routing." }])
    );
    let top: Vec<&String> = fragment.as_object().expect("object").keys().collect();
    assert_eq!(
        top,
        ["components", "info", "openapi", "paths", "servers", "tags"]
    );
    assert_eq!(fragment["info"], document["info"]);
    assert_eq!(fragment["servers"], document["servers"]);
}

#[test]
fn keeps_top_level_security_and_its_schemes() {
    let (mut document, _) = upstream();
    document["security"] = json!([{ "oauth_unused": [] }]);
    let fragment = parsed(&cut(&bytes(&document)).expect("cut"));
    assert_eq!(fragment["security"], document["security"]);
    let schemes: Vec<&String> = fragment["components"]["securitySchemes"]
        .as_object()
        .expect("securitySchemes")
        .keys()
        .collect();
    assert_eq!(
        schemes,
        ["api_email", "api_key", "api_token", "oauth_unused"]
    );
}

#[test]
fn output_is_sorted_and_deterministic() {
    let (document, _) = upstream();
    let first = cut(&bytes(&document)).expect("cut");
    assert_eq!(first, cut(&bytes(&document)).expect("cut again"));

    let shuffled = bytes(&reversed(&document));
    assert_ne!(shuffled, bytes(&document), "the shuffle changed nothing");
    assert_eq!(first, cut(&shuffled).expect("cut shuffled"));
    let pretty = serde_json::to_vec_pretty(&document).expect("serialisable");
    assert_eq!(first, cut(&pretty).expect("cut pretty-printed"));

    let fragment = parsed(&first);
    assert_keys_sorted(&fragment, "#");
    let mut again = serde_json::to_string_pretty(&fragment).expect("serialisable");
    again.push('\n');
    assert_eq!(first, again, "not in to_string_pretty's layout");
    assert!(first.ends_with("}\n") && !first.ends_with("\n\n"));
}

#[test]
fn xtask_vendor_writes_a_spec_that_generates() {
    let (document, _) = upstream();
    let (root, from) = workspace(&bytes(&document));
    let (code, out, err) = vendor_in(root.path(), &from);
    assert_eq!(code, xtask::EXIT_OK, "stdout: {out}\nstderr: {err}");
    assert!(
        out.contains("vendored 10 operation(s) from")
            && out.contains("now run `cargo xtask regenerate`"),
        "{out}"
    );
    assert!(err.is_empty(), "{err}");
    let written = spec_in(root.path());
    assert_eq!(written, cut(&bytes(&document)).expect("cut").into_bytes());
    let generated = tests::generate(&written).expect("the vendored spec generates");
    // References are inlined before naming, so the rewritten operations generate the same code.
    let committed = tests::generate(&committed()).expect("the committed spec generates");
    assert_eq!(generated, committed);

    let (code, out, _) = vendor_in(root.path(), &from);
    assert_eq!(code, xtask::EXIT_OK);
    assert!(out.contains("is already up to date with"), "{out}");
    assert_eq!(spec_in(root.path()), written);
}

#[test]
fn xtask_vendor_of_the_committed_spec_changes_nothing() {
    let (root, from) = workspace(&committed());
    let (code, out, err) = vendor_in(root.path(), &from);
    assert_eq!(code, xtask::EXIT_OK, "{err}");
    assert_eq!(
        out,
        format!(
            "{} is already up to date with {}\n",
            codegen::SPEC_PATH,
            from.display()
        )
    );
    assert_eq!(spec_in(root.path()), committed());
}

#[test]
fn no_routing_paths_is_an_error_and_leaves_the_spec() {
    let (mut document, _) = upstream();
    document["paths"]
        .as_object_mut()
        .expect("paths")
        .retain(|path, _| !path.starts_with(&format!("{PREFIX}/")) && path != PREFIX);
    let (root, from) = workspace(&bytes(&document));
    let (code, _, err) = vendor_in(root.path(), &from);
    assert_eq!(code, xtask::EXIT_BAD_INPUT);
    assert!(err.contains(PREFIX) && err.contains("#/paths"), "{err}");
    assert!(err.contains(&from.display().to_string()), "{err}");
    assert_eq!(spec_in(root.path()), committed());
}

#[test]
fn dangling_ref_in_a_path_is_an_error_at_its_pointer() {
    let (mut document, _) = upstream();
    let one = format!("{PREFIX}/{{id}}");
    document["paths"][&one]["get"]["parameters"][2] = reference("parameters", "missing");
    let (root, from) = workspace(&bytes(&document));
    let (code, _, err) = vendor_in(root.path(), &from);
    assert_eq!(code, xtask::EXIT_BAD_INPUT);
    let at = format!("{}/get/parameters/2/$ref", path_pointer(&one));
    assert!(err.contains(&at), "expected {at} in: {err}");
    assert!(err.contains("#/components/parameters/missing"), "{err}");
    assert_eq!(spec_in(root.path()), committed());
}

#[test]
fn dangling_ref_in_a_component_is_an_error_at_its_pointer() {
    let (mut document, _) = upstream();
    document["components"]["schemas"]["ErrorEnvelope"]["properties"]["errors"]["items"] =
        reference("schemas", "Gone");
    let error = cut(&bytes(&document)).expect_err("dangling");
    assert_eq!(
        error.location,
        "#/components/schemas/ErrorEnvelope/properties/errors/items/$ref"
    );
    assert!(
        error.message.contains("#/components/schemas/Gone"),
        "{error}"
    );
}

#[test]
fn non_local_and_non_component_refs_are_errors() {
    let one = format!("{PREFIX}/{{id}}");
    let at = format!("{}/get/responses/400/$ref", path_pointer(&one));
    for target in [
        "https://example.com/openapi.json#/components/responses/BadRequest",
        "#/paths/~1zones~1{zone_id}~1dns_records~10/get/responses/400",
    ] {
        let (mut document, _) = upstream();
        document["paths"][&one]["get"]["responses"]["400"] = json!({ "$ref": target });
        let error = cut(&bytes(&document)).expect_err(target);
        assert_eq!(error.location, at, "{target}");
        assert!(error.message.contains(target), "{error}");
    }
}

#[test]
fn undefined_security_scheme_is_an_error() {
    let (mut document, _) = upstream();
    document["paths"][PREFIX]["get"]["security"] = json!([{ "api_token": [] }, { "nope": [] }]);
    let error = cut(&bytes(&document)).expect_err("undefined scheme");
    assert_eq!(
        error.location,
        format!("{}/get/security/1/nope", path_pointer(PREFIX))
    );
    assert!(error.message.contains("`nope`"), "{error}");
}

#[test]
fn bad_documents_are_errors() {
    let cases: [(&[u8], &str); 5] = [
        (b"  \n", "#"),
        (
            b"{\n  \"openapi\": \"3.0.3\",\n  oops\n}",
            "line 3, column 3",
        ),
        (b"[1, 2]", "#"),
        (br#"{"openapi": "3.1.0", "paths": {}}"#, "#/openapi"),
        (br#"{"swagger": "2.0", "paths": {}}"#, "#/swagger"),
    ];
    for (input, location) in cases {
        let error = cut(input).expect_err(location);
        assert_eq!(error.location, location, "{error}");
    }
}

#[test]
fn missing_from_file_is_an_error() {
    let (root, _) = workspace(b"{}");
    let from = root.path().join("does-not-exist.json");
    let (code, out, err) = vendor_in(root.path(), &from);
    assert_eq!(code, xtask::EXIT_BAD_INPUT);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("does-not-exist.json"), "{err}");
    assert_eq!(spec_in(root.path()), committed());
}
