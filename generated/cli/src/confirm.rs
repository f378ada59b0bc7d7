//! Asking before `apply` deletes: on a terminal the deletions are listed and must be confirmed
//! by typing `yes`; off a terminal nothing waits for input, and a plan that deletes is refused
//! unless `--yes` was given (as Terraform's `-auto-approve`). Nothing is sent before this.

use std::io::{BufRead as _, IsTerminal as _, Write as _};

use cloudflare_dynamic_routing::reconcile::{Action, Plan};

/// `Ok` when `plan` deletes nothing, `yes` was given, or the user confirmed on a terminal;
/// otherwise the message saying why nothing was sent.
pub fn deletions(plan: &Plan, yes: bool) -> Result<(), String> {
    let doomed: Vec<String> = plan
        .routes
        .iter()
        .filter(|route| matches!(route.action, Action::Delete))
        .map(|route| {
            format!(
                "`{}` ({})",
                route.name,
                route.route_id.as_deref().unwrap_or_default()
            )
        })
        .collect();
    if doomed.is_empty() || yes {
        return Ok(());
    }
    let count = match doomed.len() {
        1 => "1 route".to_string(),
        n => format!("{n} routes"),
    };
    if !std::io::stdin().is_terminal() {
        return Err(format!(
            "the plan deletes {count} ({}); nothing was sent: pass --yes to delete without a \
             terminal",
            doomed.join(", ")
        ));
    }
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "apply will delete {count}:");
    for route in &doomed {
        let _ = writeln!(stderr, "  {route}");
    }
    let _ = write!(stderr, "Type `yes` to apply: ");
    let _ = stderr.flush();
    let mut answer = String::new();
    match std::io::stdin().lock().read_line(&mut answer) {
        Ok(_) if answer.trim() == "yes" => Ok(()),
        _ => Err("the deletions were not confirmed; nothing was sent".to_string()),
    }
}
