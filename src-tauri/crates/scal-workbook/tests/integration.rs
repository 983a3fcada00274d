//! The integration tests of scal-workbook: one test binary (each binary links the whole crate graph
//! again, so one per crate keeps the build small), one module per concern.

mod catalogue;
mod common;
mod families;
mod fill;
mod import;
mod preview;
mod xls;
