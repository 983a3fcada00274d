//! The layer's integration tests: one binary, modules by concern.

mod faces;
