//! Configuration: credentials (never printed), base URL, timeout, retries, user agent and an
//! optional caller-supplied `reqwest::Client`, read from code or from the environment.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};

use crate::DeployWait;
use crate::graph::GraphCheck;
use crate::rate_budget::{Pacer, QuotaWait, RateBudget, WaitHook};
use crate::retry::RetryPolicy;
use crate::transport::Settings;

/// Cloudflare's API base URL, the `servers` entry of the spec.
pub const BASE_URL: &str = "https://api.cloudflare.com/client/v4";

/// The per-attempt timeout unless configured otherwise (Cloudflare's SDKs use the same).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The environment variables read by [`ClientBuilder::from_env`], as Cloudflare's SDKs name them.
pub mod env {
    /// An API token, sent as `Authorization: Bearer …` (preferred).
    pub const API_TOKEN: &str = "CLOUDFLARE_API_TOKEN";
    /// The account email for a global API key.
    pub const EMAIL: &str = "CLOUDFLARE_EMAIL";
    /// A global API key, sent with the email.
    pub const API_KEY: &str = "CLOUDFLARE_API_KEY";
    /// Overrides the base URL.
    pub const BASE_URL: &str = "CLOUDFLARE_BASE_URL";
}

/// A secret string: usable, never shown by `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself; only for sending it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// How the client proves who it is.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Credentials {
    /// An API token: `Authorization: Bearer <token>`. Preferred by Cloudflare.
    ApiToken(Secret),
    /// The account email and global API key: `X-Auth-Email` and `X-Auth-Key`.
    GlobalApiKey {
        /// The account's email address (not secret, but sent only as a header).
        email: String,
        /// The global API key.
        key: Secret,
    },
}

impl Credentials {
    /// An API token.
    pub fn api_token(token: impl Into<String>) -> Self {
        Self::ApiToken(Secret::new(token))
    }

    /// An email and global API key.
    pub fn global_api_key(email: impl Into<String>, key: impl Into<String>) -> Self {
        Self::GlobalApiKey {
            email: email.into(),
            key: Secret::new(key),
        }
    }

    /// Reads credentials through `lookup` (the environment, in [`ClientBuilder::from_env`]):
    /// `CLOUDFLARE_API_TOKEN`, else `CLOUDFLARE_EMAIL` with `CLOUDFLARE_API_KEY`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let present = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        if let Some(token) = present(env::API_TOKEN) {
            return Ok(Self::api_token(token));
        }
        match (present(env::EMAIL), present(env::API_KEY)) {
            (Some(email), Some(key)) => Ok(Self::global_api_key(email, key)),
            (Some(_), None) => Err(ConfigError::MissingCredentials {
                hint: "CLOUDFLARE_EMAIL is set but CLOUDFLARE_API_KEY is not",
            }),
            (None, Some(_)) => Err(ConfigError::MissingCredentials {
                hint: "CLOUDFLARE_API_KEY is set but CLOUDFLARE_EMAIL is not",
            }),
            (None, None) => Err(ConfigError::MissingCredentials {
                hint: "set CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY",
            }),
        }
    }

    /// The headers these credentials are sent as, marked sensitive so that `reqwest` and
    /// `http` never print them.
    fn headers(&self) -> Result<Vec<(HeaderName, HeaderValue)>, ConfigError> {
        let value = |name: &'static str, text: &str| {
            let mut value = HeaderValue::from_str(text)
                .map_err(|_| ConfigError::InvalidHeaderValue { header: name })?;
            value.set_sensitive(true);
            Ok::<_, ConfigError>(value)
        };
        Ok(match self {
            Self::ApiToken(token) => vec![(
                reqwest::header::AUTHORIZATION,
                value("Authorization", &format!("Bearer {}", token.expose()))?,
            )],
            Self::GlobalApiKey { email, key } => vec![
                (
                    HeaderName::from_static("x-auth-email"),
                    value("X-Auth-Email", email)?,
                ),
                (
                    HeaderName::from_static("x-auth-key"),
                    value("X-Auth-Key", key.expose())?,
                ),
            ],
        })
    }
}

/// A configuration that cannot make a client. Never contains a credential.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// No usable credentials were given or found.
    MissingCredentials {
        /// What to set.
        hint: &'static str,
    },
    /// A value cannot be sent as this header (a newline or other control character in it).
    InvalidHeaderValue {
        /// The header's name; the value is not repeated here.
        header: &'static str,
    },
    /// The base URL is not an absolute http(s) URL.
    InvalidBaseUrl {
        /// The URL given.
        url: String,
    },
    /// The base URL is plain `http://` to a host other than this machine: the credentials
    /// would cross the network unencrypted. Plain HTTP is accepted only for a loopback host
    /// (`localhost`, `127.0.0.0/8`, `::1`), such as a local emulator.
    InsecureBaseUrl {
        /// The URL given.
        url: String,
    },
    /// The TLS configuration could not be made (for example, no usable trust store).
    Tls {
        /// What rustls reported.
        message: String,
    },
    /// `reqwest` could not build its client.
    Http(reqwest::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingCredentials { hint } => write!(f, "no Cloudflare credentials: {hint}"),
            Self::InvalidHeaderValue { header } => {
                write!(
                    f,
                    "the value for the {header} header contains characters a header cannot carry"
                )
            }
            Self::InvalidBaseUrl { url } => {
                write!(f, "base URL `{url}` is not an absolute http(s) URL")
            }
            Self::InsecureBaseUrl { url } => write!(
                f,
                "base URL `{url}` is plain http:// to a host that is not this machine, so the \
                 credentials would travel unencrypted; use https://, or http:// only to \
                 localhost, 127.0.0.0/8 or ::1"
            ),
            Self::Tls { message } => write!(f, "cannot set up TLS: {message}"),
            Self::Http(e) => write!(f, "cannot build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Http(e) => Some(e),
            _ => None,
        }
    }
}

/// Builds a [`crate::Client`]; every setting has a default but the credentials.
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<Credentials>,
    timeout: Duration,
    retry: RetryPolicy,
    user_agent: String,
    http: Option<reqwest::Client>,
    graph_check: GraphCheck,
    deploy_wait: DeployWait,
    dry_run: bool,
    rate_budget: Option<RateBudget>,
    on_quota_wait: Option<WaitHook>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("http", &self.http)
            .field("graph_check", &self.graph_check)
            .field("deploy_wait", &self.deploy_wait)
            .field("dry_run", &self.dry_run)
            .field("rate_budget", &self.rate_budget)
            .field("on_quota_wait", &self.on_quota_wait.is_some())
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: BASE_URL.to_string(),
            credentials: None,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            user_agent: concat!(
                "cloudflare-dynamic-routing-rust/",
                env!("CARGO_PKG_VERSION")
            )
            .to_string(),
            http: None,
            graph_check: GraphCheck::default(),
            deploy_wait: DeployWait::default(),
            dry_run: false,
            rate_budget: Some(RateBudget::default()),
            on_quota_wait: None,
        }
    }
}

impl ClientBuilder {
    /// A builder with the defaults: Cloudflare's base URL, a 60 s per-attempt timeout, two
    /// retries, graph validation on, up to 120 s of waiting for a deployment to show in reads,
    /// Cloudflare's published rate budget ([`RateBudget::cloudflare`]), and no credentials yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder with credentials and base URL from the environment (see [`env`](mod@env)).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// As [`ClientBuilder::from_env`], reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut builder = Self::new().credentials(Credentials::from_lookup(&lookup)?);
        if let Some(url) = lookup(env::BASE_URL).filter(|u| !u.trim().is_empty()) {
            builder = builder.base_url(url);
        }
        Ok(builder)
    }

    /// The API's base URL (default [`BASE_URL`]); a trailing `/` is ignored. `https://`, or
    /// plain `http://` only to this machine (`localhost`, `127.0.0.0/8`, `::1`): anything else
    /// is [`ConfigError::InsecureBaseUrl`] at [`build`](Self::build).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Shorthand for API-token credentials.
    pub fn api_token(self, token: impl Into<String>) -> Self {
        self.credentials(Credentials::api_token(token))
    }

    /// How long one attempt may take, from sending to the end of the body (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// When and how to retry (default [`RetryPolicy::default`]; [`RetryPolicy::none`] turns
    /// retries off).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sends through the caller's own `reqwest::Client` (proxies, TLS, connection pool…);
    /// [`http_client_builder`](crate::http_client_builder) is the default one's starting point.
    /// Keep its `redirect::Policy::none()`: a client that follows redirects may carry
    /// `X-Auth-Email` and `X-Auth-Key` to wherever a redirect points.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Whether to check a graph before creating a route or version with it (default on):
    /// every graph rule and the documented operators ([`graph::check`](crate::graph::check())).
    /// A graph that fails the check is not sent.
    pub fn validate_graphs(mut self, validate: bool) -> Self {
        self.graph_check.skip_validation = !validate;
        self
    }

    /// Conditional operators a graph may use besides the documented ones
    /// ([`DOCUMENTED_OPERATORS`](crate::graph::DOCUMENTED_OPERATORS)); by default none. Replaces
    /// the operators given before.
    pub fn allow_operators(
        mut self,
        operators: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.graph_check.allowed_operators = operators.into_iter().map(Into::into).collect();
        self
    }

    /// How long `replace_graph` re-reads a route after deploying until reads show the new graph
    /// (default [`DeployWait::default`]: up to 120 s; [`DeployWait::none`] does not read back).
    pub fn deploy_wait(mut self, wait: DeployWait) -> Self {
        self.deploy_wait = wait;
        self
    }

    /// A dry run (default off): every request is built and checked as usual (ids, graphs,
    /// credentials added), then recorded instead of sent, and the call fails with
    /// [`Error::DryRun`](crate::Error::DryRun) holding the
    /// [`PreparedRequest`](crate::PreparedRequest), its credentials redacted. Nothing reaches
    /// the network; a workflow of several calls stops at its first request.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// The rate budget every request of the client and its clones shares (default
    /// [`RateBudget::cloudflare`]: 1,200 requests per 300 s until the API's `Ratelimit-Policy`
    /// says otherwise, 10 % kept in reserve). Requests wait for the window to reset rather than
    /// spend the reserve, so the client's own traffic never trips the lock-out.
    pub fn rate_budget(mut self, budget: RateBudget) -> Self {
        self.rate_budget = Some(budget);
        self
    }

    /// No rate budget: every request is sent at once, whatever the API's headers say (a 429 is
    /// still retried after its `Retry-After`).
    pub fn no_rate_budget(mut self) -> Self {
        self.rate_budget = None;
        self
    }

    /// Called each time the client starts waiting for quota (once per wait, however many
    /// requests wait), so a program can say why it is quiet; the same is a `tracing` event at
    /// `INFO`. [`QuotaWait`] displays as `waiting 41 s for API quota (1,200 per 300 s; 0 left)`.
    pub fn on_quota_wait(mut self, hook: impl Fn(&QuotaWait) + Send + Sync + 'static) -> Self {
        self.on_quota_wait = Some(Arc::new(hook));
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<crate::Client, ConfigError> {
        let credentials = self.credentials.ok_or(ConfigError::MissingCredentials {
            hint: "give credentials to the builder, or use ClientBuilder::from_env",
        })?;
        let base_url = self.base_url.trim_end_matches('/').to_string();
        let absolute = base_url.starts_with("http://") || base_url.starts_with("https://");
        let parsed = match reqwest::Url::parse(&base_url) {
            Ok(parsed) if absolute => parsed,
            _ => return Err(ConfigError::InvalidBaseUrl { url: base_url }),
        };
        if parsed.scheme() == "http" && !is_loopback(&parsed) {
            return Err(ConfigError::InsecureBaseUrl { url: base_url });
        }
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| {
            ConfigError::InvalidHeaderValue {
                header: "User-Agent",
            }
        })?;
        let http = match self.http {
            Some(http) => http,
            None => crate::http_client_builder()?
                .build()
                .map_err(ConfigError::Http)?,
        };
        let settings = Settings {
            auth: credentials.headers()?,
            user_agent,
            timeout: self.timeout,
            retry: self.retry,
            graph_check: self.graph_check,
            deploy_wait: self.deploy_wait,
            dry_run: self.dry_run,
            pacer: self
                .rate_budget
                .map(|budget| Pacer::new(budget, self.on_quota_wait)),
        };
        Ok(crate::Client::from_parts(
            base_url,
            http,
            Arc::new(settings),
        ))
    }
}

/// Whether `url`'s host is this machine: `localhost`, `127.0.0.0/8` or `::1`. Only such a
/// host may be reached over plain HTTP.
fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.trim_end_matches('.').eq_ignore_ascii_case("localhost"),
    }
}
