//! `cargo xtask`: the maintainer commands (see `xtask::run`).

use std::process::ExitCode;

fn main() -> ExitCode {
    let code = xtask::run(
        std::env::args_os(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    ExitCode::from(code)
}
