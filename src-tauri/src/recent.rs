//! The app's own small data: the recent drafts list and whether this is a first launch. Kept in
//! the app data folder, or in `SCAL_DATA_DIR` when set (tests use it so they never touch a
//! user's data).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::dto::{CmdError, RecentDraft};

pub const DATA_DIR_ENV: &str = "SCAL_DATA_DIR";
/// How many drafts the start screen remembers.
const KEEP: usize = 10;

#[derive(Debug, Clone)]
pub struct DataDir(pub PathBuf);

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    /// Set once the user has created or opened any draft: no more sample offer.
    #[serde(default)]
    opened_once: bool,
    #[serde(default)]
    drafts: Vec<RecentDraft>,
}

impl DataDir {
    fn file(&self) -> PathBuf {
        self.0.join("recent.json")
    }

    /// A missing or unreadable list is an empty one: losing the list must never stop the app.
    fn load(&self) -> Stored {
        std::fs::read_to_string(self.file())
            .ok()
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default()
    }

    fn save(&self, stored: &Stored) -> Result<(), CmdError> {
        std::fs::create_dir_all(&self.0)
            .and_then(|()| {
                let json = serde_json::to_vec_pretty(stored).map_err(std::io::Error::other)?;
                scal_store::fsutil::write_atomic(&self.file(), &json)
            })
            .map_err(|e| {
                CmdError::new(format!(
                    "Could not save the recent drafts list in {}: {}.",
                    self.0.display(),
                    scal_core::text::io_write_reason(&e)
                ))
            })
    }

    pub fn first_launch(&self) -> bool {
        !self.load().opened_once
    }

    pub fn recent(&self) -> Vec<RecentDraft> {
        self.load().drafts
    }

    pub fn contains(&self, path: &Path) -> bool {
        self.load()
            .drafts
            .iter()
            .any(|d| Path::new(&d.path) == path)
    }

    /// Puts a draft at the top of the list (or refreshes its line there).
    pub fn remember(&self, entry: RecentDraft) -> Result<(), CmdError> {
        let mut stored = self.load();
        stored.opened_once = true;
        stored.drafts.retain(|d| d.path != entry.path);
        stored.drafts.insert(0, entry);
        stored.drafts.truncate(KEEP);
        self.save(&stored)
    }

    /// Refreshes a draft's line without moving it.
    pub fn update(&self, entry: RecentDraft) -> Result<(), CmdError> {
        let mut stored = self.load();
        if let Some(d) = stored.drafts.iter_mut().find(|d| d.path == entry.path) {
            if *d != entry {
                *d = entry;
                return self.save(&stored);
            }
        }
        Ok(())
    }

    pub fn forget(&self, path: &str) -> Result<(), CmdError> {
        let mut stored = self.load();
        stored.drafts.retain(|d| d.path != path);
        self.save(&stored)
    }

    /// Where evidence is written out to be opened with the system viewer.
    pub fn opened_evidence_dir(&self) -> PathBuf {
        self.0.join("opened-evidence")
    }

    pub fn samples_dir(&self) -> PathBuf {
        self.0.join("samples")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, percent: f64) -> RecentDraft {
        RecentDraft {
            path: path.into(),
            title: "UEC".into(),
            template: "uec 1.0.0".into(),
            percent,
            last_change: String::new(),
            exists: true,
        }
    }

    #[test]
    fn the_last_opened_draft_comes_first_and_the_first_launch_offer_goes() {
        let tmp = tempfile::tempdir().unwrap();
        let data = DataDir(tmp.path().join("data"));
        assert!(data.first_launch());
        data.remember(entry("/a.scal", 0.0)).unwrap();
        data.remember(entry("/b.scal", 0.0)).unwrap();
        data.remember(entry("/a.scal", 50.0)).unwrap();
        let paths: Vec<_> = data.recent().into_iter().map(|d| d.path).collect();
        assert_eq!(paths, ["/a.scal", "/b.scal"]);
        assert!(!data.first_launch());
        assert!(data.contains(Path::new("/b.scal")));
        data.forget("/b.scal").unwrap();
        assert!(!data.contains(Path::new("/b.scal")));
    }

    #[test]
    fn a_damaged_list_is_an_empty_one() {
        let tmp = tempfile::tempdir().unwrap();
        let data = DataDir(tmp.path().to_path_buf());
        scal_store::fsutil::write_atomic(&data.file(), b"{not json").unwrap();
        assert!(data.recent().is_empty());
        assert!(data.first_launch());
    }
}
