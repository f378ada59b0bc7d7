//! Contract test: the client against Stoplight Prism mocking the vendored spec with `--errors`.
//!
//! With `--errors`, Prism validates every request against the spec (path, query, headers,
//! security, body) and refuses one that does not conform (401, 404, or the operation's
//! documented 400 where it would otherwise say 422); otherwise it answers with a body it
//! generates from the spec's response schema. So every operation made through the client must
//! succeed (the client sends what the spec says) and decode (the client reads what the spec
//! says the API answers).
//!
//! Prism comes from `.ci/install-prism` (into `target/ci-tools/prism`), or from `PRISM_BIN`.
//! Without it the tests are skipped with a note, except under `CI=true`, where they fail.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::Read;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cloudflare_dynamic_routing::types::RouteElement;
use cloudflare_dynamic_routing::{Client, Credentials, Gateway, PageRequest, RetryPolicy};
use serde_json::{Value, json};

const ACCOUNT: &str = "0d37909e38d3e99c29fa2cd343ac421a";
const GATEWAY: &str = "54442216";
const ROUTE_ID: &str = "route-1";
const VERSION_ID: &str = "version-1";

/// How long Prism may take to load the spec and listen.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// How often to look whether it listens yet.
const POLL: Duration = Duration::from_millis(100);
/// How many free ports to try if another process takes the one picked before Prism binds it.
const PORT_ATTEMPTS: usize = 5;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The Prism binary: `PRISM_BIN`, else the one `.ci/install-prism` installs.
fn prism_bin() -> PathBuf {
    match std::env::var_os("PRISM_BIN") {
        Some(bin) if !bin.is_empty() => PathBuf::from(bin),
        _ => workspace_root().join("target/ci-tools/prism/node_modules/.bin/prism"),
    }
}

/// A running `prism mock`; killed (and reaped) when dropped, also when a test panics.
struct Prism {
    child: Child,
    base_url: String,
    log: File,
}

impl Prism {
    /// Starts `prism mock --errors` (plus `extra` arguments) on the vendored spec, or returns
    /// `None` (after a note) where Prism is not installed and this is not CI. Panics under
    /// `CI=true` if it is not installed, and wherever it does not start.
    fn start(extra: &[&str]) -> Option<Self> {
        let bin = prism_bin();
        if !bin.is_file() {
            let message = format!(
                "Prism not found at {} (set PRISM_BIN, or run `bash .ci/install-prism`)",
                bin.display()
            );
            if std::env::var("CI").is_ok_and(|ci| ci == "true") {
                panic!("{message}: CI must run .ci/install-prism before the tests");
            }
            eprintln!("note: skipping the Prism contract test: {message}");
            return None;
        }
        let spec = workspace_root().join("spec/dynamic-routing.openapi.json");
        let mut last_failure = String::new();
        for _ in 0..PORT_ATTEMPTS {
            match Self::try_start(&bin, &spec, extra) {
                Ok(prism) => return Some(prism),
                Err(Start::PortTaken(log)) => last_failure = log,
                Err(Start::Failed(message)) => panic!("{message}"),
            }
        }
        panic!(
            "Prism could not bind a free port in {PORT_ATTEMPTS} attempts; last output:\n{last_failure}"
        );
    }

    fn try_start(bin: &Path, spec: &Path, extra: &[&str]) -> Result<Self, Start> {
        let port = free_port();
        // Prism's output goes to a file, not a pipe nobody drains, and is shown on failure.
        let log = tempfile::tempfile().expect("a temporary file for Prism's output");
        let child = Command::new(bin)
            .args([
                "mock",
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "--errors",
            ])
            .args(extra)
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("dup the log file"))
            .stderr(log.try_clone().expect("dup the log file"))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
        // From here on, the guard kills Prism whatever happens.
        let mut prism = Self {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            log,
        };
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let ready = format!("Prism is listening on http://127.0.0.1:{port}");
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if let Some(status) = prism.child.try_wait().expect("poll Prism") {
                let output = prism.output();
                return Err(if output.contains("EADDRINUSE") {
                    Start::PortTaken(output)
                } else {
                    Start::Failed(format!("Prism exited early ({status}):\n{output}"))
                });
            }
            // Ready when our own Prism says it listens on our port and the port answers: a
            // connection alone may reach another test's Prism that was handed the same port,
            // while ours is still starting (and will then fail with EADDRINUSE).
            if prism.output().contains(&ready) && TcpStream::connect_timeout(&address, POLL).is_ok()
            {
                return Ok(prism);
            }
            if Instant::now() >= deadline {
                return Err(Start::Failed(format!(
                    "Prism did not listen on {address} within {STARTUP_TIMEOUT:?}:\n{}",
                    prism.output()
                )));
            }
            std::thread::sleep(POLL);
        }
    }

    /// Everything Prism printed so far.
    fn output(&mut self) -> String {
        use std::io::Seek;
        let mut text = String::new();
        let _ = self.log.rewind();
        let _ = self.log.read_to_string(&mut text);
        text
    }

    /// A client for this Prism: the given credentials, no retries, a short timeout.
    fn client(&self, credentials: Credentials) -> Client {
        Client::builder()
            .base_url(&self.base_url)
            .credentials(credentials)
            .retry_policy(RetryPolicy::none())
            .timeout(Duration::from_secs(20))
            .build()
            .expect("client")
    }

    fn routes_url(&self) -> String {
        format!(
            "{}/accounts/{ACCOUNT}/ai-gateway/gateways/{GATEWAY}/routes",
            self.base_url
        )
    }
}

enum Start {
    PortTaken(String),
    Failed(String),
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- Prism's output ---\n{}", self.output());
        }
    }
}

/// A port that was free a moment ago (the OS picks it; the listener is dropped at once).
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

/// start → model → end, valid for `graph::validate` and for the spec.
fn graph() -> Vec<RouteElement> {
    serde_json::from_value(json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "model"}}},
        {"id": "model", "type": "model",
         "properties": {"provider": "openai", "model": "gpt-4o-mini", "retries": 1, "timeout": 1000},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}},
        {"id": "end", "type": "end", "outputs": {}}
    ]))
    .expect("the graph decodes")
}

/// Unwraps a call's result, naming the operation and showing the whole error (for a decode
/// error: the path to the field that did not decode; for an API error: Prism's body).
fn ok<T>(operation: &str, result: Result<T, cloudflare_dynamic_routing::Error>) -> T {
    result.unwrap_or_else(|e| panic!("{operation} failed against Prism: {e}\n{e:?}"))
}

/// What the ten calls decoded: how many graph elements, and of which kinds.
#[derive(Debug, Default)]
struct Decoded {
    elements: usize,
    kinds: BTreeSet<String>,
}

impl Decoded {
    /// Every element of a decoded graph (`elements`, re-encoded) has a kind and an id. Taken
    /// as JSON so that this test names no payload type but `RouteElement`.
    fn elements(&mut self, operation: &str, elements: serde_json::Result<Value>) {
        let elements = elements.expect("decoded elements encode");
        let elements = match elements {
            Value::Null => return,
            Value::Array(elements) => elements,
            other => panic!("{operation}: elements are not a list: {other}"),
        };
        for element in elements {
            let (Some(_), Some(kind)) = (element["id"].as_str(), element["type"].as_str()) else {
                panic!("{operation}: element without id or type: {element}");
            };
            self.elements += 1;
            self.kinds.insert(kind.to_string());
        }
    }
}

/// Calls all ten operations through the high-level client; each must pass Prism's request
/// validation (else Prism answers 400/401/404 and the call fails) and decode.
async fn call_every_operation(gateway: &Gateway<'_>) -> Decoded {
    let mut decoded = Decoded::default();

    let page = ok(
        "list_routes",
        gateway
            .list_routes(PageRequest::new(2, 5).expect("page"))
            .await,
    );
    assert!(page.page.get().is_finite() && page.per_page.get().is_finite());
    for route in &page.routes {
        assert!(!route.id.is_empty(), "list_routes: route without id");
        decoded.elements("list_routes", serde_json::to_value(&route.elements));
    }

    let created = ok(
        "create_route",
        gateway.create_route("contract", graph()).await,
    );
    assert!(!created.id.is_empty(), "create_route: route without id");
    decoded.elements("create_route", serde_json::to_value(&created.elements));

    let route = ok("get_route", gateway.get_route(ROUTE_ID).await);
    assert!(!route.id.is_empty(), "get_route: route without id");
    decoded.elements("get_route", serde_json::to_value(&route.elements));

    let renamed = ok(
        "update_route",
        gateway.update_route(ROUTE_ID, "contract-renamed").await,
    );
    assert!(!renamed.id.is_empty(), "update_route: route without id");
    decoded.elements("update_route", serde_json::to_value(&renamed.elements));

    let versions = ok("list_versions", gateway.list_versions(ROUTE_ID).await);
    assert!(versions.page.get().is_finite());
    for version in &versions.versions {
        assert!(
            !version.version_id.is_empty(),
            "list_versions: no version id"
        );
    }

    let with_version = ok(
        "create_version",
        gateway.create_version(ROUTE_ID, graph()).await,
    );
    assert!(
        !with_version.id.is_empty(),
        "create_version: route without id"
    );
    decoded.elements(
        "create_version",
        serde_json::to_value(&with_version.elements),
    );

    let version = ok(
        "get_version",
        gateway.get_version(ROUTE_ID, VERSION_ID).await,
    );
    assert!(!version.version_id.is_empty(), "get_version: no version id");
    decoded.elements("get_version", serde_json::to_value(&version.elements));

    let deployments = ok("list_deployments", gateway.list_deployments(ROUTE_ID).await);
    assert!(deployments.page.get().is_finite());
    for deployment in &deployments.deployments {
        assert!(
            !deployment.deployment_id.is_empty(),
            "list_deployments: no id"
        );
    }

    let deployed = ok(
        "create_deployment",
        gateway.create_deployment(ROUTE_ID, VERSION_ID).await,
    );
    assert!(
        !deployed.id.is_empty(),
        "create_deployment: route without id"
    );
    decoded.elements(
        "create_deployment",
        serde_json::to_value(&deployed.elements),
    );

    let deleted = ok("delete_route", gateway.delete_route(ROUTE_ID).await);
    assert!(!deleted.id.is_empty(), "delete_route: route without id");
    decoded.elements("delete_route", serde_json::to_value(&deleted.elements));

    decoded
}

/// Prism's static responses: every property of every schema, the first `oneOf` branch (so
/// every element is a `start`), one item per array.
#[tokio::test]
async fn every_operation_passes_prism_validation_and_decodes() {
    let Some(prism) = Prism::start(&[]) else {
        return;
    };
    let client = prism.client(Credentials::api_token("prism-contract-token"));
    let decoded = call_every_operation(&client.gateway(ACCOUNT, GATEWAY)).await;
    // Seven operations answer with graphs; an empty one would leave element decoding untested.
    assert!(decoded.elements >= 7, "{decoded:?}");
}

/// Prism's dynamic responses, seeded so that every run sees the same bodies: random `oneOf`
/// branches (other element kinds), arrays of any length, and properties the spec does not
/// name (which the client must ignore).
#[tokio::test]
async fn every_operation_decodes_prism_dynamic_responses() {
    let Some(prism) = Prism::start(&["--dynamic", "--seed", "dynamic-routing-contract"]) else {
        return;
    };
    let client = prism.client(Credentials::api_token("prism-contract-token"));
    let decoded = call_every_operation(&client.gateway(ACCOUNT, GATEWAY)).await;
    eprintln!("dynamic responses decoded {decoded:?}");
}

#[tokio::test]
async fn global_api_key_credentials_pass_prism_validation() {
    let Some(prism) = Prism::start(&[]) else {
        return;
    };
    let client = prism.client(Credentials::global_api_key(
        "contract@example.com",
        "prism-contract-key",
    ));
    let gateway = client.gateway(ACCOUNT, GATEWAY);
    let route = ok("get_route", gateway.get_route(ROUTE_ID).await);
    assert!(!route.id.is_empty(), "get_route: route without id");
    let created = ok(
        "create_route",
        gateway.create_route("contract", graph()).await,
    );
    assert!(!created.id.is_empty(), "create_route: route without id");
}

/// What Prism answered to a request that breaks the spec: its status, its `sl-violations`
/// header (where it lists what it found wrong) and its body.
async fn refusal(request: reqwest::RequestBuilder) -> (u16, String, String) {
    let response = request.send().await.expect("Prism answers");
    let status = response.status().as_u16();
    let violations = response
        .headers()
        .get("sl-violations")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    (
        status,
        violations,
        response.text().await.unwrap_or_default(),
    )
}

/// Prism really validates: requests that break the spec are refused, so the successes above
/// mean the client's requests conform. (Where an operation documents an error response, as
/// every one here documents 400, Prism answers a validation failure with it rather than 422,
/// and lists the violations in `sl-violations`.)
#[tokio::test]
async fn prism_rejects_requests_that_break_the_spec() {
    let Some(prism) = Prism::start(&[]) else {
        return;
    };
    let http = cloudflare_dynamic_routing::http_client_builder()
        .expect("TLS setup")
        .timeout(Duration::from_secs(20))
        .build()
        .expect("reqwest client");
    let routes = prism.routes_url();
    let token = "prism-contract-token";

    // No credentials at all: the security requirement fails.
    let (status, _, body) = refusal(http.get(&routes)).await;
    assert_eq!(status, 401, "no credentials: {body}");

    // An email without its API key satisfies neither alternative of the requirement.
    let (status, _, body) = refusal(
        http.get(&routes)
            .header("X-Auth-Email", "contract@example.com"),
    )
    .await;
    assert_eq!(status, 401, "email without key: {body}");

    // A query parameter below its minimum.
    let (status, violations, body) = refusal(
        http.get(&routes)
            .bearer_auth(token)
            .query(&[("per_page", "0")]),
    )
    .await;
    assert_eq!(status, 400, "per_page=0: {body}");
    assert!(violations.contains(r#""query","per_page""#), "{violations}");

    // A body without a required property.
    let (status, violations, body) = refusal(
        http.post(&routes)
            .bearer_auth(token)
            .json(&json!({"name": "contract"})),
    )
    .await;
    assert_eq!(status, 400, "body without elements: {body}");
    assert!(violations.contains("'elements'"), "{violations}");

    // A body whose element matches none of the element kinds.
    let (status, violations, body) = refusal(http.post(&routes).bearer_auth(token).json(
        &json!({"name": "contract", "elements": [{"id": "x", "type": "teleport", "outputs": {}}]}),
    ))
    .await;
    assert_eq!(status, 400, "unknown element kind: {body}");
    assert!(violations.contains(r#""code":"oneOf""#), "{violations}");

    // A path the spec does not have.
    let (status, _, body) = refusal(
        http.get(format!("{routes}/{ROUTE_ID}/nonsense"))
            .bearer_auth(token),
    )
    .await;
    assert_eq!(status, 404, "unknown path: {body}");

    // And the same valid request Prism accepts, sent through the client's raw (generated) API.
    let client = prism.client(Credentials::api_token("prism-contract-token"));
    let raw = client
        .raw()
        .get_route()
        .account_id(ACCOUNT)
        .gateway_id(GATEWAY)
        .id(ROUTE_ID)
        .send()
        .await
        .unwrap_or_else(|e| panic!("raw get_route failed against Prism: {e}"));
    assert_eq!(raw.status().as_u16(), 200);
    let value: Value = serde_json::to_value(raw.into_inner()).expect("encodes");
    assert!(value["result"]["id"].is_string(), "raw get_route: {value}");
}
