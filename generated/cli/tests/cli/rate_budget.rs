//! The rate budget from the command line, against the emulator enforcing a small limit (30
//! requests per 2 s) in both styles: `routes plan` over more routes than one window allows
//! finishes with nothing to change and no request refused, saying on standard error that it
//! waits for quota; with `--rate-limit off` the same plan has requests refused (429), which
//! only the retries after `Retry-After` may get past.

use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig, RateLimit};
use serde_json::json;

use crate::support::{ACCOUNT, GATEWAY};
use crate::{fixtures, support};

/// More reads than one window of the limit allows.
const ROUTES: usize = 40;

/// An emulator in `config`'s style enforcing 30 requests per 2 s (then blocked for the
/// window), holding [`ROUTES`] routes, and a folder with a file for each.
async fn limited(config: EmulatorConfig) -> (Emulator, tempfile::TempDir) {
    let window = std::time::Duration::from_secs(2);
    let limit = RateLimit::new(30, window, window);
    let emulator = Emulator::start(config.with_rate_limit(limit))
        .await
        .expect("the emulator starts");
    let dir = tempfile::tempdir().expect("a temporary folder");
    for n in 0..ROUTES {
        let name = format!("route-{n:02}");
        emulator
            .seed_route(ACCOUNT, GATEWAY, &name, fixtures::graph())
            .expect("a seeded route");
        let text =
            serde_json::to_string_pretty(&json!({"name": name, "elements": fixtures::graph()}))
                .expect("json");
        std::fs::write(dir.path().join(format!("{name}.json")), text).expect("write");
    }
    (emulator, dir)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_over_the_limit_waits_for_quota_and_is_never_refused() {
    // The documented list carries the graphs, so its plan sends only the list pages (4, capped
    // at 10 routes): a budget of one request a window makes it wait too.
    let documented = EmulatorConfig::documented().with_max_per_page(10);
    for (config, quota) in [(documented, 1), (EmulatorConfig::live(), 30)] {
        let style = config.style.name();
        let (emulator, dir) = limited(config).await;
        let path = dir.path().display().to_string();
        let (code, out, err) = support::run(support::routes_at(&emulator.base_url()).args([
            "plan",
            &path,
            "--rate-limit",
            &format!("{quota}/2"),
        ]));
        assert_eq!(code, 0, "{style}: {out}{err}");
        assert!(
            // The quota is the server's once its `Ratelimit-Policy` is heard (30 per 2 s).
            err.contains("s for API quota (30 per 2 s; "),
            "{style}: the wait is shown: {err}"
        );
        let requests = emulator.requests().len();
        assert!(
            requests > quota,
            "{style}: more than one window: {requests}"
        );
        assert_eq!(emulator.rate_limited(), Vec::new(), "{style}: none refused");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_budget_the_same_plan_is_refused() {
    let (emulator, dir) = limited(EmulatorConfig::live()).await;
    let path = dir.path().display().to_string();
    let (code, out, err) = support::run(support::routes_at(&emulator.base_url()).args([
        "plan",
        &path,
        "--rate-limit",
        "off",
    ]));
    // The retries after `Retry-After` may or may not get the plan through; either way the
    // emulator refused requests, and nothing said it was waiting for quota.
    assert!(code == 0 || code == 1, "{out}{err}");
    assert!(!emulator.rate_limited().is_empty(), "{out}{err}");
    assert!(!err.contains("for API quota"), "{err}");
}
