//! Credentials, as Cloudflare takes them: `Authorization: Bearer <token>`, or `X-Auth-Email`
//! with `X-Auth-Key`. Without them the API answers 401 with code 10000.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;

/// Whether `headers` carry credentials the emulator accepts: the configured `token` (as the
/// bearer token or as `X-Auth-Key`), or, with none configured, any non-empty bearer token or
/// any non-empty email and key.
pub(crate) fn authorised(headers: &HeaderMap, token: Option<&str>) -> bool {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let accepts = |given: &str| token.is_none_or(|expected| given == expected);
    let bearer = text(AUTHORIZATION.as_str()).and_then(|value| {
        let (scheme, credential) = value.split_once(' ')?;
        let credential = credential.trim();
        (scheme.eq_ignore_ascii_case("bearer") && !credential.is_empty()).then_some(credential)
    });
    if let Some(credential) = bearer {
        return accepts(credential);
    }
    match (text("x-auth-email"), text("x-auth-key")) {
        (Some(_), Some(key)) => accepts(key),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn any_token_or_key_unless_one_is_configured() {
        assert!(authorised(
            &headers(&[("authorization", "Bearer abc")]),
            None
        ));
        assert!(authorised(
            &headers(&[("x-auth-email", "a@b.c"), ("x-auth-key", "k")]),
            None
        ));
        assert!(!authorised(&headers(&[("authorization", "Bearer ")]), None));
        assert!(!authorised(&headers(&[("x-auth-key", "k")]), None));
        assert!(!authorised(&HeaderMap::new(), None));
        assert!(authorised(
            &headers(&[("authorization", "Bearer s3")]),
            Some("s3")
        ));
        assert!(!authorised(
            &headers(&[("authorization", "Bearer abc")]),
            Some("s3")
        ));
    }
}
