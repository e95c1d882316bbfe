//! The native-library rules: one table of stable codes. Each rule lives in
//! its own file under `rules/`, with its default severity and the reasoning
//! a user reads with `distrolint rule`.
//!
//! Codes are never reused. A finding about a library that nothing in the
//! scanned tree links against is downgraded to a warning whatever the rule's
//! default, because it breaks only if something opens that library at run
//! time (ctypes, `dlopen`).

use crate::finding::{Family, Finding, Severity};

use super::{rules, ElfObject};

/// One native-library rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NativeRule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// What it does, why it breaks, and what to do instead.
    pub explanation: &'static str,
}

impl NativeRule {
    /// A finding of this rule on `object`, carrying its distribution.
    pub fn finding(
        &self,
        object: &ElfObject,
        severity: Severity,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Finding {
        let mut finding = Finding::new(
            self.code,
            severity,
            Family::NativeLibrary,
            object.path.clone(),
            message,
            help,
        );
        finding.distribution = object.distribution.clone();
        finding
    }
}

/// Every native-library rule, by code.
pub const RULES: &[NativeRule] = &[
    rules::missing_library::RULE,
    rules::version_too_new::RULE,
    rules::wrong_libc::RULE,
    rules::wrong_architecture::RULE,
    rules::python_abi_mismatch::RULE,
    rules::build_machine_search_path::RULE,
    rules::no_dynamic_loader::RULE,
    rules::extension_without_python::RULE,
];

/// The rule with `code`, if it is a native-library rule.
pub fn rule(code: &str) -> Option<&'static NativeRule> {
    RULES.iter().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_in_order() {
        let codes: Vec<_> = RULES.iter().map(|r| r.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted, "keep the table in code order");
        let mut codes = sorted;
        let mut names: Vec<_> = RULES.iter().map(|r| r.name).collect();
        names.sort();
        let (n_codes, n_names) = (codes.len(), names.len());
        codes.dedup();
        names.dedup();
        assert_eq!((codes.len(), names.len()), (n_codes, n_names));
        assert!(RULES.iter().all(|r| r.code.starts_with("DL1")));
        assert!(RULES
            .iter()
            .all(|r| r.explanation.contains("What it does") && r.explanation.contains("Instead")));
    }
}
