//! A generated subcommand's request body: the example `--json-body-template` prints (and
//! nothing is sent), and the checks before sending: flags that contradict the body are an
//! error rather than a silent choice, and a graph is checked as `apply` checks it
//! (`graph::check`: every rule and the documented operators, unless `--no-validate`; more
//! operators with `--allow-operator`).

use std::path::PathBuf;

use clap::ArgMatches;
use cloudflare_dynamic_routing::graph;
use cloudflare_dynamic_routing::types::RouteElement;
use serde_json::{Value, json};

use crate::args::ALLOW_OPERATOR;

/// The flag that skips graph validation, on `apply` and on the subcommands that send a graph.
pub const NO_VALIDATE: &str = "no-validate";

/// The flag that prints an example body instead of sending one.
pub const TEMPLATE: &str = "json-body-template";

/// A small valid graph: a start, one model call and an end.
fn example_graph() -> Value {
    json!([
        {"id": "start", "type": "start", "outputs": {"next": {"elementId": "model"}}},
        {"id": "model", "type": "model",
         "properties": {"provider": "openai", "model": "gpt-4o-mini", "retries": 1, "timeout": 30000},
         "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "end"}}},
        {"id": "end", "type": "end", "outputs": {}}
    ])
}

/// An example body for `operation`, valid as it stands; `None` for operations without a body.
pub fn template(operation: &str) -> Option<Value> {
    Some(match operation {
        "create_route" => json!({"name": "support-bot", "elements": example_graph()}),
        "create_version" => json!({"elements": example_graph()}),
        "update_route" => json!({"name": "support-bot-v2"}),
        "create_deployment" => json!({"version_id": "the id of an existing version"}),
        _ => return None,
    })
}

/// Body fields that also have a flag of their own: the flag and the body must not disagree.
const FLAG_FIELDS: &[(&str, &str)] = &[("name", "name"), ("version-id", "version_id")];

/// Runs the checks on the body `matches` gives; `Err` stops the request. (`main` answers
/// `--json-body-template` before any of this.)
pub fn check(matches: &ArgMatches) -> anyhow::Result<()> {
    let Some(path) = matches.get_one::<PathBuf>("json-body") else {
        return Ok(());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", path.display()))?;
    let body: Value = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}: not JSON: {e}", path.display()))?;
    for (flag, field) in FLAG_FIELDS {
        let given = matches.try_get_one::<String>(flag).ok().flatten();
        if let (Some(given), Some(in_body)) = (given, body.get(field)) {
            anyhow::bail!(
                "--{flag} `{given}` and the body's `{field}` ({in_body}) both say what to send; \
                 give one of them"
            );
        }
    }
    let checks = crate::args::checks(matches);
    if !checks.skip_validation
        && let Some(elements) = body.get("elements")
    {
        let elements: Vec<RouteElement> = serde_json::from_value(elements.clone())
            .map_err(|e| anyhow::anyhow!("{}: the graph does not decode: {e}", path.display()))?;
        if let Err(problems) = graph::check(&elements, &checks) {
            anyhow::bail!(
                "{}: the graph is not valid, nothing was sent (--{NO_VALIDATE} sends it anyway, \
                 --{ALLOW_OPERATOR} accepts an operator):\n{problems}",
                path.display()
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudflare_dynamic_routing::types::{NewDeployment, NewRoute, NewVersion, RouteUpdate};

    #[test]
    fn every_template_is_a_valid_body_of_its_operation() {
        let route: NewRoute =
            serde_json::from_value(template("create_route").expect("a template")).expect("decodes");
        assert_eq!(graph::validate(&route.elements), Ok(()));
        let version: NewVersion =
            serde_json::from_value(template("create_version").expect("t")).expect("decodes");
        assert_eq!(graph::validate(&version.elements), Ok(()));
        let _: RouteUpdate =
            serde_json::from_value(template("update_route").expect("t")).expect("decodes");
        let _: NewDeployment =
            serde_json::from_value(template("create_deployment").expect("t")).expect("decodes");
        assert_eq!(template("get_route"), None);
    }
}
