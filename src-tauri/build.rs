//! Builds the web front end (ui/ -> ui/dist) when it is missing or its sources changed, so that
//! `cargo build --bin scal-workbench` alone gives a working app, then runs tauri-build.
//! Set SCAL_SKIP_UI_BUILD=1 to use ui/dist as it is (CI builds the UI in its own step).

use std::path::Path;
use std::process::Command;

fn main() {
    let ui = Path::new("../ui");
    for watched in [
        "src",
        "index.html",
        "package.json",
        "vite.config.ts",
        "public",
    ] {
        println!("cargo:rerun-if-changed=../ui/{watched}");
    }
    println!("cargo:rerun-if-env-changed=SCAL_SKIP_UI_BUILD");
    let skip = std::env::var_os("SCAL_SKIP_UI_BUILD").is_some_and(|v| v == "1");
    if !skip {
        if let Err(message) = build_ui(ui) {
            // A build script reports through cargo's error stream; this is its one way to fail.
            #[allow(
                clippy::panic,
                reason = "a build script fails by panicking with its message"
            )]
            {
                panic!("{message}");
            }
        }
    }
    tauri_build::build();
}

fn build_ui(ui: &Path) -> Result<(), String> {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    if !ui.join("node_modules").exists() {
        // `npm install`, not `npm ci`: see scripts/setup.sh for why the lock is not `ci`-clean.
        run(
            Command::new(npm).arg("install").current_dir(ui),
            "npm install",
        )?;
    }
    run(
        Command::new(npm).args(["run", "build"]).current_dir(ui),
        "npm run build",
    )
}

fn run(cmd: &mut Command, what: &str) -> Result<(), String> {
    let status = cmd.status().map_err(|e| {
        format!(
            "could not run `{what}` in ui/ to build the front end ({e}); install Node.js 20+ and npm, \
             or build ui/dist yourself and set SCAL_SKIP_UI_BUILD=1"
        )
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{what}` in ui/ failed ({status}); see its output above"
        ))
    }
}
