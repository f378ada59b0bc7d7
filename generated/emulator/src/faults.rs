//! Fault injection: make the next matching request(s) fail with a status, wait, hang or lose
//! the connection. Faults fire in the order injected, each a given number of times.

use std::time::Duration;

use serde_json::Value;

use crate::operation::Operation;

/// What a fault does to the request it fires on.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    /// Answer with this status instead of doing the work. `body` replaces the default
    /// Cloudflare error envelope (code = the status, message `injected fault`).
    Status {
        /// The HTTP status; one that is not a valid status code is sent as 500.
        status: u16,
        /// A `Retry-After` header value, in seconds.
        retry_after: Option<u64>,
        /// The body to send instead of the default envelope.
        body: Option<Value>,
    },
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Never answer (the connection stays open until the client gives up or the emulator
    /// stops); nothing is done.
    Hang,
    /// Close the connection without answering; nothing is done.
    DropConnection,
    /// Do the work, then close the connection without answering: a write that took effect
    /// although the client saw it fail.
    DropAfterApplying,
    /// Do the work, then answer with this status and Cloudflare's error envelope instead of
    /// the result: a write that took effect although the API said it failed.
    StatusAfterApplying(u16),
}

/// A fault waiting to fire: what it does, on which operation, how many more times.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    /// What it does.
    pub kind: FaultKind,
    /// The operation it fires on; `None` for any request.
    pub operation: Option<Operation>,
    /// The route whose requests it fires on (the id in the path); `None` for any request.
    pub route: Option<String>,
    /// How many more requests it fires on.
    pub times: u32,
}

impl Fault {
    fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            operation: None,
            route: None,
            times: 1,
        }
    }

    /// Answer with `status` and Cloudflare's error envelope, once, on any request.
    pub fn status(status: u16) -> Self {
        Self::new(FaultKind::Status {
            status,
            retry_after: None,
            body: None,
        })
    }

    /// Wait `delay`, then answer normally; once, on any request.
    pub fn delay(delay: Duration) -> Self {
        Self::new(FaultKind::Delay(delay))
    }

    /// Never answer; once, on any request.
    pub fn hang() -> Self {
        Self::new(FaultKind::Hang)
    }

    /// Close the connection without answering; once, on any request.
    pub fn drop_connection() -> Self {
        Self::new(FaultKind::DropConnection)
    }

    /// Do the work, then close the connection without answering; once, on any request.
    pub fn drop_after_applying() -> Self {
        Self::new(FaultKind::DropAfterApplying)
    }

    /// Do the work, then answer `status` with Cloudflare's error envelope; once, on any
    /// request.
    pub fn status_after_applying(status: u16) -> Self {
        Self::new(FaultKind::StatusAfterApplying(status))
    }

    /// Only on `operation`.
    pub fn on(mut self, operation: Operation) -> Self {
        self.operation = Some(operation);
        self
    }

    /// Only on requests to route `route_id` (its id in the path), so one route of several
    /// changed at once can be made to fail.
    pub fn on_route(mut self, route_id: impl Into<String>) -> Self {
        self.route = Some(route_id.into());
        self
    }

    /// On the next `times` matching requests (0: never; such a fault is not kept).
    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }

    /// With a `Retry-After: <seconds>` header (status faults only; others ignore it).
    pub fn retry_after(mut self, seconds: u64) -> Self {
        if let FaultKind::Status { retry_after, .. } = &mut self.kind {
            *retry_after = Some(seconds);
        }
        self
    }

    /// With this body instead of the default envelope (status faults only; others ignore it).
    pub fn body(mut self, value: Value) -> Self {
        if let FaultKind::Status { body, .. } = &mut self.kind {
            *body = Some(value);
        }
        self
    }

    fn matches(&self, operation: Option<Operation>, path: &str) -> bool {
        self.times > 0
            && self
                .operation
                .is_none_or(|wanted| Some(wanted) == operation)
            && self
                .route
                .as_deref()
                .is_none_or(|wanted| route_in(path) == Some(wanted))
    }
}

/// The route id a request's path names: the segment after `routes`.
fn route_in(path: &str) -> Option<&str> {
    let mut segments = path.split('/');
    segments.find(|s| *s == "routes")?;
    segments.next().filter(|s| !s.is_empty())
}

/// The faults waiting to fire, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Faults(Vec<Fault>);

impl Faults {
    pub(crate) fn push(&mut self, fault: Fault) {
        if fault.times > 0 {
            self.0.push(fault);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }

    pub(crate) fn pending(&self) -> Vec<Fault> {
        self.0.clone()
    }

    /// The oldest fault that fires on `operation` at `path`, counted as fired once.
    pub(crate) fn fire(&mut self, operation: Option<Operation>, path: &str) -> Option<FaultKind> {
        let index = self.0.iter().position(|f| f.matches(operation, path))?;
        let fault = &mut self.0[index];
        fault.times -= 1;
        let kind = fault.kind.clone();
        if fault.times == 0 {
            self.0.remove(index);
        }
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_in_order_on_matching_operations_the_given_number_of_times() {
        let mut faults = Faults::default();
        faults.push(Fault::hang().on(Operation::GetRoute).times(2));
        faults.push(Fault::status(503));
        let path = "/accounts/a/ai-gateway/gateways/g/routes/r";
        assert_eq!(
            faults.fire(
                Some(Operation::ListRoutes),
                "/accounts/a/ai-gateway/gateways/g/routes"
            ),
            Some(Fault::status(503).kind)
        );
        assert_eq!(
            faults.fire(Some(Operation::GetRoute), path),
            Some(FaultKind::Hang)
        );
        assert_eq!(
            faults.fire(Some(Operation::GetRoute), path),
            Some(FaultKind::Hang)
        );
        assert_eq!(faults.fire(Some(Operation::GetRoute), path), None);
        assert!(faults.pending().is_empty());
    }

    #[test]
    fn a_fault_on_a_route_fires_only_on_requests_naming_it() {
        let mut faults = Faults::default();
        faults.push(
            Fault::status(400)
                .on(Operation::CreateVersion)
                .on_route("r2"),
        );
        let versions =
            |route: &str| format!("/accounts/a/ai-gateway/gateways/g/routes/{route}/versions");
        assert_eq!(
            faults.fire(Some(Operation::CreateVersion), &versions("r1")),
            None
        );
        assert_eq!(
            faults.fire(Some(Operation::CreateVersion), &versions("r22")),
            None
        );
        assert_eq!(
            faults.fire(
                Some(Operation::ListRoutes),
                "/accounts/a/ai-gateway/gateways/g/routes"
            ),
            None
        );
        assert!(matches!(
            faults.fire(Some(Operation::CreateVersion), &versions("r2")),
            Some(FaultKind::Status { status: 400, .. })
        ));
        assert!(faults.pending().is_empty());
    }
}
