//! The server: a TCP accept loop serving each connection with hyper and the axum router, and
//! in front of the router, for every request, the recording, the faults and the credential
//! check. Owning the connections is what lets a fault drop one without answering.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

use crate::auth;
use crate::config::{EmulatorConfig, Style};
use crate::error::{self, ApiError, SeedError};
use crate::faults::{Fault, FaultKind, Faults};
use crate::graph;
use crate::operation::Operation;
use crate::rate_limit::{self, Limiter, Verdict};
use crate::record::RecordedRequest;
use crate::routes;
use crate::state::Store;

/// The largest request body read; a larger one is answered 413.
const MAX_BODY: usize = 1 << 20;

/// What the handlers and the request pipeline share.
pub(crate) struct Shared {
    pub(crate) config: EmulatorConfig,
    store: Mutex<Store>,
    faults: Mutex<Faults>,
    requests: Mutex<Vec<RecordedRequest>>,
    limiter: Option<Limiter>,
}

/// A lock that a panicking holder (there should be none) does not make unusable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn new(config: EmulatorConfig) -> Self {
        Self {
            store: Mutex::new(Store::new(config.effective_read_lag())),
            faults: Mutex::default(),
            requests: Mutex::default(),
            limiter: rate_limit::limiter(config.style, config.rate_limit),
            config,
        }
    }

    /// Runs `work` with the store locked.
    pub(crate) fn store<T>(&self, work: impl FnOnce(&mut Store) -> T) -> T {
        work(&mut lock(&self.store))
    }
}

/// A running emulator. It serves until dropped; dropping it stops the server and closes every
/// connection, hanging ones included.
pub struct Emulator {
    shared: Arc<Shared>,
    address: SocketAddr,
    server: JoinHandle<()>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("address", &self.address)
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Starts an emulator on `127.0.0.1` and a free port. Call it inside a Tokio runtime,
    /// which runs the server.
    pub async fn start(config: EmulatorConfig) -> io::Result<Emulator> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Starts an emulator on `address` (port 0 picks a free one).
    pub async fn start_on(address: SocketAddr, config: EmulatorConfig) -> io::Result<Emulator> {
        let listener = TcpListener::bind(address).await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared::new(config));
        let router = routes::router(shared.clone());
        let server = tokio::spawn(accept(listener, shared.clone(), router));
        Ok(Emulator {
            shared,
            address,
            server,
        })
    }

    /// The base URL to give the client, such as `http://127.0.0.1:41234`; the operations'
    /// paths are served under it as under `https://api.cloudflare.com/client/v4`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Its settings.
    pub fn config(&self) -> &EmulatorConfig {
        &self.shared.config
    }

    /// Adds a fault; faults fire in the order added.
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault);
    }

    /// The faults that have yet to fire (or fire again).
    pub fn pending_faults(&self) -> Vec<Fault> {
        lock(&self.shared.faults).pending()
    }

    /// Removes every fault that has not fired.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Every request received so far, in order, including failed ones.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// The requests that were writes (not `GET`), in order.
    pub fn writes(&self) -> Vec<RecordedRequest> {
        let requests = lock(&self.shared.requests);
        requests.iter().filter(|r| r.is_write()).cloned().collect()
    }

    /// The requests answered 429 for the rate limit, in order; none when the client paces
    /// itself.
    pub fn rate_limited(&self) -> Vec<RecordedRequest> {
        let requests = lock(&self.shared.requests);
        requests
            .iter()
            .filter(|r| r.rate_limited)
            .cloned()
            .collect()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
    }

    /// Adds a route as a create request would (its graph checked, version 1 deployed), but
    /// without a request: for tests that need other routes on a gateway. Returns its id.
    pub fn seed_route(
        &self,
        account_id: &str,
        gateway_id: &str,
        name: &str,
        elements: Value,
    ) -> Result<String, SeedError> {
        let style = self.shared.config.style;
        let elements = graph::to_store(style, &elements)?;
        let key = (account_id.to_string(), gateway_id.to_string());
        match self
            .shared
            .store(|store| store.create_route(&key, name, elements))
        {
            Ok(view) => Ok(view.fields.id),
            // Only a taken name can fail here; report it as the style would.
            Err(_) => Err(crate::style::duplicate_name(style, name).into()),
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // Dropping the accept loop drops its `JoinSet`, which aborts every connection task.
        self.server.abort();
    }
}

/// Accepts connections until aborted, each served on its own task.
async fn accept(listener: TcpListener, shared: Arc<Shared>, router: Router) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve(stream, shared.clone(), router.clone()));
                }
                // Such as too many open files: wait rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            // Reap finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Serves one connection. It ends with an error when a fault drops it, or the client goes;
/// either way there is no one to tell.
async fn serve(stream: TcpStream, shared: Arc<Shared>, router: Router) {
    let service = service_fn(move |request| handle(shared.clone(), router.clone(), request));
    let _ = http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// Returned to hyper to close a connection without answering.
#[derive(Debug)]
struct DropConnection;

impl fmt::Display for DropConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DropConnection {}

/// One request: counted against the rate limit, then answered, with the rate-limit headers.
async fn handle(
    shared: Arc<Shared>,
    router: Router,
    request: Request<Incoming>,
) -> Result<Response, DropConnection> {
    let verdict = shared
        .limiter
        .as_ref()
        .map(|limiter| limiter.arrive(std::time::Instant::now()));
    let (mut response, headers) = match verdict {
        None => (answer(shared, router, request, None).await?, None),
        Some(Verdict::Allowed(headers)) => {
            (answer(shared, router, request, None).await?, Some(headers))
        }
        Some(Verdict::Refused(error, headers)) => (
            answer(shared, router, request, Some(error)).await?,
            Some(headers),
        ),
    };
    response.headers_mut().extend(headers.unwrap_or_default());
    Ok(response)
}

/// One request: recorded, then the configured latency, then the rate limit's refusal if any,
/// then any fault, then credentials, then the router.
async fn answer(
    shared: Arc<Shared>,
    router: Router,
    request: Request<Incoming>,
    rate_limited: Option<ApiError>,
) -> Result<Response, DropConnection> {
    let style = shared.config.style;
    let (parts, body) = request.into_parts();
    let operation = Operation::recognise(parts.method.as_str(), parts.uri.path());
    let bytes = axum::body::to_bytes(Body::new(body), MAX_BODY).await;
    lock(&shared.requests).push(RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        operation,
        body: bytes
            .as_ref()
            .ok()
            .and_then(|b| serde_json::from_slice(b).ok()),
        rate_limited: rate_limited.is_some(),
    });
    let Ok(bytes) = bytes else {
        let too_large = ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            error::INVALID,
            "the request body is over 1 MiB or could not be read",
        );
        return Ok(too_large.render(style));
    };

    if !shared.config.latency.is_zero() {
        tokio::time::sleep(shared.config.latency).await;
    }
    if let Some(refused) = rate_limited {
        return Ok(refused.render(style));
    }
    let fault = lock(&shared.faults).fire(operation, parts.uri.path());
    let mut drop_after = false;
    let mut status_after = None;
    match fault {
        None => {}
        Some(FaultKind::Status {
            status,
            retry_after,
            body,
        }) => return Ok(injected(style, status, retry_after, body)),
        Some(FaultKind::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(FaultKind::Hang) => return Ok(std::future::pending::<Response>().await),
        Some(FaultKind::DropConnection) => return Err(DropConnection),
        Some(FaultKind::DropAfterApplying) => drop_after = true,
        Some(FaultKind::StatusAfterApplying(status)) => status_after = Some(status),
    }

    if !auth::authorised(&parts.headers, shared.config.token.as_deref()) {
        let denied = ApiError::new(
            StatusCode::UNAUTHORIZED,
            error::AUTHENTICATION,
            "Authentication error",
        );
        return Ok(denied.render(style));
    }

    let request = Request::from_parts(parts, Body::from(bytes));
    let response = match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    if drop_after {
        return Err(DropConnection);
    }
    if let Some(status) = status_after {
        return Ok(injected(style, status, None, None));
    }
    Ok(response)
}

/// A status fault's answer: the status (500 if it is not one from 200 to 599), an optional
/// `Retry-After`, and the given body or Cloudflare's envelope with the status as code.
fn injected(style: Style, status: u16, retry_after: Option<u64>, body: Option<Value>) -> Response {
    let status = StatusCode::from_u16(status)
        .ok()
        .filter(|s| (200..600).contains(&s.as_u16()))
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = body
        .unwrap_or_else(|| error::envelope(style, i64::from(status.as_u16()), "injected fault"));
    let mut response = (status, Json(body)).into_response();
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}
