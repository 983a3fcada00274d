//! Tests of the real desktop window through tauri-driver.
