//! The generated command tree (progenitor's CLI generator; `generated.rs`), as a module.

#![allow(
    missing_docs,
    clippy::all,
    clippy::pedantic,
    unused_imports,
    unused_variables,
    dead_code
)]

#[rustfmt::skip]
#[path = "generated.rs"]
mod generated;

pub use generated::*;
