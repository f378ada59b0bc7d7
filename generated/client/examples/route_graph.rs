//! Builds a sample route graph with the typed builder, checks it, writes Mermaid and DOT
//! pictures of it, and explains how a free-plan and a pro-plan request would go; no network.
//!
//! Run with `cargo run -p cloudflare-dynamic-routing --example route_graph [output-dir]`;
//! the pictures go to the system temp dir unless a directory is given.

use std::path::PathBuf;
use std::process::ExitCode;

use cloudflare_dynamic_routing::graph::{
    self, BuildError, GraphBuilder, ModelCall, RateLimit, explain, to_dot, to_mermaid,
};
use cloudflare_dynamic_routing::types::RouteElement;
use serde_json::json;

/// Free-plan users go through a rate limit to a small model; everyone else through a 70/30
/// split between a large model (falling back to the small one) and the small one.
fn sample() -> Result<Vec<RouteElement>, BuildError> {
    let mut g = GraphBuilder::new();
    let end = g.end("end");
    let small_call = ModelCall::new("workers-ai", "@cf/meta/llama-3.1-8b-instruct")
        .retries(1)
        .timeout_ms(10_000);
    let small = g.model("small", small_call, end, end);
    let large_call = ModelCall::new("openai", "gpt-4o")
        .retries(2)
        .timeout_ms(30_000);
    let large = g.model("large", large_call, end, small);
    let split = g.percentage("split", [(70, large), (30, small)]);
    let limit = RateLimit::count(100)
        .per_seconds(3600)
        .keyed_by("metadata.user");
    let budget = g.rate("budget", limit, small, end);
    let free_plan = json!({"metadata.plan": {"$eq": "free"}});
    let plan = g.conditional("plan", free_plan, budget, split);
    g.start(plan).build()
}

fn main() -> ExitCode {
    let elements = match sample() {
        Ok(elements) => elements,
        Err(error) => {
            eprintln!("cannot build the sample graph: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(problems) = graph::validate(&elements) {
        for problem in problems {
            eprintln!("invalid: {problem}");
        }
        return ExitCode::FAILURE;
    }

    let directory = std::env::args_os()
        .nth(1)
        .map_or_else(std::env::temp_dir, PathBuf::from);
    if let Err(error) = std::fs::create_dir_all(&directory) {
        eprintln!("cannot create {}: {error}", directory.display());
        return ExitCode::FAILURE;
    }
    for (name, text) in [
        ("route.mmd", to_mermaid(&elements)),
        ("route.dot", to_dot(&elements)),
    ] {
        let path = directory.join(name);
        if let Err(error) = std::fs::write(&path, text) {
            eprintln!("cannot write {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
        println!("wrote {}", path.display());
    }

    for (plan, user) in [("free", "alice"), ("pro", "bob")] {
        let request = json!({
            "metadata": {"plan": plan, "user": user},
            "headers": {"content-type": "application/json"},
            "body": {"messages": [{"role": "user", "content": "Hello"}]},
        });
        println!("\nA {plan}-plan request:");
        print!("{}", explain(&elements, &request));
    }
    ExitCode::SUCCESS
}
