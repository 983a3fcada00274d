//! The binary's command line, checked before any window opens. (Being an integration test of
//! this package, it also makes `cargo test --workspace` build `target/<profile>/scal-workbench`,
//! which the desktop end-to-end tests in tests/e2e/desktop drive.)

#![allow(
    clippy::unwrap_used,
    reason = "a test helper: a panic is a failing test with a location"
)]

use std::process::Command;

fn run(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_scal-workbench"))
        .args(args)
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_prints_the_usage_and_opens_no_window() {
    let (code, stderr) = run(&["--help"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("usage: scal-workbench [DRAFT.scal] [--read-only] [--sample]"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_option_is_named() {
    let (code, stderr) = run(&["--colour"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("unknown option --colour"), "{stderr}");
}
