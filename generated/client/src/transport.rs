//! What every request passes through: progenitor's `ClientHooks`, implemented for the
//! generated client. Adds credentials and `User-Agent`, removes `api-version`, sets the
//! per-attempt timeout, paces every attempt by the client's rate budget (`rate_budget`),
//! retries by [`RetryPolicy`], opens a tracing span per attempt, reads
//! every body with a bound ([`MAX_RESPONSE_BODY`]), and captures a failed response so the
//! error can report it however it is shaped; in a dry run, records the request instead of
//! sending it.
//!
//! **`api-version`.** progenitor sends `api-version: <info.version of the spec>`, here
//! `4.0.0`. That number versions Cloudflare's OpenAPI *document*, not the API; Cloudflare reads
//! `api-version` as a date-versioned header, so sending `4.0.0` would ask for a version that
//! does not exist. Cloudflare's own SDKs send no `api-version`, and neither does this client:
//! the header is removed before the request leaves, and the API answers with its default.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Request, Response, StatusCode};
use tracing::Instrument;

use crate::DeployWait;
use crate::address;
use crate::generated::api::Client as RawClient;
use crate::graph::GraphCheck;
use crate::operations;
use crate::prepared::PreparedRequest;
use crate::rate_budget::Pacer;
use crate::retry::{RetryPolicy, is_retryable_status, may_repeat};

/// The header progenitor adds and this client removes.
pub(crate) const API_VERSION_HEADER: &str = "api-version";

/// Error bodies larger than this are cut when captured; they are read for messages only.
const MAX_CAPTURED_BODY: usize = 1 << 20;

/// The largest success body read (8 MiB; a page of routes with their graphs is far smaller).
/// A larger one is not read further and the call fails with
/// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge), rather than holding whatever a
/// server sends in memory.
pub const MAX_RESPONSE_BODY: usize = 8 << 20;

/// Settings shared by every request of a client.
pub(crate) struct Settings {
    pub(crate) auth: Vec<(HeaderName, HeaderValue)>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) graph_check: GraphCheck,
    pub(crate) deploy_wait: DeployWait,
    /// Every request is checked and recorded, never sent ([`crate::ClientBuilder::dry_run`]).
    pub(crate) dry_run: bool,
    /// The rate budget of this client and its clones; `None` when turned off.
    pub(crate) pacer: Option<Pacer>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth: Vec<&str> = self.auth.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("Settings")
            .field("auth_headers", &auth)
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("graph_check", &self.graph_check)
            .field("deploy_wait", &self.deploy_wait)
            .field("dry_run", &self.dry_run)
            .field("pacer", &self.pacer)
            .finish()
    }
}

/// A response that was not a success, kept whole for the error that reports it.
#[derive(Debug, Clone)]
pub(crate) struct FailedResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

/// How the last attempt of one call ended, when it did not end well.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outcome {
    pub(crate) attempts: u32,
    pub(crate) failed: Option<FailedResponse>,
    /// The request left this client; a create may have been applied.
    pub(crate) sent: bool,
    /// A success body was longer than this limit, and was not read past it.
    pub(crate) too_large: Option<usize>,
    /// A dry run: the request as it would have been sent.
    pub(crate) prepared: Option<Box<PreparedRequest>>,
}

/// Where one call's [`Outcome`] is written; each call has its own.
#[derive(Debug, Clone, Default)]
pub(crate) struct Capture(Arc<Mutex<Outcome>>);

impl Capture {
    fn update(&self, f: impl FnOnce(&mut Outcome)) {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner));
    }

    pub(crate) fn take(&self) -> Outcome {
        std::mem::take(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The generated client's inner state: the shared settings and this call's capture.
///
/// Named by generated code: `codegen::contract::TRANSPORT`. Renaming or moving it needs a
/// change there and `cargo xtask regenerate`.
#[derive(Debug, Clone)]
pub struct Transport {
    pub(crate) settings: Arc<Settings>,
    pub(crate) capture: Capture,
}

impl ClientHooks<Transport> for RawClient {
    async fn pre<E>(&self, request: &mut Request, info: &OperationInfo) -> Result<(), Error<E>> {
        // Every entry point (the `Gateway` methods, `raw()`, the CLI) passes here: a URL that
        // does not name its operation's resource is never sent.
        let template = operations::find(info.operation_id).map_or("", |o| o.path);
        let base_path = reqwest::Url::parse(self.baseurl())
            .map(|url| url.path().to_string())
            .unwrap_or_default();
        if let Some(why) = address::misaddressed(template, &base_path, request.url().path()) {
            return Err(Error::InvalidRequest(format!(
                "{why}; the request would name another resource, so nothing was sent"
            )));
        }
        let settings = &self.inner().settings;
        let headers = request.headers_mut();
        headers.remove(API_VERSION_HEADER);
        for (name, value) in &settings.auth {
            headers.insert(name.clone(), value.clone());
        }
        headers.insert(reqwest::header::USER_AGENT, settings.user_agent.clone());
        if settings.dry_run {
            // Recorded here, after every check and header, so it is exactly what `exec` sends.
            let secrets: Vec<&HeaderName> = settings.auth.iter().map(|(name, _)| name).collect();
            let prepared = PreparedRequest::of(info.operation_id, request, &secrets);
            self.inner()
                .capture
                .update(|o| o.prepared = Some(Box::new(prepared)));
            return Err(Error::Custom(
                "dry run: the request was prepared and not sent".to_string(),
            ));
        }
        Ok(())
    }

    async fn exec(&self, request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        let transport = self.inner();
        let settings = &transport.settings;
        let path = operations::find(info.operation_id).map_or("", |o| o.path);
        let method = request.method().clone();
        let mut current = request;
        let mut retry = 0;
        loop {
            let attempt = retry + 1;
            // The next attempt's copy; a body that cannot be cloned (a stream) gets one attempt.
            let spare = if retry < settings.retry.max_retries {
                current.try_clone()
            } else {
                None
            };
            *current.timeout_mut() = Some(settings.timeout);
            let span = tracing::info_span!(
                "cloudflare_dynamic_routing.request",
                operation = info.operation_id,
                method = %method,
                path,
                attempt,
                status = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            );
            // Every attempt, retries included, counts against the API's rate limit.
            let permit = match &settings.pacer {
                Some(pacer) => Some(pacer.acquire().instrument(span.clone()).await),
                None => None,
            };
            let started = Instant::now();
            let result = self
                .client()
                .execute(current)
                .instrument(span.clone())
                .await;
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            match result {
                Ok(response) => {
                    let status = response.status();
                    if let Some(permit) = permit {
                        permit.answered(status, response.headers());
                    }
                    span.record("status", status.as_u16());
                    transport.capture.update(|o| {
                        o.attempts = attempt;
                        o.sent = true;
                    });
                    if status.is_success() {
                        return read_success(&transport.capture, response).await;
                    }
                    if is_retryable_status(status)
                        && may_repeat(&method, Some(status), true)
                        && let Some(next) = spare
                    {
                        retry += 1;
                        let wait = settings.retry.delay(retry, Some(response.headers()));
                        tracing::debug!(parent: &span, ?wait, "retrying after status {status}");
                        tokio::time::sleep(wait).await;
                        current = next;
                        continue;
                    }
                    return capture_failure(&transport.capture, response).await;
                }
                Err(error) => {
                    // Only a failed connection proves the request never left.
                    let sent = !error.is_connect();
                    transport.capture.update(|o| {
                        o.attempts = attempt;
                        o.sent |= sent;
                    });
                    if may_repeat(&method, None, sent)
                        && let Some(next) = spare
                    {
                        retry += 1;
                        let wait = settings.retry.delay(retry, None);
                        tracing::debug!(parent: &span, ?wait, "retrying after {error}");
                        tokio::time::sleep(wait).await;
                        current = next;
                        continue;
                    }
                    return Err(error);
                }
            }
        }
    }
}

/// Reads a success body up to [`MAX_RESPONSE_BODY`] and hands progenitor an identical
/// response; a longer body is marked in the capture and handed on empty, so the call fails
/// with [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge).
async fn read_success(capture: &Capture, response: Response) -> reqwest::Result<Response> {
    let (status, headers, version) = (
        response.status(),
        response.headers().clone(),
        response.version(),
    );
    // A declared length over the limit is not read at all.
    let declared_too_large = response
        .content_length()
        .is_some_and(|length| length > MAX_RESPONSE_BODY as u64);
    let (body, cut) = if declared_too_large {
        (Vec::new(), true)
    } else {
        read_bounded(response, MAX_RESPONSE_BODY).await?
    };
    let body = if cut {
        capture.update(|o| o.too_large = Some(MAX_RESPONSE_BODY));
        Vec::new()
    } else {
        body
    };
    Ok(rebuilt(status, headers, version, body))
}

/// Reads a failed response's body (its first [`MAX_CAPTURED_BODY`] bytes) into the capture
/// and hands progenitor an identical one.
async fn capture_failure(capture: &Capture, response: Response) -> reqwest::Result<Response> {
    let (status, headers, version) = (
        response.status(),
        response.headers().clone(),
        response.version(),
    );
    let (body, _) = read_bounded(response, MAX_CAPTURED_BODY).await?;
    capture.update(|o| {
        o.failed = Some(FailedResponse {
            status,
            headers: headers.clone(),
            body: body.clone(),
        });
    });
    Ok(rebuilt(status, headers, version, body))
}

/// At most `limit` bytes of `response`'s body, and whether there was more (not read).
async fn read_bounded(mut response: Response, limit: usize) -> reqwest::Result<(Vec<u8>, bool)> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = limit - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

/// A response with these parts and `body`, already read.
fn rebuilt(
    status: StatusCode,
    headers: HeaderMap,
    version: reqwest::Version,
    body: Vec<u8>,
) -> Response {
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    *response.version_mut() = version;
    Response::from(response)
}
