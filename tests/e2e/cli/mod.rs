//! Tests of the built `scal` binary, against its contract (docs in `scal --help`, schemas in
//! `schemas/cli-*.schema.json`): each command's output and JSON shape, exit codes 0/1/2, and one
//! clear stderr line for every kind of bad input.
//!
//! Which binary: `cargo test` does not build the binaries of another package for a test crate,
//! so a `scal` lying next to the test executable may be stale. The first test to need it runs
//! `cargo build -p scal-cli --bin scal` (a no-op when it is up to date) into the same target
//! directory and profile as this test binary, then uses `<target>/<profile>/scal`, the
//! grandparent of `current_exe()`. Set `SCAL_BIN` to test another build (e.g. a release); when
//! cargo cannot be run at all, an existing `scal` next to the test executable is used.

// Helpers here are test code as much as the #[test] functions are (clippy.toml allows these
// in tests, but only sees #[test] and #[cfg(test)] items as tests): a panic is a failing test
// with its location, which is what a helper should give.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "end-to-end test helpers fail the test by panicking"
)]

mod apply;
mod bad_input;
mod by_reference;
mod check;
mod evidence;
mod export;
mod faults;
mod history;
mod hostile;
mod journey;
mod outputs;
pub(crate) mod review_loop;
mod show_and_answer;
mod templates;
mod upgrade;
mod workbook;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value as Json;

/// The author recorded in history by every command the tests run.
pub const AUTHOR: &str = "E2E Tester";
/// The day every check is run as, so date rules give the same answer on any day.
pub const TODAY: &str = "2026-06-15";
/// A date that is within 12 months of TODAY, in the same UK financial year, and not future.
pub const RECENT_DATE: &str = "2026-05-01";
pub const FLAGSHIP: &str = "uec-appointment-booking";

pub fn scal_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(find_or_build_scal)
}

fn find_or_build_scal() -> PathBuf {
    if let Some(bin) = std::env::var_os("SCAL_BIN") {
        return PathBuf::from(bin);
    }
    let exe = std::env::current_exe().expect("the test binary knows its own path");
    // <target>/<profile>/deps/e2e-<hash>
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test binary lives in <target>/<profile>/deps")
        .to_path_buf();
    let bin = profile_dir.join(format!("scal{}", std::env::consts::EXE_SUFFIX));
    let profile = profile_dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("debug")
        .to_string();
    let target_dir = profile_dir
        .parent()
        .expect("the profile folder has a parent");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace");
    let mut build = Command::new(cargo);
    build
        .current_dir(workspace)
        .args([
            "build",
            "--quiet",
            "-p",
            "scal-cli",
            "--bin",
            "scal",
            "--target-dir",
        ])
        .arg(target_dir);
    match profile.as_str() {
        "debug" => {}
        "release" => {
            build.arg("--release");
        }
        other => {
            build.args(["--profile", other]);
        }
    }
    match build.status() {
        Ok(status) => assert!(
            status.success(),
            "`cargo build -p scal-cli --bin scal` failed"
        ),
        Err(e) => assert!(
            bin.is_file(),
            "cannot run cargo ({e}) and there is no {}",
            bin.display()
        ),
    }
    assert!(
        bin.is_file(),
        "cargo built scal-cli but there is no {}",
        bin.display()
    );
    bin
}

/// What one run of `scal` did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from_output(args: &[String], out: Output) -> Run {
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        };
        assert!(
            !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
            "scal {args:?} panicked:\n{}",
            run.stderr
        );
        run
    }

    /// Asserts exit 0 and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "expected success; stderr: {}\nstdout: {}",
            self.stderr, self.stdout
        );
        &self.stdout
    }

    /// Asserts exit 0 and parses stdout as JSON.
    #[track_caller]
    pub fn json(&self) -> Json {
        serde_json::from_str(self.ok())
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// Asserts the bad-input contract: exit 2, nothing on stdout, exactly one stderr line
    /// starting `scal: error: ` and containing every fragment of `wanted`. Returns the line.
    #[track_caller]
    pub fn fails_with(&self, wanted: &[&str]) -> &str {
        assert_eq!(
            self.code, 2,
            "expected exit 2; stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        assert_eq!(self.stdout, "", "a failed command printed on stdout");
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "expected exactly one stderr line, got:\n{}",
            self.stderr
        );
        let line = lines[0];
        assert!(
            line.starts_with("scal: error: "),
            "stderr line is not `scal: error: ...`: {line}"
        );
        for w in wanted {
            assert!(
                line.contains(w),
                "stderr line does not mention {w:?}: {line}"
            );
        }
        line
    }
}

/// Runs `scal ARGS` with the test author and no terminal.
pub fn scal<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
    let shown: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let out = Command::new(scal_bin())
        .args(&args)
        .env("SCAL_AUTHOR", AUTHOR)
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .output()
        .expect("scal runs");
    Run::from_output(&shown, out)
}

/// A temporary folder, and paths in it.
pub struct Dir {
    pub tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            tmp: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// Writes a file (test setup only: the tests do not need crash safety).
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        #[allow(
            clippy::disallowed_methods,
            reason = "test fixture; atomicity is irrelevant here"
        )]
        std::fs::write(&path, contents).expect("write a test file");
        path
    }

    /// A new draft of the flagship template, created through the CLI.
    pub fn draft(&self, name: &str) -> PathBuf {
        let path = self.path(name);
        scal(["new", &p(&path), "--template", FLAGSHIP]).ok();
        path
    }
}

/// A path as an argument.
pub fn p(path: &Path) -> String {
    path.to_str()
        .expect("temporary paths are UTF-8")
        .to_string()
}

/// Validates `instance` against `schemas/NAME`, listing every violation on failure.
#[track_caller]
pub fn assert_matches_schema(name: &str, instance: &Json) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../schemas")
        .join(name);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let schema: Json =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{name} is not a valid schema: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "output does not match {name}:\n{}",
        errors.join("\n")
    );
}

/// `scal show DRAFT --json`, validated against its schema.
pub fn show_json(draft: &Path) -> Json {
    let json = scal(["show", &p(draft), "--json"]).json();
    assert_matches_schema("cli-show.schema.json", &json);
    json
}

/// Every item of a `show --json` document, flattened.
pub fn items(show: &Json) -> Vec<&Json> {
    show["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|s| s["items"].as_array().expect("items"))
        .collect()
}

/// `scal check DRAFT --json --today TODAY`, validated against its schema; returns (exit, json).
pub fn check_json(draft: &Path) -> (i32, Json) {
    check_json_with(draft, &["--today", TODAY])
}

/// `scal check DRAFT --json` with more arguments (`--today`, `--for`), validated likewise.
pub fn check_json_with(draft: &Path, more: &[&str]) -> (i32, Json) {
    let mut args = vec!["check".to_string(), p(draft), "--json".to_string()];
    args.extend(more.iter().map(|a| a.to_string()));
    let run = scal(&args);
    assert!(
        run.code == 0 || run.code == 1,
        "check failed: {}",
        run.stderr
    );
    let json: Json = serde_json::from_str(&run.stdout).expect("check --json prints JSON");
    assert_matches_schema("cli-check.schema.json", &json);
    assert_eq!(
        json["complete"] == true,
        run.code == 0,
        "exit code and \"complete\" disagree"
    );
    (run.code, json)
}

/// A small template whose every item the tests know by id: the value rules are tested on it,
/// independent of how the bundled templates word things.
pub const MINI_TEMPLATE: &str = r#"{
  "id": "e2e-mini",
  "version": "1.0.0",
  "title": "E2E mini SCAL",
  "publisher": "SCAL Workbench tests",
  "sections": [
    {"id": "org", "title": "Supplier and product", "kind": "form", "has_status": true, "items": [
      {"id": "supplier_name", "label": "Supplier organisation name", "type": "text"},
      {"id": "ods_code", "label": "ODS code", "type": "ods_code"},
      {"id": "contact_email", "label": "Contact email", "type": "email"},
      {"id": "product_version", "label": "Product version", "type": "version"},
      {"id": "topology", "label": "Endpoint topology", "type": "choice",
       "options": ["Centrally Hosted", "Locally Hosted"], "other": true},
      {"id": "care_settings", "label": "Care settings", "type": "multi_choice",
       "options": ["Urgent care", "Primary care", "Community"]},
      {"id": "hscn", "label": "HSCN connection", "type": "yes_no"},
      {"id": "hscn_signed", "label": "HSCN agreement signed", "type": "date",
       "visible_when": {"item": "hscn", "equals": "Yes"}}
    ]},
    {"id": "booking", "title": "Appointment booking", "kind": "service", "has_status": true, "items": [
      {"id": "tcr", "label": "Technical Conformance Report", "type": "evidence_slot", "required": false},
      {"id": "decl_usage", "label": "Declaration of usage", "type": "declaration"},
      {"id": "req_metadata", "label": "Capability statement",
       "text": "GET /metadata returns a CapabilityStatement.",
       "type": "requirement", "reference": "UEC-01", "level": "MUST"},
      {"id": "req_notes", "label": "Read the booking guidance", "type": "guidance"}
    ]}
  ]
}"#;

impl Dir {
    /// A new draft of MINI_TEMPLATE, created through the CLI from a template file.
    pub fn mini_draft(&self, name: &str) -> PathBuf {
        let template = self.file("e2e-mini.json", MINI_TEMPLATE);
        let path = self.path(name);
        scal(["new", &p(&path), "--template", &p(&template)]).ok();
        path
    }
}

/// The `show --json` entry of one item.
pub fn item<'a>(show: &'a Json, id: &str) -> &'a Json {
    items(show)
        .into_iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id} in show --json"))
}
