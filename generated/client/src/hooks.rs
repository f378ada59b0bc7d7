//! What every request passes through on its way out: progenitor's `ClientHooks`, implemented
//! for the generated client.
//!
//! progenitor sends `api-version: <info.version of the spec>` on every request, here `4.0.0`.
//! That number versions Cloudflare's OpenAPI *document*, not the API; Cloudflare reads
//! `api-version` as a date-versioned header, so sending `4.0.0` would ask for a version that
//! does not exist. Cloudflare's own SDKs send no `api-version`, and neither does this client:
//! the header is removed before the request leaves, and the API answers with its default.

use progenitor_client::{ClientHooks, Error, OperationInfo};

use crate::Client;

/// The header progenitor adds and this client removes.
pub(crate) const API_VERSION_HEADER: &str = "api-version";

impl ClientHooks for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        request.headers_mut().remove(API_VERSION_HEADER);
        Ok(())
    }
}
