//! The one way `routes` writes to the terminal: standard output (colour stripped when it is not a
//! terminal or `NO_COLOR` is set), error lines and progress on standard error.
//!
//! A closed pipe (`routes validate big-dir/ | head -1`) is not a failure: from then on standard
//! output is dropped, quietly, and the command finishes as it would have (an `apply` is not cut
//! short because its reader went away). Any other failure to write standard output is kept and
//! reported once the command is done.

use std::io::{ErrorKind, IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

/// Whether the reader of standard output has gone away.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
/// The first failure to write standard output other than a closed pipe.
static STDOUT_FAILURE: Mutex<Option<String>> = Mutex::new(None);
/// Whether a progress line is on the terminal and must be cleared at the end.
static PROGRESS_SHOWN: AtomicBool = AtomicBool::new(false);

/// Writes `text` to standard output as it is.
pub fn out(text: &str) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = anstream::stdout().lock();
    let written = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    if let Err(error) = written {
        if error.kind() == ErrorKind::BrokenPipe {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
        } else if let Ok(mut failure) = STDOUT_FAILURE.lock() {
            failure.get_or_insert_with(|| format!("cannot write to standard output: {error}"));
        }
    }
}

/// Writes `value` to standard output as JSON and a newline: indented when `pretty`, else on one
/// line.
pub fn json<T: Serialize + ?Sized>(value: &T, pretty: bool) {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    out(&format!("{}\n", text.unwrap_or_default()));
}

/// The failure to write standard output, if there was one other than a closed pipe.
pub fn stdout_failure() -> Option<String> {
    STDOUT_FAILURE
        .lock()
        .ok()
        .and_then(|failure| failure.clone())
}

/// Writes `text` to standard error as it is (what would go to standard output when that holds
/// a report); a failure to do so has nowhere to be reported.
pub fn err(text: &str) {
    let _ = anstream::stderr().lock().write_all(text.as_bytes());
}

/// `error: <message>` on standard error.
pub fn error(message: &str) {
    err(&format!("error: {message}\n"));
}

/// A line on standard error that is not an error (`note: …`).
pub fn note(line: &str) {
    err(&format!("{line}\n"));
}

/// Progress after `read` routes: on a terminal one line counting up in place (from 20 on),
/// otherwise a line per fifty routes.
pub fn progress(read: usize) {
    if std::io::stderr().is_terminal() {
        if read >= 20 {
            PROGRESS_SHOWN.store(true, Ordering::Relaxed);
            err(&format!("\rread {read} routes\x1b[K"));
        }
    } else if read.is_multiple_of(50) {
        note(&format!("read {read} routes"));
    }
}

/// Clears the progress line, if one was drawn.
pub fn end_progress() {
    if PROGRESS_SHOWN.swap(false, Ordering::Relaxed) {
        err("\r\x1b[K");
    }
}

/// `value` as pretty JSON when `json`, else as `text` renders it.
pub fn result<T: Serialize>(json: bool, value: &T, text: fn(&T) -> String) {
    if json {
        self::json(value, true);
    } else {
        out(&text(value));
    }
}
