//! Hostile input: malformed, huge and adversarial files and trees, each one diagnostic and never a crash; the fuzzers' regressions.
//!
//! One test binary per group: forty binaries spent most of a test build
//! linking the same library forty times.

#[path = "../support/mod.rs"]
mod support;

mod elf;
mod fuzz_replay;
mod input;
mod python;
mod starters;
mod tree;
