//! What the CLI's test binaries share: the `routes` binary with an empty environment (nothing
//! from the developer's shell leaks in), pointed at a server, and a finished run's exit code
//! and output.

#![allow(dead_code)] // each test binary uses its own part

use assert_cmd::Command;

/// `routes` with no environment at all: no credentials, no base URL, no default ids.
pub fn routes() -> Command {
    let mut command = Command::cargo_bin("routes").expect("the routes binary");
    command.env_clear();
    command
}

/// `routes` with a token, pointed at `base_url`; with `scope`, the default account and
/// gateway ids too.
pub fn routes_at(base_url: &str, token: &str, scope: Option<(&str, &str)>) -> Command {
    let mut command = routes();
    command
        .env("CLOUDFLARE_API_TOKEN", token)
        .env("CLOUDFLARE_BASE_URL", base_url);
    if let Some((account, gateway)) = scope {
        command
            .env("CLOUDFLARE_ACCOUNT_ID", account)
            .env("CLOUDFLARE_GATEWAY_ID", gateway);
    }
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
