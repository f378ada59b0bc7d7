//! `cargo xtask vendor --from <openapi.json>`: cuts our fragment from Cloudflare's full document
//! into `spec/`, so updating from upstream is this command followed by `cargo xtask regenerate`.

use std::io::Write;
use std::path::Path;

use crate::{EXIT_OK, files};

/// Reads `from`, cuts the fragment, and writes it over the spec only if its bytes changed.
/// Any error leaves the spec as it was.
pub fn vendor(root: &Path, from: &Path, out: &mut dyn Write) -> Result<u8, String> {
    let shown = from.display();
    let full = std::fs::read(from).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let fragment = codegen::vendor::cut(&full).map_err(|e| format!("{shown}: {e}"))?;
    if files::read(root, codegen::SPEC_PATH)?.as_deref() == Some(fragment.as_bytes()) {
        let _ = writeln!(
            out,
            "{} is already up to date with {shown}",
            codegen::SPEC_PATH
        );
        return Ok(EXIT_OK);
    }
    // Counted from the text just cut, so the report matches what was written.
    let operations = serde_json::from_str(&fragment)
        .map(|document| codegen::vendor::operation_count(&document))
        .map_err(|e| format!("{shown}: cannot re-read the cut fragment: {e}"))?;
    files::write_atomic(root, codegen::SPEC_PATH, fragment.as_bytes())?;
    let _ = writeln!(
        out,
        "vendored {operations} operation(s) from {shown} into {}; now run `{}`",
        codegen::SPEC_PATH,
        crate::FIX_COMMAND
    );
    Ok(EXIT_OK)
}
