//! Configuration: credentials and base URL read through `ClientBuilder::from_lookup`, which
//! headers go out, secrets that never show in `Debug`, `Display` or traces, the tracing span
//! of each attempt, the user agent, a caller's own `reqwest::Client`, and a dry run (checked,
//! recorded with its credentials redacted, never sent).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::{self, ThreadId};
use std::time::Duration;

use crate::support::fixtures::{
    self, ACCOUNT, GATEWAY, ROUTE_ID, envelope_result, error_body, full_route, route_path,
};
use cloudflare_dynamic_routing::types::RouteElement;
use cloudflare_dynamic_routing::{
    Client, ClientBuilder, ConfigError, Credentials, Error, REDACTED, RetryPolicy, Secret, env,
};
use httpmock::Method::GET;
use httpmock::MockServer;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const TOKEN: &str = "t0k3n-s3cr3t-0123456789abcdef";
const KEY: &str = "k3y-s3cr3t-fedcba9876543210";
const EMAIL: &str = "ops@example.com";

fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
    }
}

fn missing_credentials(result: Result<ClientBuilder, ConfigError>) -> String {
    match result {
        Err(error @ ConfigError::MissingCredentials { .. }) => error.to_string(),
        other => panic!("expected MissingCredentials, got {other:?}"),
    }
}

async fn get_route(client: &Client) -> Result<(), Error> {
    client
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .map(|route| assert_eq!(route.id, ROUTE_ID))
}

// ---------------------------------------------------------------------------------------------
// Credentials and base URL from a lookup

#[tokio::test]
async fn a_token_from_the_lookup_is_sent_as_a_bearer_token_to_the_configured_base_url() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(route_path(ROUTE_ID))
                .header("authorization", "Bearer t0k3n")
                .header_missing("x-auth-email")
                .header_missing("x-auth-key");
            then.status(200).json_body(envelope_result(full_route()));
        })
        .await;
    let client = ClientBuilder::from_lookup(lookup(&[
        (env::API_TOKEN, "t0k3n"),
        (env::BASE_URL, &server.base_url()),
    ]))
    .expect("configured")
    .build()
    .expect("client");
    get_route(&client).await.expect("sent to the mock");
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn an_email_and_key_are_sent_as_x_auth_headers_without_authorization() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(route_path(ROUTE_ID))
                .header("x-auth-email", EMAIL)
                .header("x-auth-key", KEY)
                .header_missing("authorization");
            then.status(200).json_body(envelope_result(full_route()));
        })
        .await;
    let client = ClientBuilder::from_lookup(lookup(&[
        (env::EMAIL, EMAIL),
        (env::API_KEY, KEY),
        (env::BASE_URL, &server.base_url()),
    ]))
    .expect("configured")
    .build()
    .expect("client");
    get_route(&client).await.expect("sent to the mock");
    assert_eq!(mock.calls_async().await, 1);

    // The same through the builder.
    let client = Client::builder()
        .base_url(server.base_url())
        .credentials(Credentials::global_api_key(EMAIL, KEY))
        .build()
        .expect("client");
    get_route(&client).await.expect("sent to the mock");
    assert_eq!(mock.calls_async().await, 2);
}

#[tokio::test]
async fn a_token_wins_over_an_email_and_key() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(route_path(ROUTE_ID))
                .header("authorization", format!("Bearer {TOKEN}"))
                .header_missing("x-auth-email")
                .header_missing("x-auth-key");
            then.status(200).json_body(envelope_result(full_route()));
        })
        .await;
    let client = ClientBuilder::from_lookup(lookup(&[
        (env::API_TOKEN, TOKEN),
        (env::EMAIL, EMAIL),
        (env::API_KEY, KEY),
        (env::BASE_URL, &server.base_url()),
    ]))
    .expect("configured")
    .build()
    .expect("client");
    get_route(&client).await.expect("sent to the mock");
    assert_eq!(mock.calls_async().await, 1);
}

#[test]
fn incomplete_or_absent_credentials_say_what_to_set() {
    let only_email =
        missing_credentials(ClientBuilder::from_lookup(lookup(&[(env::EMAIL, EMAIL)])));
    assert!(only_email.contains("CLOUDFLARE_API_KEY"), "{only_email}");
    let only_key = missing_credentials(ClientBuilder::from_lookup(lookup(&[(env::API_KEY, KEY)])));
    assert!(only_key.contains("CLOUDFLARE_EMAIL"), "{only_key}");
    assert!(!only_key.contains(KEY), "{only_key}");
    for nothing in [
        lookup(&[]),
        lookup(&[(env::BASE_URL, "https://example.com")]),
        lookup(&[
            (env::API_TOKEN, "  "),
            (env::EMAIL, ""),
            (env::API_KEY, "\t"),
        ]),
    ] {
        let shown = missing_credentials(ClientBuilder::from_lookup(nothing));
        assert!(
            shown.contains("CLOUDFLARE_API_TOKEN") && shown.contains("CLOUDFLARE_EMAIL"),
            "{shown}"
        );
    }
    // A builder given no credentials at all.
    match Client::builder().build() {
        Err(ConfigError::MissingCredentials { hint }) => assert!(!hint.is_empty()),
        other => panic!("expected MissingCredentials, got {other:?}"),
    }
}

#[tokio::test]
async fn a_blank_base_url_variable_keeps_the_default_and_a_trailing_slash_is_ignored() {
    let builder =
        ClientBuilder::from_lookup(lookup(&[(env::API_TOKEN, TOKEN), (env::BASE_URL, "   ")]))
            .expect("configured");
    assert!(
        format!("{builder:?}").contains(cloudflare_dynamic_routing::BASE_URL),
        "{builder:?}"
    );

    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(200).json_body(envelope_result(full_route()));
        })
        .await;
    let client = Client::builder()
        .base_url(format!("{}/", server.base_url()))
        .api_token(TOKEN)
        .build()
        .expect("client");
    get_route(&client).await.expect("one slash between parts");
    assert_eq!(mock.calls_async().await, 1);
}

#[test]
fn plain_http_is_refused_unless_the_host_is_this_machine() {
    for url in [
        "http://api.cloudflare.com/client/v4",
        "http://10.0.0.1:8080",
        "http://[2001:db8::1]/v4",
        "http://localhost.example.com",
    ] {
        match Client::builder().api_token(TOKEN).base_url(url).build() {
            Err(error @ ConfigError::InsecureBaseUrl { .. }) => {
                let shown = error.to_string();
                assert!(shown.contains(url) && shown.contains("https://"), "{shown}");
                assert!(!shown.contains(TOKEN));
            }
            other => panic!("{url:?}: expected InsecureBaseUrl, got {other:?}"),
        }
    }
    for url in [
        "http://localhost:8787",
        "http://LOCALHOST/client/v4",
        "http://127.0.0.1:1",
        "http://127.42.0.9",
        "http://[::1]:8080/v4",
        "https://api.cloudflare.com/client/v4",
        "https://10.0.0.1",
    ] {
        let built = Client::builder().api_token(TOKEN).base_url(url).build();
        assert!(built.is_ok(), "{url:?}: {built:?}");
    }
}

#[test]
fn an_unusable_base_url_is_refused() {
    for url in [
        "",
        "not a url",
        "api.cloudflare.com/client/v4",
        "ftp://api.cloudflare.com/client/v4",
        "http://",
        "https://exa mple.com",
    ] {
        match Client::builder().api_token(TOKEN).base_url(url).build() {
            Err(error @ ConfigError::InvalidBaseUrl { .. }) => {
                assert!(!error.to_string().contains(TOKEN));
            }
            other => panic!("{url:?}: expected InvalidBaseUrl, got {other:?}"),
        }
    }
    let from_lookup = ClientBuilder::from_lookup(lookup(&[
        (env::API_TOKEN, TOKEN),
        (env::BASE_URL, "localhost:8080"),
    ]))
    .expect("configured")
    .build();
    assert!(
        matches!(from_lookup, Err(ConfigError::InvalidBaseUrl { ref url }) if url == "localhost:8080"),
        "{from_lookup:?}"
    );
}

#[test]
fn a_secret_that_cannot_be_a_header_is_refused_without_repeating_it() {
    let token = format!("{TOKEN}\nX-Injected: yes");
    let key = format!("{KEY}\r\n");
    let cases = [
        (
            Client::builder().api_token(token.clone()).build(),
            "Authorization",
        ),
        (
            ClientBuilder::from_lookup(lookup(&[(env::API_TOKEN, &token)]))
                .expect("configured")
                .build(),
            "Authorization",
        ),
        (
            Client::builder()
                .credentials(Credentials::global_api_key(EMAIL, key.clone()))
                .build(),
            "X-Auth-Key",
        ),
        (
            Client::builder()
                .credentials(Credentials::global_api_key("a\nb@example.com", KEY))
                .build(),
            "X-Auth-Email",
        ),
        (
            Client::builder()
                .api_token(TOKEN)
                .user_agent("agent\n")
                .build(),
            "User-Agent",
        ),
    ];
    for (result, header) in cases {
        let error = match result {
            Err(error @ ConfigError::InvalidHeaderValue { .. }) => error,
            other => panic!("expected InvalidHeaderValue for {header}, got {other:?}"),
        };
        let (shown, debug) = (error.to_string(), format!("{error:?}"));
        assert!(shown.contains(header), "{shown}");
        for text in [&shown, &debug] {
            assert!(
                !text.contains(TOKEN) && !text.contains(KEY),
                "a secret shows: {text}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Secrets never shown

#[tokio::test]
async fn secrets_never_show_in_debug_or_in_errors() {
    let shows_no_secret = |text: &str| {
        assert!(
            !text.contains(TOKEN) && !text.contains(KEY) && !text.contains("s3cr3t"),
            "a secret shows: {text}"
        );
    };
    let token = Credentials::api_token(TOKEN);
    let key = Credentials::global_api_key(EMAIL, KEY);
    shows_no_secret(&format!("{token:?}"));
    shows_no_secret(&format!("{key:?}"));
    shows_no_secret(&format!("{:?}", Secret::new(TOKEN)));
    assert_eq!(Secret::new(TOKEN).expose(), TOKEN);

    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(401)
                .header("cf-ray", "8f1e2d3c4b5a6978-LHR")
                .json_body(error_body(10000, "Authentication error"));
        })
        .await;
    for credentials in [token, key] {
        let builder = Client::builder()
            .base_url(server.base_url())
            .credentials(credentials)
            .retry_policy(fast_retries());
        shows_no_secret(&format!("{builder:?}"));
        let client = builder.build().expect("client");
        shows_no_secret(&format!("{client:?}"));
        shows_no_secret(&format!("{:?}", client.gateway(ACCOUNT, GATEWAY)));
        shows_no_secret(&format!("{:?}", client.raw()));

        let error = get_route(&client).await.expect_err("401");
        assert!(error.is_auth());
        shows_no_secret(&error.to_string());
        shows_no_secret(&format!("{error:?}"));
        shows_no_secret(&format!("{error:#?}"));
    }
    assert_eq!(mock.calls_async().await, 2);

    // A transport error (nothing listening) shows none either.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let client = Client::builder()
        .base_url(format!("http://{closed}"))
        .api_token(TOKEN)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    let error = get_route(&client).await.expect_err("refused");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    shows_no_secret(&error.to_string());
    shows_no_secret(&format!("{error:?}"));
}

// ---------------------------------------------------------------------------------------------
// Tracing

/// One span as recorded: its name and every field value written to it.
#[derive(Debug, Clone)]
struct SpanRecord {
    name: &'static str,
    thread: ThreadId,
    fields: BTreeMap<String, String>,
}

#[derive(Debug, Default)]
struct Recorded {
    spans: Vec<SpanRecord>,
    /// Each event's thread, target and fields (as text).
    events: Vec<(ThreadId, String)>,
}

/// A subscriber that keeps every span's fields and every event, for the test to read.
///
/// It is the process's global subscriber: a thread-scoped one (`set_default`) races with the
/// other tests' threads over tracing's per-callsite interest cache, and then sees nothing.
/// Spans are told apart by the thread that opened them.
#[derive(Clone, Default)]
struct Recorder {
    recorded: Arc<Mutex<Recorded>>,
}

impl Recorder {
    /// The records, even if a failed assertion elsewhere poisoned the lock.
    fn lock(&self) -> MutexGuard<'_, Recorded> {
        self.recorded.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

struct FieldWriter<'a>(&'a mut BTreeMap<String, String>);

impl Visit for FieldWriter<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let mut fields = BTreeMap::new();
        attributes.record(&mut FieldWriter(&mut fields));
        let mut recorded = self.lock();
        recorded.spans.push(SpanRecord {
            name: attributes.metadata().name(),
            thread: thread::current().id(),
            fields,
        });
        let index = recorded.spans.len() as u64;
        Id::from_u64(index)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut recorded = self.lock();
        let index = span.into_u64() as usize - 1;
        values.record(&mut FieldWriter(&mut recorded.spans[index].fields));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut FieldWriter(&mut fields));
        let text = format!("{} {fields:?}", event.metadata().target());
        self.lock().events.push((thread::current().id(), text));
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

const SPAN: &str = "cloudflare_dynamic_routing.request";

fn global_recorder() -> &'static Recorder {
    static RECORDER: OnceLock<Recorder> = OnceLock::new();
    RECORDER.get_or_init(|| {
        let recorder = Recorder::default();
        tracing::subscriber::set_global_default(recorder.clone())
            .expect("no other global subscriber in this test binary");
        tracing::callsite::rebuild_interest_cache();
        recorder
    })
}

/// This thread's request spans, in order.
fn request_spans(recorder: &Recorder) -> Vec<SpanRecord> {
    let here = thread::current().id();
    recorder
        .lock()
        .spans
        .iter()
        .filter(|s| s.name == SPAN && s.thread == here)
        .cloned()
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn each_attempt_has_a_span_with_its_fields_and_no_secret() {
    let recorder = global_recorder();

    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(200).json_body(envelope_result(full_route()));
        })
        .await;
    let retried = route_path("route-busy");
    let busy = server
        .mock_async(|when, then| {
            when.method(GET).path(&retried);
            then.status(503)
                .header("retry-after", "0")
                .json_body(error_body(10001, "busy"));
        })
        .await;
    let client = Client::builder()
        .base_url(server.base_url())
        .api_token(TOKEN)
        .retry_policy(RetryPolicy {
            max_retries: 1,
            ..fast_retries()
        })
        .build()
        .expect("client");

    get_route(&client).await.expect("200");
    let spans = request_spans(recorder);
    assert_eq!(spans.len(), 1, "{spans:#?}");
    let fields = &spans[0].fields;
    assert_eq!(fields["operation"], "get_route");
    assert_eq!(fields["method"], "GET");
    assert_eq!(
        fields["path"],
        "/accounts/{account_id}/ai-gateway/gateways/{gateway_id}/routes/{id}"
    );
    assert_eq!(fields["attempt"], "1");
    assert_eq!(fields["status"], "200");
    assert!(
        fields["duration_ms"].parse::<u64>().is_ok(),
        "{:?}",
        fields.get("duration_ms")
    );

    let error = client
        .gateway(ACCOUNT, GATEWAY)
        .get_route("route-busy")
        .await
        .expect_err("503 twice");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(busy.calls_async().await, 2);

    let spans = request_spans(recorder);
    let attempts: Vec<(&str, &str, &str)> = spans
        .iter()
        .skip(1)
        .map(|s| {
            (
                s.fields["operation"].as_str(),
                s.fields["attempt"].as_str(),
                s.fields["status"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        attempts,
        [("get_route", "1", "503"), ("get_route", "2", "503")]
    );

    // Nothing the client recorded shows the token: no span field, and no event of this
    // thread (where the client runs; the mock server logs whole requests on its own threads).
    let here = thread::current().id();
    let (spans, events) = {
        let recorded = recorder.lock();
        (recorded.spans.clone(), recorded.events.clone())
    };
    for span in spans.iter().filter(|s| s.name == SPAN) {
        for value in span.fields.values() {
            assert!(!value.contains(TOKEN), "span {span:?} shows the token");
        }
    }
    let mine: Vec<&String> = events
        .iter()
        .filter(|(thread, text)| *thread == here && !text.starts_with("httpmock"))
        .map(|(_, text)| text)
        .collect();
    assert!(
        mine.iter()
            .any(|e| e.starts_with("cloudflare_dynamic_routing") && e.contains("retrying")),
        "the retry is logged: {mine:#?}"
    );
    for event in mine {
        assert!(!event.contains(TOKEN), "event shows the token: {event}");
    }
}

// ---------------------------------------------------------------------------------------------
// Headers: user agent, api-version, a caller's own client

#[tokio::test]
async fn the_default_user_agent_names_the_crate_and_no_api_version_is_sent() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(route_path(ROUTE_ID))
                .header_missing("api-version")
                .is_true(|request| {
                    request
                        .headers()
                        .get("user-agent")
                        .and_then(|v| v.to_str().ok())
                        .is_some_and(|ua| ua.starts_with("cloudflare-dynamic-routing-rust/"))
                });
            then.status(200).json_body(envelope_result(full_route()));
        })
        .await;
    let client = Client::builder()
        .base_url(server.base_url())
        .api_token(TOKEN)
        .build()
        .expect("client");
    get_route(&client).await.expect("matched");
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn a_custom_user_agent_is_sent() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(route_path(ROUTE_ID))
                .header("user-agent", "router-admin/2.1 (ops@example.com)")
                .header_missing("api-version");
            then.status(200).json_body(envelope_result(full_route()));
        })
        .await;
    let client = Client::builder()
        .base_url(server.base_url())
        .api_token(TOKEN)
        .user_agent("router-admin/2.1 (ops@example.com)")
        .build()
        .expect("client");
    get_route(&client).await.expect("matched");
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn a_callers_own_reqwest_client_is_used() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(route_path(ROUTE_ID))
                .header("x-caller", "yes")
                .header("authorization", format!("Bearer {TOKEN}"));
            then.status(200).json_body(envelope_result(full_route()));
        })
        .await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-caller", reqwest::header::HeaderValue::from_static("yes"));
    let http = cloudflare_dynamic_routing::http_client_builder()
        .expect("TLS setup")
        .default_headers(headers)
        .build()
        .expect("reqwest client");
    let client = Client::builder()
        .base_url(server.base_url())
        .api_token(TOKEN)
        .http_client(http)
        .build()
        .expect("client");
    get_route(&client).await.expect("matched");
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn a_dry_run_checks_and_records_the_request_and_sends_nothing() {
    let server = MockServer::start_async().await;
    let created = server
        .mock_async(|when, then| {
            when.path_includes("/accounts/");
            then.status(200);
        })
        .await;
    let client = ClientBuilder::new()
        .base_url(server.base_url())
        .api_token(TOKEN)
        .dry_run(true)
        .build()
        .expect("builds");
    let graph: Vec<RouteElement> =
        serde_json::from_value(fixtures::graph()).expect("the sample decodes");
    let gateway = client.gateway(ACCOUNT, GATEWAY);

    let error = gateway
        .create_route("support bot", graph.clone())
        .await
        .expect_err("a dry run is not sent");
    let Error::DryRun { operation, request } = &error else {
        panic!("not a dry run: {error:?}");
    };
    assert_eq!(*operation, "create_route");
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.url,
        format!("{}{}", server.base_url(), fixtures::routes_path())
    );
    assert_eq!(request.headers["authorization"], REDACTED);
    assert_eq!(
        request.body,
        Some(serde_json::json!({"name": "support bot", "elements": fixtures::graph()}))
    );
    for shown in [format!("{error}"), format!("{error:?}")] {
        assert!(!shown.contains(TOKEN), "{shown}");
    }

    // The checks before sending still refuse first: a graph, then an address.
    let error = gateway
        .create_route("empty", Vec::new())
        .await
        .expect_err("an empty graph");
    assert!(matches!(error, Error::InvalidGraph { .. }), "{error:?}");
    let error = gateway.delete_route("..").await.expect_err("a bad id");
    assert!(matches!(error, Error::InvalidArgument { .. }), "{error:?}");
    let raw = client
        .raw()
        .delete_route()
        .account_id(ACCOUNT)
        .gateway_id(GATEWAY)
        .id("..")
        .send()
        .await
        .expect_err("a bad id");
    assert!(
        matches!(
            client.raw_error("delete_route", raw),
            Error::InvalidArgument { .. }
        ),
        "the address check runs before the dry run records anything"
    );
    assert_eq!(created.calls_async().await, 0, "nothing was sent");
}
