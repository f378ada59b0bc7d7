//! The routes manifest (`routes.manifest.json`): which account and gateway a directory of route
//! files is, and which of that gateway's routes it owns (the whole gateway, or name patterns),
//! so `plan` targets the right gateway and `prune` deletes only what the directory owns.
//!
//! ```
//! use cloudflare_dynamic_routing::reconcile::{Manifest, Owns};
//!
//! let manifest = Manifest::from_json(r#"{
//!   "account_id": "0d37909e38d3e99c29fa2cd343ac421a",
//!   "gateway_id": "production",
//!   "owns": ["team-a-*"]
//! }"#).expect("a manifest");
//! assert!(manifest.owns.includes("team-a-support"));
//! assert!(!manifest.owns.includes("team-b-support"));
//! assert!(Owns::Gateway.includes("anything"));
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::ReconcileError;
use super::name_pattern::NamePattern;
use crate::staged_file;

// Defined beside route discovery, which skips the manifest (and builds without `reconcile`).
pub use crate::route_file::{MANIFEST_FILE, is_manifest_file};

/// A directory's manifest: `$schema` (optional), `account_id`, `gateway_id`, `owns`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The JSON Schema an editor checks the file against, such as
    /// `../generated/client/routes-manifest.schema.json`; ignored otherwise.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The Cloudflare account's id.
    pub account_id: String,
    /// The AI Gateway's id; `plan` and `apply` of this directory talk to it and no other.
    pub gateway_id: String,
    /// Which routes on the gateway this directory owns: `"gateway"` (all of them), or a list of
    /// name patterns (`*` any run of characters, `?` one character), such as `["team-a-*"]`.
    /// `prune` deletes only owned routes no file describes; every route file must be owned.
    #[cfg_attr(feature = "schemars", schemars(with = "OwnsSchema"))]
    pub owns: Owns,
}

/// Which routes of a gateway a directory owns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Value", into = "Value")]
pub enum Owns {
    /// Every route on the gateway (`"owns": "gateway"`).
    Gateway,
    /// The routes whose name matches one of these patterns (`"owns": ["team-a-*"]`).
    Names(Vec<NamePattern>),
}

/// Which routes the directory owns: "gateway" (all), or name patterns such as ["team-a-*"].
// For the JSON Schema only: `Owns` reads itself, with better errors than `untagged` gives.
#[cfg(feature = "schemars")]
#[derive(schemars::JsonSchema)]
#[serde(untagged, rename = "Owns")]
#[allow(dead_code)]
enum OwnsSchema {
    /// Every route on the gateway.
    Gateway(WholeGateway),
    /// Name patterns: `*` matches any run of characters, `?` one character.
    Names(Vec<String>),
}

/// `"gateway"`.
#[cfg(feature = "schemars")]
#[derive(schemars::JsonSchema)]
#[allow(dead_code)]
enum WholeGateway {
    #[serde(rename = "gateway")]
    Gateway,
}

impl Owns {
    /// Whether a route with this name is owned.
    pub fn includes(&self, name: &str) -> bool {
        match self {
            Self::Gateway => true,
            Self::Names(patterns) => patterns.iter().any(|p| p.matches(name)),
        }
    }
}

impl fmt::Display for Owns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Gateway => f.write_str("the whole gateway"),
            Self::Names(patterns) => {
                let names: Vec<String> = patterns.iter().map(|p| format!("`{p}`")).collect();
                write!(f, "routes named {}", names.join(", "))
            }
        }
    }
}

const OWNS_SHAPE: &str = "`owns` is \"gateway\" or a list of name patterns such as [\"team-a-*\"]";

impl TryFrom<Value> for Owns {
    type Error = String;

    fn try_from(value: Value) -> Result<Self, String> {
        match value {
            Value::String(whole) if whole == "gateway" => Ok(Self::Gateway),
            Value::Array(items) if !items.is_empty() => items
                .into_iter()
                .map(|item| match item {
                    Value::String(pattern) => NamePattern::new(pattern),
                    other => Err(format!("{OWNS_SHAPE}, not {other}")),
                })
                .collect::<Result<_, _>>()
                .map(Self::Names),
            other => Err(format!("{OWNS_SHAPE}, not {other}")),
        }
    }
}

impl From<Owns> for Value {
    fn from(owns: Owns) -> Self {
        match owns {
            Owns::Gateway => Value::String("gateway".to_string()),
            Owns::Names(patterns) => patterns
                .into_iter()
                .map(|p| Value::String(p.to_string()))
                .collect(),
        }
    }
}

/// A manifest and the file it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestAt {
    /// The file.
    pub path: PathBuf,
    /// What it says.
    pub manifest: Manifest,
}

impl Manifest {
    /// A manifest for this gateway owning all of it (what `export` writes).
    pub fn whole_gateway(account_id: impl Into<String>, gateway_id: impl Into<String>) -> Self {
        Self {
            schema: None,
            account_id: account_id.into(),
            gateway_id: gateway_id.into(),
            owns: Owns::Gateway,
        }
    }

    /// Parses a manifest's text; an error says what is wrong and where (line and column).
    pub fn from_json(text: &str) -> Result<Self, String> {
        let manifest: Self = serde_json::from_str(text).map_err(|e| e.to_string())?;
        for (field, value) in [
            ("account_id", &manifest.account_id),
            ("gateway_id", &manifest.gateway_id),
        ] {
            if value.trim().is_empty() {
                return Err(format!("`{field}` is empty"));
            }
        }
        Ok(manifest)
    }

    /// Reads the manifest at `path`.
    pub fn read(path: &Path) -> Result<Self, ReconcileError> {
        let text = std::fs::read_to_string(path).map_err(|e| ReconcileError::io(path, e))?;
        Self::from_json(&text).map_err(|reason| ReconcileError::InvalidManifest {
            path: path.to_path_buf(),
            reason,
        })
    }

    /// The manifest as a file's text: pretty JSON, a final newline, keys in a stable order.
    pub fn to_json(&self) -> String {
        // Encoding a struct of strings cannot fail.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Writes the manifest to `path` whole or not at all.
    pub fn write(&self, path: &Path) -> Result<(), ReconcileError> {
        staged_file::write(path, self.to_json().as_bytes()).map_err(|e| ReconcileError::io(path, e))
    }
}

impl ManifestAt {
    /// The account and gateway to talk to: the manifest's. An id also given another way (a
    /// flag, an environment variable) must be the same, never a silent switch
    /// ([`ReconcileError::GatewayMismatch`]).
    pub fn ids(
        &self,
        account_id: Option<&str>,
        gateway_id: Option<&str>,
    ) -> Result<(String, String), ReconcileError> {
        let manifest = &self.manifest;
        for (field, named, given) in [
            ("account_id", &manifest.account_id, account_id),
            ("gateway_id", &manifest.gateway_id, gateway_id),
        ] {
            if let Some(given) = given
                && given != named
            {
                return Err(ReconcileError::GatewayMismatch {
                    manifest: self.path.clone(),
                    field,
                    manifest_value: named.clone(),
                    given: given.to_string(),
                });
            }
        }
        Ok((manifest.account_id.clone(), manifest.gateway_id.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_kinds_of_ownership_and_writes_them_back() {
        let whole =
            Manifest::from_json(r#"{"account_id": "a", "gateway_id": "g", "owns": "gateway"}"#)
                .expect("whole gateway");
        assert_eq!(whole, Manifest::whole_gateway("a", "g"));
        assert_eq!(Manifest::from_json(&whole.to_json()), Ok(whole));

        let team = Manifest::from_json(
            r#"{"account_id": "a", "gateway_id": "g", "owns": ["team-a-*", "shared"]}"#,
        )
        .expect("patterns");
        assert!(team.owns.includes("team-a-x") && team.owns.includes("shared"));
        assert!(!team.owns.includes("team-b-x") && !team.owns.includes("shared-2"));
        assert_eq!(team.owns.to_string(), "routes named `team-a-*`, `shared`");
        assert_eq!(Manifest::from_json(&team.to_json()), Ok(team));
    }

    #[test]
    fn refuses_what_it_cannot_use() {
        for (text, expected) in [
            (
                r#"{"account_id": "a", "gateway_id": "g", "owns": "all"}"#,
                "`owns` is",
            ),
            (
                r#"{"account_id": "a", "gateway_id": "g", "owns": []}"#,
                "`owns` is",
            ),
            (
                r#"{"account_id": "a", "gateway_id": "g", "owns": [""]}"#,
                "empty",
            ),
            (
                r#"{"account_id": "a", "gateway_id": "g"}"#,
                "missing field `owns`",
            ),
            (
                r#"{"account_id": " ", "gateway_id": "g", "owns": "gateway"}"#,
                "`account_id` is empty",
            ),
            (
                r#"{"account_id": "a", "gateway": "g", "gateway_id": "g", "owns": "gateway"}"#,
                "unknown field `gateway`",
            ),
        ] {
            let error = Manifest::from_json(text).expect_err(text);
            assert!(error.contains(expected), "{text}: {error}");
        }
    }

    #[test]
    fn ids_given_another_way_must_agree() {
        let at = ManifestAt {
            path: PathBuf::from("prod/routes.manifest.json"),
            manifest: Manifest::whole_gateway("a", "g"),
        };
        assert_eq!(at.ids(None, None).expect("ids"), ("a".into(), "g".into()));
        assert_eq!(
            at.ids(Some("a"), Some("g")).expect("ids"),
            ("a".into(), "g".into())
        );
        let error = at
            .ids(Some("a"), Some("other"))
            .expect_err("a contradiction");
        assert_eq!(
            error.to_string(),
            "prod/routes.manifest.json names gateway_id `g`, but `other` was given (a flag or \
             an environment variable); nothing was sent"
        );
        assert!(is_manifest_file(Path::new("x/routes.manifest.json")));
        assert!(!is_manifest_file(Path::new("x/Routes.Manifest.JSON")));
        assert!(!is_manifest_file(Path::new("x/routes.json")));
    }
}
