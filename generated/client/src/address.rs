//! The one place that keeps a request on the resource it means: a path parameter that is empty,
//! `.` or `..` would make the URL name another resource (`DELETE …/routes/..` is the gateway's
//! own path), so such a request is refused before it is sent, from any entry point.
//!
//! [`unusable`] is the rule. The `Gateway` methods apply it to each id first, for an error that
//! names the id; the transport applies it to every request's URL against its operation's path
//! template ([`misaddressed`]), so `client.raw()` and every CLI subcommand are covered too.

use percent_encoding::percent_decode_str;

/// Why `value` cannot be a path parameter, if it cannot: empty or blank, `.` or `..`.
pub(crate) fn unusable(value: &str) -> Option<&'static str> {
    if value.trim().is_empty() {
        Some("is empty")
    } else if value == "." || value == ".." {
        Some("is a dot segment, which a URL resolves to another path")
    } else {
        None
    }
}

/// Why the URL path `url_path` does not name the resource that `template` (such as
/// `/accounts/{account_id}/ai-gateway/gateways/{gateway_id}/routes/{id}`) describes under the
/// base URL's path `base_path`, if it does not. Each `{parameter}` must be one segment that is
/// not [`unusable`] once percent-decoded, and every other segment must be as written.
pub(crate) fn misaddressed(template: &str, base_path: &str, url_path: &str) -> Option<String> {
    let base_path = base_path.trim_end_matches('/');
    let Some(rest) = url_path.strip_prefix(base_path) else {
        return Some(format!(
            "the URL path `{url_path}` is not under the base URL"
        ));
    };
    let wanted: Vec<&str> = template.split('/').collect();
    let actual: Vec<&str> = rest.split('/').collect();
    if wanted.len() != actual.len() {
        return Some(format!(
            "the URL path `{url_path}` does not have the shape `{template}`: a path parameter is \
             empty, `.` or `..`"
        ));
    }
    for (want, got) in wanted.iter().zip(&actual) {
        match want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
            Some(parameter) => {
                let decoded = percent_decode_str(got).decode_utf8_lossy();
                if let Some(why) = unusable(&decoded) {
                    return Some(format!("path parameter `{parameter}` {why}"));
                }
            }
            None if want != got => {
                return Some(format!(
                    "the URL path `{url_path}` does not have the shape `{template}`"
                ));
            }
            None => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTE: &str = "/accounts/{account_id}/ai-gateway/gateways/{gateway_id}/routes/{id}";

    #[test]
    fn a_url_that_fills_every_parameter_names_its_resource() {
        let ok = "/client/v4/accounts/a/ai-gateway/gateways/g/routes/r%2Fx";
        assert_eq!(misaddressed(ROUTE, "/client/v4", ok), None);
        assert_eq!(misaddressed(ROUTE, "/client/v4/", ok), None);
        let at_root = "/accounts/a/ai-gateway/gateways/g/routes/r";
        assert_eq!(misaddressed(ROUTE, "", at_root), None);
        assert_eq!(misaddressed(ROUTE, "/", at_root), None);
    }

    #[test]
    fn empty_blank_and_dot_parameters_are_caught_however_the_url_resolved_them() {
        for (path, names) in [
            (
                "/accounts/a/ai-gateway/gateways/g/routes/",
                Some("`id` is empty"),
            ),
            (
                "/accounts//ai-gateway/gateways/g/routes/r",
                Some("`account_id` is empty"),
            ),
            (
                "/accounts/a/ai-gateway/gateways/%20/routes/r",
                Some("`gateway_id` is empty"),
            ),
            (
                "/accounts/a/ai-gateway/gateways/g/routes/%2E",
                Some("`id` is a dot segment"),
            ),
            (
                "/accounts/a/ai-gateway/gateways/g/routes/%2e%2E",
                Some("`id` is a dot segment"),
            ),
            // `..` resolved by the URL parser: the gateway's own path, a segment short.
            ("/accounts/a/ai-gateway/gateways/g/", None),
            ("/accounts/a/ai-gateway/gateways/g/routes/r/versions", None),
            ("/accounts/a/ai-gateway/gateways/g/other/r", None),
        ] {
            let why = misaddressed(ROUTE, "", path).expect("refused");
            if let Some(names) = names {
                assert!(why.contains(names), "{path}: {why}");
            }
        }
        assert!(misaddressed(ROUTE, "/client/v4", "/elsewhere/accounts/a").is_some());
    }

    #[test]
    fn the_rule_refuses_empty_blank_and_dot_values_only() {
        for bad in ["", " ", "\t", ".", ".."] {
            assert!(unusable(bad).is_some(), "{bad:?}");
        }
        for good in ["r", "...", ".a", "a.", "route-1", "%2E"] {
            assert_eq!(unusable(good), None, "{good:?}");
        }
    }
}
