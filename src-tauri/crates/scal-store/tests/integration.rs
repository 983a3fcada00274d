//! The integration tests of scal-store: one test binary (each binary links the whole crate graph
//! again, so one per crate keeps the build small), one module per concern. The crash tests are
//! the one other binary: its own `main` is also the child process they kill.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    reason = "test code and its helpers: a panic is a failing test with its location"
)]

mod common;

mod draft;
mod evidence;
mod faults;
mod model;
mod outputs;
mod refusals;
mod review;
mod snapshots;
mod upgrade;
