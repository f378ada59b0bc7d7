//! How results and failures are shown: JSON on standard output (pretty on a terminal,
//! compact otherwise) with Cloudflare's envelope unwrapped, and one line on standard error.

use std::cell::Cell;
use std::io::{IsTerminal, Write};

use cloudflare_dynamic_routing::raw::{Error, ResponseValue, builder};
use serde::Serialize;
use serde_json::Value;

use crate::body;
use crate::generated::commands::CliConfig;

/// Prints what the generated commands produce; remembers whether it reported a failure, so
/// the failure is not printed twice.
pub struct Output {
    pretty: bool,
    reported: Cell<bool>,
}

impl Output {
    /// Pretty JSON when standard output is a terminal.
    pub fn new() -> Self {
        Self {
            pretty: std::io::stdout().is_terminal(),
            reported: Cell::new(false),
        }
    }

    /// Whether a failure has already been printed.
    pub fn reported(&self) -> bool {
        self.reported.get()
    }

    /// Prints any value as JSON, followed by a newline.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) {
        let text = if self.pretty {
            serde_json::to_string_pretty(value)
        } else {
            serde_json::to_string(value)
        };
        let mut stdout = std::io::stdout().lock();
        // A closed pipe (`routes … | head`) is not worth a panic.
        let _ = writeln!(stdout, "{}", text.unwrap_or_default());
    }
}

/// The payload of Cloudflare's envelope (`result`, `route` or `data`), or the value itself.
fn unwrapped(value: Value) -> Value {
    let Value::Object(mut map) = value else {
        return value;
    };
    if map.len() == 2 && map.contains_key("success") {
        for key in ["result", "route", "data"] {
            if let Some(payload) = map.remove(key) {
                return payload;
            }
        }
    }
    Value::Object(map)
}

/// One line for a failed call, with Cloudflare's messages when the body had them.
pub fn describe<T: Serialize>(error: &Error<T>) -> String {
    match error {
        Error::ErrorResponse(response) => {
            let body = serde_json::to_value(response.as_ref()).unwrap_or_default();
            let messages: Vec<String> = body
                .get("errors")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(
                    |e| match (e.get("code"), e.get("message").and_then(Value::as_str)) {
                        (Some(code), Some(message)) if !code.is_null() => {
                            format!("[{code}] {message}")
                        }
                        (_, Some(message)) => message.to_string(),
                        _ => e.to_string(),
                    },
                )
                .collect();
            format!("HTTP {}: {}", response.status(), messages.join("; "))
        }
        Error::UnexpectedResponse(response) => format!("HTTP {}", response.status()),
        Error::CommunicationError(e) | Error::InvalidUpgrade(e) => {
            format!("the request failed: {e}")
        }
        Error::ResponseBodyError(e) => format!("reading the response failed: {e}"),
        Error::InvalidResponsePayload(_, e) => format!("cannot decode the response: {e}"),
        Error::InvalidRequest(message) | Error::Custom(message) => message.clone(),
    }
}

impl CliConfig for &Output {
    fn execute_create_route(
        &self,
        matches: &clap::ArgMatches,
        _request: &mut builder::CreateRoute,
    ) -> anyhow::Result<()> {
        body::check(matches)
    }

    fn execute_create_version(
        &self,
        matches: &clap::ArgMatches,
        _request: &mut builder::CreateVersion,
    ) -> anyhow::Result<()> {
        body::check(matches)
    }

    fn execute_update_route(
        &self,
        matches: &clap::ArgMatches,
        _request: &mut builder::UpdateRoute,
    ) -> anyhow::Result<()> {
        body::check(matches)
    }

    fn execute_create_deployment(
        &self,
        matches: &clap::ArgMatches,
        _request: &mut builder::CreateDeployment,
    ) -> anyhow::Result<()> {
        body::check(matches)
    }

    fn success_item<T>(&self, value: &ResponseValue<T>)
    where
        T: schemars::JsonSchema + Serialize + std::fmt::Debug,
    {
        self.json(&unwrapped(
            serde_json::to_value(value.as_ref()).unwrap_or_default(),
        ));
    }

    fn success_no_item(&self, _value: &ResponseValue<()>) {}

    fn error<T>(&self, value: &Error<T>)
    where
        T: schemars::JsonSchema + Serialize + std::fmt::Debug,
    {
        eprintln!("error: {}", describe(value));
        self.reported.set(true);
    }

    fn list_start<T>(&self)
    where
        T: schemars::JsonSchema + Serialize + std::fmt::Debug,
    {
    }

    fn list_item<T>(&self, value: &T)
    where
        T: schemars::JsonSchema + Serialize + std::fmt::Debug,
    {
        self.json(value);
    }

    fn list_end_success<T>(&self)
    where
        T: schemars::JsonSchema + Serialize + std::fmt::Debug,
    {
    }

    fn list_end_error<T>(&self, value: &Error<T>)
    where
        T: schemars::JsonSchema + Serialize + std::fmt::Debug,
    {
        self.error(value);
    }
}
