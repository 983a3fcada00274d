//! One test binary for everything end to end (as ripgrep does): the built `scal` binary, and
//! the real `scal-workbench` window driven through WebDriver.

mod cli;
mod desktop;
