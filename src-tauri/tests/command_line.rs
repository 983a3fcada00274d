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

/// The design's contract: `cargo build --release --bin scal` and `--bin scal-workbench` work
/// from the workspace root. Cargo looks for `--bin` among the default members only, so both
/// binaries' packages must be default members.
#[test]
fn both_contract_binaries_build_from_the_workspace_root() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let defaults: Vec<&str> = meta["workspace_default_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    for bin in ["scal", "scal-workbench"] {
        let package = meta["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| {
                p["targets"].as_array().unwrap().iter().any(|t| {
                    t["name"] == bin && t["kind"].as_array().unwrap().iter().any(|k| k == "bin")
                })
            })
            .unwrap_or_else(|| panic!("no package builds the binary {bin}"));
        let id = package["id"].as_str().unwrap();
        assert!(
            defaults.contains(&id),
            "`cargo build --bin {bin}` fails from the workspace root: {} is not a default member",
            package["name"]
        );
    }
}
