//! Writing files so that a crash never leaves half of one behind, and checking that a file
//! given to be read is one: re-exported from `scal-fs`, where the one copy lives, so that the
//! store's callers keep their paths. New code uses `scal_fs` directly.

pub use scal_fs::{
    link_new, regular_file, sibling_temp_path, sync_dir, sync_folder, write_atomic, write_new,
    DurableFile, NewFile, NotReadable,
};
