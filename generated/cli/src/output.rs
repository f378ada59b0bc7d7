//! How results are shown: JSON on standard output (pretty on a terminal, compact otherwise)
//! with Cloudflare's envelope unwrapped and each graph once, a note on standard error when a
//! list page is full; and the hooks that check a body before it is sent.

use std::io::IsTerminal;

use cloudflare_dynamic_routing::raw::{Error, ResponseValue, builder};
use serde::Serialize;
use serde_json::Value;

use crate::generated::commands::CliConfig;
use crate::{body, print};

/// Prints what the generated commands produce. Failures are not printed here: `main` renders
/// them through the client's `Error`, as it does `apply`'s.
pub struct Output {
    pretty: bool,
}

impl Output {
    /// Pretty JSON when standard output is a terminal.
    pub fn new() -> Self {
        Self {
            pretty: std::io::stdout().is_terminal(),
        }
    }

    /// Prints any value as JSON, followed by a newline.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) {
        print::json(value, self.pretty);
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

/// Each route or version in `value` with its graph once: the documented answers carry it twice
/// (`elements` and the JSON string in `version.data`), the live ones only in `version.data`.
/// The graph is kept in `elements`; `data` goes. A route as listed by the live API has none,
/// and shows none.
fn graph_once(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(graph_once),
        Value::Object(map) => {
            let data = if map.contains_key("version_id") {
                map.remove("data")
            } else {
                map.get_mut("version")
                    .and_then(Value::as_object_mut)
                    .and_then(|version| version.remove("data"))
            };
            let has_elements = map
                .get("elements")
                .and_then(Value::as_array)
                .is_some_and(|elements| !elements.is_empty());
            if let (false, Some(data)) = (has_elements, data) {
                let graph = match data {
                    Value::String(text) => {
                        serde_json::from_str(&text).unwrap_or(Value::String(text))
                    }
                    other => other,
                };
                map.insert("elements".to_string(), graph);
            }
            map.values_mut().for_each(graph_once);
        }
        _ => {}
    }
}

/// For a page of routes that is full: a note on standard error that more may follow.
fn more_pages(page: &Value) -> Option<String> {
    let routes = page.get("routes")?.as_array()?.len() as u64;
    let per_page = page.get("per_page")?.as_u64()?;
    let number = page.get("page")?.as_u64()?;
    (routes > 0 && routes >= per_page).then(|| {
        format!(
            "note: page {number} is full ({routes} routes); more may follow: --page {}",
            number + 1
        )
    })
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
        let mut payload = unwrapped(serde_json::to_value(value.as_ref()).unwrap_or_default());
        graph_once(&mut payload);
        self.json(&payload);
        if let Some(note) = more_pages(&payload) {
            print::note(&note);
        }
    }

    fn success_no_item(&self, _value: &ResponseValue<()>) {}

    fn error<T>(&self, _value: &Error<T>)
    where
        T: schemars::JsonSchema + Serialize + std::fmt::Debug,
    {
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

    fn list_end_error<T>(&self, _value: &Error<T>)
    where
        T: schemars::JsonSchema + Serialize + std::fmt::Debug,
    {
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_graph_sent_twice_or_only_in_version_data_is_shown_once_in_elements() {
        let graph = json!([{"id": "e", "type": "end", "outputs": {}}]);
        let mut documented = json!({"routes": [{"elements": graph,
            "version": {"version_id": "v", "active": "true", "data": graph.to_string()}}]});
        graph_once(&mut documented);
        assert_eq!(documented["routes"][0]["elements"], graph);
        assert!(documented["routes"][0]["version"].get("data").is_none());

        let mut live = json!({"version": {"version_id": "v", "active": true, "data": graph}});
        graph_once(&mut live);
        assert_eq!(live["elements"], graph);

        let mut version = json!({"version_id": "v", "data": graph.to_string(), "elements": []});
        graph_once(&mut version);
        assert_eq!(version["elements"], graph);
        assert!(version.get("data").is_none());

        let mut listed = json!({"version": {"version_id": "v", "active": true}});
        graph_once(&mut listed);
        assert!(listed.get("elements").is_none(), "no graph is invented");
    }

    #[test]
    fn a_full_page_says_more_may_follow() {
        let page = |n: usize| json!({"page": 2, "per_page": 3, "routes": vec![json!({}); n]});
        assert_eq!(
            more_pages(&page(3)).as_deref(),
            Some("note: page 2 is full (3 routes); more may follow: --page 3")
        );
        assert_eq!(more_pages(&page(2)), None);
        assert_eq!(more_pages(&page(0)), None);
        assert_eq!(more_pages(&json!({"id": "r"})), None);
    }
}
