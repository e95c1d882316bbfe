//! The rule catalogue: every code distrolint can report, with the metadata
//! the gate and the reports need (name, family, default severity, summary,
//! explanation, help, documentation link).
//!
//! It is read-only and gathered from the rule files (`rules/*.toml`, plus
//! any user rule directories): every built-in code — native-library checks,
//! call and query rules, the scan's diagnostics and the gate's own DL910 —
//! is defined there, so SARIF, `--select`, the configuration checks and
//! `--statistics` follow the files.

use crate::checks::builtin_rules;
use crate::finding::{Family, Severity};
use crate::rules::RuleSet;
use crate::rules::{Lack, Rule};

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
    /// The whole reference page, in Markdown (`explain`'s text).
    pub markdown: String,
    /// Codes whose finding at the same place becomes part of this one.
    pub absorbs: Vec<String>,
    /// What its findings say the base lacks.
    pub lacks: Option<Lack>,
}

impl RuleInfo {
    /// Where the rule is documented on the web, when the package says where
    /// it lives (`repository` in Cargo.toml).
    pub fn help_uri(&self) -> Option<String> {
        let repository = option_env!("CARGO_PKG_REPOSITORY").filter(|r| !r.is_empty())?;
        Some(format!(
            "{}/blob/main/docs/rules/{}.md",
            repository.trim_end_matches('/'),
            self.code
        ))
    }
}

/// Every known code, in code order: the rules of `rules` (the rule set in
/// use), and the built-in ones it lacks.
pub fn catalogue(rules: &RuleSet) -> Vec<RuleInfo> {
    let mut all: Vec<RuleInfo> = rules
        .rules
        .iter()
        .chain(&builtin_rules().rules)
        .map(info)
        .collect();
    // Stable sort: a code from `rules` comes before the built-in copy.
    all.sort_by(|a, b| a.code.cmp(&b.code));
    all.dedup_by(|a, b| a.code == b.code);
    all
}

fn info(rule: &Rule) -> RuleInfo {
    // The fix in one paragraph: the documentation's "Instead" section, else
    // the rule's help when it has no placeholders, else the summary.
    let help = rule
        .docs_section("Instead")
        .map(|text| unwrap_paragraphs(&text))
        .or_else(|| rule.help.clone().filter(|h| !h.contains('{')))
        .unwrap_or_else(|| rule.summary.clone());
    RuleInfo {
        code: rule.code.clone(),
        name: rule.name.clone(),
        family: rule.family,
        severity: rule.severity,
        summary: rule.summary.clone(),
        explanation: rule
            .docs
            .as_deref()
            .map(unwrap_paragraphs)
            .unwrap_or_else(|| rule.summary.clone()),
        help,
        markdown: rule.reference_markdown(),
        absorbs: rule.absorbs.clone(),
        lacks: rule.lacks.clone(),
    }
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
        let rules = RuleSet::builtin(crate::checks::NATIVE).unwrap();
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
        assert!(
            dl101.help.to_lowercase().starts_with("copy the library"),
            "{}",
            dl101.help
        );
    }
}
