//! The client users call: [`Client`], its construction, the low-level client it wraps
//! ([`Client::raw`], [`Client::raw_error`]), and the one `run` that sends a generated call and
//! unwraps its envelope (`result`, `route` or `data`), turning every failure into one [`Error`].
//! The operations are on [`Gateway`] (`gateway.rs`); the deploy workflows in `deploy.rs`.

use std::sync::Arc;

use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;

use crate::config::{ClientBuilder, ConfigError};
use crate::error::Error;
use crate::gateway::Gateway;
use crate::generated::api::Client as RawClient;
use crate::transport::{Capture, Settings, Transport};

/// A Cloudflare AI Gateway Dynamic Routing client. Cheap to clone; share one per process.
#[derive(Debug, Clone)]
pub struct Client {
    base_url: String,
    http: reqwest::Client,
    pub(crate) settings: Arc<Settings>,
    raw: RawClient,
}

impl Client {
    /// A builder for every setting.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from `CLOUDFLARE_API_TOKEN` (or `CLOUDFLARE_EMAIL` and
    /// `CLOUDFLARE_API_KEY`) and `CLOUDFLARE_BASE_URL`, with every other setting default.
    pub fn from_env() -> Result<Self, ConfigError> {
        ClientBuilder::from_env()?.build()
    }

    pub(crate) fn from_parts(
        base_url: String,
        http: reqwest::Client,
        settings: Arc<Settings>,
    ) -> Self {
        let raw = RawClient::new_with_client(
            &base_url,
            http.clone(),
            Transport {
                settings: settings.clone(),
                capture: Capture::default(),
            },
        );
        Self {
            base_url,
            http,
            settings,
            raw,
        }
    }

    /// The generated low-level client, with the same credentials, retries and timeouts, for
    /// anyone who wants progenitor's request builders and raw `ResponseValue`s.
    pub fn raw(&self) -> &RawClient {
        &self.raw
    }

    /// The [`Error`] for a failed call made through [`Client::raw`], with what the transport
    /// saw of it: the status, Cloudflare's codes and messages and `cf-ray` of an error answer,
    /// the attempts made, the cause of a failed connection. So a program (such as the `routes`
    /// CLI) that calls the low-level client reports failures exactly as [`Gateway`] does.
    ///
    /// What the transport saw is kept per client for `raw()`: ask right after the failed call,
    /// before another `raw()` call on this client.
    pub fn raw_error<E>(
        &self,
        operation: &'static str,
        error: progenitor_client::Error<E>,
    ) -> Error {
        Error::from_call(
            operation,
            self.settings.timeout,
            error,
            self.raw.inner.capture.take(),
        )
    }

    /// The operations on one AI Gateway of one account.
    pub fn gateway(
        &self,
        account_id: impl Into<String>,
        gateway_id: impl Into<String>,
    ) -> Gateway<'_> {
        Gateway {
            client: self,
            account_id: account_id.into(),
            gateway_id: gateway_id.into(),
        }
    }

    /// Runs one generated call with its own capture, and turns any failure into an [`Error`].
    pub(crate) async fn run<T: DeserializeOwned, E>(
        &self,
        operation: &'static str,
        send: impl AsyncFnOnce(&RawClient) -> Result<ResponseValue<T>, progenitor_client::Error<E>>,
    ) -> Result<T, Error> {
        let capture = Capture::default();
        let raw = RawClient::new_with_client(
            &self.base_url,
            self.http.clone(),
            Transport {
                settings: self.settings.clone(),
                capture: capture.clone(),
            },
        );
        match send(&raw).await {
            Ok(response) => Ok(response.into_inner()),
            Err(error) => Err(Error::from_call(
                operation,
                self.settings.timeout,
                error,
                capture.take(),
            )),
        }
    }
}
