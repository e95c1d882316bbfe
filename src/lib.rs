//! distrolint: finds what will break when a Python application moves onto a
//! distroless container image.
//!
//! Data flows one way: command line → settings → discovery → per-file
//! analysis in parallel → findings → suppressions → report → exit status.
//! Each step has one module; only the binary's `main` prints or exits.

pub mod base;
pub mod elf;
pub mod finding;
