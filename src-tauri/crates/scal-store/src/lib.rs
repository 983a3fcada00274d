//! The draft file.
