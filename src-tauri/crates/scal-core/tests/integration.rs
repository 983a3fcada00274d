//! The integration tests of scal-core: one test binary (each binary links the whole crate graph
//! again, so one per crate keeps the build small), one module per concern.

mod completeness;
mod templates;
mod upgrade;
