//! The analysers on the annotated corpus and on trees built in the tests: Python rules, native extensions, interpreters, Dockerfiles and the other files that start processes.
//!
//! One test binary per group: forty binaries spent most of a test build
//! linking the same library forty times.

#[path = "../support/mod.rs"]
mod support;

mod corpus_interpreter;
mod corpus_native;
mod corpus_python;
mod dockerfile_check;
mod dockerfile_corpus;
mod elf_compatibility;
mod elf_resolution;
mod elf_search_paths;
mod module_graph;
mod python_robustness;
mod python_rules;
mod python_runtime_data;
mod starters_corpus;
