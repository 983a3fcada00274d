//! One test binary for everything end to end (as ripgrep does): the built `scal` binary, and
//! the real `scal-workbench` window driven through WebDriver.

// Everything in this binary is test code, helpers included (clippy.toml's test exemptions only
// reach #[test] functions): a panic here is a failing test that names where it broke.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a panic is a failing test with its location"
)]

mod cli;
mod desktop;
