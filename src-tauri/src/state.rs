//! What the shell keeps between commands: the one open draft, and the paths the user has
//! chosen. No domain state lives here; the draft file is the truth.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::dto::CmdError;

/// The draft in the window, with why it is read-only when it is (the layer's opening policy).
pub use scal_app::Opened as OpenDraft;

/// A template the user has chosen but not yet acted on: read from a workbook (before "Create
/// draft") or picked for an upgrade (between the dry run and "Apply"). Held here so the file
/// is read once and what is applied is exactly what was previewed.
pub struct PendingTemplate {
    pub json: String,
    /// The workbook it was imported from: (file name, bytes), kept in the draft.
    pub workbook: Option<(String, Vec<u8>)>,
}

/// What the user is in the middle of, between a preview and its confirmation.
#[derive(Default)]
pub struct Pending {
    pub import: Option<PendingTemplate>,
    pub upgrade: Option<PendingTemplate>,
    /// The draft answers are being copied from.
    pub copy_from: Option<PathBuf>,
}

/// What the command line asked to open at launch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Launch {
    Draft { path: PathBuf, read_only: bool },
    Sample,
}

#[derive(Default)]
pub struct AppState {
    open: Mutex<Option<OpenDraft>>,
    /// Paths that came from a native dialog, a drop on the window, or the recent list. The UI
    /// can only name these: it never gets to read or write an arbitrary path.
    granted: Mutex<HashSet<PathBuf>>,
    launch: Mutex<Option<Launch>>,
    pending: Mutex<Pending>,
}

/// A poisoned lock only means an earlier command panicked; the draft file itself is consistent
/// (every write is a transaction), so carry on with what is there.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl AppState {
    pub fn new(launch: Option<Launch>) -> AppState {
        AppState {
            launch: Mutex::new(launch),
            ..AppState::default()
        }
    }

    pub fn take_launch(&self) -> Option<Launch> {
        lock(&self.launch).take()
    }

    /// Runs `f` on the open draft.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut OpenDraft) -> Result<T, CmdError>,
    ) -> Result<T, CmdError> {
        let mut guard = lock(&self.open);
        let open = guard.as_mut().ok_or_else(|| {
            CmdError::new("No draft is open: open or create one from the start screen.")
        })?;
        f(open)
    }

    /// Closes the open draft (releasing its lock on the file) and returns its path.
    pub fn close(&self) -> Option<PathBuf> {
        self.forget_draft_pending();
        lock(&self.open)
            .take()
            .map(|o| o.draft.path().to_path_buf())
    }

    /// Closes whatever is open, then opens with `open`, which runs with no draft held, so the
    /// same file can be reopened.
    pub fn replace(
        &self,
        open: impl FnOnce() -> Result<OpenDraft, CmdError>,
    ) -> Result<(), CmdError> {
        let mut guard = lock(&self.open);
        *guard = None;
        self.forget_draft_pending();
        *guard = Some(open()?);
        Ok(())
    }

    /// An upgrade or copy previewed for one draft must never be applied to another.
    fn forget_draft_pending(&self) {
        let mut p = lock(&self.pending);
        p.upgrade = None;
        p.copy_from = None;
    }

    /// Runs `f` on what is pending (an import, an upgrade, a copy).
    pub fn pending<T>(&self, f: impl FnOnce(&mut Pending) -> T) -> T {
        f(&mut lock(&self.pending))
    }

    pub fn grant(&self, path: &Path) {
        lock(&self.granted).insert(path.to_path_buf());
    }

    pub fn is_granted(&self, path: &Path) -> bool {
        lock(&self.granted).contains(path)
    }

    /// True when `path` is a granted folder or lies inside one (export outputs).
    pub fn is_inside_granted(&self, path: &Path) -> bool {
        lock(&self.granted).iter().any(|g| path.starts_with(g))
    }
}
