//! JSON pointers (RFC 6901) for naming locations in error messages.

/// Appends one reference token to a pointer, escaping `~` and `/`.
pub fn push(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}

/// Resolves a local `#/a/b` reference against `root`.
pub fn resolve<'a>(root: &'a serde_json::Value, reference: &str) -> Option<&'a serde_json::Value> {
    let path = reference.strip_prefix('#')?;
    root.pointer(path)
}
