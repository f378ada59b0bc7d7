//! What the CLI's tests share: the `routes` binary with an empty environment (nothing from the
//! developer's shell leaks in) and a fresh graph cache, pointed at a server with one account, gateway and token; a
//! finished run's exit code and output; and the list of commands, read from `routes --help`.

use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;

/// The account every scoped run uses by default.
pub const ACCOUNT: &str = "acct-1";
/// The gateway every scoped run uses by default.
pub const GATEWAY: &str = "gw-1";
/// The API token every run against a server sends.
pub const TOKEN: &str = "cli-test-token";

/// `routes` with no environment at all (no credentials, no base URL, no default ids) but a
/// graph cache of its own, new and empty: a run never touches the user's cache directory, and
/// never sees graphs another run kept (the emulator's ids repeat from one emulator to the next).
pub fn routes() -> Command {
    let mut command = Command::cargo_bin("routes").expect("the routes binary");
    command
        .env_clear()
        .env("ROUTES_CACHE_DIR", fresh_cache_dir());
    command
}

/// A directory no run has used, under this test binary's temporary directory.
pub fn fresh_cache_dir() -> std::path::PathBuf {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "routes-cache-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::Relaxed)
    ))
}

/// `routes` with [`TOKEN`], pointed at `base_url`, without default ids.
pub fn routes_unscoped(base_url: &str) -> Command {
    let mut command = routes();
    command
        .env("CLOUDFLARE_API_TOKEN", TOKEN)
        .env("CLOUDFLARE_BASE_URL", base_url);
    command
}

/// `routes` with [`TOKEN`], pointed at `base_url`, [`ACCOUNT`] and [`GATEWAY`] the default ids.
pub fn routes_at(base_url: &str) -> Command {
    let mut command = routes_unscoped(base_url);
    command
        .env("CLOUDFLARE_ACCOUNT_ID", ACCOUNT)
        .env("CLOUDFLARE_GATEWAY_ID", GATEWAY);
    command
}

/// Runs `command`: its exit code (-1 if killed), standard output and standard error.
pub fn run(command: &mut Command) -> (i32, String, String) {
    let output = command.output().expect("runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Every command `routes --help` lists, in its order (clap's own `help` left out).
pub fn commands() -> Vec<String> {
    let (code, help, err) = run(routes().arg("--help"));
    assert_eq!(code, 0, "{err}");
    let listed: Vec<String> = help
        .lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect();
    assert!(!listed.is_empty(), "no commands in:\n{help}");
    listed
}
