//! The rule catalogue: every code distrolint can report, with the metadata
//! the gate and the reports need (name, family, default severity, summary,
//! explanation, help, documentation link).
//!
//! It is read-only and gathered from where the rules live today: the
//! native-library table (`elf::codes::RULES`), the Python rule set (built
//! from `rules/*.toml`), and the scan diagnostics listed below, which no
//! rule file describes yet. This is the one place that knows those sources:
//! when every built-in rule is defined by a file in `rules/`, only
//! [`catalogue`] changes, and SARIF, `--select`, the configuration checks
//! and `--statistics` follow.

use crate::elf::codes::RULES as NATIVE_RULES;
use crate::finding::{Family, Severity};
use crate::python::RuleSet;

/// Code of the finding `--report-unused-ignores` produces.
pub const UNUSED_SUPPRESSION: &str = "DL910";

/// What a report or a selector needs to know about one code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    pub code: String,
    /// Short kebab-case name (`missing-library`).
    pub name: String,
    pub family: Family,
    /// The severity the rule usually reports with; a finding may differ
    /// (a rule's cases, or a library nothing links against).
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: String,
    /// What it does, why it breaks, what to do instead.
    pub explanation: String,
    /// The fix, in one paragraph.
    pub help: String,
}

impl RuleInfo {
    /// Where the rule is documented on the web, when the package says where
    /// it lives (`repository` in Cargo.toml).
    pub fn help_uri(&self) -> Option<String> {
        let repository = option_env!("CARGO_PKG_REPOSITORY").filter(|r| !r.is_empty())?;
        Some(format!(
            "{}/blob/main/docs/rules.md#{}",
            repository.trim_end_matches('/'),
            self.code.to_ascii_lowercase()
        ))
    }
}

/// Diagnostics about the scan itself (a file that cannot be read or
/// analysed), and the gate's own finding. `(code, name, severity, summary,
/// explanation, help)`.
const SCAN_CODES: &[(&str, &str, Severity, &str, &str, &str)] = &[
    (
        "DL900",
        "internal-error",
        Severity::Warning,
        "distrolint failed while analysing a file",
        "An analyser panicked on this file. The rest of the scan went on, but \
         findings in this file may be missing.",
        "this is a bug in distrolint; please report it with the file that caused it",
    ),
    (
        "DL901",
        "unreadable-file",
        Severity::Warning,
        "a file or directory could not be read",
        "The file could not be opened or read (permissions, a broken link, an \
         I/O error), so it was not analysed.",
        "fix the permissions or exclude the path; the rest of the scan went on",
    ),
    (
        "DL902",
        "not-an-elf-file",
        Severity::Warning,
        "a file named or shaped like a shared object that is not a readable ELF file",
        "A file named like a shared object (`x.so`, `libx.so.1`) is not ELF, or \
         starts like ELF but cannot be parsed. If Python or ctypes loads it, the \
         loader refuses it with `invalid ELF header`.",
        "reinstall the distribution that ships it",
    ),
    (
        "DL903",
        "undecodable-source",
        Severity::Warning,
        "a Python file that is not text in its declared encoding",
        "The bytes are not valid in the file's encoding (UTF-8, or the PEP 263 \
         declaration), so it was not analysed and Python cannot import it either.",
        "save the file as UTF-8, or declare its encoding with a PEP 263 comment",
    ),
    (
        "DL904",
        "unparsable-source",
        Severity::Warning,
        "a Python file that cannot be parsed completely",
        "Neither parser reads the file cleanly (a syntax error, or nesting deeper \
         than CPython compiles); findings below the error may be missing.",
        "fix the syntax error, or exclude the file if it is not meant to be imported",
    ),
    (
        "DL905",
        "unreadable-record",
        Severity::Info,
        "rows of a distribution's RECORD that could not be read",
        "Files are attributed to the distribution that installed them from its \
         `RECORD`; rows that cannot be read leave their files attributed by \
         location instead.",
        "reinstall the distribution to rewrite its RECORD",
    ),
    (
        UNUSED_SUPPRESSION,
        "unused-suppression",
        Severity::Warning,
        "a suppression comment that suppresses nothing",
        "A `# distrolint: ignore[...]`, `# distrolint: ignore-file[...]` or \
         `# noqa: DL...` comment names a code that has no finding where the \
         comment applies, or an `[[accept]]` entry of the configuration \
         matches no finding (reported with `--report-unused-ignores`). Stale \
         suppressions hide the next real finding they happen to match.",
        "remove the code from the comment, or the comment itself",
    ),
];

/// Every known code, in code order. `rules` is the Python rule set in use.
pub fn catalogue(rules: &RuleSet) -> Vec<RuleInfo> {
    let mut all: Vec<RuleInfo> = NATIVE_RULES
        .iter()
        .map(|rule| RuleInfo {
            code: rule.code.to_string(),
            name: rule.name.to_string(),
            family: Family::NativeLibrary,
            severity: rule.severity,
            summary: rule.summary.to_string(),
            explanation: rule.explanation.to_string(),
            help: instead_paragraph(rule.explanation)
                .unwrap_or(rule.summary)
                .to_string(),
        })
        .collect();
    all.extend(rules.rules.iter().map(|rule| {
        // A rule has cases, each with its own severity; the strongest is
        // what the rule is about. The rule-level help is each case's default.
        let severity = rule
            .cases
            .iter()
            .map(|c| c.severity)
            .max()
            .unwrap_or(Severity::Warning);
        let help = rule
            .cases
            .first()
            .map(|c| c.help.clone())
            .unwrap_or_default();
        RuleInfo {
            code: rule.code.clone(),
            name: rule.name.clone(),
            family: rule.family,
            severity,
            summary: rule.summary.clone(),
            explanation: rule
                .docs
                .as_deref()
                .map(unwrap_paragraphs)
                .unwrap_or_else(|| rule.summary.clone()),
            help,
        }
    }));
    all.extend(
        SCAN_CODES.iter().map(
            |&(code, name, severity, summary, explanation, help)| RuleInfo {
                code: code.to_string(),
                name: name.to_string(),
                family: Family::Scan,
                severity,
                summary: summary.to_string(),
                explanation: explanation.to_string(),
                help: help.to_string(),
            },
        ),
    );
    all.sort_by(|a, b| a.code.cmp(&b.code));
    all.dedup_by(|a, b| a.code == b.code);
    all
}

/// The "Instead:" paragraph of a native rule's explanation, without the
/// label.
fn instead_paragraph(explanation: &str) -> Option<&str> {
    explanation
        .split("\n\n")
        .find_map(|p| p.trim().strip_prefix("Instead:"))
        .map(str::trim)
}

/// Joins hard-wrapped lines into paragraphs separated by blank lines.
fn unwrap_paragraphs(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_code_is_catalogued_once_with_text() {
        let rules = RuleSet::builtin().unwrap();
        let all = catalogue(&rules);
        for code in [
            "DL101", "DL107", "DL201", "DL303", "DL900", "DL904", "DL910",
        ] {
            assert!(all.iter().any(|r| r.code == code), "{code} missing");
        }
        let mut codes: Vec<_> = all.iter().map(|r| &r.code).collect();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        assert!(all
            .iter()
            .all(|r| !r.name.is_empty() && !r.summary.is_empty() && !r.help.is_empty()));
        let dl101 = all.iter().find(|r| r.code == "DL101").unwrap();
        assert!(dl101.help.starts_with("copy the library"), "{}", dl101.help);
    }
}
