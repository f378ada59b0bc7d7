//! `cargo xtask bench-build`: what users pay to build. Times a cold `cargo build --release` of
//! two tiny consumers that make a client and call one operation: one depending on the
//! generated client (`generated/client`, a path dependency), one expanding
//! `progenitor::generate_api!` over the same vendored spec. Each has its own fresh target
//! folder; they build one after the other. Prints seconds, the ratio, the dependency count
//! and the release binary's size. Exits 0 unless a build fails (then its stderr is printed).

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::{EXIT_BAD_INPUT, EXIT_OK};

/// The bar: the generated client's cold build takes at most this share of the macro's.
const BAR: f64 = 0.6;

/// One consumer crate: its name, manifest and `main.rs`.
struct Consumer {
    label: &'static str,
    name: &'static str,
    manifest: String,
    main: String,
}

/// What one cold build measured.
struct Measured {
    label: &'static str,
    seconds: f64,
    deps: usize,
    binary_bytes: u64,
}

/// Dependencies both consumers share, as a user would write them.
const TOKIO: &str = r#"tokio = { version = "1", features = ["rt", "macros", "time"] }"#;

fn generated_consumer(root: &Path) -> Consumer {
    let client = root.join("generated/client");
    Consumer {
        label: "generated client (path dep)",
        name: "consumer-generated",
        manifest: format!(
            "[package]\nname = \"consumer-generated\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
             publish = false\n\n[workspace]\n\n[dependencies]\n\
             cloudflare-dynamic-routing = {{ path = {client:?} }}\n{TOKIO}\n"
        ),
        main: r#"fn main() {
    let client = cloudflare_dynamic_routing::Client::builder()
        .base_url("http://127.0.0.1:9")
        .api_token("token")
        .retry_policy(cloudflare_dynamic_routing::RetryPolicy::none())
        .build()
        .expect("a client");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let result = runtime.block_on(client.gateway("account", "gateway").get_route("route"));
    println!("{}", result.is_ok());
}
"#
        .to_string(),
    }
}

fn macro_consumer() -> Consumer {
    Consumer {
        label: "progenitor::generate_api!",
        name: "consumer-macro",
        manifest: format!(
            "[package]\nname = \"consumer-macro\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
             publish = false\n\n[workspace]\n\n[dependencies]\n\
             progenitor = \"=0.15.1\"\n\
             progenitor-client = \"=0.15.1\"\n\
             reqwest = {{ version = \"0.13.4\", default-features = false, features = [\"json\", \"query\", \"rustls\"] }}\n\
             serde = {{ version = \"1.0.226\", features = [\"derive\"] }}\n\
             serde_json = \"1.0.150\"\n\
             chrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\", \"clock\"] }}\n\
             {TOKIO}\n"
        ),
        main: r#"progenitor::generate_api!(spec = "spec.json", interface = Builder);

fn main() {
    let client = Client::new("http://127.0.0.1:9");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let result = runtime.block_on(
        client
            .aig_config_get_gateway_dynamic_route()
            .account_id("account")
            .gateway_id("gateway")
            .id("route")
            .send(),
    );
    println!("{}", result.is_ok());
}
"#
        .to_string(),
    }
}

/// Runs the benchmark; `keep` leaves the scratch folder in place (it is printed).
pub fn bench_build(root: &Path, keep: bool, out: &mut dyn Write) -> Result<u8, String> {
    let scratch = std::env::temp_dir().join(format!("xtask-bench-build-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let result = run_all(root, &scratch, out);
    if keep {
        let _ = writeln!(out, "kept {}", scratch.display());
    } else {
        let _ = fs::remove_dir_all(&scratch);
    }
    result
}

fn run_all(root: &Path, scratch: &Path, out: &mut dyn Write) -> Result<u8, String> {
    let spec = fs::read(root.join(codegen::SPEC_PATH))
        .map_err(|e| format!("{}: cannot read: {e}", codegen::SPEC_PATH))?;
    let consumers = [generated_consumer(root), macro_consumer()];
    let mut measured = Vec::new();
    let _ = writeln!(out, "{}", tool_version("rustc", &["-V"]));
    for consumer in &consumers {
        let dir = scratch.join(consumer.name);
        write(&dir.join("Cargo.toml"), consumer.manifest.as_bytes())?;
        write(&dir.join("src/main.rs"), consumer.main.as_bytes())?;
        write(&dir.join("spec.json"), &spec)?;
        let target = dir.join("target");
        // Resolution and downloads are not part of the build time.
        if let Err(failure) = cargo(&dir, &target, &["fetch"]) {
            return Ok(report_failure(out, consumer, &failure));
        }
        let _ = writeln!(
            out,
            "building {} (cold, CARGO_TARGET_DIR={})…",
            consumer.label,
            target.display()
        );
        let started = Instant::now();
        if let Err(failure) = cargo(&dir, &target, &["build", "--release", "--locked"]) {
            return Ok(report_failure(out, consumer, &failure));
        }
        let seconds = started.elapsed().as_secs_f64();
        let deps = match cargo(
            &dir,
            &target,
            &["tree", "-e", "normal", "--prefix", "none", "--locked"],
        ) {
            Ok(tree) => count_dependencies(&tree),
            Err(failure) => return Ok(report_failure(out, consumer, &failure)),
        };
        let binary = target.join("release").join(consumer.name);
        let binary_bytes = fs::metadata(&binary)
            .map_err(|e| format!("{}: {e}", binary.display()))?
            .len();
        let _ = writeln!(out, "  {seconds:.1} s");
        measured.push(Measured {
            label: consumer.label,
            seconds,
            deps,
            binary_bytes,
        });
    }
    print_table(out, &measured);
    Ok(EXIT_OK)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// A failed command: what was run, and its stderr.
struct Failure {
    command: String,
    stderr: String,
}

/// Runs `cargo <args>` in `dir` with its own cold target folder; returns stdout.
fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<String, Failure> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        // Nothing cached from elsewhere: no compiler wrapper, no inherited build settings.
        .env_remove("RUSTC_WRAPPER")
        .env_remove("CARGO_BUILD_RUSTC_WRAPPER")
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    let shown = format!("cargo {} (in {})", args.join(" "), dir.display());
    let output = command.output().map_err(|e| Failure {
        command: shown.clone(),
        stderr: e.to_string(),
    })?;
    if !output.status.success() {
        return Err(Failure {
            command: format!("{shown}: {}", output.status),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn report_failure(out: &mut dyn Write, consumer: &Consumer, failure: &Failure) -> u8 {
    let _ = writeln!(
        out,
        "error: building the {} consumer failed: {}\n{}",
        consumer.label, failure.command, failure.stderr
    );
    EXIT_BAD_INPUT
}

/// Distinct packages in `cargo tree --prefix none` output, not counting the consumer itself.
fn count_dependencies(tree: &str) -> usize {
    let packages: BTreeSet<&str> = tree
        .lines()
        .map(|line| line.trim_end_matches(" (*)").trim())
        .filter(|line| !line.is_empty())
        .collect();
    packages.len().saturating_sub(1)
}

fn tool_version(tool: &str, args: &[&str]) -> String {
    Command::new(tool)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|e| format!("{tool}: {e}"))
}

fn print_table(out: &mut dyn Write, measured: &[Measured]) {
    let anchor = measured.last().map_or(1.0, |m| m.seconds);
    let _ = writeln!(
        out,
        "\n{:<30} {:>10} {:>8} {:>6} {:>14}",
        "consumer", "build (s)", "ratio", "deps", "binary (bytes)"
    );
    for m in measured {
        let _ = writeln!(
            out,
            "{:<30} {:>10.1} {:>8.2} {:>6} {:>14}",
            m.label,
            m.seconds,
            m.seconds / anchor,
            m.deps,
            m.binary_bytes
        );
    }
    if let [generated, ..] = measured {
        let ratio = generated.seconds / anchor;
        let verdict = if ratio <= BAR { "met" } else { "missed" };
        let _ = writeln!(
            out,
            "bar: generated ≤ {BAR}× the macro's cold build: {ratio:.2}× ({verdict}); \
             total {:.0?}",
            Duration::from_secs_f64(measured.iter().map(|m| m.seconds).sum())
        );
    }
}
