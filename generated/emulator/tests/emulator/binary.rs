//! The `routes-emulator` binary: it prints where it listens and what to export, and serves
//! the client configured from those lines.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use cloudflare_dynamic_routing::{ClientBuilder, PageRequest};

use crate::support::*;

/// The binary, killed when the test ends however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn prints_its_address_and_environment_then_serves() {
    let child = Command::new(env!("CARGO_BIN_EXE_routes-emulator"))
        .args(["--port", "0", "--style", "documented", "--token", "s3cret"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut running = Running(child);
    let stdout = running.0.stdout.take().expect("stdout");
    let lines: Vec<String> = BufReader::new(stdout)
        .lines()
        .take(3)
        .map(|line| line.expect("a line"))
        .collect();
    let base_url = lines[0]
        .strip_prefix("listening on ")
        .and_then(|rest| rest.strip_suffix(" (documented style)"))
        .unwrap_or_else(|| panic!("unexpected first line: {lines:?}"))
        .to_string();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");
    assert_eq!(lines[1], format!("export CLOUDFLARE_BASE_URL={base_url}"));
    assert_eq!(lines[2], "export CLOUDFLARE_API_TOKEN=s3cret");

    let env = |name: &str| {
        let wanted = format!("export {name}=");
        lines
            .iter()
            .find_map(|line| line.strip_prefix(&wanted).map(str::to_string))
    };
    let client = ClientBuilder::from_lookup(env)
        .expect("credentials from the printed lines")
        .build()
        .expect("a client");
    let page = client
        .gateway(ACCOUNT, GATEWAY)
        .list_routes(PageRequest::default())
        .await
        .expect("served");
    assert!(page.routes.is_empty());
}

#[test]
fn a_bad_style_is_a_usage_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_routes-emulator"))
        .args(["--style", "sideways"])
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("sideways"), "{stderr}");
}
