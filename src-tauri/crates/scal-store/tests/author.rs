//! Alone in its own test binary: it changes environment variables, which must not race with
//! other tests reading them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    reason = "test code and its helpers: a panic is a failing test with its location"
)]

#[test]
fn default_author_prefers_scal_author_then_the_login_name() {
    std::env::set_var("SCAL_AUTHOR", "  Pat Jones ");
    std::env::set_var("USER", "pjones");
    assert_eq!(scal_store::default_author(), "Pat Jones");
    std::env::set_var("SCAL_AUTHOR", "");
    assert_eq!(scal_store::default_author(), "pjones");
    std::env::remove_var("SCAL_AUTHOR");
    std::env::remove_var("USER");
    std::env::set_var("USERNAME", "PJ");
    assert_eq!(scal_store::default_author(), "PJ");
    std::env::remove_var("USERNAME");
    assert_eq!(scal_store::default_author(), "unknown");
}
