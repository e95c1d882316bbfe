//! What a rule file says: the serde types of `rules/*.toml`.
//!
//! These types are the file format and nothing else; [`super::compile`]
//! checks them and builds the matchers that run. Unknown keys are errors, so
//! a typo in a rule file fails loudly instead of silently disabling a check.
//!
//! A file holds two kinds of table, and any file may hold either:
//!
//! - `[[callable]]`: facts about a Python API that starts programs — its
//!   qualified names, and where its argv, program, shell command and
//!   `shell=` flag are passed. Groups (`spawn`, `exec`, ...) let rules refer
//!   to many callables at once; adding a callable to a group extends every
//!   rule that uses the group.
//! - `[[rule]]`: a code, the callables it applies to, and cases: conditions
//!   on what was found (the shell state, the program and whether the base
//!   ships it, base facts), each with a severity, message and help.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::finding::Severity;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleFile {
    /// Program names that are shells (`sh`, `bash`, ...), matched on the
    /// program's base name.
    #[serde(default)]
    pub shell_programs: Vec<String>,
    /// Words a shell runs without starting a program (`cd`, `export`, ...).
    #[serde(default)]
    pub shell_builtins: Vec<String>,
    #[serde(default)]
    pub callable: Vec<CallableSpec>,
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
}

/// Where one argument of a callable is passed: a position, a keyword, or
/// both (`subprocess.run(args=...)`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ArgSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CallableSpec {
    /// Qualified names, as they resolve through imports: `os.system`,
    /// `subprocess.run`.
    #[serde(default)]
    pub names: Vec<String>,
    /// Method names matched on a receiver that does not resolve to a module
    /// (`loop.subprocess_shell`, whose `loop` is any event loop).
    #[serde(default)]
    pub methods: Vec<String>,
    /// Groups rules refer to as `@group`.
    #[serde(default)]
    pub groups: Vec<String>,
    /// An argv: a list whose first item is the program, or a string (the
    /// program itself, or a shell command when the shell flag is true).
    #[serde(default)]
    pub argv: Option<ArgSpec>,
    /// The program path alone (`os.execv(path, args)`).
    #[serde(default)]
    pub program: Option<ArgSpec>,
    /// A command line that always goes through the shell (`os.system`).
    #[serde(default)]
    pub command: Option<ArgSpec>,
    /// The `shell=` flag: when true, the argv is a shell command.
    #[serde(default)]
    pub shell: Option<ArgSpec>,
    /// `executable=`: replaces the program the argv names.
    #[serde(default)]
    pub executable: Option<ArgSpec>,
    /// What happens when this call cannot run its shell or program, for the
    /// `{error}` placeholder (a rule case may say it instead).
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleSpec {
    /// Stable code, e.g. `DL201`. Never reused.
    pub code: String,
    /// Short kebab-case name, e.g. `shell-always`.
    pub name: String,
    pub family: FamilySpec,
    /// One line: what the rule finds.
    pub summary: String,
    /// Callables the rule applies to: qualified names, method names
    /// (`.subprocess_shell`) or groups (`@spawn`).
    pub callables: Vec<String>,
    /// Codes that do not fire on the same call when this rule does.
    #[serde(default)]
    pub suppresses: Vec<String>,
    /// Defaults for the cases.
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub help: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    /// Tried in order; the first whose conditions hold produces the finding.
    /// No case holding means no finding.
    pub case: Vec<CaseSpec>,
    /// Longer documentation (what, why, example, instead, references).
    #[serde(default)]
    pub docs: Option<String>,
    /// Snippets that must produce this rule's code (checked by the test
    /// suite on the default base).
    #[serde(default)]
    pub invalid: Vec<String>,
    /// Snippets that must not.
    #[serde(default)]
    pub valid: Vec<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum FamilySpec {
    Shell,
    Exec,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CaseSpec {
    #[serde(default)]
    pub when: Conditions,
    pub severity: Severity,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub help: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
}

/// All given conditions must hold; an absent condition holds always.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Conditions {
    /// The call's shell state is one of these.
    #[serde(default)]
    pub shell: Option<Vec<ShellState>>,
    /// The program's state on the base is one of these.
    #[serde(default)]
    pub program: Option<Vec<ProgramState>>,
    /// Whether the program is one of `shell-programs`.
    #[serde(default)]
    pub program_is_shell: Option<bool>,
    /// The program's base name is one of these.
    #[serde(default)]
    pub program_in: Option<Vec<String>>,
    /// Facts about the base image.
    #[serde(default)]
    pub base: BTreeMap<BaseFact, bool>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum ShellState {
    /// The callable always runs `/bin/sh` (`os.system`).
    Always,
    /// `shell=` is true.
    True,
    /// `shell=` is false or not given, or the callable has no shell.
    False,
    /// `shell=` is given a value that cannot be known statically.
    Unknown,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum ProgramState {
    /// No program (not passed, or a shell builtin such as `cd`).
    Absent,
    /// Passed, but its value cannot be known statically.
    Unknown,
    /// The base ships it and it can run.
    Found,
    /// The base does not ship it.
    Missing,
    /// The base ships it but it cannot start (a `#!/bin/bash` script on an
    /// image without bash).
    NotRunnable,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum BaseFact {
    /// The base has `/bin/sh`.
    BinSh,
    /// The base has a Python interpreter.
    Python,
}
