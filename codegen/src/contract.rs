//! The one contract between codegen and the hand-written code: every path that generated files
//! name and that leads into hand-written code, with the file that defines it.
//!
//! Generated code depends on these items, and nothing else hand-written. Each item's doc
//! comment says it is named here, and `tests/tests/contract.rs` fails with a clear message when
//! either side is renamed or moved without the other.

/// One hand-written item that generated code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandWritten {
    /// The constant's name in this module, which the item's doc comment cites.
    pub name: &'static str,
    /// The path as generated code writes it.
    pub path: &'static str,
    /// The file that defines the item, relative to the workspace root.
    pub defined_in: &'static str,
    /// Why generated code names it.
    pub why: &'static str,
}

impl HandWritten {
    /// The item's own name: the path's last segment.
    pub fn item(&self) -> &'static str {
        self.path.rsplit("::").next().unwrap_or(self.path)
    }
}

/// The generated client's inner type: per-client settings and the per-call capture of a failed
/// response. `render` passes it to progenitor with `HooksMode::Expected`, so the hand-written
/// `ClientHooks` impl beside it is required, not optional.
pub const TRANSPORT: HandWritten = HandWritten {
    name: "TRANSPORT",
    path: "crate::transport::Transport",
    defined_in: "generated/client/src/transport.rs",
    why: "progenitor's inner type for the generated client (auth, retries, timeouts, tracing)",
};

/// The element typify substitutes for the overlay's "known kind or any object" union (overlay
/// change 4, naming rule `AnyElement`): strict for known kinds, keeping unknown kinds whole,
/// which no schema can express.
pub const ANY_ELEMENT: HandWritten = HandWritten {
    name: "ANY_ELEMENT",
    path: "crate::graph::AnyElement",
    defined_in: "generated/client/src/graph/any.rs",
    why: "typify's replacement for the schema named `AnyElement`",
};

/// The generated low-level client as the mocks and the CLI crates import it.
pub const LOW_LEVEL_CLIENT: HandWritten = HandWritten {
    name: "LOW_LEVEL_CLIENT",
    path: "cloudflare_dynamic_routing::raw",
    defined_in: "generated/client/src/lib.rs",
    why: "the crate path progenitor's httpmock and clap generators import the client from",
};

/// The type of every plain JSON `number` in the spec: it writes whole numbers as integers
/// (`30000`, never `30000.0`), as the API and people write them, which `f64` cannot.
pub const NUMBER: HandWritten = HandWritten {
    name: "NUMBER",
    path: "crate::number::Number",
    defined_in: "generated/client/src/number.rs",
    why: "typify's conversion for every schema that is just `{\"type\": \"number\"}`",
};

/// Every hand-written item generated code names.
pub const ALL: &[HandWritten] = &[TRANSPORT, ANY_ELEMENT, LOW_LEVEL_CLIENT, NUMBER];
