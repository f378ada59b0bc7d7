//! The `routes` binary run as a user runs it, in one test binary: the generated operations
//! against a mock server (`operations`), no misaddressed request from any entry point
//! (`addressing`), the offline commands (`offline`), plans as pull-request comments
//! (`plan_comment`), routes as code against the emulator in
//! both styles (`routes_as_code`), the safety of the generated subcommands and the help of every
//! command (`safety`), `test --junit` reports against the JUnit schema (`junit`), `--dry-run`
//! on the subcommands that write (`dry_run`), completion scripts and man pages
//! (`shell_and_man`). Every run starts from an empty environment (`support`).

/// The workspace's one set of fixtures (the sample graph).
#[path = "../../../client/tests/support/fixtures.rs"]
mod fixtures;

/// The changes that make a saved plan stale, shared with the client's tests.
#[path = "../../../client/tests/support/behind_the_plans_back.rs"]
mod behind_the_plans_back;

mod support;

mod addressing;
mod dry_run;
mod junit;
mod offline;
mod operations;
mod plan_comment;
mod rate_budget;
mod routes_as_code;
mod safety;
mod shell_and_man;
