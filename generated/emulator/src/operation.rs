//! The ten operations, and which one a request's method and path name.

use std::fmt;

use cloudflare_dynamic_routing::operations;

/// One of the ten Dynamic Routing operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `GET …/routes`
    ListRoutes,
    /// `POST …/routes`
    CreateRoute,
    /// `GET …/routes/{id}`
    GetRoute,
    /// `PATCH …/routes/{id}`
    UpdateRoute,
    /// `DELETE …/routes/{id}`
    DeleteRoute,
    /// `GET …/routes/{id}/versions`
    ListVersions,
    /// `POST …/routes/{id}/versions`
    CreateVersion,
    /// `GET …/routes/{id}/versions/{version_id}`
    GetVersion,
    /// `GET …/routes/{id}/deployments`
    ListDeployments,
    /// `POST …/routes/{id}/deployments`
    CreateDeployment,
}

impl Operation {
    /// All ten, in the spec's order of paths.
    pub const ALL: [Operation; 10] = [
        Self::ListRoutes,
        Self::CreateRoute,
        Self::GetRoute,
        Self::UpdateRoute,
        Self::DeleteRoute,
        Self::ListVersions,
        Self::CreateVersion,
        Self::GetVersion,
        Self::ListDeployments,
        Self::CreateDeployment,
    ];

    /// The name the client gives it, such as `create_route`.
    pub fn name(self) -> &'static str {
        match self {
            Self::ListRoutes => "list_routes",
            Self::CreateRoute => "create_route",
            Self::GetRoute => "get_route",
            Self::UpdateRoute => "update_route",
            Self::DeleteRoute => "delete_route",
            Self::ListVersions => "list_versions",
            Self::CreateVersion => "create_version",
            Self::GetVersion => "get_version",
            Self::ListDeployments => "list_deployments",
            Self::CreateDeployment => "create_deployment",
        }
    }

    /// Its row in the client's generated operation table (method, path template, Cloudflare's
    /// operationId), so the emulator and the client read one table made from the spec.
    fn generated(self) -> Option<&'static operations::Operation> {
        operations::find(self.name())
    }

    /// Cloudflare's operationId, such as `aig-config-list-gateway-dynamic-routes`.
    pub fn operation_id(self) -> &'static str {
        self.generated().map_or("", |o| o.cloudflare_id)
    }

    /// The HTTP method, upper case.
    pub fn method(self) -> &'static str {
        self.generated().map_or("GET", |o| o.method)
    }

    /// Whether it changes state (anything but `GET`).
    pub fn is_write(self) -> bool {
        self.method() != "GET"
    }

    /// The operation a request names, or `None` for any other method or path. Paths are
    /// `/accounts/{account_id}/ai-gateway/gateways/{gateway_id}/routes…`; every parameter
    /// must be non-empty, and a trailing `/` names nothing (as in the router).
    pub fn recognise(method: &str, path: &str) -> Option<Operation> {
        let segments: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
        let [
            "accounts",
            account,
            "ai-gateway",
            "gateways",
            gateway,
            "routes",
            rest @ ..,
        ] = segments.as_slice()
        else {
            return None;
        };
        if account.is_empty() || gateway.is_empty() || rest.iter().any(|s| s.is_empty()) {
            return None;
        }
        let operation = match (method, rest) {
            ("GET", []) => Self::ListRoutes,
            ("POST", []) => Self::CreateRoute,
            ("GET", [_]) => Self::GetRoute,
            ("PATCH", [_]) => Self::UpdateRoute,
            ("DELETE", [_]) => Self::DeleteRoute,
            ("GET", [_, "versions"]) => Self::ListVersions,
            ("POST", [_, "versions"]) => Self::CreateVersion,
            ("GET", [_, "versions", _]) => Self::GetVersion,
            ("GET", [_, "deployments"]) => Self::ListDeployments,
            ("POST", [_, "deployments"]) => Self::CreateDeployment,
            _ => return None,
        };
        Some(operation)
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTES: &str = "/accounts/a/ai-gateway/gateways/g/routes";

    #[test]
    fn recognises_each_operation_by_method_and_path() {
        let cases = [
            ("GET", ROUTES.to_string(), Operation::ListRoutes),
            ("POST", ROUTES.to_string(), Operation::CreateRoute),
            ("GET", format!("{ROUTES}/r"), Operation::GetRoute),
            ("PATCH", format!("{ROUTES}/r"), Operation::UpdateRoute),
            ("DELETE", format!("{ROUTES}/r"), Operation::DeleteRoute),
            (
                "GET",
                format!("{ROUTES}/r/versions"),
                Operation::ListVersions,
            ),
            (
                "POST",
                format!("{ROUTES}/r/versions"),
                Operation::CreateVersion,
            ),
            (
                "GET",
                format!("{ROUTES}/r/versions/v"),
                Operation::GetVersion,
            ),
            (
                "GET",
                format!("{ROUTES}/r/deployments"),
                Operation::ListDeployments,
            ),
            (
                "POST",
                format!("{ROUTES}/r/deployments"),
                Operation::CreateDeployment,
            ),
        ];
        for (method, path, operation) in cases {
            assert_eq!(
                Operation::recognise(method, &path),
                Some(operation),
                "{method} {path}"
            );
            assert_eq!(operation.method(), method);
        }
    }

    #[test]
    fn names_nothing_for_other_paths_and_methods() {
        for (method, path) in [
            ("PUT", ROUTES.to_string()),
            ("GET", format!("{ROUTES}/")),
            ("GET", format!("{ROUTES}//versions")),
            ("GET", "/accounts/a/ai-gateway/gateways/g".to_string()),
            ("GET", format!("{ROUTES}/r/versions/v/x")),
        ] {
            assert_eq!(Operation::recognise(method, &path), None, "{method} {path}");
        }
    }
}
