//! `routes-emulator`: runs the Dynamic Routing emulator on a local port until Ctrl-C, and
//! prints the environment that points the client and the `routes` CLI at it.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use cloudflare_dynamic_routing::RateBudget;
use cloudflare_dynamic_routing_emulator::{Emulator, EmulatorConfig, RateLimit, Style};

/// A stateful in-memory emulator of Cloudflare AI Gateway Dynamic Routing's ten operations.
#[derive(Debug, Parser)]
#[command(name = "routes-emulator", version)]
struct Args {
    /// The port to listen on, on 127.0.0.1.
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Answer as the spec documents, or as the live API is known to.
    #[arg(long, value_enum, default_value_t = StyleArg::Live)]
    style: StyleArg,
    /// Live style: how many reads of a route still show the previous version after a
    /// deployment.
    #[arg(long, default_value_t = EmulatorConfig::DEFAULT_READ_LAG)]
    read_lag: u32,
    /// The only API token accepted (default: any non-empty token).
    #[arg(long)]
    token: Option<String>,
    /// Milliseconds added before answering every request, like a round trip to Cloudflare.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// The most routes a list page holds, whatever `per_page` asks; the version and deployment
    /// lists hold only the newest that many (default: no cap).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    max_per_page: Option<u64>,
    /// Enforce a rate limit: `cloudflare` (1,200 requests per 300 s, then 300 s blocked), or
    /// `REQUESTS/SECONDS` such as `30/2` (blocked for `--rate-block-s`, default the window).
    /// Over it, every request is answered 429 with `Retry-After` until the block ends.
    #[arg(long, value_name = "cloudflare|REQUESTS/SECONDS", value_parser = rate_limit)]
    rate_limit: Option<RateLimit>,
    /// With `--rate-limit REQUESTS/SECONDS`: seconds every request is refused once the quota
    /// is exceeded (default: the window).
    #[arg(long, value_name = "SECONDS", requires = "rate_limit")]
    rate_block_s: Option<u64>,
}

/// `cloudflare`, or `REQUESTS/SECONDS` blocked for the window.
fn rate_limit(text: &str) -> Result<RateLimit, String> {
    if text == "cloudflare" {
        return Ok(RateLimit::cloudflare());
    }
    let budget: RateBudget = text.parse().map_err(|e| format!("{e}, or `cloudflare`"))?;
    Ok(RateLimit::new(
        budget.quota(),
        budget.window(),
        budget.window(),
    ))
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum StyleArg {
    Documented,
    Live,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let style = match args.style {
        StyleArg::Documented => Style::Documented,
        StyleArg::Live => Style::Live,
    };
    let config = EmulatorConfig {
        style,
        read_lag: args.read_lag,
        token: args.token.clone(),
        latency: std::time::Duration::from_millis(args.latency_ms),
        ..EmulatorConfig::live()
    };
    let config = match args.max_per_page {
        Some(cap) => config.with_max_per_page(cap),
        None => config,
    };
    let config = match args.rate_limit {
        Some(limit) => config.with_rate_limit(match args.rate_block_s {
            Some(block) => RateLimit::new(
                limit.requests,
                limit.window,
                std::time::Duration::from_secs(block),
            ),
            None => limit,
        }),
        None => config,
    };
    let address = SocketAddr::from(([127, 0, 0, 1], args.port));
    let emulator = match Emulator::start_on(address, config).await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("routes-emulator: cannot listen on {address}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let base_url = emulator.base_url();
    println!("listening on {base_url} ({} style)", style.name());
    if let Some(limit) = emulator.config().rate_limit {
        println!(
            "enforcing {} requests per {} s, then {} s blocked",
            limit.requests,
            limit.window.as_secs(),
            limit.block.as_secs()
        );
    }
    println!("export CLOUDFLARE_BASE_URL={base_url}");
    // Without a configured token any non-empty one is accepted.
    let token = args.token.as_deref().unwrap_or("emulator");
    println!("export CLOUDFLARE_API_TOKEN={token}");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("routes-emulator: cannot wait for Ctrl-C: {e}");
        return ExitCode::FAILURE;
    }
    drop(emulator);
    ExitCode::SUCCESS
}
