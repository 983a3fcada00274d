//! The integration tests of scal-export: one test binary (each binary links the whole crate graph
//! again, so one per crate keeps the build small), one module per concern.

mod archived;
mod common;
mod pack;
mod pdf;
mod signoff;
mod workbook;
