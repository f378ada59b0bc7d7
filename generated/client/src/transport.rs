//! What every request passes through: progenitor's `ClientHooks`, implemented for the
//! generated client. Adds credentials and `User-Agent`, removes `api-version`, sets the
//! per-attempt timeout, retries by [`RetryPolicy`], opens a tracing span per attempt, and
//! captures a failed response whole so the error can report it however it is shaped.
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
use crate::retry::{RetryPolicy, is_retryable_status, may_repeat};

/// The header progenitor adds and this client removes.
pub(crate) const API_VERSION_HEADER: &str = "api-version";

/// Error bodies larger than this are cut when captured; they are read for messages only.
const MAX_CAPTURED_BODY: usize = 1 << 20;

/// Settings shared by every request of a client.
pub(crate) struct Settings {
    pub(crate) auth: Vec<(HeaderName, HeaderValue)>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) graph_check: GraphCheck,
    pub(crate) deploy_wait: DeployWait,
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
                    span.record("status", status.as_u16());
                    transport.capture.update(|o| {
                        o.attempts = attempt;
                        o.sent = true;
                    });
                    if status.is_success() {
                        return Ok(response);
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

/// Reads a failed response's body into the capture and hands progenitor an identical one.
async fn capture_failure(capture: &Capture, response: Response) -> reqwest::Result<Response> {
    let status = response.status();
    let headers = response.headers().clone();
    let version = response.version();
    let mut body = response.bytes().await?.to_vec();
    body.truncate(MAX_CAPTURED_BODY);
    capture.update(|o| {
        o.failed = Some(FailedResponse {
            status,
            headers: headers.clone(),
            body: body.clone(),
        });
    });
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.headers_mut() = headers;
    *rebuilt.version_mut() = version;
    Ok(Response::from(rebuilt))
}
