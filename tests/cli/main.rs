//! The command line as users and CI run it: the binary's commands, configuration, output formats, baselines, suppressions, the GitHub Action, rule files and base manifests.
//!
//! One test binary per group: forty binaries spent most of a test build
//! linking the same library forty times.

#[path = "../support/mod.rs"]
mod support;

mod base_import;
mod baseline_roundtrip;
mod bases_builtin;
mod build_context;
mod cli;
mod config_files;
mod config_walk;
mod determinism;
mod github_action;
mod help_commands;
mod needs_summary;
mod output_formats;
mod rules_authoring;
mod rules_builtin;
mod rules_load_errors;
mod rules_schema;
mod sarif_schema;
mod suppress_comments;
