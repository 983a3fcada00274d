//! What the test suites share, so that each has the same fixture rather than a copy of it:
//!
//! - [`SmallDisk`]: a small tmpfs mounted for one test, to fill up (the disk-full tests);
//! - [`ERS_V11`] and [`ers_v12`]: an e-RS-like template and its next version, the pair the
//!   upgrade tests of the store and of the CLI plan and apply.
//!
//! A dev-dependency of the suites only; never of a shipped crate.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test support: a failure here is a failing test"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// An e-RS-like template at v11: a service section with a Status cell and an optional evidence
/// slot, endpoint A006 (a heading and its requirement), a requirement to be reworded (A010-01),
/// one to be renumbered (A015-02), a row without an ID, a choice that will lose an option.
pub const ERS_V11: &str = include_str!("../fixtures/ers-v11.json");

/// v12 of [`ERS_V11`]: A010-01 reworded, A015-02 renumbered A015-03, the row without an ID
/// reworded a little, an option dropped from the topology choice, endpoint A006 removed, and
/// endpoints A028 and A042 added.
pub fn ers_v12() -> String {
    let added: Vec<String> = [
        ("A028-01", "The system shows the referral request summary with its priority."),
        ("A028-02", "The summary is read again after any change the user makes."),
        ("A028-03", "A 404 for the summary tells the user the referral no longer exists."),
        ("A042-01", "The system records a triage outcome against a referral awaiting triage."),
        ("A042-02", "Returning a referral to the referrer carries a reason they can read."),
        ("A042-03", "An outcome of book or defer moves the referral onto the booking worklist."),
        ("A042-04", "Clinical comments entered at triage are kept with the outcome."),
        ("A042-05", "A 409 means another clinician recorded an outcome first."),
        ("A042-06", "Each recorded outcome is audited with the user, role and time."),
    ]
    .iter()
    .map(|(id, text)| {
        format!(
            r#"{{"id": "{id}", "label": "{id}", "type": "requirement", "reference": "{id}", "level": "MUST", "text": "{text}"}}"#
        )
    })
    .collect();
    ERS_V11.replace("\"11.0.0\"", "\"12.0.0\"")
        .replace(
            r#", "Centrally Hosted Aggregator"]"#,
            "]",
        )
        .replace(
            r#"      {"id": "h-A006", "label": "A006: Retrieve Reference Data (GET)", "type": "guidance", "heading": true},
      {"id": "A006-01", "label": "Reference data", "type": "requirement", "reference": "A006-01", "level": "MUST",
       "text": "The system retrieves reference data lists and caches them for at most one day."},
"#,
            "",
        )
        .replace("up to 5 MB", "up to 20 MB")
        .replace("\"A015-02\"", "\"A015-03\"")
        .replace("\"row-7\"", "\"row-9\"")
        .replace("from session to booking.", "from logging in to booking.")
        .replace(
            "\n    ]}\n  ]\n}",
            &format!(",\n      {}\n    ]}}\n  ]\n}}", added.join(",\n      ")),
        )
}

/// A small tmpfs mounted for one test, unmounted when dropped.
pub struct SmallDisk {
    _parent: tempfile::TempDir,
    pub mount: PathBuf,
}

impl SmallDisk {
    /// `None` (after printing a SKIPPED line) when mounting is refused, which needs root;
    /// under `SCAL_REQUIRE_TMPFS=1` (CI, where it can) a refusal fails the test instead.
    pub fn mount(mebibytes: u64, test: &str) -> Option<SmallDisk> {
        let parent = tempfile::tempdir().unwrap();
        let mount = parent.path().join("small-disk");
        std::fs::create_dir(&mount).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o"])
            .arg(format!("size={mebibytes}m"))
            .arg("tmpfs")
            .arg(&mount)
            .output();
        match out {
            Ok(o) if o.status.success() => Some(SmallDisk {
                _parent: parent,
                mount,
            }),
            other => {
                let why = match other {
                    Ok(o) => String::from_utf8_lossy(&o.stderr).trim().to_string(),
                    Err(e) => e.to_string(),
                };
                let ci = std::env::var("SCAL_REQUIRE_TMPFS").is_ok_and(|v| v == "1");
                assert!(
                    !ci,
                    "{test}: cannot mount a {mebibytes} MiB tmpfs ({why}); SCAL_REQUIRE_TMPFS=1 says this machine can"
                );
                eprintln!(
                    "SKIPPED {test}: cannot mount a tmpfs to fill up ({why}); run as root to test a full disk"
                );
                None
            }
        }
    }

    /// `name` on the small disk.
    pub fn path(&self, name: &str) -> PathBuf {
        self.mount.join(name)
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        // Lazy: a file still open in a failing test must not leave the mount behind.
        let _ = Command::new("umount").arg("-l").arg(&self.mount).status();
    }
}

/// Fills the disk holding `dir` up to its last few hundred bytes, with a file that can be
/// removed later; returns the file.
pub fn fill_up(dir: &Path) -> PathBuf {
    use std::io::Write;
    let filler = dir.join("filler.bin");
    let mut f = std::fs::File::create(&filler).unwrap();
    let block = vec![0x5a_u8; 64 * 1024];
    let mut small = false;
    loop {
        let piece = if small { &block[..512] } else { &block[..] };
        match f.write_all(piece).and_then(|()| f.flush()) {
            Ok(()) => {}
            Err(_) if !small => small = true,
            Err(_) => break,
        }
    }
    let _ = f.sync_all();
    filler
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_version_differs_as_its_doc_says() {
        let v12 = ers_v12();
        assert!(ERS_V11.contains("\"11.0.0\"") && v12.contains("\"12.0.0\""));
        assert!(ERS_V11.contains("A006-01") && !v12.contains("A006-01"));
        assert!(v12.contains("A042-06") && !ERS_V11.contains("A042-06"));
    }
}
