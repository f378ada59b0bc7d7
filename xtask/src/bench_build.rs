//! `cargo xtask bench-build`: what users pay to build. Times cold `cargo build --release`s of
//! tiny consumers that make a client and call `get_route`: the floor (the call written by hand
//! on the client's runtime crates), the client without default features (lean), the client
//! with them (default), and, on request, one expanding `progenitor::generate_api!` over the
//! same vendored spec. Each consumer has its own target folder, emptied before every build;
//! the builds are interleaved in rounds (the order rotating each round) so load on the machine
//! falls on all alike. Prints each build, then medians, each consumer's build time against the
//! floor's built in the same round (median and spread of those ratios), the dependency count
//! and the release binary's size against the floor's. Exits 0 unless a build fails (then its
//! stderr is printed).

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::{EXIT_BAD_INPUT, EXIT_OK};

/// The goals (issue 19): the lean consumer's cold build and binary against the floor's.
const LEAN_BUILD_GOAL: f64 = 1.15;
const LEAN_BINARY_GOAL: f64 = 1.1;

/// What to run: how many rounds, whether to add the macro consumer, whether to keep the
/// scratch folder.
#[derive(Debug, Clone, Copy)]
pub struct BenchOptions {
    /// Rounds of builds; each builds every consumer once.
    pub rounds: usize,
    /// Also build the `progenitor::generate_api!` consumer (about twice the default's time).
    pub with_macro: bool,
    /// Leave the scratch folder in place (it is printed).
    pub keep: bool,
}

/// One consumer crate: its name, manifest and `main.rs`.
struct Consumer {
    label: &'static str,
    name: &'static str,
    manifest: String,
    main: &'static str,
}

/// Every cold build of one consumer.
struct Measured {
    label: &'static str,
    seconds: Vec<f64>,
    deps: usize,
    binary_bytes: u64,
}

/// Dependencies every consumer shares, as a user would write them.
const TOKIO: &str = r#"tokio = { version = "1", features = ["rt", "macros", "time"] }"#;

/// The floor's runtime crates: the client's own, with the features it enables
/// (the workspace `Cargo.toml`); versions come from the workspace's `Cargo.lock`.
const FLOOR_DEPENDENCIES: &str = r#"reqwest = { version = "0.13.4", default-features = false, features = ["json", "query", "rustls-no-provider"] }
rustls = { version = "0.23.46", default-features = false, features = ["ring", "std", "tls12", "logging"] }
rustls-platform-verifier = "0.7.1"
serde = { version = "1.0.226", features = ["derive"] }
serde_json = "1.0.150"
"#;

fn manifest(name: &str, dependencies: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
         publish = false\n\n[workspace]\n\n[dependencies]\n{dependencies}{TOKIO}\n"
    )
}

fn floor_consumer() -> Consumer {
    Consumer {
        label: "floor (by hand)",
        name: "consumer-floor",
        manifest: manifest("consumer-floor", FLOOR_DEPENDENCIES),
        main: include_str!("../bench-consumers/floor.rs"),
    }
}

fn client_consumer(root: &Path, lean: bool) -> Consumer {
    let client = root.join("generated/client");
    let (label, name, features) = if lean {
        (
            "lean client (no features)",
            "consumer-lean",
            ", default-features = false",
        )
    } else {
        ("default client (all)", "consumer-default", "")
    };
    Consumer {
        label,
        name,
        manifest: manifest(
            name,
            &format!("cloudflare-dynamic-routing = {{ path = {client:?}{features} }}\n"),
        ),
        main: include_str!("../bench-consumers/client.rs"),
    }
}

fn macro_consumer() -> Consumer {
    Consumer {
        label: "progenitor::generate_api!",
        name: "consumer-macro",
        manifest: manifest(
            "consumer-macro",
            "progenitor = \"=0.15.1\"\n\
             progenitor-client = \"=0.15.1\"\n\
             reqwest = { version = \"0.13.4\", default-features = false, features = [\"json\", \"query\", \"rustls\"] }\n\
             serde = { version = \"1.0.226\", features = [\"derive\"] }\n\
             serde_json = \"1.0.150\"\n\
             chrono = { version = \"0.4\", default-features = false, features = [\"serde\", \"std\", \"clock\"] }\n",
        ),
        main: include_str!("../bench-consumers/macro.rs"),
    }
}

/// Runs the benchmark.
pub fn bench_build(root: &Path, options: BenchOptions, out: &mut dyn Write) -> Result<u8, String> {
    let scratch = std::env::temp_dir().join(format!("xtask-bench-build-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let result = run_all(root, &scratch, options, out);
    if options.keep {
        let _ = writeln!(out, "kept {}", scratch.display());
    } else {
        let _ = fs::remove_dir_all(&scratch);
    }
    result
}

fn run_all(
    root: &Path,
    scratch: &Path,
    options: BenchOptions,
    out: &mut dyn Write,
) -> Result<u8, String> {
    let spec = fs::read(root.join(codegen::SPEC_PATH))
        .map_err(|e| format!("{}: cannot read: {e}", codegen::SPEC_PATH))?;
    // The workspace's lock seeds every consumer's, so they build the versions it pins.
    let lock =
        fs::read(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: cannot read: {e}"))?;
    let mut consumers = vec![
        floor_consumer(),
        client_consumer(root, true),
        client_consumer(root, false),
    ];
    if options.with_macro {
        consumers.push(macro_consumer());
    }
    let _ = writeln!(out, "{}", tool_version("rustc", &["-V"]));
    let mut measured = Vec::new();
    for consumer in &consumers {
        let dir = scratch.join(consumer.name);
        write(&dir.join("Cargo.toml"), consumer.manifest.as_bytes())?;
        write(&dir.join("Cargo.lock"), &lock)?;
        write(&dir.join("src/main.rs"), consumer.main.as_bytes())?;
        write(&dir.join("spec.json"), &spec)?;
        let target = dir.join("target");
        // Resolution and downloads are not part of the build time; `fetch` also drops the
        // lock's entries this consumer does not use.
        let deps = cargo(&dir, &target, &["fetch"])
            .and_then(|_| {
                cargo(
                    &dir,
                    &target,
                    &["tree", "-e", "normal", "--prefix", "none", "--locked"],
                )
            })
            .map(|tree| count_dependencies(&tree));
        match deps {
            Ok(deps) => measured.push(Measured {
                label: consumer.label,
                seconds: Vec::new(),
                deps,
                binary_bytes: 0,
            }),
            Err(failure) => return Ok(report_failure(out, consumer, &failure)),
        }
    }
    for round in 0..options.rounds.max(1) {
        for step in 0..consumers.len() {
            let index = (round + step) % consumers.len();
            let consumer = &consumers[index];
            let dir = scratch.join(consumer.name);
            let target = dir.join("target");
            let _ = fs::remove_dir_all(&target);
            let _ = write!(out, "round {}: {} (cold)… ", round + 1, consumer.label);
            let _ = out.flush();
            let started = Instant::now();
            if let Err(failure) = cargo(&dir, &target, &["build", "--release", "--locked"]) {
                return Ok(report_failure(out, consumer, &failure));
            }
            let seconds = started.elapsed().as_secs_f64();
            let binary = target.join("release").join(consumer.name);
            let bytes = fs::metadata(&binary)
                .map_err(|e| format!("{}: {e}", binary.display()))?
                .len();
            let _ = writeln!(out, "{seconds:.1} s, {bytes} bytes");
            measured[index].seconds.push(seconds);
            measured[index].binary_bytes = bytes;
        }
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

/// The median of some figures (the mean of the middle two for an even count).
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn print_table(out: &mut dyn Write, measured: &[Measured]) {
    let Some(floor) = measured.first() else {
        return;
    };
    let _ = writeln!(
        out,
        "\n{:<27} {:>10} {:>13} {:>15} {:>5} {:>14} {:>7}",
        "consumer", "build (s)", "min–max (s)", "ratio (range)", "deps", "binary (bytes)", "ratio"
    );
    for m in measured {
        // Each round's build against the floor's in the same round.
        let ratios: Vec<f64> = m
            .seconds
            .iter()
            .zip(&floor.seconds)
            .map(|(own, floor)| own / floor)
            .collect();
        let (low, high) = ratios
            .iter()
            .fold((f64::INFINITY, 0.0_f64), |(l, h), r| (l.min(*r), h.max(*r)));
        let (fastest, slowest) = m
            .seconds
            .iter()
            .fold((f64::INFINITY, 0.0_f64), |(l, h), s| (l.min(*s), h.max(*s)));
        let _ = writeln!(
            out,
            "{:<27} {:>10.1} {:>13} {:>15} {:>5} {:>14} {:>7.2}",
            m.label,
            median(&m.seconds),
            format!("{fastest:.1}–{slowest:.1}"),
            format!("{:.2} ({low:.2}–{high:.2})", median(&ratios)),
            m.deps,
            m.binary_bytes,
            m.binary_bytes as f64 / floor.binary_bytes as f64
        );
    }
    if let Some(lean) = measured.get(1) {
        let build = median(
            &lean
                .seconds
                .iter()
                .zip(&floor.seconds)
                .map(|(own, floor)| own / floor)
                .collect::<Vec<_>>(),
        );
        let binary = lean.binary_bytes as f64 / floor.binary_bytes as f64;
        let verdict = |met: bool| if met { "met" } else { "missed" };
        let _ = writeln!(
            out,
            "goals: lean build ≤ {LEAN_BUILD_GOAL}× the floor's: {build:.2}× ({}); \
             lean binary ≤ {LEAN_BINARY_GOAL}× the floor's: {binary:.2}× ({})",
            verdict(build <= LEAN_BUILD_GOAL),
            verdict(binary <= LEAN_BINARY_GOAL)
        );
    }
}
