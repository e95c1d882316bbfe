//! The interpreter checks: which codes they report, the forms (variants) of
//! each, and the placeholders each fills in its rule's templates.
//!
//! Everything a user reads — name, severity, documentation, wording — is in
//! `rules/interpreter.toml`; the checks decide whether a finding exists and
//! supply the facts. Codes are never reused.

use std::path::PathBuf;

use crate::base::BaseImage;
use crate::finding::{Distribution, Family, Finding, Location};
pub use crate::rules::NativeCheck;
use crate::rules::RuleSet;

/// A script whose `#!` interpreter the base cannot run.
pub const SCRIPT_INTERPRETER: NativeCheck = NativeCheck {
    code: "DL601",
    variants: &[
        "shell",
        "pip-trampoline",
        "env",
        "env-python",
        "env-program",
        "python",
        "not-runnable",
        "other",
        "python-file",
        "not-started",
    ],
    placeholders: &[
        "base",
        "script",
        "script-in-tree",
        "line",
        "interpreter",
        "program",
        "python",
        "nested",
        "evidence",
    ],
    templates: true,
};

/// A virtualenv whose own `bin/python` the base cannot run.
pub const VENV_PYTHON: NativeCheck = NativeCheck {
    code: "DL602",
    variants: &["link", "config", "not-runnable"],
    placeholders: &[
        "base", "venv", "link", "target", "key", "python", "nested", "scripts",
    ],
    templates: true,
};

/// A package tree installed for another Python version than the base's.
pub const TREE_VERSION: NativeCheck = NativeCheck {
    code: "DL603",
    variants: &["venv", "lib-dir"],
    placeholders: &[
        "base",
        "tree",
        "found",
        "evidence",
        "python-version",
        "python-minor",
        "site-packages",
    ],
    templates: true,
};

/// A distribution whose wheel tags no tag of the base's Python matches.
pub const WHEEL_TAG: NativeCheck = NativeCheck {
    code: "DL604",
    variants: &[
        "other-version",
        "abi3-too-new",
        "python2",
        "other-implementation",
    ],
    placeholders: &[
        "base",
        "distribution",
        "tags",
        "built-for",
        "python-version",
        "python-minor",
    ],
    templates: true,
};

/// A distribution whose `Requires-Python` excludes the base's Python.
pub const REQUIRES_PYTHON: NativeCheck = NativeCheck {
    code: "DL605",
    variants: &[],
    placeholders: &["base", "distribution", "requires", "python-version"],
    templates: true,
};

/// Every interpreter check, in code order.
pub const CHECKS: &[NativeCheck] = &[
    SCRIPT_INTERPRETER,
    VENV_PYTHON,
    TREE_VERSION,
    WHEEL_TAG,
    REQUIRES_PYTHON,
];

/// Where a finding points and who owns the file.
pub struct Subject {
    pub path: PathBuf,
    pub location: Option<Location>,
    pub distribution: Option<Distribution>,
}

/// A finding of `check`, worded by the rule file's case for `variant`.
pub fn finding(
    rules: &RuleSet,
    check: &NativeCheck,
    variant: Option<&str>,
    base: &BaseImage,
    subject: Subject,
    values: &[(&str, String)],
) -> Finding {
    let mut finding = rules.native_finding(
        check,
        Family::Interpreter,
        &subject.path,
        Some(base),
        variant,
        values,
    );
    finding.location = subject.location;
    finding.distribution = subject.distribution;
    for (key, value) in values {
        if FIELDS.contains(key) && !value.is_empty() {
            finding
                .fields
                .insert(key.replace('-', "_"), value.clone().into());
        }
    }
    if let Some(variant) = variant {
        finding.fields.insert("variant".into(), variant.into());
    }
    finding
}

/// Facts worth carrying into JSON and SARIF as fields, beside the text.
const FIELDS: &[&str] = &[
    "interpreter",
    "program",
    "target",
    "found",
    "built-for",
    "tags",
    "requires",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::builtin_rules;
    use crate::rules::Matcher;

    #[test]
    fn every_check_has_its_rule_in_the_interpreter_family() {
        let rules = builtin_rules();
        let codes: Vec<_> = CHECKS.iter().map(|c| c.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted, "keep the table in code order, once each");
        for check in CHECKS {
            let rule = rules.rule(check.code).expect("a rule file defines it");
            assert!(matches!(rule.matcher, Matcher::Native(_)), "{}", check.code);
            assert_eq!(rule.family, Family::Interpreter);
            assert!(check.code.starts_with("DL6"));
        }
    }
}
