//! The two faces (the Tauri shell in `src-tauri/src`, the CLI in `scal-cli/src`) hold no rule
//! and reach drafts and template files only through this layer. Read from their sources, so a
//! face that starts opening drafts itself, reading a template file, capping a size of its own or
//! judging completeness fails here, naming the file and line.

use std::path::{Path, PathBuf};

/// What a face must not do, and why.
const FORBIDDEN: &[(&str, &str)] = &[
    (
        "Draft::open",
        "drafts are opened through scal_app::open (one opening policy)",
    ),
    (
        "Draft::create",
        "drafts are created through scal_app::open::create",
    ),
    (
        "MAX_TEMPLATE",
        "one size cap for templates, in scal_app::source (the core's)",
    ),
    (
        "scal_core::check(",
        "the completeness report comes from scal_app::summary (one read)",
    ),
    (
        "visible_items(",
        "what is asked comes from scal_app::summary (the core decides)",
    ),
    (
        "bundled_template_json(",
        "templates are resolved by scal_app::source",
    ),
    (
        "load_template(",
        "template files are read and checked by scal_app::source",
    ),
    (
        ".set_answer(",
        "answers are saved through scal_app::ops (with its after-write summary)",
    ),
    (
        ".changed_since_last_export(",
        "what changed since the last export comes from scal_app::summary",
    ),
    ("normalized_text(", "sections are found by scal_app::names"),
];

/// Files a face may read besides drafts and templates: its own settings and test seam, the
/// answers file `scal apply` parses (the core judges it), generated TypeScript in a test.
const MAY_READ_FILES: &[&str] = &["recent.rs", "seam.rs", "answers_file.rs"];

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// A file's code without its `#[cfg(test)]` part (tests may make drafts as they like).
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    match text.find("#[cfg(test)]") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn faces() -> Vec<PathBuf> {
    let crates = manifest_dir().join("..");
    let mut files = Vec::new();
    rust_files(&crates.join("../src"), &mut files);
    rust_files(&crates.join("scal-cli/src"), &mut files);
    files.sort();
    files
}

#[test]
fn the_faces_are_where_they_are_expected() {
    let files = faces();
    let names: Vec<String> = files
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    // Both faces found: a moved folder must not make the next test pass on nothing.
    for expected in [
        "commands.rs",
        "views.rs",
        "main.rs",
        "args.rs",
        "export_cmd.rs",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} not found in {names:?}"
        );
    }
}

#[test]
fn no_face_opens_a_draft_reads_a_template_or_holds_a_rule() {
    let mut found = Vec::new();
    for file in faces() {
        let code = code_of(&file);
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            let line = line.trim_start();
            if line.starts_with("//") {
                continue;
            }
            for (pattern, why) in FORBIDDEN {
                if line.contains(pattern) {
                    found.push(format!("{}:{}: `{pattern}`: {why}", file.display(), n + 1));
                }
            }
            if !MAY_READ_FILES.contains(&name.as_str())
                && (line.contains("read_to_string(") || line.contains("fs::read("))
            {
                found.push(format!(
                    "{}:{}: a face reads a file itself: through scal_app::source or the store",
                    file.display(),
                    n + 1
                ));
            }
        }
    }
    assert!(found.is_empty(), "rules in a face:\n{}", found.join("\n"));
}
