//! Tests of the built `scal` binary.
