//! Cutting our fragment out of Cloudflare's full OpenAPI document (placeholder).
